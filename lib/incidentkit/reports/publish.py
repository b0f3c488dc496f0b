"""Where a run is written and how it is published: the lock, the staging folder, the atomic swap of ``latest``, and
the clean-up of what dead runs left behind and of runs past the retention.

Layout of the output folder (``reports/`` by default)::

    reports/
      latest -> runs/<run-id>    symlink to the newest complete run, swapped atomically
      runs/<run-id>/             one folder per complete run, never modified afterwards (pruned past --keep)
      runs/.staging-<random>/    the run being written, renamed to runs/<run-id> when complete
      .hashes.json               the reuse key's file hashes (see fingerprint.py)
      .lock                      held while a run is in progress

Every run also has a private temporary folder ``<tmp>/ik-run-<random>/`` (its kernels' sockets and connection files)
holding a lock of its own; the next run removes those whose lock is free (their run is dead).
Any ``OSError`` of a full disk or an unwritable folder becomes :class:`~incidentkit.errors.DiskFullError` or
:class:`~incidentkit.errors.FolderNotWritableError` (:func:`storage_errors`), with its own exit code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import RunLockedError, storage_error
from .pages import INDEX_FILE, PageContext, write_index

RUN_FILE = "run.json"
STAGING = ".staging"  # prefix of the staging folders: runs/.staging-<random>
TEMP_PREFIX = "ik-run-"  # prefix of the runs' private temporary folders
#: Runs kept under runs/ by default (the newest ones; ``latest``'s target is always kept).
DEFAULT_KEEP = 10
KEEP_ENV = "INCIDENTKIT_REPORTS_KEEP"
_RUN_ID = re.compile(r"^(\d{8}T\d{6}Z)(?:-(\d+))?$")
#: A temporary folder without a lock file (made by an earlier version of the runner) is a dead run's only when it is
#: empty and has not changed for this long.
_UNLOCKED_TEMP_AGE = 600.0


@contextmanager
def storage_errors(folder: Path) -> Iterator[None]:
    """Turn the ``OSError`` of a full disk or an unwritable folder into its :class:`~incidentkit.errors.RunError`."""
    try:
        yield
    except OSError as exc:
        error = storage_error(exc, folder)
        if error is None:
            raise
        raise error from exc


class FolderLock:
    """An exclusive, non-blocking lock on ``path`` (POSIX ``flock``; a no-op where it is unavailable), released when
    the holder exits or dies (``kill -9`` included)."""

    def __init__(self, path: Path, busy: str) -> None:
        self.path = path
        self.busy = busy
        self.handle: Any = None

    def acquire(self) -> bool:
        """Take the lock; False (nothing held) when another process holds it."""
        try:
            import fcntl  # POSIX only: imported here so that the module imports on Windows
        except ImportError:  # Windows: no lock
            return True
        self.handle = self.path.open("a")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            return False
        return True

    def release(self) -> None:
        """Let go of the lock."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def __enter__(self) -> FolderLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.acquire():
            raise RunLockedError(self.busy)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def output_lock(out: Path) -> FolderLock:
    """The lock of an output folder: one run at a time writes there."""
    return FolderLock(
        out / ".lock",
        f"{out / '.lock'}: another report run is writing to {out}; nothing was run. Wait for it to finish "
        "(or give this run another --out folder)",
    )


@contextmanager
def run_temp_folder() -> Iterator[Path]:
    """A private temporary folder for this run (locked while it lives); dead runs' ones are removed first."""
    root = Path(tempfile.gettempdir())
    for old in root.glob(f"{TEMP_PREFIX}*"):
        _remove_if_dead(old)
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=root))
    lock = FolderLock(folder / ".lock", "")
    lock.acquire()
    try:
        yield folder
    finally:
        lock.release()
        shutil.rmtree(folder, ignore_errors=True)


def _remove_if_dead(folder: Path) -> None:
    try:
        if not folder.is_dir() or folder.is_symlink() or folder.stat().st_uid != os.getuid():
            return
        if not (folder / ".lock").is_file():
            if time.time() - folder.stat().st_mtime > _UNLOCKED_TEMP_AGE and not any(folder.iterdir()):
                folder.rmdir()
            return
        lock = FolderLock(folder / ".lock", "")
        if lock.acquire():  # free: the run that made it is dead
            shutil.rmtree(folder, ignore_errors=True)
            lock.release()
    except OSError:  # another user's, or gone meanwhile: not ours to clean
        pass


def new_staging(runs: Path) -> Path:
    """Remove the staging folders dead runs left (the caller holds the output lock), then make a new, empty one
    ``runs/.staging-<random>`` with a published folder's permissions."""
    runs.mkdir(parents=True, exist_ok=True)
    for old in runs.glob(f"{STAGING}*"):
        shutil.rmtree(old, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}-", dir=runs))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the published run must be readable
    return staging


def new_run_id(runs: Path) -> str:
    """A run id from the current UTC time (``20250101T120000Z``), with ``-2``, ``-3``... when taken."""
    base = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_id, n = base, 1
    while (runs / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def link_tree(src: Path, dst: Path) -> None:
    """Recreate ``src`` at ``dst`` with hard links (copies across file systems); symlinks are not followed."""
    for dirpath, _dirnames, filenames in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for filename in filenames:
            source = Path(dirpath) / filename
            if source.is_symlink():
                continue
            target = dst / rel / filename
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)


def previous_run(out: Path) -> tuple[Path | None, dict[str, dict[str, Any]]]:
    """The latest complete run's folder and its report records by name (empty when there is none)."""
    try:
        folder = (out / "latest").resolve(strict=True)
        record = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, {}
    return folder, {r["name"]: r for r in record.get("reports", []) if isinstance(r, dict) and "name" in r}


def publish(run: dict[str, Any], staging: Path, out: Path, context: PageContext) -> Path:
    """Write ``run.json`` and ``index.html`` into ``staging``, rename it ``runs/<run-id>`` and point ``latest`` at it."""
    (staging / RUN_FILE).write_text(json.dumps(run, indent=2, sort_keys=True, default=str) + "\n", "utf-8")
    write_index(run, staging, context)
    final = out / "runs" / run["run_id"]
    os.rename(staging, final)
    tmp = out / f".latest.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(Path("runs") / run["run_id"], tmp)
    os.replace(tmp, out / "latest")  # atomic: a reader sees the old run or the new one
    return final / INDEX_FILE


def prune(out: Path, keep: int) -> list[str]:
    """Remove all but the ``keep`` newest runs under ``out/runs``; return the ids removed.

    Never touches ``latest``'s target, a staging folder (a run being written) or anything not named like a run.
    """
    runs = out / "runs"
    try:
        current = (out / "latest").resolve(strict=True)
    except OSError:
        current = None
    found = sorted(
        (p for p in runs.iterdir() if _RUN_ID.match(p.name) and p.is_dir() and not p.is_symlink()),
        key=_run_order,
        reverse=True,
    )
    removed = []
    for folder in found[max(keep, 1) :]:
        if folder.resolve() != current:
            shutil.rmtree(folder)
            removed.append(folder.name)
    return removed


def _run_order(folder: Path) -> tuple[str, int]:
    match = _RUN_ID.match(folder.name)
    assert match is not None
    return match[1], int(match[2] or 1)
