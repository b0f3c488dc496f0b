"""Readers of GTD, ACLED and UCDP GED exports (and of any dataset registered like them) into the incident schema,
with a cache (Arrow IPC, memory-mapped).

``read_export(path)`` opens the file once, tells the dataset from the header and converts it; ``read_gtd``,
``read_acled`` and ``read_ucdp`` read one dataset each. Each returns every column of the incident schema
(``data/datapackage.json``, resource ``incidents``) in the contract dtypes plus ``source_dataset`` and
``source_event_id``. Nothing is dropped or changed silently: rows not read and values set blank are listed in
``df.attrs["read_report"]`` and in a :class:`RowsRejectedWarning`; actor names taken as IS only by a pattern, and
IS-looking names not taken, are listed there too. Mapping tables and how to add a dataset: docs/readers.md.
"""

from __future__ import annotations

from os import PathLike

import pandas as pd

from ...hashing import content_hash
from .cache import CacheWarning
from .detect import detect_dataset
from .pipeline import read_dataset
from .registry import dataset_name, datasets, register, registered, source_datasets, unregister
from .report import RowsRejectedWarning, actor_names
from .spec import DatasetSpec, ReadContext

__all__ = [
    "CacheWarning",
    "DatasetSpec",
    "ReadContext",
    "RowsRejectedWarning",
    "actor_names",
    "content_hash",
    "dataset_name",
    "datasets",
    "detect_dataset",
    "read_acled",
    "read_export",
    "read_gtd",
    "read_ucdp",
    "register",
    "registered",
    "source_datasets",
    "unregister",
]


def read_export(path: str | PathLike[str], *, use_cache: bool = True, only_is: bool = False) -> pd.DataFrame:
    """Read an export of any registered dataset (GTD, ACLED, UCDP GED), telling which from its header row.

    ``only_is`` returns only the rows naming IS (``is_branch`` given), selected on the raw actor columns before
    converting: the same rows as converting everything and selecting them, at a fraction of the time and memory (the
    read report still covers the whole file: rows not read, span, countries; see docs/performance.md "Readers").

    A file of no known layout raises :class:`~incidentkit.errors.ReaderError` naming the file and the header each
    layout needs; a file that is not an export (an archive, a PDF, a workbook with no such sheet) raises naming
    what it is."""
    return read_dataset(path, None, use_cache=use_cache, only_is=only_is)


def read_gtd(path: str | PathLike[str], *, use_cache: bool = True) -> pd.DataFrame:
    """Read a GTD export (the release .xlsx or the .csv) into the incident schema, one row per GTD incident.

    ``source_event_id`` is GTD's eventid. Raises :class:`~incidentkit.errors.ReaderError` (file, line, column) when
    the file is not a GTD export."""
    return read_dataset(path, "gtd", use_cache=use_cache)


def read_acled(path: str | PathLike[str], *, use_cache: bool = True) -> pd.DataFrame:
    """Read an ACLED export (current, 2020 export-tool or 2015 upper-case layout) into the incident schema.

    ``source_event_id`` is event_id_cnty (data_id where it is blank)."""
    return read_dataset(path, "acled", use_cache=use_cache)


def read_ucdp(path: str | PathLike[str], *, use_cache: bool = True) -> pd.DataFrame:
    """Read a UCDP GED export into the incident schema, one row per GED event (``source_event_id``: id).

    low/best/high are kept as UCDP gives them, out-of-order rows flagged ``killed_range_as_reported``."""
    return read_dataset(path, "ucdp", use_cache=use_cache)
