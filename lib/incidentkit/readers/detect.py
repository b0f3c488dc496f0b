"""Which dataset an export comes from, told by its header row (never by its file name)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from ..errors import ReaderError
from .common import read_header

#: Columns that identify each dataset's layouts (lower-cased header; ACLED's ALLY_ACTOR_* read as assoc_actor_*).
SIGNATURES: dict[str, tuple[str, ...]] = {
    "gtd": ("eventid", "iyear", "imonth", "iday", "gname"),
    "acled": ("event_id_cnty", "event_date", "actor1", "fatalities"),
    "ucdp": ("relid", "side_a", "side_b", "best", "low", "high", "date_prec", "where_prec"),
}


def header_of(path: str | PathLike[str]) -> list[str]:
    """Return the header row of a CSV or .xlsx export as written."""
    p = Path(path)
    if not p.is_file():
        raise ReaderError("file not found", path=p, expected="a GTD, ACLED or UCDP GED export (.csv or .xlsx)")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return xlsx_header(p)
    with open(p, "rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK\x03\x04"):
        return xlsx_header(p)
    return read_header(p, "cp1252" if not head.startswith(b"\xef\xbb\xbf") else "utf-8")


def xlsx_header(path: Path) -> list[str]:
    """Return the first row of the first worksheet of an .xlsx file."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a broken file
        raise ReaderError(f"not a readable .xlsx workbook ({exc})", path=path, expected="an .xlsx export") from exc
    try:
        ws = wb.worksheets[0]
        row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    finally:
        wb.close()
    return ["" if v is None else str(v).strip() for v in row]


def normalise_header(header: list[str]) -> list[str]:
    """Return header names lower-cased, with ACLED's old ``ally_actor_N`` as ``assoc_actor_N``."""
    out = []
    for name in header:
        low = name.strip().lower()
        if low.startswith("ally_actor_"):
            low = "assoc_actor_" + low[len("ally_actor_") :]
        out.append(low)
    return out


def dataset_of_header(header: list[str]) -> str | None:
    """Return "gtd", "acled" or "ucdp" for a header row, or ``None`` when it matches no known layout."""
    names = set(normalise_header(header))
    for dataset, needed in SIGNATURES.items():
        if all(c in names for c in needed):
            return dataset
    return None


def detect_dataset(path: str | PathLike[str]) -> str:
    """Return which dataset an export comes from ("gtd", "acled" or "ucdp"), told by its header row.

    A file of none of the three layouts raises :class:`~incidentkit.errors.ReaderError` naming the file and the
    columns each layout needs.
    """
    header = header_of(path)
    found = dataset_of_header(header)
    if found is None:
        expected = "; ".join(f"{d.upper()}: {', '.join(cols)}" for d, cols in SIGNATURES.items())
        shown = ", ".join(header[:12]) + (", ..." if len(header) > 12 else "")
        raise ReaderError(
            f"the header ({shown}) is not a GTD, ACLED or UCDP GED layout",
            path=Path(path),
            line=1,
            expected=f"a header with the columns of one layout ({expected})",
        )
    return found
