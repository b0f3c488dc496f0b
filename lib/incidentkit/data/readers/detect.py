"""Which dataset an export comes from, told by its header row (never by its file name)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

from ...errors import ReaderError
from .csv_text import read_header

#: Columns that identify each dataset's layouts (lower-cased header; ACLED's ALLY_ACTOR_* read as assoc_actor_*):
#: columns of that dataset only, present in every layout read (GTD .csv/.xlsx; ACLED 2015, 2020 and current; UCDP
#: GED). A file is told by the best match, so one missing column (even a key one) still names the dataset, and the
#: reader then names exactly which required columns are missing. UCDP's ``relid`` is not used, so not needed.
SIGNATURES: dict[str, tuple[str, ...]] = {
    "gtd": (
        "eventid", "iyear", "imonth", "iday", "gname", "country_txt", "provstate", "city", "specificity",
        "attacktype1_txt", "targtype1_txt", "nkill", "nwound",
    ),
    "acled": (
        "event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "actor2", "inter1", "inter2",
        "interaction", "admin1", "geo_precision", "fatalities",
    ),
    "ucdp": (
        "side_a", "side_b", "best", "low", "high", "date_prec", "where_prec", "dyad_name", "type_of_violence",
        "where_coordinates", "adm_1", "date_start", "date_end", "deaths_a", "deaths_b",
    ),
}  # fmt: skip
#: A header is of a dataset when it holds at least this share of the dataset's signature columns (and the most).
MIN_SHARE = 0.5


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
    from openpyxl import load_workbook  # lazy: ~50 ms to import, and only .xlsx exports need it

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


def signature_scores(header: list[str]) -> dict[str, float]:
    """Return, for each dataset, the share of its signature columns that ``header`` holds (0 to 1)."""
    names = set(normalise_header(header))
    return {d: sum(c in names for c in cols) / len(cols) for d, cols in SIGNATURES.items()}


def dataset_of_header(header: list[str]) -> str | None:
    """Return "gtd", "acled" or "ucdp" for a header row, or ``None`` when it matches no known layout.

    The dataset is the one whose signature columns the header holds the largest share of, if that share is at least
    :data:`MIN_SHARE` (a tie is no match)."""
    scores = signature_scores(header)
    best = max(scores.values())
    winners = [d for d, v in scores.items() if v == best]
    if best < MIN_SHARE or len(winners) != 1:
        return None
    return winners[0]


#: Most characters of a file's header that an error message quotes.
EXCERPT_CHARS = 60


def header_excerpt(header: list[str], limit: int = EXCERPT_CHARS) -> str:
    """A short, escaped excerpt of a header row for an error message: at most ``limit`` characters, every character
    that is not printable written as an escape (``\\x00``), and a note when NUL bytes between the letters say the
    file is UTF-16 text (the message never carries more of a file than that, nor any raw control byte)."""
    text = ", ".join(header)
    safe = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text[: limit * 2])
    cut = safe if len(safe) <= limit and len(text) <= limit * 2 else safe[:limit] + "..."
    utf16 = "\x00" in text[:200] or text[:2] in ("\xff\xfe", "\xfe\xff", "ÿþ", "þÿ")
    return cut + (" -- NUL bytes between the letters: UTF-16? save the file as UTF-8" if utf16 else "")


def detect_dataset(path: str | PathLike[str]) -> str:
    """Return which dataset an export comes from ("gtd", "acled" or "ucdp"), told by its header row.

    A file of none of the three layouts raises :class:`~incidentkit.errors.ReaderError` naming the file and the
    columns each layout needs.
    """
    header = header_of(path)
    found = dataset_of_header(header)
    if found is None:
        expected = "; ".join(f"{d.upper()}: {', '.join(cols)}" for d, cols in SIGNATURES.items())
        shown = header_excerpt(header)
        scores = signature_scores(header)
        closest = max(scores, key=lambda d: scores[d])
        names = set(normalise_header(header))
        near = ""
        if scores[closest] > 0:
            have = sum(c in names for c in SIGNATURES[closest])
            lacking = [c for c in SIGNATURES[closest] if c not in names]
            near = (
                f"; closest: {closest.upper()}, {have} of its {len(SIGNATURES[closest])} columns, lacking "
                + ", ".join(lacking)
            )
        raise ReaderError(
            f"the header ({shown}) is not a GTD, ACLED or UCDP GED layout{near}",
            path=Path(path),
            line=1,
            expected=f"a header with at least half the columns of one layout ({expected})",
        )
    return found
