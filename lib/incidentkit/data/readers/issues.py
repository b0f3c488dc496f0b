"""What a reader did to the rows of an export: rows rejected and values set blank, each with its column, reason and
value, so that nothing is dropped or changed silently.

A conversion collects them in a :class:`RowIssues` (positions are rows of the table read); the pipeline turns them
into ``read_report["rejected"]`` and ``read_report["changed"]`` with the file line of each row
(:func:`incidentkit.data.readers.contract.settle`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .csv_text import MERGED_COLUMN


def _value(values: Any, pos: int) -> object:
    if values is None:
        return None
    v = values.iloc[pos] if isinstance(values, pd.Series) else values[pos]
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


@dataclass
class RowIssues:
    """Rows rejected (``{position: (column, reason, value)}``, the first problem wins) and values set blank
    (``[(position, column, reason, value)]``)."""

    rows: dict[int, tuple[str | None, str, object]] = field(default_factory=dict)
    ends: dict[int, int] = field(default_factory=dict)  #: position -> last line, for rows spanning several lines
    changed: list[tuple[int, str, str, object]] = field(default_factory=list)

    @classmethod
    def from_table(cls, table: pa.Table) -> RowIssues:
        """Return the issues of a table read by :func:`read_csv_text`: its rows holding merged records rejected."""
        out = cls()
        if MERGED_COLUMN in table.column_names:
            for pos, reason in enumerate(table.column(MERGED_COLUMN).to_pylist()):
                if reason is not None:
                    out.rows[pos] = (None, reason, None)
                    out.ends[pos] = int(reason.split("-", 1)[1].split(" ", 1)[0])  # "lines 11-12 were read ..."
        return out

    def add(self, mask: np.ndarray, column: str, reason: str, values: Any = None) -> None:
        """Reject every row where ``mask`` is true."""
        for pos in np.flatnonzero(np.asarray(mask, dtype=bool)):
            if int(pos) not in self.rows:
                self.rows[int(pos)] = (column, reason, _value(values, int(pos)))

    reject = add

    def reject_at(self, pos: int, column: str | None, reason: str, value: object = None) -> None:
        """Reject the row at ``pos`` (unless it already is)."""
        self.rows.setdefault(int(pos), (column, reason, value))

    def blank(self, mask: np.ndarray, column: str, reason: str, values: Any = None) -> None:
        """Record that the value of ``column`` is set blank where ``mask`` is true (the caller blanks it)."""
        for pos in np.flatnonzero(np.asarray(mask, dtype=bool)):
            self.changed.append((int(pos), column, reason, _value(values, int(pos))))

    def rejected_mask(self, n: int) -> np.ndarray:
        """Return the boolean mask of the rows rejected so far."""
        mask = np.zeros(n, dtype=bool)
        if self.rows:
            mask[list(self.rows)] = True
        return mask

    def __bool__(self) -> bool:
        return bool(self.rows)
