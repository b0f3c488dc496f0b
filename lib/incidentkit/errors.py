"""The library's own exception types and the :class:`Problem` record used by validation reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class IncidentkitError(Exception):
    """Base class of every error raised on purpose by incidentkit."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a table: where it is, what was found and what was expected.

    ``line`` is the 1-based line number in the CSV file (the header is line 1), or ``None`` for frames that did not
    come from a file. ``row_id`` is the value of the table's primary key on that row, when there is one.
    """

    table: str
    check: str
    column: str | None
    expected: str
    value: Any = None
    line: int | None = None
    row_id: str | None = None

    def __str__(self) -> str:
        where = [self.table]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row_id:
            where.append(f"id {self.row_id!r}")
        if self.column:
            where.append(f"column {self.column!r}")
        shown = "" if self.value is None else f": found {self.value!r}"
        return f"{', '.join(where)} [{self.check}]{shown}; expected {self.expected}"

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as a JSON-able dict."""
        out = asdict(self)
        if out["value"] is not None and not isinstance(out["value"], (str, int, float, bool)):
            out["value"] = str(out["value"])
        return out


class DataValidationError(IncidentkitError):
    """A table failed validation. ``problems`` lists every problem found, not only the first."""

    def __init__(self, problems: list[Problem], *, source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{len(self.problems)} problem(s) in {source or 'the table'}"
        shown = "\n".join(f"  - {p}" for p in self.problems[:200])
        more = f"\n  ... and {len(self.problems) - 200} more" if len(self.problems) > 200 else ""
        super().__init__(f"{head}:\n{shown}{more}")


class ReaderError(IncidentkitError):
    """A file could not be read into the incident schema. The message names the file, line and column."""

    def __init__(
        self,
        message: str,
        *,
        path: object = None,
        line: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.expected = expected
        parts = []
        if path is not None:
            parts.append(str(path))
        if line is not None:
            parts.append(f"line {line}")
        if column is not None:
            parts.append(f"column {column!r}")
        where = ", ".join(parts)
        text = f"{where}: {message}" if where else message
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)


class ParameterError(IncidentkitError, ValueError):
    """A notebook or function parameter has a bad value. The message says what the valid values are."""
