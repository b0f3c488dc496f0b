"""The readers' output contract: every column of the incident schema in its contract dtype, plus ``source_dataset``
and ``source_event_id``; assembling a reader's frame, settling its rejected rows, duplicate ids and blanked values
into the read report, and checking that a file has the columns a reader needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from ...errors import ReaderError
from ..schema import EXTRA_INCIDENT_COLUMNS, coerce_frame, pandas_dtypes
from .issues import RowIssues
from .report import change, rejection
from .values import str_from_codes


def output_dtypes() -> dict[str, Any]:
    """Return ``{column: dtype}`` of a reader's output: the incident fields, then source_dataset/source_event_id."""
    dtypes = dict(pandas_dtypes("incidents"))
    for extra in EXTRA_INCIDENT_COLUMNS:
        dtypes[extra] = "str"
    return dtypes


def conforms(df: pd.DataFrame) -> bool:
    """Return True when ``df`` already has exactly the reader output's columns, order and dtypes."""
    dtypes = output_dtypes()
    if list(df.columns) != list(dtypes):
        return False
    return all(df[c].dtype == d for c, d in dtypes.items())


def _all_missing(n: int, dtype: Any) -> Any:
    if dtype == "Int64":
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    if dtype == "boolean":
        return pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    return str_from_codes(np.full(n, -1), [])


def finish(columns: dict[str, Any], n: int, *, origin: str) -> pd.DataFrame:
    """Assemble a reader's output frame: every contract column (missing ones blank), contract order and dtypes."""
    dtypes = output_dtypes()
    data: dict[str, Any] = {}
    for name, dtype in dtypes.items():
        value = columns.get(name)
        if value is None:
            if isinstance(dtype, pd.CategoricalDtype):
                value = pd.Categorical.from_codes(np.full(n, -1), dtype=dtype)
            elif dtype == "datetime64[ns]":
                value = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
            elif dtype == "float64":
                value = np.full(n, np.nan)
            else:
                value = _all_missing(n, dtype)
        if isinstance(value, pd.Series):
            value = value.reset_index(drop=True)
        data[name] = value
    df = pd.DataFrame(data, copy=False)
    return conform(df, origin=origin)


def conform(df: pd.DataFrame, *, origin: str) -> pd.DataFrame:
    """Return ``df`` in the contract dtypes: unchanged when it already conforms, else through
    :func:`incidentkit.data.schema.coerce_frame` (which raises naming ``origin`` and the column on bad values)."""
    if conforms(df):
        return df
    dtypes = output_dtypes()
    fixed = {}
    for c, d in dtypes.items():
        s = df[c]
        if s.dtype != d and d == "datetime64[ns]" and pd.api.types.is_datetime64_any_dtype(s.dtype):
            s = s.astype("datetime64[ns]")
        fixed[c] = s
    df = pd.DataFrame(fixed, index=df.index)
    if conforms(df):
        return df
    out = coerce_frame(df, "incidents", origin=origin)
    return out[list(dtypes)]


def _duplicates(df: pd.DataFrame, issues: RowIssues) -> list[list[int]]:
    """Return the groups of positions (not rejected) that share an ``incident_id``."""
    raw = df["incident_id"]
    arrow = getattr(raw.array, "_pa_array", None)  # noqa: SLF001 - the Arrow data behind pandas' str dtype
    if arrow is not None and pc.count_distinct(arrow, mode="all").as_py() == len(df):
        return []  # every id distinct (the usual case): no Python-level work
    ids = raw.astype(object)
    alive = ~issues.rejected_mask(len(df)) & ids.notna().to_numpy()
    live_ids = ids.where(alive)
    dup = live_ids.duplicated(keep=False).to_numpy() & alive
    if not dup.any():
        return []
    pos = np.flatnonzero(dup)
    groups: dict[object, list[int]] = {}
    for p, key in zip(pos, live_ids.to_numpy()[pos], strict=True):
        groups.setdefault(key, []).append(int(p))
    return list(groups.values())


def _identical(df: pd.DataFrame, positions: list[int]) -> bool:
    rows = df.iloc[positions].astype(object)
    rows = rows.where(rows.notna(), None)
    first = rows.iloc[0].tolist()
    return all(rows.iloc[k].tolist() == first for k in range(1, len(rows)))


def settle(
    df: pd.DataFrame,
    issues: RowIssues,
    report: dict[str, Any],
    *,
    line_of: Callable[[list[int]], dict[int, int]],
) -> pd.DataFrame:
    """Remove the rejected rows from ``df``; add each one, and each value set blank, to ``report`` with its file line.

    Rows sharing an event id are settled here too, none silently preferred: when they are the same record in every
    field read, the first is kept and each other one is reported as a copy of it; when they differ, every one of them
    is rejected, each naming all their lines."""
    groups = _duplicates(df, issues)
    changed = [c for c in issues.changed if c[0] not in issues.rows]
    wanted = sorted({*issues.rows, *(p for g in groups for p in g), *(c[0] for c in changed)})
    lines = line_of(wanted) if wanted else {}
    ids = df["source_event_id"]
    dup_lines: dict[int, list[int | None]] = {}
    for group in groups:
        at = [lines.get(p) for p in group]
        where = ", ".join("?" if v is None else str(v) for v in at)
        sid = ids.iloc[group[0]]
        if _identical(df, group):
            first = "?" if at[0] is None else at[0]
            for p in group[1:]:
                issues.rows[p] = ("incident_id", f"duplicate event id {sid}: the same record as line {first} "
                                  f"(lines {where}); kept once", sid)
                dup_lines[p] = at
        else:
            for p in group:
                issues.rows[p] = ("incident_id", f"duplicate event id {sid}: lines {where} hold different records "
                                  "with this id; none is kept (which one is right cannot be told)", sid)
                dup_lines[p] = at
    for pos, column, reason, value in changed:
        sid = ids.iloc[pos]
        report.setdefault("changed", []).append(
            change(lines.get(pos), column, reason, value, None if pd.isna(sid) else sid))
    if issues.rows:
        positions = sorted(issues.rows)
        for pos in positions:
            column, reason, value = issues.rows[pos]
            sid = ids.iloc[pos]
            report["rejected"].append(rejection(
                lines.get(pos), column, reason, value, None if pd.isna(sid) else sid,
                line_end=issues.ends.get(pos), lines=dup_lines.get(pos)))
        keep = np.ones(len(df), dtype=bool)
        keep[positions] = False
        df = df.loc[keep].reset_index(drop=True)
    report["rejected"].sort(key=lambda r: (r["line"] is None, r["line"] or 0))
    report.setdefault("changed", []).sort(key=lambda r: (r["line"] is None, r["line"] or 0, r["column"]))
    report["rows_kept"] = len(df)
    report["rows_read"] = len(df) + len(report["rejected"])
    return df


def require_columns(path: Path, header: list[str], required: Iterable[str], dataset: str) -> None:
    """Raise :class:`ReaderError` naming every missing required column (line 1 = the header; ``column`` = the first)."""
    missing = [c for c in required if c not in header]
    if missing:
        raise ReaderError(
            f"the {dataset.upper()} header lacks required column(s) {', '.join(repr(c) for c in missing)}",
            path=path,
            line=1,
            column=missing[0],
            expected=f"the {dataset.upper()} export's columns {', '.join(required)}",
        )
