"""Which physical lines each CSV record spans, to catch records merged by a stray quote.

A stray (unclosed) quote makes a CSV parser read the following line(s) as part of one value: two or more records
become one row, which then has the wrong number of fields (rejected) or, by chance, the right one (kept with wrong
values); either way records are lost unless someone says so. The readers compare the records read with the file's
lines:

1. count the line breaks (numpy over the mapped file, about 0.1 s per GiB): when the lines after the header equal the
   records read, every record is one line and nothing can have been merged (the usual case: no further work);
2. otherwise find the lines of every record: by quote parity (a line break after an odd number of quote characters
   is inside a quoted value; numpy, no Python per line), accepted when it gives as many records as were read, else by
   Python's :mod:`csv` (it parses stray quotes as pyarrow does; slower, used only on such files);
3. a record spanning several lines is suspect when one of its later lines holds, on its own, a whole record (as
   many fields as the header): that line was swallowed. Line breaks inside values that are text (GTD summaries,
   UCDP articles) do not look like that and are not reported.
"""

from __future__ import annotations

import csv
import io
import mmap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

_CHUNK = 4 << 20  # small enough for the CPU cache: 4x faster than 32 MiB chunks
_NL, _QUOTE = 10, 34


@dataclass
class LineCheck:
    """Result of :func:`check_record_lines` (lines are 1-based physical lines; the header is line 1)."""

    lines: int  #: physical lines after the header (blank ones included)
    records: int  #: records the reader read (kept and rejected)
    #: first and last line of each record (only computed when some record spans several lines, else empty)
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ends: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: suspect records: record index -> lines inside it that hold a whole record of their own
    swallowed: dict[int, list[int]] = field(default_factory=dict)
    #: False when the lines of the records could not be told (the file parses differently from the reader's count)
    mapped: bool = True

    @property
    def multi_line(self) -> int:
        """Number of records spanning several lines."""
        return int((self.ends > self.starts).sum()) if len(self.starts) else 0


def _newlines(mm: mmap.mmap) -> tuple[np.ndarray, np.ndarray]:
    """Return the offsets of every line break and, for each, whether it lies inside a quoted value (odd parity)."""
    data = np.frombuffer(mm, dtype=np.uint8)
    offsets, inside = [], []
    carry = 0
    for a in range(0, len(data), _CHUNK):
        chunk = data[a : a + _CHUNK]
        nl = np.flatnonzero(chunk == _NL)
        quotes = np.flatnonzero(chunk == _QUOTE)
        before = np.searchsorted(quotes, nl)  # quotes before each line break within the chunk
        inside.append((carry + before) % 2 == 1)
        offsets.append(nl + a)
        carry += len(quotes)
    del data
    if not offsets:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    return np.concatenate(offsets).astype(np.int64), np.concatenate(inside)


def count_lines(path: Path) -> int:
    """Return the number of physical lines of a file (a last line without a line break counts). The file is read in
    chunks through one buffer, not mapped: a file of several GiB is counted without becoming resident."""
    buf = bytearray(_CHUNK)
    n, last = 0, _NL
    with open(path, "rb", buffering=0) as fh:
        while got := fh.readinto(buf):
            data = np.frombuffer(buf, dtype=np.uint8, count=got)
            n += int(np.count_nonzero(data == _NL))
            last = int(data[got - 1])
            del data
    return n + (last != _NL)


def _spans_by_parity(mm: mmap.mmap, nl: np.ndarray, inside: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (first line, last line) of each record after the header, 1-based, by quote parity."""
    size = len(mm)
    line_start = np.concatenate([[0], nl + 1])
    line_end = np.concatenate([nl, [size]])
    inside_after = np.concatenate([inside, [False]])  # the break ending each line (none after the last)
    if line_start[-1] >= size:  # the file ends with a line break: no last partial line
        line_start, line_end, inside_after = line_start[:-1], line_end[:-1], inside_after[:-1]
    n = len(line_start)
    continues = np.concatenate([[False], inside_after[:-1]])  # the line continues the previous record
    length = line_end - line_start
    data = np.frombuffer(mm, dtype=np.uint8)
    only_cr = np.zeros(n, dtype=bool)
    one = np.flatnonzero(length == 1)
    only_cr[one] = data[line_start[one]] == 13
    del data
    empty = ((length == 0) | only_cr) & ~continues
    is_start = ~continues & ~empty
    starts = np.flatnonzero(is_start)
    closing = np.flatnonzero(~inside_after)
    ends = closing[np.minimum(np.searchsorted(closing, starts), len(closing) - 1)] if len(closing) else starts
    return starts[1:] + 1, ends[1:] + 1  # drop the header record; 1-based lines


def _spans_by_csv(path: Path, encoding: str, delimiter: str = ",") -> tuple[np.ndarray, np.ndarray]:
    starts, ends = [], []
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        next(reader, None)
        start = reader.line_num + 1
        for rec in reader:
            if rec and rec != [""]:
                starts.append(start)
                ends.append(reader.line_num)
            start = reader.line_num + 1
    return np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


def _whole_record(line: bytes, encoding: str, n_fields: int, delimiter: str = ",") -> bool:
    """Return True when one physical line, parsed on its own, is a complete record (``n_fields`` fields)."""
    text = line.decode(encoding, errors="replace").rstrip("\r\n")
    if not text:
        return False
    rec = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    return len(rec) == n_fields


def check_record_lines(path: Path, encoding: str, records: int, n_fields: int, delimiter: str = ",") -> LineCheck:
    """Compare the records read from a CSV (``records``: kept and rejected, header excluded) with its lines.

    See the module docstring. The result lists the suspect records (those holding lines that are whole records on
    their own) with the record's first and last line."""
    lines = max(count_lines(path) - 1, 0)
    check = LineCheck(lines=lines, records=records)
    if lines == records:
        return check
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        nl, inside = _newlines(mm)
        starts, ends = _spans_by_parity(mm, nl, inside)
        if len(starts) != records:
            starts, ends = _spans_by_csv(path, encoding, delimiter)
        if len(starts) != records:
            check.mapped = False
            return check
        check.starts, check.ends = starts, ends
        multi = np.flatnonzero(ends > starts)
        if len(multi):
            line_start = np.concatenate([[0], nl + 1])
            line_end = np.concatenate([nl + 1, [len(mm)]])
            for r in multi:
                inner = [
                    k for k in range(int(starts[r]) + 1, int(ends[r]) + 1)
                    if _whole_record(mm[line_start[k - 1] : line_end[k - 1]], encoding, n_fields, delimiter)
                ]  # fmt: skip
                if inner:
                    check.swallowed[int(r)] = inner
    return check
