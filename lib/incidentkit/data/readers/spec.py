"""What a dataset module declares (:class:`DatasetSpec`) and what its conversion is given (:class:`ReadContext`).

A dataset is one module (``gtd.py``, ``acled.py``, ``ucdp.py``) holding a ``SPEC``: its name, the signature
columns that tell its header, the columns read and those required, the columns every record fills, its conversion,
what it codes at all (``CODED``), its reader version, and one line in :mod:`incidentkit.data.readers.registry`. The
rest (telling the file's kind and encoding, reading the columns, the cache, rejected rows, duplicate ids, the read
report) is shared: :mod:`incidentkit.data.readers.pipeline`. docs/readers.md "Adding a dataset" walks through it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from .actors import ActorLog, ActorRules, actor_rules
from .issues import RowIssues


@dataclass
class ReadContext:
    """Everything a conversion needs besides the table: the file, the row issues, the quality flags, the actors."""

    path: Path
    dataset: str
    n: int
    report: dict[str, Any]
    issues: RowIssues
    flags: dict[str, np.ndarray] = field(default_factory=dict)
    actors: ActorLog | None = None

    def __post_init__(self) -> None:
        if self.actors is None:
            self.actors = ActorLog(self.n)

    @property
    def rules(self) -> ActorRules:
        """The IS actor rules of this dataset (:mod:`incidentkit.data.readers.actors`)."""
        return actor_rules(self.dataset)


#: A conversion: the all-text Arrow table of the columns read -> the incident columns (name -> values).
Convert = Callable[[pa.Table, ReadContext], dict[str, Any]]


def _no_variant(path: Path) -> str:
    return ""


def _same_header(header: list[str]) -> list[str]:
    return [h.strip() for h in header]


@dataclass(frozen=True)
class DatasetSpec:
    """One dataset's reader, declared once (see the module docstring)."""

    key: str  #: short id: the ``source_dataset`` value ("gtd")
    name: str  #: display name ("GTD")
    title: str  #: full name with its publisher, for captions and docs
    signature: tuple[str, ...]  #: columns of this dataset only, in every layout read: they tell the header
    columns: Mapping[str, pa.DataType]  #: columns read (after :attr:`normalise_header`) and how (text or dictionary)
    required: tuple[str, ...]  #: columns without which a file is not read (ReaderError naming each)
    required_values: tuple[str, ...]  #: columns every record of the dataset fills: a blank one rejects the row
    id_column: str  #: the event id column (``source_event_id``)
    convert: Convert
    version: int  #: bump whenever the output can change for the same export and data tables
    coded: Mapping[str, Mapping[str, str]]  #: what the dataset codes at all (keys: ``extent.CODABLE``)
    actor_columns: tuple[str, ...] = ()  #: raw columns holding actor names (for selecting IS rows before converting)
    encoding: str = "utf-8"  #: the encoding when the bytes do not tell (GTD's CSV: cp1252)
    variant: Callable[[Path], str] = _no_variant  #: the release slug from the file name (part of the cache key)
    normalise_header: Callable[[list[str]], list[str]] = _same_header  #: header as the column names above use it
    fallback_ids: tuple[str, ...] = ()  #: other id columns used when the event id is blank (ACLED data_id)
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: the checks of every row made before IS rows are selected (:mod:`.candidates`): the table -> ``date``,
    #: ``date_end``, ``date_precision``, ``iso3``, ``country``, ``source_event_id`` as the conversion gives them, the
    #: rows they reject rejected in the context; ``None``: the IS rows are selected after a whole conversion
    survey: Callable[[pa.Table, ReadContext], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        missing = [c for c in (*self.required, *self.required_values, self.id_column) if c not in self.columns]
        if missing:
            raise ValueError(f"{self.key}: columns {missing} are required but not read (add them to columns)")
