"""The IS rows of an export, selected before converting: the rows that may name IS are found on the raw actor
columns, batch by batch, and only they are converted; every row is surveyed for what the read report and the
coverage need (docs/performance.md "Readers").

1. **Candidates.** A row is a candidate when one of its actor columns (``DatasetSpec.actor_columns``) holds a value
   that, whole or in one of its parts (ACLED's ``;``-separated associated actors, a composite "A and/or B"), is a
   name of the dataset's alias table for any country, or holds an IS term or "IS" as its head: the conditions of the
   rules of :mod:`incidentkit.data.readers.actors` with the country left open, so every row the rules take as IS,
   and every IS-looking name they do not take, is a candidate. The test is run once per distinct value.
2. **Survey.** Every row goes through the dataset's ``survey`` (its ids, dates and country, with the rows those
   reject) and the check of the values every record fills: the file's span, countries and rows, and the rows not
   read, come from all of its rows, as a whole conversion gives them.
3. **Conversion.** The candidate rows (all the columns the dataset reads) are converted by the dataset's own
   conversion and settled like a whole file (rows rejected, duplicates, values set blank, with their file lines);
   the rows naming IS are returned. The frame is identical to converting every row and keeping those naming IS
   (``tests/test_readers_selection.py``, on every real sample and fixture).

What is not checked in rows naming no IS actor: their values other than ids, dates, country and the values every
record fills (a latitude that is not a number in a row of two other armies is not looked at), so such a row counts
in the coverage, and values set blank or admin1 spellings (``changed``, ``places``) are those of the candidate rows.
The read report says so (``selection``). An id shared by a candidate and another row, a workbook, and a dataset
without a survey are read whole and then selected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .actors import _COMPOSITE, IS_HEAD, IS_TERMS, ActorRules, actor_rules
from .contract import finish, require_columns, settle
from .csv_text import MERGED_COLUMN, UNDEFINED_BYTES_COLUMN, record_lines, sniff_encoding
from .extent import coverage_part, merge_coverage
from .issues import RowIssues
from .names import actor_key, fold
from .report import new_report, rejection
from .source import Source
from .spec import DatasetSpec, ReadContext
from .stream import stream_csv_text
from .values import required_values

#: What a dataset's ``survey`` returns for every row: the coverage reads the first five, the id names a rejected row.
SURVEY = ("date", "date_end", "date_precision", "iso3", "country", "source_event_id")


@dataclass
class NameTest:
    """Whether an actor value could name IS (module docstring, step 1), memoised per distinct value."""

    rules: ActorRules
    aliases: set[str] = field(default_factory=set)
    memo: dict[str, bool] = field(default_factory=dict)
    known: pa.Array = field(default_factory=lambda: pa.array([], pa.string()))  #: the values tested, in Arrow
    hits: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  #: their results

    @classmethod
    def of(cls, dataset: str) -> NameTest:
        rules = actor_rules(dataset)
        names = {n for n, _ in rules.exact} | {n for n, _ in rules.folded}
        return cls(rules, names)

    def one(self, name: str) -> bool:
        name = name.strip()
        return bool(name) and (name in self.aliases or actor_key(name) in self.aliases
                               or IS_TERMS.search(fold(name)) is not None or IS_HEAD.match(name) is not None)

    def of_values(self, values: pa.Array) -> np.ndarray:
        """Return, for each value of a text array (a dictionary), whether it could name IS."""
        values = values.cast(pa.string())

        def lookup() -> np.ndarray:  # index of each value among those tested (-1: new)
            found = pc.index_in(values, value_set=self.known)
            return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)

        where = lookup()
        new = where < 0
        if new.any():
            fresh = values.filter(pa.array(new)).to_pylist()
            self.known = pa.concat_arrays([self.known, pa.array(fresh, pa.string())])
            self.hits = np.append(self.hits, [isinstance(v, str) and self(v) for v in fresh])
            where = lookup()
        return self.hits[where]

    def __call__(self, value: str) -> bool:
        hit = self.memo.get(value)
        if hit is None:
            parts = [value, *value.split(";")]
            parts += [p for part in list(parts) for p in _COMPOSITE.split(part)]
            hit = self.memo[value] = any(self.one(p) for p in parts)
        return hit


def candidate_mask(table: pa.Table, columns: tuple[str, ...], test: NameTest) -> np.ndarray:
    """Return the rows of ``table`` one of whose actor ``columns`` could name IS (each distinct value tested once:
    the values already tested are looked up in Arrow, only new ones reach Python)."""
    mask = np.zeros(table.num_rows, dtype=bool)
    for name in columns:
        if name not in table.column_names:
            continue
        col = table.column(name)
        if not pa.types.is_dictionary(col.type):
            col = col.dictionary_encode()
        offset = 0
        for chunk in col.chunks:
            hits = test.of_values(chunk.dictionary) if chunk.dictionary is not None else np.zeros(0, dtype=bool)
            if hits.any():
                idx = chunk.indices.fill_null(len(hits)).to_numpy(zero_copy_only=False)
                mask[offset : offset + len(chunk)] |= np.append(hits, False)[idx]
            offset += len(chunk)
    return mask


def _id_keys(table: pa.Table, column: str, fallback: tuple[str, ...]) -> pa.Array:
    """Return a coarse key of each row's raw id (lower case, letters and digits only, no leading zeros, nothing after
    a decimal point; a blank id: its fallback id's key, marked): two rows whose converted ids are equal have equal
    keys, so a key shared by no two rows means no duplicate id can involve a row not converted."""

    def key(name: str) -> pa.ChunkedArray:
        col = table.column(name)
        col = col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col
        col = pc.utf8_lower(col)
        if pc.all(pc.utf8_is_alnum(col)).as_py() is False:  # the usual ids ('SYR12345') need no regex
            col = pc.replace_substring_regex(col, r"\..*$", "")
            col = pc.replace_substring_regex(col, r"[^0-9a-z]+", "")
        return pc.utf8_ltrim(col, characters="0")

    out = key(column)
    for name in fallback:
        if name in table.column_names:
            out = pc.coalesce(out, pc.binary_join_element_wise("data:", key(name), ""))
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


class Collector:
    """The batch sink of the IS-only read: candidate rows whole, the survey of every row (module docstring)."""

    def __init__(self, spec: DatasetSpec, ctx_of: Any, back: dict[str, str]) -> None:
        self.spec, self.ctx_of, self.back = spec, ctx_of, back
        self.test = NameTest.of(spec.key)
        self.reset()

    def reset(self) -> None:
        self.tables: list[pa.Table] = []  #: the candidate rows of each batch, every column read
        self.positions: list[np.ndarray] = []
        self.undefined: list[np.ndarray] = []
        self.parts: list[dict[str, Any]] = []  #: the coverage of the rows not converted, batch by batch
        self.rejected: dict[int, tuple[str | None, str, object]] = {}
        self.ends: dict[int, int] = {}
        self.ids: dict[int, str | None] = {}
        self.keys: list[pa.Array] = []
        self.n = 0

    def add(self, table: pa.Table, undefined: np.ndarray | None, offset: int) -> None:
        table = table.rename_columns([self.back.get(c, c) for c in table.column_names])
        n = table.num_rows
        cand = candidate_mask(table, self.spec.actor_columns, self.test)
        ctx: ReadContext = self.ctx_of(n)
        required_values(table, self.spec.required_values, ctx.issues, self.spec.key)
        assert self.spec.survey is not None
        got = self.spec.survey(table, ctx)
        rest = ~cand & ~ctx.issues.rejected_mask(n)  # the rows not converted and kept: their coverage, now
        frame = pd.DataFrame({k: got[k] for k in SURVEY if k != "source_event_id"}, copy=False)
        self.parts.append(coverage_part(frame[rest].reset_index(drop=True), np.flatnonzero(rest) + offset))
        sid = got["source_event_id"]
        for pos, why in ctx.issues.rows.items():
            if not cand[pos]:
                self.rejected[offset + pos] = why
                self.ids[offset + pos] = None if pd.isna(sid.iloc[pos]) else str(sid.iloc[pos])
                if pos in ctx.issues.ends:
                    self.ends[offset + pos] = ctx.issues.ends[pos]
        self.keys.append(_id_keys(table, self.spec.id_column, self.spec.fallback_ids))
        where = np.flatnonzero(cand)
        self.tables.append(table.take(pa.array(where)))
        self.positions.append(where + offset)
        self.undefined.append(undefined[where] if undefined is not None else np.zeros(len(where), dtype=bool))
        self.n = offset + n


def _shared_ids(keys: list[pa.Array], cand: np.ndarray) -> bool:
    """Return True when a row not converted shares its id key with another row (their duplicates are settled by a
    whole read)."""
    if not keys:
        return False
    col = pa.chunked_array(keys, pa.string())
    if pc.count_distinct(col, mode="only_valid").as_py() == len(col) - col.null_count:
        return False  # every id distinct (the usual case)
    s = pd.Series(col.to_numpy(), dtype=object)
    dup = s.duplicated(keep=False).to_numpy() & s.notna().to_numpy()
    return bool((dup & ~cand).any())


def build_is_rows(spec: DatasetSpec, src: Source) -> pd.DataFrame | None:
    """Return the IS rows of an opened CSV export of ``spec``'s dataset, converted (module docstring), or ``None``
    when the export is to be read whole (a workbook, no survey, an id shared with a row that is not a candidate)."""
    if src.kind != "csv" or spec.survey is None or not spec.actor_columns:
        return None
    report = new_report(str(src.path), spec.key, spec.version, src.encoding)
    report.update(src.report_fields())
    norm = spec.normalise_header(src.header)
    require_columns(src.path, norm, spec.required, spec.key)
    as_written = dict(zip(norm, src.header, strict=True))
    encoding = src.encoding if src.read_path != src.path else sniff_encoding(src.path, spec.encoding)
    report["encoding"] = encoding
    read_enc = "utf-8" if src.read_path != src.path else encoding
    wanted = {as_written[c]: t for c, t in spec.columns.items() if c in as_written}
    back = {as_written[c]: c for c in spec.columns if c in as_written}

    def ctx_of(n: int) -> ReadContext:  # a batch's own context: its findings go to the sink, not the report
        return ReadContext(path=src.path, dataset=spec.key, n=n, report={"places": []}, issues=RowIssues())

    sink = Collector(spec, ctx_of, back)
    merged = stream_csv_text(src.read_path, wanted, encoding=read_enc, header=src.header, report=report, sink=sink,
                             delimiter=src.delimiter, shown_path=src.path)
    n = sink.n
    positions = np.concatenate(sink.positions) if sink.positions else np.zeros(0, dtype=np.int64)
    cand = np.zeros(n, dtype=bool)
    cand[positions] = True
    if _shared_ids(sink.keys, cand):
        return None
    if not sink.tables or any(not cand[p] for p in merged):
        return None  # rows holding merged records among those not converted: settled by a whole read
    table = pa.concat_tables(sink.tables)
    undefined = np.concatenate(sink.undefined)
    if undefined.any():
        table = table.append_column(UNDEFINED_BYTES_COLUMN, pa.array(undefined, pa.bool_()))
    at = {int(p): k for k, p in enumerate(positions)}
    if any(p in at for p in merged):
        reasons = [None] * len(positions)
        for p, why in merged.items():
            if p in at:
                reasons[at[p]] = why
        table = table.append_column(MERGED_COLUMN, pa.array(reasons, pa.string()))

    def lines(global_positions: list[int]) -> dict[int, int]:
        return record_lines(src.read_path, read_enc, global_positions, len(src.header), src.delimiter)

    m = table.num_rows
    ctx = ReadContext(path=src.path, dataset=spec.key, n=m, report=report, issues=RowIssues.from_table(table))
    required_values(table, spec.required_values, ctx.issues, spec.key)
    df = finish(spec.convert(table, ctx), m, origin=str(src.path))
    df = settle(df, ctx.issues, report, line_of=lambda ps: _lines_at(lines, positions, ps))
    kept_cand = ~ctx.issues.rejected_mask(m)
    assert ctx.actors is not None
    report["actors"] = ctx.actors.finish(kept_cand)
    report.setdefault("places", [])
    _survey_rejections(sink, lines, report)
    parts = [*sink.parts, coverage_part(df, positions[kept_cand])]
    report["coverage"] = merge_coverage(parts, spec.coded)
    report["rows_kept"] = n - len(sink.rejected) - int((~kept_cand).sum())
    report["rows_read"] = report["rows_kept"] + len(report["rejected"])
    report["selection"] = {
        "rows_converted": int(m),
        "rows_not_converted": int(n - m),
        "note": ("IS rows selected before converting: the rows naming no IS actor were checked for their ids, dates, "
                 "country and the values every record fills, not converted; values set blank and admin1 spellings "
                 "are those of the rows that may name IS"),
    }
    out = df[df["is_branch"].notna().to_numpy()].reset_index(drop=True)
    out.attrs["read_report"] = report
    return out


def _lines_at(lines: Any, positions: np.ndarray, ps: list[int]) -> dict[int, int]:
    """Return the file lines of candidate rows ``ps`` (positions among the candidates) by their rows in the file."""
    got = lines([int(positions[p]) for p in ps])
    return {p: got[int(positions[p])] for p in ps if int(positions[p]) in got}


def _survey_rejections(sink: Collector, lines: Any, report: dict[str, Any]) -> None:
    """Add the rows the survey rejected (not candidates) to the report, with their lines and ids."""
    if not sink.rejected:
        return
    at = lines(sorted(sink.rejected))
    for pos, (column, reason, value) in sorted(sink.rejected.items()):
        report["rejected"].append(rejection(at.get(pos), column, reason, value, sink.ids.get(pos),
                                            line_end=sink.ends.get(pos)))
    report["rejected"].sort(key=lambda r: (r["line"] is None, r["line"] or 0))
