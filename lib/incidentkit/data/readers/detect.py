"""Which dataset an export comes from, told by its header row (never by its file name).

Each registered dataset (:mod:`incidentkit.data.readers.registry`) declares its signature columns: columns of that
dataset only, present in every layout read. A header is of the dataset whose signature columns it holds the largest
share of, at least :data:`MIN_SHARE` (a tie is no match), so one missing column (even a key one) still names the
dataset, and the reader then names exactly which required columns are missing.

An Excel workbook's header is remembered by the workbook's content (in the cache folder), so telling the dataset of a
workbook read before does not open it again.
"""

from __future__ import annotations

import csv
from os import PathLike
from pathlib import Path

from ...errors import ReaderError
from ..schema import field_names
from .cache import recall_source
from .registry import datasets
from .source import file_kind, open_source

#: A header is of a dataset when it holds at least this share of the dataset's signature columns (and the most).
MIN_SHARE = 0.5
def signature_scores(header: list[str]) -> dict[str, float]:
    """Return, for each dataset, the share of its signature columns that ``header`` holds (0 to 1)."""
    out = {}
    for key, spec in datasets().items():
        names = set(spec.normalise_header(header))
        out[key] = sum(c in names for c in spec.signature) / len(spec.signature)
    return out


def dataset_of_header(header: list[str]) -> str | None:
    """Return the key of the dataset of a header row ("gtd", "acled", "ucdp", ...), or ``None`` for no known layout."""
    scores = signature_scores(header)
    best = max(scores.values())
    winners = [d for d, v in scores.items() if v == best]
    if best < MIN_SHARE or len(winners) != 1:
        return None
    return winners[0]


def wanted_column(name: str) -> bool:
    """True when some dataset reads a column of this (header) name: the columns loaded from a workbook."""
    return any(c in spec.columns for spec in datasets().values() for c in spec.normalise_header([name]))


#: Most characters of a file's header that an error message quotes.
EXCERPT_CHARS = 60


def header_excerpt(header: list[str], limit: int = EXCERPT_CHARS) -> str:
    """A short, escaped excerpt of a header row for an error message: at most ``limit`` characters, every character
    that is not printable written as an escape (``\\x00``), and a note when NUL bytes between the letters say the
    file is UTF-16 text (the message never carries more of a file than that, nor any raw control byte)."""
    text = ", ".join(header)
    safe = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text[: limit * 2])
    cut = safe if len(safe) <= limit and len(text) <= limit * 2 else safe[:limit] + "..."
    utf16 = "\x00" in text[:200] or text[:2] in ("\xff\xfe", "\xfe\xff", "\u00ff\u00fe", "\u00fe\u00ff")
    return cut + (" -- NUL bytes between the letters: UTF-16? save the file as UTF-8" if utf16 else "")


def unknown_layout(path: Path, header: list[str], note: str | None = None) -> ReaderError:
    """Return the error for a header of no known layout: the header's start, each layout's signature columns and the
    closest layout with the columns it lacks (``note``: how the file was read, e.g. as UTF-16 text)."""
    specs = datasets()
    expected = "; ".join(f"{s.name}: {', '.join(s.signature)}" for s in specs.values())
    scores = signature_scores(header)
    closest = max(scores, key=lambda d: scores[d])
    near = ""
    if scores[closest] > 0:
        spec = specs[closest]
        names = set(spec.normalise_header(header))
        have = sum(c in names for c in spec.signature)
        lacking = [c for c in spec.signature if c not in names]
        near = f"; closest: {spec.name}, {have} of its {len(spec.signature)} columns, lacking " + ", ".join(lacking)
    known = ", ".join(s.name for s in specs.values())
    return ReaderError(
        f"the header ({header_excerpt(header)}) is not a {known} layout{near}" + (f" ({note})" if note else ""),
        path=path,
        line=1,
        expected=f"a header with at least half the columns of one layout ({expected})",
    )


def _header(path: Path) -> tuple[list[str], str | None]:
    remembered = recall_source(path) if file_kind(path) == "excel" else None
    if remembered:
        return list(remembered["header"]), None
    with open_source(path, wanted=lambda name: False, is_layout=lambda h: dataset_of_header(h) is not None,
                     header_only=True) as src:
        return src.header, src.note


def header_of(path: str | PathLike[str]) -> list[str]:
    """Return the header row of a CSV or Excel export as written (of the sheet holding the data)."""
    return _header(Path(path))[0]


def detect_dataset(path: str | PathLike[str]) -> str:
    """Return which dataset an export comes from ("gtd", "acled", "ucdp", ...), told by its header row.

    A file of no known layout raises :class:`~incidentkit.errors.ReaderError` naming the file and the columns each
    layout needs; a file that is not an export (an archive, a PDF, ...) raises naming what it is."""
    p = Path(path)
    header, note = _header(p)
    found = dataset_of_header(header)
    if found is None:
        raise unknown_layout(p, header, note)
    return found


def is_incident_table(path: str | PathLike[str]) -> bool:
    """True when a CSV's header is the project's own incident schema (``incident_id`` and at least half of the
    incident fields): a curated table of one's own or a colleague's, read like ``data/incidents.csv``, not an
    export."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return False
    if b"\x00" in head or head.startswith(b"PK"):  # a workbook, an archive or UTF-16 text: not the project's CSV
        return False
    first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
    header = {c.strip() for c in next(csv.reader(first), [])}
    fields = field_names("incidents")
    return "incident_id" in header and sum(f in header for f in fields) * 2 >= len(fields)
