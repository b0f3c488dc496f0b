"""The readers' output contract: every column of the incident schema in its contract dtype, plus ``source_dataset``
and ``source_event_id``; assembling a reader's frame, dropping its rejected rows into the read report, and checking
that a file is an export of the expected dataset with the columns a reader needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ReaderError
from ..schema import EXTRA_INCIDENT_COLUMNS, coerce_frame, pandas_dtypes
from .detect import SIGNATURES, dataset_of_header, detect_dataset, header_of
from .report import rejection
from .values import Rejects, str_from_codes


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


def drop_rejected(
    df: pd.DataFrame,
    rejects: Rejects,
    report: dict[str, Any],
    *,
    line_of: Callable[[list[int]], dict[int, int]],
) -> pd.DataFrame:
    """Remove the rejected rows from ``df`` and add each one, with its file line, to ``report``."""
    if rejects:
        positions = sorted(rejects.rows)
        lines = line_of(positions)
        ids = df["source_event_id"]
        for pos in positions:
            column, reason, value = rejects.rows[pos]
            sid = ids.iloc[pos]
            report["rejected"].append(
                rejection(
                    lines.get(pos), column, reason, value, None if pd.isna(sid) else sid, line_end=rejects.ends.get(pos)
                )
            )
        keep = np.ones(len(df), dtype=bool)
        keep[positions] = False
        df = df.loc[keep].reset_index(drop=True)
    report["rejected"].sort(key=lambda r: (r["line"] is None, r["line"] or 0))
    report["rows_kept"] = len(df)
    report["rows_read"] = len(df) + len(report["rejected"])
    return df


def check_dataset(path: Path, expected: str) -> list[str]:
    """Return the file's header after checking it is an export of ``expected`` (ReaderError naming the file if not)."""
    found = detect_dataset(path)
    if found != expected:
        raise ReaderError(
            f"this is a {found.upper()} export, not {expected.upper()} (use read_{found} or read_export)",
            path=path,
            line=1,
            expected=f"a {expected.upper()} header ({', '.join(SIGNATURES[expected])}, ...)",
        )
    header = header_of(path)
    assert dataset_of_header(header) == expected
    return header


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
