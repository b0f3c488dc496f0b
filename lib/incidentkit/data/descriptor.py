"""The data dictionary as plain data: ``data/datapackage.json`` read with :mod:`json` into its tables, fields,
primary keys and enums, without pandas (the report plan checker reads the enums of the selection parameters from
here, and must start fast). :mod:`incidentkit.data.schema` builds the pandas dtypes and conversions on top.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import IncidentkitError
from ..paths import data_dir

#: How to point the library at the curated tables, said whenever they cannot be found.
DATA_HELP = (
    "Set INCIDENTKIT_DATA_DIR to a folder holding datapackage.json and the curated tables (the data/ folder of an "
    "incidentkit checkout); an installed incidentkit wheel ships them in incidentkit/data/curated/. "
    "`incidentkit data` shows the folder in use."
)


@lru_cache(maxsize=8)
def _read_descriptor(path: str, mtime_ns: int) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise IncidentkitError(f"{path}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from None


def datapackage_path(folder: Path | None = None) -> Path:
    """Return the path of ``datapackage.json`` in ``folder`` (default: :func:`incidentkit.paths.data_dir`)."""
    return (folder or data_dir()) / "datapackage.json"


def load_datapackage(folder: Path | None = None) -> dict[str, Any]:
    """Return the parsed data package descriptor (cached until the file changes)."""
    path = datapackage_path(folder)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise IncidentkitError(f"{path}: cannot read the data dictionary ({exc.strerror}). {DATA_HELP}") from exc
    return _read_descriptor(str(path), mtime)


def resource_names(folder: Path | None = None) -> list[str]:
    """Return the names of the tables described by the data package."""
    return [r["name"] for r in load_datapackage(folder)["resources"]]


def resource(name: str, folder: Path | None = None) -> dict[str, Any]:
    """Return the descriptor of one table; an unknown name lists the valid ones."""
    for res in load_datapackage(folder)["resources"]:
        if res["name"] == name:
            return res
    raise IncidentkitError(f"no table {name!r} in the data package; valid tables: {', '.join(resource_names(folder))}")


def fields(name: str, folder: Path | None = None) -> list[dict[str, Any]]:
    """Return the field descriptors of a table, in order."""
    return list(resource(name, folder)["schema"]["fields"])


def field(name: str, column: str, folder: Path | None = None) -> dict[str, Any]:
    """Return one field's descriptor."""
    for f in fields(name, folder):
        if f["name"] == column:
            return f
    raise IncidentkitError(f"table {name!r} has no field {column!r}")


def field_names(name: str, folder: Path | None = None) -> list[str]:
    """Return the column names of a table, in the data package's order."""
    return [f["name"] for f in fields(name, folder)]


def enum_values(name: str, column: str, folder: Path | None = None) -> list[str]:
    """Return the allowed values of an enumerated field, in the data package's order."""
    values = field(name, column, folder).get("constraints", {}).get("enum")
    if values is None:
        raise IncidentkitError(f"field {name}.{column} has no enum constraint")
    return list(values)


def primary_key(name: str, folder: Path | None = None) -> list[str]:
    """Return the primary-key columns of a table."""
    pk = resource(name, folder)["schema"].get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)
