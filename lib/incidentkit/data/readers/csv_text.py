"""Reading an export's CSV fast: the encoding (a UTF-8 re-save of a cp1252 file), the header, and the columns a reader
needs as text, with rows of the wrong width reported by their file line (nothing is dropped silently).

The CSV is read with ``pyarrow.csv`` (multi-threaded, only the columns a reader needs, every cell as text); the
conversion of each column to its contract type is :mod:`incidentkit.data.readers.values`, so that a value that does
not convert names its row instead of failing the whole file.
"""

from __future__ import annotations

import csv
import mmap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ...errors import ReaderError
from .encoding import CP1252_UNDEFINED_PATTERN, decode_value, lenient, quiet_handler_decoding
from .lines import check_record_lines
from .report import rejection

#: Block size for pyarrow's CSV reader: large blocks parse faster and keep one chunk per ~16 MiB.
BLOCK_SIZE = 16 << 20
#: Text column read dictionary-encoded (few distinct values: countries, actors, dates): less memory, faster.
DICT = pa.dictionary(pa.int32(), pa.string())
#: Boolean column :func:`read_csv_text` adds when some values held bytes undefined in the file's code page (read as
#: Latin-1): true on those rows. Absent when there were none.
UNDEFINED_BYTES_COLUMN = "__undefined_bytes__"
#: Text column :func:`read_csv_text` adds when a kept row holds lines that are whole records of their own (records
#: merged by a stray quote): the reason (with the line range) on those rows, null elsewhere. :meth:`Rejects.from_table`
#: rejects them.
MERGED_COLUMN = "__merged_records__"


def sniff_encoding(path: Path, default: str) -> str:
    """Return the text encoding of a CSV export: a UTF-8 BOM or valid non-ASCII UTF-8 in the first 4 MiB means
    UTF-8, otherwise ``default`` (GTD's CSV is Windows-1252: bytes 0x93/0x94 are curly quotes)."""
    with open(path, "rb") as fh:
        head = fh.read(4 << 20)
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if default == "utf-8":
        return "utf-8"
    if head.isascii():
        return default
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the 4 MiB boundary is still UTF-8
        if exc.start < len(head) - 4:
            return default
    return "utf-8"


def read_header(path: Path, encoding: str, delimiter: str = ",") -> list[str]:
    """Return the header row of a CSV file as written (BOM removed)."""
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            row = next(csv.reader(fh, delimiter=delimiter), None)
    except OSError as exc:
        raise ReaderError(f"cannot read the file ({exc.strerror})", path=path) from exc
    if not row:
        raise ReaderError("the file is empty", path=path, line=1, expected="a header row")
    row[0] = row[0].lstrip("\ufeff")
    return [c.strip() for c in row]


def read_csv_text(
    path: Path,
    columns: Mapping[str, pa.DataType],
    *,
    encoding: str,
    header: list[str],
    report: dict[str, Any],
    delimiter: str = ",",
    shown_path: Path | None = None,
) -> pa.Table:
    """Read ``columns`` (source name -> ``pa.string()`` or :data:`DICT`) of a CSV as text, blank cells null.

    Rows with the wrong number of fields (a truncated last row, a broken quote) are not read: each is added to
    ``report["rejected"]`` with its line. Any other parse failure raises :class:`ReaderError` naming the file
    (``shown_path`` when the file parsed is a copy of it).
    """
    shown = shown_path or path
    bad_rows: list[Any] = []

    def on_invalid(row: Any) -> str:
        bad_rows.append((row.number, row.actual_columns, row.expected_columns, row.text))
        return "skip"

    undefined: np.ndarray | None = None
    if encoding.lower().replace("-", "") not in ("utf8", "utf8sig"):
        # Fast path for single-byte encodings (GTD's cp1252): pyarrow's transcoding runs a Python codec over every
        # byte on one thread. Read the bytes untranscoded instead (text columns as binary) and decode here: a chunk
        # with no byte >= 0x80 is ASCII (identical in both encodings), other chunks are decoded value by value.
        # An invalid row that is not valid UTF-8 makes pyarrow fail (it decodes the row's text for the handler):
        # then the file is read again with pyarrow transcoding it.
        try:
            table = _read(path, {c: _as_binary(t) for c, t in columns.items()}, "utf8", on_invalid, delimiter)
            table, undefined = _decode_binary(table, columns, encoding)
        except (pa.ArrowInvalid, UnicodeError):
            bad_rows.clear()
            table = None
    else:
        table = None
    if table is None:
        try:
            table = _read(path, columns, lenient(encoding), on_invalid, delimiter)
        except UnicodeDecodeError as exc:
            raise ReaderError(
                f"bytes at offset {exc.start} are not valid {encoding}", path=shown, expected=f"a {encoding} text file"
            ) from exc
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            first = str(exc).splitlines()[0][:200]
            raise ReaderError(f"not a readable CSV file ({first})", path=shown, expected="a CSV export") from exc
        if lenient(encoding) != encoding:
            undefined = _undefined_rows(table)
    if undefined is not None and undefined.any():
        report["encoding_note"] = (
            f"{int(undefined.sum())} row(s) with bytes undefined in {encoding} (0x81, 0x8D, 0x8F, 0x90, 0x9D), "
            "read as Latin-1; the rest of each value as " + encoding
        )
        table = table.append_column(UNDEFINED_BYTES_COLUMN, pa.array(undefined, pa.bool_()))
    merged = check_records(path, encoding, header, delimiter, report, table.num_rows, bad_rows)
    if merged:
        reasons: list[str | None] = [None] * table.num_rows
        for pos, reason in merged.items():
            reasons[pos] = reason
        table = table.append_column(MERGED_COLUMN, pa.array(reasons, pa.string()))
    return table


def check_records(path: Path, encoding: str, header: list[str], delimiter: str, report: dict[str, Any],
                  n_rows: int, bad_rows: list[Any]) -> dict[int, str]:
    """After a read of ``n_rows`` rows (and ``bad_rows``, the rows of the wrong width the handler saw: number,
    actual and expected fields, text): report each bad row with its lines, check the file's lines against the records
    (``report["line_check"]``, records merged by a stray quote in ``report["problems"]``) and return the reason of
    every kept row that holds merged records, by its position among the rows read."""
    starts: list[int | None] = []
    if bad_rows:
        starts = _lines_of_texts(path, encoding, [b[3] for b in bad_rows])
        starts = [number if number is not None else line for (number, *_), line in zip(bad_rows, starts, strict=True)]
    check = check_record_lines(path, lenient(encoding), n_rows + len(bad_rows), len(header), delimiter)
    report["line_check"] = {
        "lines_after_header": check.lines,
        "records_read": check.records,
        "multi_line_records": check.multi_line,
        "records_may_be_merged": sum(len(v) for v in check.swallowed.values()),
    }
    record_of_line = {int(line): r for r, line in enumerate(check.starts)} if len(check.starts) else {}
    rejected_records = set()
    for (_, actual, expected, text), start in zip(bad_rows, starts, strict=True):
        what = "truncated or broken row" if actual < expected else "row with extra fields (a broken quote?)"
        reason = f"{what}: {actual} fields, expected {expected}"
        end = None if start is None else start + text.count("\n")
        r = record_of_line.get(start) if start is not None else None
        if r is not None:
            rejected_records.add(r)
            end = int(check.ends[r])
        if start is not None and end is not None and end > start:
            reason += f"; it spans lines {start}-{end}: records may be merged (a stray quote?)"
            if r is not None and r in check.swallowed:
                inner = check.swallowed[r]
                reason += f"; line(s) {', '.join(map(str, inner))} hold whole records of their own, not read"
        report["rejected"].append(rejection(start, None, reason, text, line_end=end))
    kept_merged = sorted(r for r in check.swallowed if r not in rejected_records)
    merged: dict[int, str] = {}
    if kept_merged:
        rejected_sorted = np.array(sorted(rejected_records), dtype=np.int64)
        for r in kept_merged:
            pos = r - int(np.searchsorted(rejected_sorted, r))  # the record's row in the table
            start, end, inner = int(check.starts[r]), int(check.ends[r]), check.swallowed[r]
            merged[pos] = (
                f"lines {start}-{end} were read as one row, but line(s) {', '.join(map(str, inner))} hold whole "
                "records of their own: records may be merged (a stray quote?); the row and those records not read"
            )
    if check.swallowed:
        inner = sorted(k for v in check.swallowed.values() for k in v)
        shown = ", ".join(map(str, inner[:20])) + (", ..." if len(inner) > 20 else "")
        report["problems"].append(
            f"the file's lines imply {check.records + len(inner)} record(s) but {check.records} were read: "
            f"{len(inner)} record(s) on line(s) {shown} were read inside other rows (records merged by a stray "
            "quote?) and are not in the result"
        )
    if not check.mapped:
        report["problems"].append(
            f"the file has {check.lines} line(s) after the header but {check.records} record(s) were read, and the "
            "lines of each record could not be told: records may be merged (a stray quote?)"
        )
    return merged


def _read(
    path: Path, columns: Mapping[str, pa.DataType], encoding: str, on_invalid: Callable[[Any], str], delimiter: str = ","
) -> pa.Table:
    """Read with pyarrow. First without ``newlines_in_values`` (its quote-aware chunking halves the speed); a line
    break inside a quoted value then always leaves a fragment with too few fields, so any invalid row makes the file
    be read again with ``newlines_in_values=True``, whose invalid rows are the ones reported. A value longer than a
    block (:data:`BLOCK_SIZE`) makes the read be repeated with blocks as large as the file."""
    seen: list[Any] = []

    def probe(row: Any) -> str:
        seen.append(row)
        return "skip"

    block = BLOCK_SIZE

    def once(newlines: bool, handler: Callable[[Any], str]) -> pa.Table:
        read_opts = pacsv.ReadOptions(encoding=encoding, block_size=block, use_threads=True)
        parse_opts = pacsv.ParseOptions(newlines_in_values=newlines, invalid_row_handler=handler, delimiter=delimiter)
        convert_opts = pacsv.ConvertOptions(
            include_columns=list(columns),
            column_types=dict(columns),
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            null_values=[""],
        )
        with quiet_handler_decoding(handler):
            return pacsv.read_csv(
                path, read_options=read_opts, parse_options=parse_opts, convert_options=convert_opts
            )

    try:
        table = once(False, probe)
        if not seen:
            return table
    except pa.ArrowInvalid:
        pass
    try:
        return once(True, on_invalid)
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc) and "block" not in str(exc):
            raise
    block = max(BLOCK_SIZE, min(path.stat().st_size + 1, (1 << 31) - 1))  # a value longer than a block
    return once(True, on_invalid)


def _as_binary(t: pa.DataType) -> pa.DataType:
    return pa.dictionary(pa.int32(), pa.binary()) if pa.types.is_dictionary(t) else pa.binary()


def _decode_array(arr: pa.Array, encoding: str) -> tuple[pa.Array, np.ndarray | None]:
    """Return a binary array decoded, and the positions of values with undefined bytes (``None`` when none)."""
    data = arr.buffers()[2]
    if data is None or np.frombuffer(data, dtype=np.uint8).max(initial=0) < 0x80:
        return arr.cast(pa.string()), None
    out: list[str | None] = []
    odd: list[int] = []
    for i, v in enumerate(arr.to_pylist()):
        if v is None:
            out.append(None)
            continue
        text, fell_back = decode_value(v, encoding)
        out.append(text)
        if fell_back:
            odd.append(i)
    return pa.array(out, pa.string()), (np.array(odd, dtype=np.int64) if odd else None)


def _decode_binary(
    table: pa.Table, columns: Mapping[str, pa.DataType], encoding: str
) -> tuple[pa.Table, np.ndarray | None]:
    """Decode the binary columns of an untranscoded read into text (dictionary columns: distinct values only).

    Returns the table and a row mask of values that held bytes undefined in ``encoding`` (``None`` when none did)."""
    undefined: np.ndarray | None = None
    out = []
    for name in table.column_names:
        chunks = []
        offset = 0
        for chunk in table.column(name).chunks:
            if pa.types.is_dictionary(chunk.type):
                values, odd = _decode_array(chunk.dictionary, encoding)
                chunks.append(pa.DictionaryArray.from_arrays(chunk.indices, values))
                rows = None
                if odd is not None:
                    hit = pc.is_in(chunk.indices, pa.array(odd, chunk.indices.type)).fill_null(False)
                    rows = np.flatnonzero(hit.to_numpy(zero_copy_only=False))
            else:
                decoded, rows = _decode_array(chunk, encoding)
                chunks.append(decoded)
            if rows is not None and len(rows):
                if undefined is None:
                    undefined = np.zeros(table.num_rows, dtype=bool)
                undefined[rows + offset] = True
            offset += len(chunk)
        out.append(pa.chunked_array(chunks, type=columns[name]))
    return pa.table(out, names=table.column_names), undefined


def _undefined_rows(table: pa.Table) -> np.ndarray:
    """Return the row mask of text values holding U+0081/8D/8F/90/9D (bytes undefined in cp1252, read as Latin-1)."""
    mask = np.zeros(table.num_rows, dtype=bool)
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_dictionary(col.type):
            for chunk_start, chunk in _chunks_with_offsets(col):
                bad = pc.match_substring_regex(chunk.dictionary, CP1252_UNDEFINED_PATTERN).fill_null(False)
                if pc.any(bad).as_py():
                    hit = pc.take(bad, chunk.indices).fill_null(False).to_numpy(zero_copy_only=False)
                    mask[chunk_start : chunk_start + len(chunk)] |= hit
        elif pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            bad = pc.match_substring_regex(col, CP1252_UNDEFINED_PATTERN).fill_null(False)
            mask |= bad.to_numpy(zero_copy_only=False)
    return mask


def _chunks_with_offsets(col: pa.ChunkedArray) -> list[tuple[int, pa.Array]]:
    out, start = [], 0
    for chunk in col.chunks:
        out.append((start, chunk))
        start += len(chunk)
    return out


def _lines_of_texts(path: Path, encoding: str, texts: list[str]) -> list[int | None]:
    """Return the physical line on which each row text starts (pyarrow does not say when reading in threads)."""
    out: list[int | None] = []
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        start = 0
        for text in texts:
            pos = -1
            for enc in (lenient(encoding), "utf-8"):
                try:
                    needle = text.encode(enc)
                except UnicodeEncodeError:
                    continue
                pos = mm.find(needle, start)
                if pos < 0:
                    pos = mm.find(needle)
                if pos >= 0:
                    break
            if pos < 0:
                out.append(None)
                continue
            out.append(mm[:pos].count(b"\n") + 1 if pos < (64 << 20) else _count_newlines(mm, pos) + 1)
            start = pos + 1
    return out


def _count_newlines(mm: mmap.mmap, end: int) -> int:
    count, pos, step = 0, 0, 64 << 20
    while pos < end:
        count += mm[pos : min(end, pos + step)].count(b"\n")
        pos += step
    return count


def record_lines(
    path: Path, encoding: str, positions: Iterable[int], n_fields: int, delimiter: str = ","
) -> dict[int, int]:
    """Return ``{record position: starting line}`` for rows of the table pyarrow read from ``path``.

    Positions count the rows pyarrow kept (blank lines and rows of the wrong width are skipped the same way here).
    Only used when a row is rejected, so the slow scan with :mod:`csv` runs only then.
    """
    wanted = set(int(p) for p in positions)
    found: dict[int, int] = {}
    if not wanted:
        return found
    last = max(wanted)
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        next(reader, None)
        start = reader.line_num + 1
        pos = 0
        for rec in reader:
            if rec and len(rec) == n_fields:
                if pos in wanted:
                    found[pos] = start
                pos += 1
                if pos > last:
                    break
            start = reader.line_num + 1
    return found
