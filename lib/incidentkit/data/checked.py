"""Which cached reader outputs have passed validation against which data tables, so that a warm
``load_incidents(source=export)`` does not validate the same rows against the same tables again.

A cached conversion (``df.attrs["cache_key"]``, the name of its cache entry: the export's content, the reader
version, the variant, the readers' dependencies) that passed :func:`incidentkit.data.validation.validate` is
remembered with the digest of the data folder's ``datapackage.json`` and of every table it names
(:func:`tables_digest`): any change to a table, or a new conversion, validates again. The record is an empty file
under ``<cache_dir>/validated/``; nothing is remembered when the cache folder is not writable.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..paths import cache_dir, data_dir
from .descriptor import datapackage_path, load_datapackage


def tables_digest(folder: Path | None = None) -> str:
    """Return a digest of the data package descriptor and every table it names (small files: read each time)."""
    folder = folder or data_dir()
    h = hashlib.sha256(datapackage_path(folder).read_bytes())
    for res in load_datapackage(folder)["resources"]:
        path = folder / res["path"]
        try:
            h.update(res["path"].encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            h.update(res["path"].encode() + b"\0<missing>\0")
    return h.hexdigest()[:24]


def _record(key: str, folder: Path | None) -> Path:
    return cache_dir() / "validated" / f"{key}.{tables_digest(folder)}.ok"


def validated_before(key: str | None, folder: Path | None = None) -> bool:
    """Return True when the cached conversion ``key`` passed validation against the current data tables."""
    return bool(key) and _record(str(key), folder).is_file()


def remember_validated(key: str | None, folder: Path | None = None) -> None:
    """Remember that the cached conversion ``key`` passed validation against the current data tables."""
    if not key:
        return
    try:
        record = _record(key, folder)
        record.parent.mkdir(parents=True, exist_ok=True)
        record.touch()
    except OSError:
        pass
