"""The library's own exception types and the :class:`Problem` record used by validation reports."""

from __future__ import annotations

import errno
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


# ----------------------------------------------------------------------------------------------------------------------
# The report runner's outcomes that stop a run before anything is published, each with its own exit code.
# The exit codes of the command line (``incidentkit-reports run``), all in one place; README.md and reports/README.md
# carry the same table.
# ----------------------------------------------------------------------------------------------------------------------

#: Every report ok or reused (with ``--only``: or stale or not run).
EXIT_OK = 0
#: At least one report failed, in this run or carried over; the run is still published.
EXIT_REPORT_FAILED = 1
#: The plan or the command line is wrong; nothing ran.
EXIT_PLAN = 2
#: Another run holds the output folder's lock; nothing ran.
EXIT_LOCKED = 3
#: The disk (or the user's quota) is full; nothing was published, earlier runs are intact.
EXIT_DISK_FULL = 4
#: The output folder (or the temporary folder) cannot be written; nothing was published.
EXIT_NOT_WRITABLE = 5
#: Stopped by a signal: 128 + the signal's number (143 SIGTERM, 130 SIGINT, 129 SIGHUP); nothing was published.
EXIT_SIGNAL_BASE = 128


class RunError(IncidentkitError):
    """A report run could not be carried out or published; :attr:`exit_code` is the command line's exit code."""

    exit_code = EXIT_PLAN


class RunLockedError(RunError):
    """Another run holds the output folder's lock."""

    exit_code = EXIT_LOCKED


class DiskFullError(RunError):
    """Writing the run failed because the disk or the quota is full (ENOSPC, EDQUOT)."""

    exit_code = EXIT_DISK_FULL


class FolderNotWritableError(RunError):
    """The output folder is read-only or not ours to write (EACCES, EPERM, EROFS)."""

    exit_code = EXIT_NOT_WRITABLE


def storage_error(exc: OSError, folder: object) -> RunError | None:
    """The :class:`RunError` an ``OSError`` met while writing under ``folder`` stands for, or ``None``.

    The message says what happened, that nothing was published and that earlier runs are intact, and what to do.
    """
    where = f"{getattr(exc, 'filename', None) or folder}"
    if exc.errno in {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}:
        return DiskFullError(
            f"the disk holding {folder} is full (writing {where}); nothing was published and earlier runs are "
            "intact. Free some space (e.g. fewer kept runs: --keep N) and run again"
        )
    if exc.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        kind = "is on a read-only file system" if exc.errno == errno.EROFS else "cannot be written by this user"
        return FolderNotWritableError(
            f"{where} {kind}; nothing was published and earlier runs are intact. Give this user write access to "
            f"{folder}, or choose another output folder (--out DIR or INCIDENTKIT_REPORTS_DIR)"
        )
    return None
