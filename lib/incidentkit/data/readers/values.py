"""Column conversions of the readers: text, categories and numbers from the all-text Arrow table of an export,
contract categories from codes, quality flags, ISO codes from country names, coordinates and counts checked.

A value that does not convert rejects its row, and a value out of its range is set blank, each recorded in the
conversion's :class:`~incidentkit.data.readers.issues.RowIssues` with the column, the reason and the value: the row
is reported with its file line, never dropped or changed silently and never failing the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..countries import UNKNOWN_ISO3, iso3_for_name


def text(table: pa.Table, name: str, n: int | None = None) -> pd.Series:
    """Return a text column as a pandas ``str`` Series (missing when the column is absent)."""
    if name not in table.column_names:
        return pd.Series([None] * (table.num_rows if n is None else n), dtype="str")
    col = table.column(name)
    if pa.types.is_dictionary(col.type):
        col = col.cast(pa.string())
    return arrow_str(col)


def arrow_str(col: pa.Array | pa.ChunkedArray) -> pd.Series:
    """Return an Arrow text array as a pandas ``str`` Series without copying the characters."""
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    return pd.Series(pd.StringDtype("pyarrow", na_value=np.nan).__from_arrow__(col), copy=False)


def category(table: pa.Table, name: str) -> pd.Series:
    """Return a (dictionary-encoded) text column as a pandas categorical (fast look-ups on distinct values)."""
    if name not in table.column_names:
        return pd.Series(pd.Categorical([None] * table.num_rows, categories=[]))
    col = table.column(name)
    if not pa.types.is_dictionary(col.type):
        col = col.dictionary_encode()
    return col.to_pandas()


def number(table: pa.Table, name: str, rejects: Any, *, integer: bool) -> pd.Series:
    """Return a numeric column (``Int64`` or ``float64``); values that are not numbers reject their row."""
    n = table.num_rows
    if name not in table.column_names:
        return pd.Series(pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))) if integer else pd.Series(np.full(n, np.nan))
    col = table.column(name)
    if pa.types.is_dictionary(col.type):
        col = col.cast(pa.string())
    try:
        arr = pc.cast(col, pa.int64() if integer else pa.float64())
        if integer:
            return arr.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        return pd.Series(arr.to_numpy(zero_copy_only=False), dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    raw = col.to_pandas()
    num = pd.to_numeric(raw.str.strip(), errors="coerce").astype("float64")
    present = raw.notna().to_numpy()
    arr = num.to_numpy()
    failed = present & np.isnan(arr)
    if integer:
        finite = np.isfinite(arr)
        frac = np.zeros(n, dtype=bool)
        frac[finite] = arr[finite] != np.round(arr[finite])
        rejects.add(failed | frac, name, "expected a whole number", raw)
        arr = np.where(failed | frac, np.nan, arr)
        return pd.Series(arr).astype("Int64")
    rejects.add(failed, name, "expected a number", raw)
    return pd.Series(arr, dtype="float64")


def build_flags(flags: Mapping[str, np.ndarray], n: int) -> pd.Series:
    """Return the ';'-joined quality flags of each row (missing when a row has none) from boolean masks."""
    names = list(flags)
    if not names:
        return str_from_codes(np.zeros(n, dtype=np.int64), [None])
    code = np.zeros(n, dtype=np.int64)
    for bit, name in enumerate(names):
        code |= np.asarray(flags[name], dtype=bool).astype(np.int64) << bit
    present = np.flatnonzero(np.bincount(code, minlength=1 << len(names)))  # the combinations that occur
    lut = np.zeros(1 << len(names), dtype=np.int64)
    lut[present] = np.arange(len(present))
    labels = [";".join(nm for b, nm in enumerate(names) if u >> b & 1) or None for u in present]
    return str_from_codes(lut[code], labels)


def iso3_from_names(country: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Return the ISO alpha-3 code of each country name and a mask of names that could not be placed."""
    cat = country if isinstance(country.dtype, pd.CategoricalDtype) else country.astype("category")
    lut = [iso3_for_name(v) for v in cat.cat.categories]
    unmapped = np.array([v is None for v in lut] + [True])
    labels = [v or UNKNOWN_ISO3 for v in lut] + [UNKNOWN_ISO3]
    codes = cat.cat.codes.to_numpy()
    codes = np.where(codes < 0, len(lut), codes)
    return str_from_codes(codes, labels), unmapped[codes]


def as_category(s: pd.Series) -> pd.Series:
    """Return ``s`` as a categorical Series (unchanged when it already is one)."""
    return s if isinstance(s.dtype, pd.CategoricalDtype) else s.astype("category")


def _factorize(s: pd.Series) -> tuple[np.ndarray, Any]:
    """Return (codes, distinct values) of ``s``; a categorical's own codes are used as they are (no hashing)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.codes.to_numpy(), s.cat.categories
    return pd.factorize(s, use_na_sentinel=True)


def distinct_pairs(a: pd.Series, b: pd.Series) -> tuple[pd.DataFrame, np.ndarray]:
    """Return the distinct (a, b) pairs (missing kept as None) and each row's index into them."""
    ca, ua = _factorize(a)
    cb, ub = _factorize(b)
    width = len(ub) + 1
    combined = (np.asarray(ca, dtype=np.int64) + 1) * width + (np.asarray(cb, dtype=np.int64) + 1)
    codes, uniq = pd.factorize(combined)
    ia, ib = uniq // width - 1, uniq % width - 1
    va = np.array(list(ua) + [None], dtype=object)[ia]
    vb = np.array(list(ub) + [None], dtype=object)[ib]
    return pd.DataFrame({"a": va, "b": vb}), codes


def str_from_codes(codes: np.ndarray, labels: list[object] | np.ndarray) -> pd.Series:
    """Return a pandas ``str`` Series ``labels[codes]`` (code -1 or a None label = missing), built in Arrow."""
    codes = np.asarray(codes, dtype=np.int64)
    dictionary = pa.array([v if isinstance(v, str) else None for v in labels], pa.large_string())
    idx = pa.array(codes, mask=codes < 0)
    return arrow_str(dictionary.take(idx))


def joined_names(groups: list[pd.Series]) -> pd.Series:
    """Return the names of several categorical name columns joined with "; " per row (in the columns' order, blank
    ones left out; "Unknown" when all are blank), built once per distinct combination (GTD's gname, gname2, gname3)."""
    codes = [g.cat.codes.to_numpy().astype(np.int64) for g in groups]
    cats = [list(g.cat.categories) for g in groups]
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c, labels in zip(codes, cats, strict=True):
        key = key * (len(labels) + 1) + (c + 1)
    row_codes, uniq = pd.factorize(key)
    labels_out = []
    for k in uniq:
        parts = []
        for labels in reversed(cats):
            idx = int(k % (len(labels) + 1)) - 1
            k //= len(labels) + 1
            parts.append(labels[idx] if idx >= 0 and str(labels[idx]).strip() else None)
        names = [str(v) for v in reversed(parts) if v is not None]
        labels_out.append("; ".join(names) if names else "Unknown")
    return str_from_codes(row_codes, labels_out)


def enum_from_labels(values: pd.Series, categories: list[str]) -> pd.Categorical:
    """Map text labels that are the contract's own categories (GTD's ``*_txt``) to them; other labels -> 'Unknown'."""
    index = {c: i for i, c in enumerate(categories)}
    unknown = index["Unknown"]
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    lut = np.array([index.get(str(v).strip(), unknown) for v in cat.cat.categories] + [unknown], dtype=np.int64)
    codes = cat.cat.codes.to_numpy()
    return pd.Categorical.from_codes(lut[np.where(codes < 0, len(lut) - 1, codes)], categories=categories)


def required_values(table: pa.Table, columns: Iterable[str], issues: Any, dataset: str) -> None:
    """Reject rows where a column every record of the dataset fills is blank: a record cut short (and padded with
    empty fields) or broken, never a value the dataset leaves blank. The reason names every such column blank."""
    masks: dict[str, np.ndarray] = {}
    for name in columns:
        if name not in table.column_names:
            continue
        col = table.column(name)
        if pa.types.is_dictionary(col.type):  # each distinct value once
            parts = []
            for chunk in col.chunks:
                empty = pc.equal(pc.utf8_trim_whitespace(chunk.dictionary), "").fill_null(True)
                parts.append(pc.take(empty, chunk.indices).fill_null(True).to_numpy(zero_copy_only=False))
            blank = np.concatenate(parts) if parts else np.zeros(0, dtype=bool)
        else:
            blank = col.is_null().to_numpy(zero_copy_only=False)
            blank |= pc.equal(pc.utf8_trim_whitespace(col), "").fill_null(False).to_numpy(zero_copy_only=False)
        if blank.any():
            masks[name] = blank
    if not masks:
        return
    names = list(masks)
    stacked = np.vstack([masks[n] for n in names])
    for pos in np.flatnonzero(stacked.any(axis=0)):
        blank_cols = [n for k, n in enumerate(names) if stacked[k, pos]]
        issues.reject_at(pos, blank_cols[0], f"blank {', '.join(blank_cols)}: every {dataset.upper()} record fills "
                      f"{'it' if len(blank_cols) == 1 else 'them'} (a record cut short and padded with empty fields?)")


def coordinates(table: pa.Table, issues: Any, flags: dict[str, np.ndarray], lat_col: str = "latitude",
                lon_col: str = "longitude") -> tuple[pd.Series, pd.Series]:
    """Return (latitude, longitude): not numbers reject the row; a latitude outside -90..90 or a longitude outside
    -180..180 sets both blank, named in the read report (flag ``coordinates_out_of_range``); only one of the two given
    sets both blank (flag ``coordinates_incomplete``)."""
    lat = number(table, lat_col, issues, integer=False)
    lon = number(table, lon_col, issues, integer=False)
    with np.errstate(invalid="ignore"):
        bad_lat = np.abs(lat.to_numpy()) > 90
        bad_lon = np.abs(lon.to_numpy()) > 180
    issues.blank(bad_lat, lat_col, "latitude outside -90..90: latitude and longitude set blank", lat)
    issues.blank(bad_lon & ~bad_lat, lon_col, "longitude outside -180..180: latitude and longitude set blank", lon)
    out = bad_lat | bad_lon
    flags["coordinates_out_of_range"] = out
    half = (lat.isna().to_numpy() ^ lon.isna().to_numpy()) & ~out
    flags["coordinates_incomplete"] = half
    return lat.mask(out | half), lon.mask(out | half)


def count(table: pa.Table, name: str, issues: Any, unknown: Iterable[int] = ()) -> pd.Series:
    """Return a count column (``Int64``): not a whole number rejects the row; the dataset's documented unknown codes
    (``unknown``, e.g. GTD's -9 and -99) become blank; any other negative value becomes blank, named in the read
    report."""
    s = number(table, name, issues, integer=True)
    codes = list(unknown)
    is_code = s.isin(codes).fillna(False).to_numpy() if codes else np.zeros(len(s), dtype=bool)
    negative = (s < 0).fillna(False).to_numpy() & ~is_code
    known = f" and not one of the dataset's unknown codes ({', '.join(map(str, codes))})" if codes else ""
    issues.blank(negative, name, f"a negative count{known}: set blank", s)
    return s.mask(is_code | negative)
