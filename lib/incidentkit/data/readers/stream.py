"""Reading a CSV export in streamed batches, for files bigger than memory: the same parsing, encodings and row checks
as :func:`incidentkit.data.readers.csv_text.read_csv_text`, batch by batch (``pyarrow.csv.open_csv``).

Each batch (about :data:`~incidentkit.data.readers.csv_text.BLOCK_SIZE` bytes of the file) is handed to a
:class:`BatchSink` with the position of its first row among the rows read, then dropped: what the sink keeps is all
the memory the read holds. The read follows ``read_csv_text`` step for step: first without ``newlines_in_values``
(any row of the wrong width makes it start again with it, the sink told to forget what it got), Windows-1252 read as
bytes and decoded here, a value longer than a block read again with blocks as large as the file; rows of the wrong
width and records merged by a stray quote are reported by the same code
(:func:`~incidentkit.data.readers.csv_text.check_records`).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ...errors import ReaderError
from .csv_text import BLOCK_SIZE, _as_binary, _decode_binary, _undefined_rows, check_records
from .encoding import lenient, quiet_handler_decoding


class BatchSink(Protocol):
    """What receives the batches of a streamed read."""

    def reset(self) -> None:
        """Forget every batch received: the read starts again from the first row."""

    def add(self, table: pa.Table, undefined: np.ndarray | None, offset: int) -> None:
        """Take one batch (text columns as the reader named them), the mask of its rows holding bytes undefined in
        the file's code page (``None``: none), and the position of its first row among the rows read."""


class _Restart(Exception):
    """The read must start again (a row of the wrong width seen without ``newlines_in_values``)."""


def _options(columns: Mapping[str, pa.DataType], encoding: str, handler: Callable[[Any], str], delimiter: str,
             newlines: bool, block: int, threads: bool) -> dict[str, Any]:
    return {
        "read_options": pacsv.ReadOptions(encoding=encoding, block_size=block, use_threads=threads),
        "parse_options": pacsv.ParseOptions(newlines_in_values=newlines, invalid_row_handler=handler,
                                            delimiter=delimiter),
        "convert_options": pacsv.ConvertOptions(include_columns=list(columns), column_types=dict(columns),
                                                strings_can_be_null=True, quoted_strings_can_be_null=True,
                                                null_values=[""]),
    }


def _pieces(fh: BinaryIO, block: int) -> Iterator[bytes]:
    """Yield the rest of an open file in pieces of about ``block`` bytes, each ending after a line break (read, not
    mapped: the file's pages do not stay in the process)."""
    while piece := fh.read(block):
        yield piece + (fh.readline() if not piece.endswith(b"\n") else b"")


def _batches(path: Path, columns: Mapping[str, pa.DataType], encoding: str, handler: Callable[[Any], str],
             delimiter: str, newlines: bool, block: int) -> Iterator[pa.Table]:
    """Yield the file's rows in batches, in order. Without ``newlines_in_values`` every line is a row: the file is
    cut into ranges at line breaks, parsed by :data:`WORKERS` threads at once (a few ranges ahead at most, so the
    memory held stays a few blocks); with it, by pyarrow's streaming reader (one thread: a line break may be inside
    a value, so the file cannot be cut)."""
    if newlines:
        opts = _options(columns, encoding, handler, delimiter, True, block, True)
        with quiet_handler_decoding(handler), pacsv.open_csv(path, **opts) as reader:
            for batch in reader:
                yield pa.Table.from_batches([batch])
        return
    opts = _options(columns, encoding, handler, delimiter, False, block, False)
    with open(path, "rb") as fh, quiet_handler_decoding(handler), ThreadPoolExecutor(WORKERS) as pool:
        header = fh.readline()

        def parse(piece: bytes) -> pa.Table:
            return pacsv.read_csv(pa.py_buffer(header + piece), **opts)

        pending: deque[Future[pa.Table]] = deque()
        for piece in _pieces(fh, block):
            pending.append(pool.submit(parse, piece))
            if len(pending) > WORKERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


#: Bytes per batch when the file is read as bytes and decoded here (Windows-1252): decoding a batch's non-ASCII text
#: builds Python strings, so smaller batches keep the memory held down (measured on the GTD bench file: 16 MiB batches
#: peak at 383 MiB, 4 MiB at 221 MiB, in the same time).
DECODE_BLOCK_SIZE = 4 << 20
#: Threads parsing ranges of a file at once (:func:`_batches`).
WORKERS = max(1, min(4, os.cpu_count() or 1))


def _stream(path: Path, columns: Mapping[str, pa.DataType], encoding: str, on_invalid: Callable[[Any], str],
            delimiter: str, sink: BatchSink, decode: str | None, undefined_check: bool) -> int:
    """Run the read (the retries of ``csv_text._read``), handing each batch to ``sink``; return the rows read."""
    seen: list[Any] = []

    def probe(row: Any) -> str:
        seen.append(row)
        return "skip"

    def once(newlines: bool, handler: Callable[[Any], str], block: int) -> int:
        sink.reset()
        n = 0
        for table in _batches(path, columns, encoding, handler, delimiter, newlines, block):
            undefined = None
            if decode is not None:
                wanted = {c: t for c, t in decode_types.items() if c in table.column_names}
                table, undefined = _decode_binary(table, wanted, decode)
            elif undefined_check:
                undefined = _undefined_rows(table)
                undefined = undefined if undefined.any() else None
            if handler is probe and seen:  # a row of the wrong width without newlines_in_values: start again
                raise _Restart
            sink.add(table, undefined, n)
            n += table.num_rows
        return n

    decode_types = dict(columns)
    if decode is not None:
        columns = {c: _as_binary(t) for c, t in columns.items()}
    block = BLOCK_SIZE if decode is None else min(BLOCK_SIZE, DECODE_BLOCK_SIZE)
    try:
        return once(False, probe, block)
    except (_Restart, pa.ArrowInvalid):
        pass
    try:
        return once(True, on_invalid, block)
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc) and "block" not in str(exc):
            raise
    return once(True, on_invalid, max(block, min(path.stat().st_size + 1, (1 << 31) - 1)))


def stream_csv_text(path: Path, columns: Mapping[str, pa.DataType], *, encoding: str, header: list[str],
                    report: dict[str, Any], sink: BatchSink, delimiter: str = ",",
                    shown_path: Path | None = None) -> dict[int, str]:
    """Read ``columns`` of a CSV in batches handed to ``sink`` (module docstring); rows of the wrong width go to
    ``report["rejected"]`` as :func:`read_csv_text` puts them. Return the reason of every kept row holding records
    merged by a stray quote, by its position among the rows read."""
    shown = shown_path or path
    bad_rows: list[Any] = []

    def on_invalid(row: Any) -> str:
        bad_rows.append((row.number, row.actual_columns, row.expected_columns, row.text))
        return "skip"

    n: int | None = None
    undefined_rows = 0

    class Counting:
        def reset(self) -> None:
            nonlocal undefined_rows
            bad_rows.clear()
            undefined_rows = 0
            sink.reset()

        def add(self, table: pa.Table, undefined: np.ndarray | None, offset: int) -> None:
            nonlocal undefined_rows
            undefined_rows += 0 if undefined is None else int(undefined.sum())
            sink.add(table, undefined, offset)

    counting = Counting()
    if encoding.lower().replace("-", "") not in ("utf8", "utf8sig"):
        try:  # as read_csv_text: the bytes untranscoded, decoded here
            n = _stream(path, columns, "utf8", on_invalid, delimiter, counting, encoding, False)
        except (pa.ArrowInvalid, UnicodeError):
            n = None
    if n is None:
        try:
            n = _stream(path, columns, lenient(encoding), on_invalid, delimiter, counting, None,
                        lenient(encoding) != encoding)
        except UnicodeDecodeError as exc:
            raise ReaderError(f"bytes at offset {exc.start} are not valid {encoding}", path=shown,
                              expected=f"a {encoding} text file") from exc
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            first = str(exc).splitlines()[0][:200]
            raise ReaderError(f"not a readable CSV file ({first})", path=shown, expected="a CSV export") from exc
    if undefined_rows:
        report["encoding_note"] = (
            f"{undefined_rows} row(s) with bytes undefined in {encoding} (0x81, 0x8D, 0x8F, 0x90, 0x9D), "
            "read as Latin-1; the rest of each value as " + encoding
        )
    return check_records(path, encoding, header, delimiter, report, n, bad_rows)
