"""What a report's output depends on, as one hash: the reuse key of the report runner.

A report is reused from the previous run when its fingerprint is unchanged. The fingerprint covers:

- the notebook file's bytes;
- the report's parameters (canonical JSON);
- every file under the data folder (path and SHA-256);
- when the ``source`` parameter names an existing file or folder, that file's (or every file's) SHA-256;
- the library version: the SHA-256 of every file under ``lib/incidentkit`` (code, templates, package data);
- the Python version and the versions of the packages that shape the output (:data:`OUTPUT_PACKAGES`).

The data folder that is hashed is the one the kernels read: the runner sets ``INCIDENTKIT_DATA_DIR`` to it for the
worker processes and their kernels (``--data DIR``).

File hashes come from :func:`incidentkit.hashing.content_hash`, the content hash the readers' cache
uses, which remembers each file's hash by its stat: an unchanged re-run reads no data file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from ..hashing import content_hash

#: Packages whose version can change a report's bytes (figures, tables, HTML) or what the notebooks read.
OUTPUT_PACKAGES = (
    # computing and drawing
    "pandas",
    "numpy",
    "matplotlib",
    "pillow",  # matplotlib writes PNG files through it
    "seaborn",
    # reading and converting the data (readers, cache, country codes, maps)
    "pyarrow",
    "pycountry",
    "xxhash",
    "openpyxl",
    "geopandas",
    "shapely",
    "pyogrio",
    "pyproj",
    # executing and rendering the notebooks
    "papermill",
    "nbclient",
    "ipykernel",
    "ipython",
    "nbconvert",
    "nbformat",
    "mistune",
    "jinja2",
    "pygments",
    "bleach",  # nbconvert's sanitiser: what a page's Markdown and HTML keep
)
_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".git"}


def iter_files(root: Path) -> Iterable[Path]:
    """Yield every regular file under ``root`` in sorted order, skipping caches and hidden folders."""
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        for filename in sorted(filenames):
            if filename.endswith((".pyc", ".pyo")) or filename.startswith("."):
                continue
            path = Path(dirpath) / filename
            if path.is_file():
                yield path


def tree_digest(root: Path) -> str:
    """Hash of every file under ``root``: relative paths and contents. A missing folder hashes as empty."""
    sha = hashlib.sha256()
    for path in iter_files(root):
        rel = path.relative_to(root).as_posix() if root.is_dir() else path.name
        sha.update(f"{rel}\0{content_hash(path)}\n".encode())
    return sha.hexdigest()


def file_digest(path: Path) -> str:
    """The content hash of one file."""
    return content_hash(path)


def environment_digest(packages: Iterable[str] = OUTPUT_PACKAGES) -> str:
    """Hash of the Python version and the installed versions of ``packages`` (missing ones count as absent)."""
    parts = [f"python={sys.version_info[:3]}"]
    for name in packages:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=absent")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def source_paths(value: Any, bases: Iterable[Path]) -> list[Path]:
    """The existing files or folders a ``source`` parameter names, tried against each base folder in turn.

    Dataset names such as ``"curated"`` or ``"gtd"`` name no file and give an empty list.
    """
    if not isinstance(value, str) or not value.strip():
        return []
    candidate = Path(value).expanduser()
    if candidate.is_absolute():
        return [candidate] if candidate.exists() else []
    for base in bases:
        path = base / candidate
        if path.exists():
            return [path.resolve()]
    return []


def report_fingerprint(
    *,
    notebook_digest: str,
    parameters: dict[str, Any],
    data_digest: str,
    library_digest: str,
    environment: str,
    source_digests: Iterable[str] = (),
) -> str:
    """Combine a report's inputs into one hex digest (the reuse key)."""
    payload = {
        "notebook": notebook_digest,
        "parameters": parameters,
        "data": data_digest,
        "source": list(source_digests),
        "library": library_digest,
        "environment": environment,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
