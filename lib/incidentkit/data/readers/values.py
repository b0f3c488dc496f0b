"""Column conversions of the readers, with rejected-row bookkeeping: text, categories and numbers from the Arrow
table :func:`~incidentkit.data.readers.csv_text.read_csv_text` read, contract categories from codes, quality flags,
ISO codes from country names, and the branch and admin1 look-ups once per distinct value.

A value that does not convert rejects its row (:class:`Rejects`, with the column, the reason and the value): the
row is reported with its file line, never dropped silently and never failing the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..countries import UNKNOWN_ISO3, iso3_for_name
from ..reference import match_branch, normalise_admin1
from .csv_text import MERGED_COLUMN


class Rejects:
    """Collects rows that cannot be converted: ``{position: (column, reason, value)}`` (first problem wins)."""

    def __init__(self) -> None:
        self.rows: dict[int, tuple[str | None, str, object]] = {}
        self.ends: dict[int, int] = {}  # position -> last line, for rows spanning several lines

    @classmethod
    def from_table(cls, table: pa.Table) -> Rejects:
        """Return the rejects of a table read by :func:`read_csv_text`: its rows holding merged records first."""
        out = cls()
        if MERGED_COLUMN in table.column_names:
            reasons = table.column(MERGED_COLUMN).to_pylist()
            for pos, reason in enumerate(reasons):
                if reason is not None:
                    out.rows[pos] = (None, reason, None)
                    out.ends[pos] = int(reason.split("-", 1)[1].split(" ", 1)[0])  # "lines 11-12 were read ..."
        return out

    def add(self, mask: np.ndarray, column: str, reason: str, values: pd.Series | None = None) -> None:
        """Reject every row where ``mask`` is true."""
        for pos in np.flatnonzero(mask):
            if int(pos) not in self.rows:
                value = None if values is None else values.iloc[int(pos)]
                self.rows[int(pos)] = (column, reason, None if pd.isna(value) else value)

    def __bool__(self) -> bool:
        return bool(self.rows)


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


def number(table: pa.Table, name: str, rejects: Rejects, *, integer: bool) -> pd.Series:
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


def unknown_to_na(s: pd.Series, codes: Iterable[int]) -> pd.Series:
    """Return ``s`` with this column's unknown codes (e.g. -9, -99) as missing. Per column, never blanket."""
    return s.mask(s.isin(list(codes)))


def categorical(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    """Return a categorical from integer codes (-1 = missing) in the contract's category order."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=categories)


def map_category(values: pd.Series, mapping: Mapping[str, str], categories: list[str], default: str) -> pd.Categorical:
    """Map a text column through ``mapping`` to a contract category (values not in the mapping get ``default``).

    Works on the distinct values only (fast on millions of rows)."""
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    index = {c: i for i, c in enumerate(categories)}
    lut = np.array([index[mapping.get(v, default)] for v in cat.cat.categories] + [index[default]], dtype=np.int64)
    codes = cat.cat.codes.to_numpy()
    return categorical(lut[np.where(codes < 0, len(lut) - 1, codes)], categories)


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


def branches(dataset: str, names: pd.Series, iso3: pd.Series) -> pd.Series:
    """Return the IS branch of each actor name (exact alias look-up, ``incidentkit.data.reference.match_branch``),
    computed once per distinct (name, country) pair."""
    uniq, codes = distinct_pairs(names, iso3)
    hit = match_branch(dataset, uniq["a"].astype("str"), uniq["b"].astype("str")).astype(object).to_numpy()
    return str_from_codes(codes, hit)


def admin1_names(dataset: str, iso3: pd.Series, admin1: pd.Series) -> pd.Series:
    """Return admin1 normalised with ``data/admin1_aliases.csv`` (once per distinct (country, admin1) pair)."""
    uniq, codes = distinct_pairs(iso3, admin1)
    out = normalise_admin1(dataset, uniq["a"].astype("str"), uniq["b"].astype("str")).astype(object).to_numpy()
    return str_from_codes(codes, out)


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
