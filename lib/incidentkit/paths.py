"""Where the project's files are: the curated data, the cache, the notebooks and the reports.

incidentkit runs in two settings, and each location has a default for both:

- **a checkout** (``pip install -e .``, as ``make venv`` does): the package is ``lib/incidentkit`` under the
  repository, and everything is relative to the repository root (``data/``, ``.cache/``, ``notebooks/``,
  ``reports/``);
- **installed from a wheel**: the curated tables come from the copy shipped inside the package
  (``incidentkit/data/curated/``), converted exports are cached in the user's cache folder, and notebooks and
  reports are looked for in the current folder (an analyst's own project).

Every location can be overridden with an environment variable, so that a test or a scheduled job can point the
library elsewhere without touching code:

- ``INCIDENTKIT_DATA_DIR``: folder holding ``datapackage.json`` and the curated tables;
- ``INCIDENTKIT_CACHE_DIR``: folder for converted GTD/ACLED/UCDP files (Arrow IPC);
- ``INCIDENTKIT_REPORTS_DIR``: folder the report runner writes to.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root when the package is ``lib/incidentkit`` of a checkout.
_CHECKOUT_ROOT = _PACKAGE_DIR.parent.parent
#: Where a wheel carries the curated tables (pyproject.toml maps ``data/`` there).
PACKAGED_DATA = _PACKAGE_DIR / "data" / "curated"
#: The project's Jupyter kernel, "Python (incidentkit)": the kernelspec of every notebook, the kernel of the report
#: runner, of nbval and of papermill in the tests, and the one ``make lab`` selects. Defined by
#: ``share/jupyter/kernels/incidentkit/kernel.json``, which ``make venv`` (and a wheel) installs into the
#: environment's ``share/jupyter/kernels``, where the Jupyter of the same environment finds it.
KERNEL_NAME = "incidentkit"
KERNEL_DISPLAY_NAME = "Python (incidentkit)"


def in_checkout() -> bool:
    """Return True when the package runs from a repository checkout (``lib/incidentkit`` next to
    ``pyproject.toml``), False when it is installed from a wheel."""
    return _PACKAGE_DIR.parent.name == "lib" and (_CHECKOUT_ROOT / "pyproject.toml").is_file()


def project_root() -> Path:
    """Return the repository root in a checkout; installed from a wheel, the current folder (where an analyst
    keeps ``notebooks/`` and ``reports/``)."""
    return _CHECKOUT_ROOT if in_checkout() else Path.cwd()


def _from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else default


def data_dir() -> Path:
    """Return the folder of the curated tables: ``$INCIDENTKIT_DATA_DIR``, else ``data/`` of the checkout, else the
    copy shipped in the installed package."""
    return _from_env("INCIDENTKIT_DATA_DIR", project_root() / "data" if in_checkout() else PACKAGED_DATA)


def data_origin() -> str:
    """Return why :func:`data_dir` is where it is: ``"INCIDENTKIT_DATA_DIR"``, ``"checkout"`` or ``"package"``."""
    if os.environ.get("INCIDENTKIT_DATA_DIR", "").strip():
        return "INCIDENTKIT_DATA_DIR"
    return "checkout" if in_checkout() else "package"


def cache_dir() -> Path:
    """Return the cache folder for converted exports: ``$INCIDENTKIT_CACHE_DIR``, else ``.cache/incidentkit`` of the
    checkout, else the user's cache folder (``~/.cache/incidentkit`` on Linux)."""
    default = _CHECKOUT_ROOT / ".cache" / "incidentkit" if in_checkout() else Path(
        platformdirs.user_cache_dir("incidentkit", appauthor=False))
    return _from_env("INCIDENTKIT_CACHE_DIR", default)


def notebooks_dir() -> Path:
    """Return the folder of the analysis notebooks (``notebooks/`` of the project root)."""
    return project_root() / "notebooks"


def reports_dir() -> Path:
    """Return the folder the report runner writes to (``reports/`` of the project root, or
    ``$INCIDENTKIT_REPORTS_DIR``)."""
    return _from_env("INCIDENTKIT_REPORTS_DIR", project_root() / "reports")
