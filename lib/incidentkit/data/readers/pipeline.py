"""Reading any registered dataset: open the file once, tell the dataset from its header, read the columns the
dataset's module declares, convert them, settle rejected rows, duplicates and blanked values, and cache the result.

The steps every dataset shares (a dataset module only declares its :class:`~incidentkit.data.readers.spec.DatasetSpec`
and converts): :func:`read_dataset` -> :func:`build`.
"""

from __future__ import annotations

from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import ReaderError
from .cache import cached_read, recall_source, remember_source
from .candidates import build_is_rows
from .contract import finish, require_columns, settle
from .csv_text import read_csv_text, record_lines, sniff_encoding
from .detect import dataset_of_header, header_of, unknown_layout, wanted_column
from .extent import file_coverage
from .issues import RowIssues
from .registry import spec_of
from .report import new_report, warn_rejected
from .source import Source, file_kind, head_bytes, open_source, utf16_encoding
from .spec import DatasetSpec, ReadContext
from .values import required_values


def _is_layout(header: list[str]) -> bool:
    return dataset_of_header(header) is not None


def _choose(path: Path, header: list[str], expect: str | None, note: str | None = None) -> DatasetSpec:
    found = dataset_of_header(header)
    if found is None:
        raise unknown_layout(path, header, note)
    if expect is not None and found != expect:
        want, got = spec_of(expect), spec_of(found)
        raise ReaderError(
            f"this is a {got.name} export, not {want.name} (use read_{found} or read_export)",
            path=path,
            line=1,
            expected=f"a {want.name} header ({', '.join(want.signature)}, ...)",
        )
    return spec_of(found)


def _opening_is_costly(path: Path) -> bool:
    """True for a workbook (a parse) or UTF-16 text (a UTF-8 copy): what opening them told is remembered."""
    return file_kind(path) == "excel" or utf16_encoding(head_bytes(path)) is not None


def read_dataset(path: str | PathLike[str], expect: str | None = None, *, use_cache: bool = True,
                 only_is: bool = False) -> pd.DataFrame:
    """Read an export of a registered dataset (``expect``: its key, or None to tell it from the header) into the
    incident schema; warn (:class:`RowsRejectedWarning`) when rows were rejected or values set blank. ``only_is``
    returns only the rows naming IS, selected before converting (:mod:`.candidates`), cached apart."""
    p = Path(path)
    make = is_rows if only_is else build
    costly = _opening_is_costly(p)
    info = recall_source(p) if costly and use_cache else None
    if costly and info is None:  # open once: the header, the dataset and the rows come from this one opening
        with open_source(p, wanted=wanted_column, is_layout=_is_layout) as src:
            spec = _choose(p, src.header, expect, src.note)
            if use_cache:
                remember_source(p, {"dataset": spec.key, "sheet": src.sheet, "header": src.header})
            return _cached(p, spec, lambda: make(spec, src), use_cache, only_is)
    header = list(info["header"]) if info else header_of(p)
    spec = _choose(p, header, expect)

    def fresh() -> pd.DataFrame:
        with open_source(p, wanted=wanted_column, is_layout=_is_layout) as src:
            return make(spec, src)

    return _cached(p, spec, fresh, use_cache, only_is)


#: Added to the cache variant of the IS rows of an export (their entry is apart from the whole export's).
IS_ONLY_VARIANT = "|is-only"


def _cached(path: Path, spec: DatasetSpec, make: Callable[[], pd.DataFrame], use_cache: bool,
            only_is: bool = False) -> pd.DataFrame:
    variant = spec.variant(path) + (IS_ONLY_VARIANT if only_is else "")
    df = cached_read(path, spec.key, spec.version, make, variant=variant, use_cache=use_cache)
    warn_rejected(df.attrs["read_report"], stacklevel=5)
    return df


def _table(spec: DatasetSpec, src: Source, report: dict[str, Any]) -> tuple[Any, Callable[[list[int]], dict[int, int]]]:
    """Return the all-text Arrow table of the spec's columns (named as the spec names them) and the function giving
    the file line of table rows."""
    norm = spec.normalise_header(src.header)
    require_columns(src.path, norm, spec.required, spec.key)
    as_written = dict(zip(norm, src.header, strict=True))
    if src.kind == "excel":
        table = src.table
        renamed = {name: n for n, name in as_written.items()}
        keep = [c for c in table.column_names if renamed.get(c) in spec.columns]
        table = table.select(keep).rename_columns([renamed[c] for c in keep])

        def excel_lines(positions: list[int]) -> dict[int, int]:
            return {p: p + 2 for p in positions}  # worksheet rows; the header is row 1

        return table, excel_lines
    encoding = src.encoding if src.read_path != src.path else sniff_encoding(src.path, spec.encoding)
    report["encoding"] = src.encoding if src.read_path != src.path else encoding
    read_enc = "utf-8" if src.read_path != src.path else encoding
    wanted = {as_written[c]: t for c, t in spec.columns.items() if c in as_written}
    table = read_csv_text(src.read_path, wanted, encoding=read_enc, header=src.header, report=report,
                          delimiter=src.delimiter, shown_path=src.path)
    back = {as_written[c]: c for c in spec.columns if c in as_written}
    table = table.rename_columns([back.get(c, c) for c in table.column_names])

    def csv_lines(positions: list[int]) -> dict[int, int]:
        return record_lines(src.read_path, read_enc, positions, len(src.header), src.delimiter)

    return table, csv_lines


def is_rows(spec: DatasetSpec, src: Source) -> pd.DataFrame:
    """Return the rows naming IS of an opened export: selected before converting (:func:`.candidates.build_is_rows`)
    or, where that does not apply, converted whole and then selected (the same rows, the whole file's report)."""
    df = build_is_rows(spec, src)
    if df is not None:
        return df
    df = build(spec, src)
    report = df.attrs.pop("read_report")
    out = df[df["is_branch"].notna().to_numpy()].reset_index(drop=True)
    out.attrs["read_report"] = report
    return out


def build(spec: DatasetSpec, src: Source) -> pd.DataFrame:
    """Convert an opened export of ``spec``'s dataset: read, convert, settle, report (module docstring)."""
    report = new_report(str(src.path), spec.key, spec.version, src.encoding)
    report.update(src.report_fields())
    table, line_of = _table(spec, src, report)
    n = table.num_rows
    ctx = ReadContext(path=src.path, dataset=spec.key, n=n, report=report, issues=RowIssues.from_table(table))
    required_values(table, spec.required_values, ctx.issues, spec.key)
    columns = spec.convert(table, ctx)
    df = finish(columns, n, origin=str(src.path))
    df = settle(df, ctx.issues, report, line_of=line_of)
    kept = ~ctx.issues.rejected_mask(n)
    assert ctx.actors is not None
    report["actors"] = ctx.actors.finish(kept)
    report.setdefault("places", [])
    report["coverage"] = file_coverage(df, spec.coded)
    df.attrs["read_report"] = report
    return df

