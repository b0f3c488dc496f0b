"""Where the project's files are: the curated data, the cache, the notebooks and the reports.

Every location can be overridden with an environment variable so that an installed (non-editable) copy, a test or a
scheduled job can point the library elsewhere without touching code:

- ``INCIDENTKIT_DATA_DIR``: folder holding ``datapackage.json`` and the curated tables;
- ``INCIDENTKIT_CACHE_DIR``: folder for converted GTD/ACLED/UCDP files (Parquet);
- ``INCIDENTKIT_REPORTS_DIR``: folder the report runner writes to.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def project_root() -> Path:
    """Return the repository root (the folder holding ``pyproject.toml`` above ``lib/incidentkit``)."""
    return _PACKAGE_DIR.parent.parent


def _from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else default


def data_dir() -> Path:
    """Return the folder of the curated tables (``data/``, or ``$INCIDENTKIT_DATA_DIR``)."""
    return _from_env("INCIDENTKIT_DATA_DIR", project_root() / "data")


def cache_dir() -> Path:
    """Return the cache folder for converted exports (``.cache/incidentkit``, or ``$INCIDENTKIT_CACHE_DIR``)."""
    return _from_env("INCIDENTKIT_CACHE_DIR", project_root() / ".cache" / "incidentkit")


def notebooks_dir() -> Path:
    """Return the folder of the analysis notebooks."""
    return project_root() / "notebooks"


def reports_dir() -> Path:
    """Return the folder the report runner writes to (``reports/``, or ``$INCIDENTKIT_REPORTS_DIR``)."""
    return _from_env("INCIDENTKIT_REPORTS_DIR", project_root() / "reports")
