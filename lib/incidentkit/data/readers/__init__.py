"""Readers of GTD, ACLED and UCDP GED exports into the incident schema, with a Parquet cache.

``read_export(path)`` tells the dataset from the header and calls ``read_gtd``, ``read_acled`` or ``read_ucdp``.
Each returns every column of the incident schema (``data/datapackage.json``, resource ``incidents``) in the contract
dtypes plus ``source_dataset`` and ``source_event_id``. Rows that could not be read are never dropped silently: they
are listed in ``df.attrs["read_report"]`` and in a :class:`RowsRejectedWarning`. Mapping tables: docs/readers.md.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import pandas as pd

from .acled import read_acled
from .cache import CacheWarning
from .detect import detect_dataset
from .gtd import read_gtd
from .hashing import content_hash
from .report import RowsRejectedWarning
from .ucdp import read_ucdp

__all__ = [
    "CacheWarning",
    "RowsRejectedWarning",
    "content_hash",
    "detect_dataset",
    "read_acled",
    "read_export",
    "read_gtd",
    "read_ucdp",
]

_READERS = {"gtd": read_gtd, "acled": read_acled, "ucdp": read_ucdp}


def read_export(path: str | PathLike[str], *, use_cache: bool = True) -> pd.DataFrame:
    """Read a GTD, ACLED or UCDP GED export, telling which from its header row.

    A file of none of the three layouts raises :class:`~incidentkit.errors.ReaderError` naming the file and the
    header each layout needs.
    """
    dataset = detect_dataset(Path(path))
    return _READERS[dataset](path, use_cache=use_cache)
