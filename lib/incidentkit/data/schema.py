"""The data dictionary: ``data/datapackage.json`` read into field lists, pandas dtypes and enums (the descriptor
itself is read by :mod:`incidentkit.data.descriptor`, whose functions are re-exported here).

``datapackage.json`` (a Frictionless Data Package) is the single source of truth for every table's columns, types
and constraints. Nothing here hard-codes a column: the loader, the validator and the readers all ask this module.

dtype rules (see docs/architecture.md): ``string`` -> pandas ``str``; ``integer`` -> nullable ``Int64``;
``number`` -> ``float64``; ``boolean`` -> nullable ``boolean``; ``date`` -> numpy ``datetime64[ns]`` (not Arrow: seaborn
fails on Arrow timestamps); a field with an ``enum`` constraint -> ``CategoricalDtype`` in the enum's order.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataValidationError, IncidentkitError, Problem
from .descriptor import (  # noqa: F401 - re-exported: schema is where the rest of the library asks
    DATA_HELP,
    datapackage_path,
    enum_values,
    field,
    field_names,
    fields,
    load_datapackage,
    primary_key,
    resource,
    resource_names,
)

#: Columns every incident frame carries after the datapackage's own fields.
EXTRA_INCIDENT_COLUMNS: tuple[str, ...] = ("source_dataset", "source_event_id")

_INTEGER = re.compile(r"[+-]?[0-9]+")
_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}


def pandas_dtype(f: dict[str, Any]) -> Any:
    """Return the pandas dtype the library uses for one field descriptor."""
    enum = f.get("constraints", {}).get("enum")
    if enum is not None:
        return pd.CategoricalDtype(enum, ordered=False)
    return {
        "string": "str",
        "integer": "Int64",
        "number": "float64",
        "boolean": "boolean",
        "date": "datetime64[ns]",
    }[f["type"]]


def pandas_dtypes(name: str, folder: Path | None = None) -> dict[str, Any]:
    """Return ``{column: dtype}`` for a table (built once per table and version of ``datapackage.json``: dtypes are
    immutable, the dict is the caller's)."""
    path = datapackage_path(folder)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {f["name"]: pandas_dtype(f) for f in fields(name, folder)}  # fields() raises the readable error
    return dict(_dtypes(name, str(path), stamp))


@lru_cache(maxsize=64)
def _dtypes(name: str, path: str, stamp: int) -> tuple[tuple[str, Any], ...]:
    return tuple((f["name"], pandas_dtype(f)) for f in fields(name, Path(path).parent))


def empty_frame(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Return an empty frame with the table's columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=d) for c, d in pandas_dtypes(name, folder).items()})


def _line(lines: np.ndarray | None, pos: int) -> int | None:
    return None if lines is None else int(lines[pos])


def _convert(
    raw: pd.Series, f: dict[str, Any], table: str, lines: np.ndarray | None, ids: pd.Series | None
) -> tuple[pd.Series, list[Problem]]:
    """Convert one column to its contract dtype, returning the problems of values that do not convert."""
    col = f["name"]
    typ = f["type"]
    problems: list[Problem] = []
    target = pandas_dtype(f)

    if isinstance(raw.dtype, pd.CategoricalDtype) and isinstance(target, pd.CategoricalDtype):
        if list(raw.dtype.categories) == list(target.categories):
            return raw, problems
        raw = raw.astype(object)

    def bad(mask: np.ndarray, expected: str) -> None:
        for pos in np.flatnonzero(mask):
            problems.append(
                Problem(
                    table=table,
                    check="type" if typ != "string" or "enum" not in f.get("constraints", {}) else "enum",
                    column=col,
                    expected=expected,
                    value=raw.iloc[pos],
                    line=_line(lines, pos),
                    row_id=None if ids is None else (None if pd.isna(ids.iloc[pos]) else str(ids.iloc[pos])),
                )
            )

    present = raw.notna().to_numpy().copy()
    if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
        present &= (raw.astype("str").str.len() > 0).fillna(False).to_numpy(dtype=bool)

    if isinstance(target, pd.CategoricalDtype):
        values = raw.where(present, None).astype(object)
        known = values.isin(target.categories).to_numpy(dtype=bool)
        bad(present & ~known, f"one of {list(target.categories)}")
        values = values.where(known, None)
        out = pd.Series(pd.Categorical(values, categories=target.categories), index=raw.index)
        return out, problems
    if typ == "string":
        out = raw.where(present, None).astype("str")
        return out, problems
    if typ in ("integer", "number"):
        textual = not (pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype))
        if not textual:
            num = pd.to_numeric(raw, errors="coerce")
        else:
            num = pd.to_numeric(raw.where(present, None), errors="coerce")
        failed = present & num.isna().to_numpy()
        if typ == "integer" and textual:
            # as text, a whole number is written without a fraction: "6.0" is not an integer (Frictionless agrees)
            digits = raw.astype(object).map(lambda v: isinstance(v, (int, np.integer)) or bool(_INTEGER.fullmatch(str(v).strip())))
            failed |= present & ~digits.to_numpy(dtype=bool)
        if typ == "integer":
            arr = num.to_numpy(dtype="float64", na_value=np.nan)
            frac = np.zeros(len(arr), dtype=bool)
            finite = np.isfinite(arr)
            frac[finite] = arr[finite] != np.round(arr[finite])
            bad(failed | frac, "a whole number")
            return pd.Series(np.where(frac, np.nan, arr), index=raw.index).astype("Int64"), problems
        bad(failed, "a number")
        return num.astype("float64"), problems
    if typ == "boolean":
        if pd.api.types.is_bool_dtype(raw.dtype):
            return raw.astype("boolean"), problems
        text = raw.where(present, None).astype(object)
        mapped = text.map(
            lambda v: bool(v) if isinstance(v, (bool, np.bool_)) else (True if v in _TRUE else (False if v in _FALSE else None))
        )
        bad(present & mapped.isna().to_numpy(), "true or false")
        return mapped.astype("boolean"), problems
    if typ == "date":
        if pd.api.types.is_datetime64_any_dtype(raw.dtype):
            out = raw
            if getattr(out.dt, "tz", None) is not None:
                out = out.dt.tz_localize(None)
            return out.astype("datetime64[ns]"), problems
        text = raw.where(present, None)
        out = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        bad(present & out.isna().to_numpy(), "a date as YYYY-MM-DD")
        outside = ((out < pd.Timestamp.min) | (out > pd.Timestamp.max)).to_numpy(dtype=bool)
        bad(outside, f"a date between {pd.Timestamp.min.date()} and {pd.Timestamp.max.date()}")
        return out.where(~outside).astype("datetime64[ns]"), problems
    raise IncidentkitError(f"field {table}.{col}: unsupported type {typ!r} in the data package")


def coerce_with_problems(
    df: pd.DataFrame,
    name: str,
    *,
    lines: np.ndarray | None = None,
    folder: Path | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Convert ``df`` to the table's contract: columns in order, contract dtypes; extra columns kept after them.

    Returns the converted frame and the list of problems (missing columns, values that do not convert). A value that
    does not convert becomes missing in the returned frame, and is reported.
    """
    fdefs = fields(name, folder)
    problems: list[Problem] = []
    pk = primary_key(name, folder)
    ids = df[pk[0]] if len(pk) == 1 and pk[0] in df.columns else None
    out: dict[str, pd.Series] = {}
    for f in fdefs:
        col = f["name"]
        if col not in df.columns:
            problems.append(Problem(table=name, check="missing-column", column=col, expected="the column to be present"))
            out[col] = pd.Series(pd.NA, index=df.index).pipe(lambda s, f=f: s.astype(object)).pipe(
                lambda s, f=f: _convert(s, f, name, None, None)[0]
            )
            continue
        out[col], found = _convert(df[col], f, name, lines, ids)
        problems.extend(found)
    known = {f["name"] for f in fdefs}
    for col in df.columns:
        if col not in known:
            out[col] = df[col]
    return pd.DataFrame(out, index=df.index), problems


def coerce_frame(df: pd.DataFrame, name: str, *, origin: str = "", folder: Path | None = None) -> pd.DataFrame:
    """Convert ``df`` to the table's contract dtypes, raising :class:`DataValidationError` on any problem.

    ``origin`` names where the frame came from (a file path, a reader) in the error message.
    """
    out, problems = coerce_with_problems(df, name, folder=folder)
    if problems:
        raise DataValidationError(problems, source=origin or name)
    return out

