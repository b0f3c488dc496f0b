"""Execute one report: its notebook with papermill, then its page; runs in a worker process.

:func:`execute_report` is what a worker (:mod:`.workers`) calls for each :class:`ReportTask`: it takes a kernel from
the worker's :class:`~.kernels.Kernels` (warm: fresh, or reset after a report that succeeded), runs papermill on it,
hands the kernel back, and writes the page (:mod:`.pages`) and the record (:func:`collect_outputs`).

Limits: ``cell_timeout`` is papermill's ``execution_timeout``; the whole-report ``timeout`` is enforced by the parent,
which kills the kernel (papermill then fails with DeadKernelError) and, should the worker not answer, the worker.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .kernels import KERNEL_LOG, KERNEL_NAME, Kernels
from .pages import PageContext, write_report_page

#: Names of the files in a report's folder.
NOTEBOOK_FILE = "notebook.ipynb"
SUMMARY_FILE = "summary.json"
FIGURES_DIR = "figures"


@dataclass(frozen=True)
class ReportTask:
    """Everything a worker process needs to execute and render one report (picklable)."""

    name: str
    slug: str
    notebook_path: str
    cwd: str
    folder: str
    parameters: dict[str, Any]
    #: Seconds for the whole execution (kernel start to last cell); the parent kills the kernel after that.
    timeout: int
    #: Seconds per cell (papermill's execution_timeout); None: no limit per cell.
    cell_timeout: int | None = None
    kernel_name: str = KERNEL_NAME
    #: Environment variables for the kernel: INCIDENTKIT_DATA_DIR, the data folder that is part of the reuse key.
    environment: dict[str, str] = field(default_factory=dict)
    #: Where the kernel's IPC sockets and connection file go (a folder the parent deletes after the run).
    ipc_dir: str | None = None
    #: The plan's reports, for the page's links (see :mod:`.pages`).
    context: PageContext = field(default_factory=PageContext)


def describe_exception(exc: BaseException, cell_timeout: int | None) -> str:
    """One line saying why papermill failed (the cell and error of a failing cell, a timeout, a dead kernel)."""
    kind = type(exc).__name__
    if kind == "PapermillExecutionError":
        where = f"cell {exc.exec_count}" if getattr(exc, "exec_count", None) else "a cell"
        return f"{exc.ename} in {where}: {exc.evalue}"  # type: ignore[attr-defined]
    if kind == "CellTimeoutError":
        return f"CellTimeoutError: a cell ran longer than the cell_timeout of {cell_timeout} s"
    if kind == "DeadKernelError":
        return f"DeadKernelError: the kernel died ({exc})"
    text = str(exc).strip().splitlines()
    return f"{kind}: {text[0]}" if text else kind


def execute_report(task: ReportTask, kernels: Kernels | None = None) -> dict[str, Any]:
    """Execute one report's notebook with papermill and write its page; return its record (runs in a worker).

    The exception raised by papermill is the source of truth for failure (its notebook metadata is not reliable
    after a timeout). A failed report still gets its partially executed notebook and a page of it.
    """
    # The plan was validated from the parameters cell; papermill's own regex parser warns about lines it cannot
    # read (a '=' in a comment) and calls those parameters unknown. Its warnings would only be noise.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    own = kernels is None
    kernels = kernels or Kernels()
    folder = Path(task.folder)
    folder.mkdir(parents=True, exist_ok=True)
    notebook_out = folder / NOTEBOOK_FILE
    log_path = folder / KERNEL_LOG
    error: str | None = None
    started = time.time()
    clock = time.perf_counter()
    try:
        import papermill  # lazy: a run where every report is reused never imports it

        kernel = kernels.take(task.kernel_name, task.cwd, task.environment, task.ipc_dir)
        try:
            papermill.execute_notebook(
                task.notebook_path,
                str(notebook_out),
                parameters=dict(task.parameters, output_dir=str(folder)),
                kernel_name=task.kernel_name,
                cwd=task.cwd,
                progress_bar=False,
                log_output=False,
                execution_timeout=task.cell_timeout,
                km=kernel.manager,
            )
        except Exception as exc:  # every failure is recorded, none stops the other reports
            error = describe_exception(exc, task.cell_timeout)
        kernel.tell_log(log_path)
        # kept (reset) for the next report, or replaced by a fresh kernel that boots while this page renders
        kernels.give_back(kernel, succeeded=error is None)
    except Exception as exc:  # the kernel could not be started
        error = describe_exception(exc, task.cell_timeout)
    if own:
        kernels.close()
    if notebook_out.is_file():
        coalesce_streams(notebook_out)
    duration = time.perf_counter() - clock
    html, error = write_report_page(
        folder, name=task.name, notebook=notebook_out, error=error, context=task.context
    )
    _make_readable(folder)
    record = {
        "status": "failed" if error else "ok",
        "error": error,
        "duration": round(duration, 3),
        "started_at": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "html": html,
        "notebook_file": NOTEBOOK_FILE if notebook_out.is_file() else None,
        "kernel_log": KERNEL_LOG if log_path.is_file() else None,
    }
    record.update(collect_outputs(folder))
    return record


def coalesce_streams(notebook: Path) -> None:
    """Merge each cell's consecutive stdout (stderr) outputs into one, as nbconvert's preprocessor does.

    The kernel sends what a cell prints in pieces as its output buffer is flushed, on a timer: how a cell's text is cut
    depends on the machine's load. Merged, the same outputs give the same notebook and the same page bytes.
    """
    import nbformat  # lazy: comes with papermill (see execute_report)
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    try:
        nb = nbformat.read(str(notebook), as_version=4)
    except Exception:  # an unreadable notebook: its page says so (pages.write_report_page)
        return
    CoalesceStreamsPreprocessor().preprocess(nb, {})
    nbformat.write(nb, str(notebook))


def _make_readable(folder: Path) -> None:
    """Give every file the notebook wrote the permissions of a normal file (0644 under the usual umask).

    Files written through ``tempfile.mkstemp`` are private (0600); a published site must be readable by the web
    server.
    """
    umask = os.umask(0)
    os.umask(umask)
    for dirpath, _dirnames, filenames in os.walk(folder):
        for filename in filenames:
            path = Path(dirpath) / filename
            if not path.is_symlink():
                path.chmod(0o666 & ~umask)


def collect_outputs(folder: Path) -> dict[str, Any]:
    """List a report folder's figures and data downloads (``*.csv`` at its top level), read its summary, and note
    what is missing as warnings."""
    warnings: list[str] = []
    figures_dir = folder / FIGURES_DIR
    figures: list[str] = []
    if figures_dir.is_dir():
        for path in sorted(figures_dir.iterdir()):
            if path.is_symlink() or not path.is_file():
                warnings.append(f"figures/{path.name}: not a regular file; left out")
            elif path.suffix in {".png", ".svg"}:
                figures.append(path.name)
    stems_png = {Path(f).stem for f in figures if f.endswith(".png")}
    stems_svg = {Path(f).stem for f in figures if f.endswith(".svg")}
    for stem in sorted(stems_png ^ stems_svg):
        missing = "svg" if stem in stems_png else "png"
        warnings.append(f"figure {stem!r} has no .{missing} file")
    downloads: list[str] = []
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        if path.is_symlink() or not path.is_file():
            warnings.append(f"{path.name}: not a regular file; left out")
        else:
            downloads.append(path.name)
    summary: Any = None
    summary_file: str | None = None
    summary_path = folder / SUMMARY_FILE
    if summary_path.is_file():
        summary_file = SUMMARY_FILE
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            warnings.append(f"summary.json is not valid JSON ({exc})")
    return {
        "figures": figures,
        "downloads": downloads,
        "summary": summary,
        "summary_file": summary_file,
        "warnings": warnings,
    }


def partial_outcome(folder: Path, error: str, context: PageContext, name: str) -> dict[str, Any]:
    """The record of a report whose worker was lost (killed after its time limit, or died): what it left behind."""
    notebook = folder / NOTEBOOK_FILE
    folder.mkdir(parents=True, exist_ok=True)
    html, error = write_report_page(folder, name=name, notebook=notebook, error=error, context=context)
    outcome = {"status": "failed", "error": error, "duration": 0.0, "html": html}
    outcome["notebook_file"] = NOTEBOOK_FILE if notebook.is_file() else None
    outcome.update(collect_outputs(folder))
    return outcome
