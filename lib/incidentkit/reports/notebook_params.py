"""A notebook's parameters as papermill sees them, cached by the notebook's content hash.

``papermill.inspect_notebook`` gives each parameter of the cell tagged ``parameters``: its name, its annotation
(``inferred_type_name``), its default as written and its help comment. It is the only reader of parameters cells in
the project: what it cannot read, papermill cannot inject either, so the lines it skips (a second ``=`` on a line)
are kept and reported too.

Importing papermill takes more than a second, so each inspection is kept in
``<cache_dir>/notebook-parameters/<SHA-256 of the notebook's bytes>.json``, with papermill's version: a plan whose
notebooks did not change is checked without importing papermill, and a changed notebook (or papermill) is inspected
again. A cache entry that cannot be read is ignored and rewritten; a cache folder that cannot be written only costs
the import next time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ..data.parameters import literal
from ..paths import cache_dir

#: Bump when the layout of a cache entry changes.
CACHE_FORMAT = 1


@dataclass(frozen=True)
class ParamSpec:
    """One parameter papermill reads in a notebook's ``parameters`` cell."""

    name: str
    annotation: str | None  # papermill's inferred_type_name; None when the line has no annotation
    default_text: str  # the default as written
    help: str = ""

    @property
    def default(self) -> Any:
        """The default's value when it is a Python literal, else ``None``."""
        return literal(self.default_text)[1]

    @property
    def literal_default(self) -> bool:
        """Whether the default is a Python literal (the plan and the style checker can know its value)."""
        return literal(self.default_text)[0]


@dataclass(frozen=True)
class NotebookParameters:
    """What papermill reads in one notebook: its parameters in order, whether it has a cell tagged ``parameters``,
    papermill's messages about lines of that cell it skipped, or why the notebook could not be read at all."""

    path: str
    specs: dict[str, ParamSpec] = field(default_factory=dict)
    tagged: bool = True
    skipped: tuple[str, ...] = ()
    error: str | None = None


def inspect_parameters(path: Path | str, *, use_cache: bool = True) -> NotebookParameters:
    """Return the parameters of the notebook at ``path`` as papermill reads them (cached by its content hash)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return NotebookParameters(str(path), error=f"{path}: cannot read the notebook ({exc.strerror or exc})")
    return _inspect(str(path), hashlib.sha256(data).hexdigest(), use_cache)


@lru_cache(maxsize=64)
def _inspect(path: str, digest: str, use_cache: bool) -> NotebookParameters:
    entry = _cache_file(digest)
    if use_cache:
        try:
            stored = json.loads(entry.read_text(encoding="utf-8"))
            if stored.get("format") == CACHE_FORMAT and stored.get("papermill") == _papermill_version():
                return _from_json(path, stored)
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass  # no entry yet, or one that cannot be trusted: inspect again
    found = _with_papermill(path)
    if found.error is None:
        _store(entry, {"format": CACHE_FORMAT, "papermill": _papermill_version(), **_to_json(found)})
    return found


def _with_papermill(path: str) -> NotebookParameters:
    # lazy (module docstring): importing papermill and nbformat takes over a second; only a changed notebook needs it
    import papermill
    from papermill.iorw import load_notebook_node
    from papermill.utils import find_first_tagged_cell_index

    try:
        nb = load_notebook_node(path)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many types for a file that is not a notebook
        return NotebookParameters(path, error=f"{path}: not a readable notebook ({type(exc).__name__}: {exc})"[:300])
    if find_first_tagged_cell_index(nb, "parameters") < 0:
        return NotebookParameters(path, tagged=False)
    skipped: list[str] = []
    handler = _Collect(skipped)
    logger = logging.getLogger("papermill")
    logger.addHandler(handler)
    try:
        found = papermill.inspect_notebook(path)
    finally:
        logger.removeHandler(handler)
    specs = {
        name: ParamSpec(name, None if p["inferred_type_name"] == "None" else p["inferred_type_name"], p["default"],
                        p["help"])
        for name, p in found.items()
    }
    return NotebookParameters(path, specs, True, tuple(skipped))


class _Collect(logging.Handler):
    """Keeps papermill's warnings about parameter lines it cannot read ("Unable to parse line 3 '...'")."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Unable to parse"):
            self.into.append(message)


def _to_json(found: NotebookParameters) -> dict[str, Any]:
    return {
        "tagged": found.tagged,
        "skipped": list(found.skipped),
        "parameters": [[s.name, s.annotation, s.default_text, s.help] for s in found.specs.values()],
    }


def _from_json(path: str, stored: dict[str, Any]) -> NotebookParameters:
    specs = {name: ParamSpec(name, annotation, default, help_) for name, annotation, default, help_ in stored["parameters"]}
    return NotebookParameters(path, specs, bool(stored["tagged"]), tuple(stored["skipped"]))


def _cache_file(digest: str) -> Path:
    return cache_dir() / "notebook-parameters" / f"{digest}.json"


@lru_cache(maxsize=1)
def _papermill_version() -> str:
    try:
        return metadata.version("papermill")
    except metadata.PackageNotFoundError:
        return "none"


def _store(entry: Path, data: dict[str, Any]) -> None:
    """Write a cache entry atomically (a reader never sees half of one); a folder that cannot be written is skipped."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".entry-", suffix=".tmp", dir=entry.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, entry)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
