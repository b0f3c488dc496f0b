"""The read report: which rows of an export were not kept, and why (nothing is dropped silently).

Every reader returns its frame with ``df.attrs["read_report"]``, a plain JSON-able dict::

    {"path": "...", "dataset": "gtd", "reader_version": 3, "encoding": "cp1252",
     "rows_read": 1210, "rows_kept": 1209,
     "rejected": [{"line": 1211, "column": None, "reason": "row has 13 fields, expected 135 (truncated?)",
                   "value": "197203150002,1972,...", "source_event_id": None}, ...]}

``coverage`` (added by each reader) says what the file covers over all its rows: its dates, countries, roles and the
fields its dataset codes (:mod:`incidentkit.data.readers.extent`).

``changed`` lists every value a reader set blank in a row it kept (a latitude of 123, a count of -5, an end date
before the start), each with its line, column, value and reason; ``actors`` the actor names taken as IS only by a
documented pattern (``pattern``: composites and names the alias table lacks) and the IS-looking names not taken
(``not_taken``), each with its row count (:mod:`incidentkit.data.readers.actors`); ``places`` the admin1 spellings
that could not be matched to the project's names in countries whose theatre depends on them
(:mod:`incidentkit.data.readers.places`). Duplicate event ids are rejected rows whose ``lines`` name every line
holding the id.

``line`` is the 1-based physical line of the file on which the rejected row starts (the header is line 1; for an
.xlsx file the worksheet row); ``line_end`` the last line of a row that spans several lines (else ``None``). A row
spanning several lines that is rejected, or that holds lines which are whole records of their own, is reported as
"records may be merged (a stray quote?)" with its line range. ``problems`` lists file-level findings (e.g. the records
read do not match the file's lines and the lines of each record could not be told); ``line_check`` gives the counts. When rows were rejected a :class:`RowsRejectedWarning` lists them. The report is stored
in the cache with the frame, so a warm (cached) read warns the same way.
"""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd

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
    lines: list[int | None] | None = None,
) -> dict[str, Any]:
    """Return one rejected-row record (plain JSON-able values); ``line_end`` is the last line of a row spanning
    several physical lines (``None`` for a one-line row); ``lines`` every line holding the same event id (duplicates
    only)."""
    out = {
        "line": None if line is None else int(line),
        "line_end": None if line_end is None or line_end == line else int(line_end),
        "column": column,
        "reason": reason,
        "value": None if value is None else str(value)[:200],
        "source_event_id": None if source_event_id is None else str(source_event_id),
    }
    if lines is not None:
        out["lines"] = [None if v is None else int(v) for v in lines]
    return out


def change(line: int | None, column: str, reason: str, value: object, source_event_id: object = None) -> dict[str, Any]:
    """Return one record of a value set blank in a kept row (``action`` "blank")."""
    return {
        "line": None if line is None else int(line),
        "column": column,
        "action": "blank",
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


def _listed(items: list[dict[str, Any]], key: str) -> str:
    shown = "\n".join(f"  - {format_rejection(r)}" for r in items[:WARNING_ROWS_SHOWN])
    more = len(items) - WARNING_ROWS_SHOWN
    return shown + (f"\n  ... and {more} more (all in df.attrs['read_report'][{key!r}])" if more > 0 else "")


def warn_rejected(report: dict[str, Any], *, stacklevel: int = 3) -> None:
    """Emit a :class:`RowsRejectedWarning` listing the rejected rows and the values set blank of ``report`` (nothing
    when there were none)."""
    rejected = report.get("rejected") or []
    changed = report.get("changed") or []
    problems = report.get("problems") or []
    if not rejected and not problems and not changed:
        return
    parts = []
    if rejected or problems:
        parts.append(f"{report['path']}: {len(rejected)} of {report['rows_read']} row(s) not read "
                     f"({report['rows_kept']} kept)" + (":\n" + _listed(rejected, "rejected") if rejected else ""))
    if changed:
        parts.append(f"{report['path']}: {len(changed)} value(s) set blank in rows kept:\n" + _listed(changed, "changed"))
    message = "\n".join(parts)
    if problems:
        message += "\n" + "\n".join(f"  - {p}" for p in problems)
    warnings.warn(RowsRejectedWarning(message, report), stacklevel=stacklevel)


#: Columns of :func:`actor_names`.
ACTOR_COLUMNS = ("name", "taken", "match", "branches", "rows", "rule", "columns")


def actor_names(source: Any) -> pd.DataFrame:
    """Return the actor names of a read that the alias table did not decide: those taken as IS by the composite or
    pattern rule (``taken`` True, with the branches they gave and their rows) and those that look IS-like but were
    not taken (``taken`` False, ``rule`` saying why), each with the rows naming it.

    ``source`` is a read report or a frame carrying one (``df.attrs["read_report"]``, as :func:`read_export` and
    ``load_incidents`` of an export return); a frame without one (the curated tables) gives an empty table."""
    report = source.attrs.get("read_report", {}) if isinstance(source, pd.DataFrame) else (source or {})
    actors = report.get("actors") or {}
    rows = []
    for kind, taken in (("pattern", True), ("not_taken", False)):
        for e in actors.get(kind, []):
            branches = e.get("branches") or {}
            rows.append({
                "name": e["name"], "taken": taken, "match": e.get("match", kind),
                "branches": "; ".join(f"{b} ({n})" for b, n in sorted(branches.items(), key=lambda kv: -kv[1])),
                "rows": int(e["rows"]), "rule": e.get("rule", ""), "columns": ", ".join(e.get("columns", [])),
            })
    return pd.DataFrame(rows, columns=list(ACTOR_COLUMNS))
