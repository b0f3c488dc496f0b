"""Opening an export once: what kind of file it is, its encoding and delimiter or its sheet, and its header.

The first bytes tell the kind (never the file name): an Excel workbook (.xlsx/.xlsm/.xlsb, ODF, or the old binary
.xls) is read with ``fastexcel`` (calamine) in one pass that gives the header and the columns; a ZIP archive that is
not a workbook, a gzip/bzip2/xz/7z archive, a PDF, a Parquet or SQLite file is refused with its kind named; UTF-16
text (a byte-order mark, or NUL bytes between the letters) is read through a UTF-8 copy made in a temporary folder;
other text is a CSV whose delimiter (comma, tab or semicolon) the header line tells. An Excel workbook's data are
read from the first sheet whose header is a known layout; when none is, the error lists every sheet by name.
"""

from __future__ import annotations

import codecs
import contextlib
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from ...errors import ReaderError
from .csv_text import read_header, sniff_encoding

#: File signatures of what is not an export, and how a message names each.
NOT_EXPORTS: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "a gzip-compressed file: decompress it (gunzip) and give the file inside"),
    (b"BZh", "a bzip2-compressed file: decompress it and give the file inside"),
    (b"\xfd7zXZ\x00", "an xz-compressed file: decompress it and give the file inside"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: extract it and give the export inside"),
    (b"Rar!", "a RAR archive: extract it and give the export inside"),
    (b"%PDF", "a PDF document, not a data export"),
    (b"PAR1", "a Parquet file, not a CSV or Excel export"),
    (b"SQLite format 3", "an SQLite database, not a CSV or Excel export"),
)
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Excel (.xls) container
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
#: Delimiters a CSV export may use, in the order they are tried on the header line.
DELIMITERS = (",", "\t", ";")


@dataclass
class Source:
    """An export opened once: its kind, header and how to read the rest."""

    path: Path  #: the file as given (named in every message)
    kind: str  #: "csv" or "excel"
    header: list[str]
    encoding: str  #: the text encoding of a CSV; "xlsx", "xls", ... for a workbook
    read_path: Path  #: the file parsed (a UTF-8 copy for UTF-16 text)
    delimiter: str = ","
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    table: pa.Table | None = None  #: a workbook's columns, every cell as text
    note: str | None = None  #: how the file was read, when not as given (a sheet other than the first, a copy)

    def report_fields(self) -> dict[str, Any]:
        """Return what the read report says of the file's form (encoding, sheet, how it was read)."""
        out: dict[str, Any] = {"encoding": self.encoding}
        if self.kind == "excel":
            out["sheet"], out["sheets"] = self.sheet, list(self.sheets)
        if self.delimiter != ",":
            out["delimiter"] = self.delimiter
        if self.note:
            out["source_note"] = self.note
        return out


def head_bytes(path: Path, n: int = 4096) -> bytes:
    """Return the first ``n`` bytes of ``path`` (ReaderError naming the file when it is missing or unreadable)."""
    if path.is_dir():
        raise ReaderError("this is a folder, not a file", path=path,
                          expected="a GTD, ACLED or UCDP GED export (.csv or .xlsx), or a curated table")
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except FileNotFoundError:
        raise ReaderError("file not found", path=path, expected="a GTD, ACLED or UCDP GED export (.csv or .xlsx)") from None
    except OSError as exc:
        raise ReaderError(f"cannot read the file ({exc.strerror or exc})", path=path) from None


def utf16_encoding(head: bytes) -> str | None:
    """Return "utf-16" when the bytes are UTF-16 text (a byte-order mark, or NUL bytes between ASCII letters)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:400]
    if len(sample) >= 4 and sample.count(b"\x00") * 3 >= len(sample):
        return "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
    return None


def file_kind(path: Path) -> str:
    """Return "excel" or "csv" from the first bytes; raise ReaderError naming what a file is when it is neither."""
    head = head_bytes(path)
    if not head:
        raise ReaderError("the file is empty", path=path, line=1, expected="a header row")
    for magic, what in NOT_EXPORTS:
        if head.startswith(magic):
            raise ReaderError(f"this is {what}", path=path, expected="a CSV or Excel export")
    if head.startswith(_OLE2):
        return "excel"
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise ReaderError(f"this is a ZIP archive that cannot be opened ({exc})", path=path) from None
        if any(n.startswith(("xl/", "content.xml")) for n in names):
            return "excel"
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise ReaderError(f"this is a ZIP archive ({len(names)} file(s): {shown}), not a CSV or Excel export",
                          path=path, expected="the export extracted from the archive")
    if utf16_encoding(head) is None and b"\x00" in head:
        raise ReaderError("the file holds NUL bytes: a binary file, not a text or Excel export", path=path)
    return "csv"


def _delimiter(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        line = fh.readline(1 << 20)
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


@contextlib.contextmanager
def open_source(path: Path, *, wanted: Callable[[str], bool], is_layout: Callable[[list[str]], bool],
                default_encoding: str = "cp1252", header_only: bool = False) -> Iterator[Source]:
    """Open an export once (see the module docstring). ``wanted`` says which columns of a workbook to load (by
    header name), ``is_layout`` whether a header is a known layout (to choose the sheet); ``header_only`` loads no
    rows of a workbook. A UTF-8 copy of UTF-16 text is removed on exit."""
    kind = file_kind(path)
    if kind == "excel":
        yield _open_excel(path, wanted, is_layout, header_only)
        return
    head = head_bytes(path)
    wide = utf16_encoding(head)
    if wide is None:
        encoding = sniff_encoding(path, default_encoding)
        delimiter = _delimiter(path, encoding)
        yield Source(path, "csv", read_header(path, encoding, delimiter), encoding, path, delimiter)
        return
    folder = Path(tempfile.mkdtemp(prefix="incidentkit-utf16-"))
    try:
        copy = folder / (path.stem + ".utf8.csv")
        try:
            with open(path, encoding=wide, newline="") as src, open(copy, "w", encoding="utf-8", newline="") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        except UnicodeError as exc:
            raise ReaderError(f"the file looks like UTF-16 text but does not decode as {wide} ({exc.reason})",
                              path=path, expected="UTF-8, Windows-1252 or UTF-16 text") from None
        delimiter = _delimiter(copy, "utf-8")
        yield Source(path, "csv", read_header(copy, "utf-8", delimiter), wide, copy, delimiter,
                     note=f"UTF-16 text ({wide}), read through a UTF-8 copy")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _open_excel(path: Path, wanted: Callable[[str], bool], is_layout: Callable[[list[str]], bool],
                header_only: bool = False) -> Source:
    import fastexcel  # lazy: a compiled reader only Excel exports need (~30 ms to import)

    suffix = path.suffix.lower() if path.suffix.lower() in EXCEL_SUFFIXES else ".xlsx"
    try:
        book = fastexcel.read_excel(str(path))
        sheets = list(book.sheet_names)
        for idx in range(len(sheets)):
            names: list[str] = []

            def pick(col: Any, names: list[str] = names) -> bool:
                names.append(str(col.name).strip())
                return wanted(str(col.name).strip())

            if idx == 0 and not header_only:  # the usual case: header and rows in one pass
                sheet = book.load_sheet(idx, dtypes="string", use_columns=pick)
                if is_layout(names):
                    return _excel_source(path, suffix, names, sheets, idx, sheet.to_arrow())
                continue
            names = [str(c.name).strip() for c in book.load_sheet(idx, n_rows=0).available_columns()]
            if is_layout(names):
                if header_only:
                    return _excel_source(path, suffix, names, sheets, idx, None)
                sheet = book.load_sheet(idx, dtypes="string", use_columns=lambda c: wanted(str(c.name).strip()))
                return _excel_source(path, suffix, names, sheets, idx, sheet.to_arrow())
    except ReaderError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types for broken workbooks
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ReaderError(f"not a readable Excel workbook ({first})", path=path, expected="an .xlsx export") from None
    listed = ", ".join(repr(s) for s in sheets)
    raise ReaderError(f"no sheet of this workbook has a GTD, ACLED or UCDP GED header (sheets: {listed})", path=path,
                      line=1, expected="an export whose first row is the dataset's header, on one of its sheets")


def _excel_source(path: Path, suffix: str, header: list[str], sheets: list[str], idx: int,
                  table: pa.Table | None) -> Source:
    if table is not None:
        table = table.rename_columns([str(c).strip() for c in table.column_names])
    note = None if idx == 0 else f"data read from sheet {sheets[idx]!r} (the first sheet, {sheets[0]!r}, holds none)"
    return Source(path, "excel", header, suffix.lstrip("."), path, sheet=sheets[idx], sheets=sheets, table=table,
                  note=note)
