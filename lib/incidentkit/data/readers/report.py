"""The read report: which rows of an export were not kept, and why (nothing is dropped silently).

Every reader returns its frame with ``df.attrs["read_report"]``, a plain JSON-able dict::

    {"path": "...", "dataset": "gtd", "reader_version": 3, "encoding": "cp1252",
     "rows_read": 1210, "rows_kept": 1209,
     "rejected": [{"line": 1211, "column": None, "reason": "row has 13 fields, expected 135 (truncated?)",
                   "value": "197203150002,1972,...", "source_event_id": None}, ...]}

``coverage`` (added by each reader) says what the file covers over all its rows: its dates, countries, roles and the
fields its dataset codes (:mod:`incidentkit.data.readers.extent`).

``line`` is the 1-based physical line of the file on which the rejected row starts (the header is line 1; for an
.xlsx file the worksheet row); ``line_end`` the last line of a row that spans several lines (else ``None``). A row
spanning several lines that is rejected, or that holds lines which are whole records of their own, is reported as
"records may be merged (a stray quote?)" with its line range. ``problems`` lists file-level findings (e.g. the records
read do not match the file's lines and the lines of each record could not be told); ``line_check`` gives the counts. When rows were rejected a :class:`RowsRejectedWarning` lists them. The report is stored
in the Parquet cache with the frame, so a warm (cached) read warns the same way.
"""

from __future__ import annotations

import warnings
from typing import Any

#: How many rejected rows the warning message lists; the report on ``df.attrs`` always holds all of them.
WARNING_ROWS_SHOWN = 50


class RowsRejectedWarning(UserWarning):
    """Some rows of an export could not be read; they are listed in the message and in ``df.attrs["read_report"]``."""

    def __init__(self, message: str, report: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.report = report or {}


def new_report(path: str, dataset: str, reader_version: int, encoding: str) -> dict[str, Any]:
    """Return an empty read report for one file."""
    return {
        "path": path,
        "dataset": dataset,
        "reader_version": reader_version,
        "encoding": encoding,
        "rows_read": 0,
        "rows_kept": 0,
        "rejected": [],
        "problems": [],
    }


def rejection(
    line: int | None,
    column: str | None,
    reason: str,
    value: object = None,
    source_event_id: object = None,
    line_end: int | None = None,
) -> dict[str, Any]:
    """Return one rejected-row record (plain JSON-able values); ``line_end`` is the last line of a row spanning
    several physical lines (``None`` for a one-line row)."""
    return {
        "line": None if line is None else int(line),
        "line_end": None if line_end is None or line_end == line else int(line_end),
        "column": column,
        "reason": reason,
        "value": None if value is None else str(value)[:200],
        "source_event_id": None if source_event_id is None else str(source_event_id),
    }


def format_rejection(r: dict[str, Any]) -> str:
    """Return one rejected row as 'line N, column 'c': reason (found 'v')'."""
    if r.get("line") is None:
        parts = ["line unknown"]
    elif r.get("line_end") is not None:
        parts = [f"lines {r['line']}-{r['line_end']}"]
    else:
        parts = [f"line {r['line']}"]
    if r.get("column"):
        parts.append(f"column {r['column']!r}")
    text = ", ".join(parts) + f": {r['reason']}"
    if r.get("value") is not None:
        text += f" (found {r['value'][:80]!r})"
    return text


def warn_rejected(report: dict[str, Any], *, stacklevel: int = 3) -> None:
    """Emit a :class:`RowsRejectedWarning` listing the rejected rows of ``report`` (nothing when none were)."""
    rejected = report.get("rejected") or []
    problems = report.get("problems") or []
    if not rejected and not problems:
        return
    shown = "\n".join(f"  - {format_rejection(r)}" for r in rejected[:WARNING_ROWS_SHOWN])
    more = len(rejected) - WARNING_ROWS_SHOWN
    tail = f"\n  ... and {more} more (all in df.attrs['read_report']['rejected'])" if more > 0 else ""
    message = (
        f"{report['path']}: {len(rejected)} of {report['rows_read']} row(s) not read "
        f"({report['rows_kept']} kept):\n{shown}{tail}"
    )
    if problems:
        message += "\n" + "\n".join(f"  - {p}" for p in problems)
    warnings.warn(RowsRejectedWarning(message, report), stacklevel=stacklevel)
