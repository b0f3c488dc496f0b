"""Run a report plan: reuse unchanged reports, execute the others with papermill in a process pool, publish a run.

Layout of the output folder (``reports/`` by default)::

    reports/
      plan.yaml                  the default plan (committed)
      latest -> runs/<run-id>    symlink to the newest complete run, swapped atomically
      runs/<run-id>/             one folder per complete run, never modified afterwards
        index.html               every report: parameters, status, duration, key figures, links
        run.json                 the same as data (and the reuse record of the next run)
        <report-slug>/
          notebook.ipynb         the executed notebook (partial when the report failed)
          report.html            the notebook as HTML, without code cells
          figures/*.png|*.svg    written by the notebook with incidentkit.save_figure
          summary.json           written by the notebook with incidentkit.write_summary
      runs/.staging-<random>/    the run being written (renamed to runs/<run-id> when complete); a new one for
                                 every run, so that nothing left running by a killed run can write into it
      .hashes.json               cached SHA-256 of input files, keyed on size and modification time
      .lock                      held while a run is in progress

SIGTERM, SIGINT and SIGHUP (a cron timeout, a cancelled CI job, Ctrl-C) stop a run cleanly: the worker processes
and every kernel they started are killed, the staging folder is deleted, nothing is published (``latest`` still
points at the previous run), and :class:`RunInterrupted` is raised (the command line exits with 128 + the signal).

papermill, nbconvert, tqdm and psutil are imported inside the functions that need them: a run where every report is
reused never imports them.
"""

from __future__ import annotations

import _thread
import json
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import paths
from .fingerprint import HashCache, environment_digest, report_fingerprint, source_paths, tree_digest
from .plan import DEFAULT_CELL_TIMEOUT, DEFAULT_TIMEOUT, PlanError, Report, load_plan
from .site import failure_page, render_index, render_report_html

#: Names of the files in a report's folder.
NOTEBOOK_FILE = "notebook.ipynb"
HTML_FILE = "report.html"
SUMMARY_FILE = "summary.json"
FIGURES_DIR = "figures"
KERNEL_LOG = "kernel.log"
RUN_FILE = "run.json"
INDEX_FILE = "index.html"
STAGING = ".staging"  # prefix of the staging folders: runs/.staging-<random>
#: Statuses whose files may be reused when the inputs are unchanged (a stale report keeps its old fingerprint).
REUSABLE = frozenset({"ok", "reused", "stale"})
KERNEL_NAME = "incidentkit"  # the project kernel (incidentkit.paths.KERNEL_NAME), installed by make venv

_LIB_DIR = Path(__file__).resolve().parents[1]


class RunLockedError(PlanError):
    """Another run holds the output folder's lock."""


class RunInterrupted(BaseException):
    """The run was stopped by a signal; its workers and kernels were killed and nothing was published.

    A :class:`BaseException` (like :class:`KeyboardInterrupt`), so that no ``except Exception`` swallows it.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        name = signal.Signals(signum).name if signum in set(signal.Signals) else str(signum)
        super().__init__(f"interrupted by {name}")

    @property
    def exit_code(self) -> int:
        """The shell's convention for a process ended by a signal: 128 + its number (SIGTERM: 143, SIGINT: 130)."""
        return 128 + self.signum


#: The signals that stop a run cleanly (where they exist: SIGHUP is POSIX only).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


@dataclass
class RunOptions:
    """What to run and where. Paths default to the project's ``reports/plan.yaml``, ``notebooks/``, ``data/``."""

    plan: Path | None = None
    out: Path | None = None
    notebooks: Path | None = None
    data: Path | None = None
    library: Path | None = None  # the folder whose files are "the library version" (default: lib/incidentkit)
    only: list[str] = field(default_factory=list)
    jobs: int | None = None
    force: bool = False
    timeout: int = DEFAULT_TIMEOUT  # seconds for a whole report, where the plan sets no 'timeout'
    cell_timeout: int | None = DEFAULT_CELL_TIMEOUT  # seconds per cell, where the plan sets no 'cell_timeout'
    progress: bool | None = None  # None: a bar when stderr is a terminal, plain lines otherwise

    def resolved(self) -> RunOptions:
        """Fill in the project defaults (``incidentkit.paths``) and make every path absolute."""
        out = Path(self.out) if self.out else paths.reports_dir()
        plan = Path(self.plan) if self.plan else paths.project_root() / "reports" / "plan.yaml"
        notebooks = Path(self.notebooks) if self.notebooks else paths.notebooks_dir()
        data = Path(self.data) if self.data else paths.data_dir()
        jobs = self.jobs if self.jobs else (os.cpu_count() or 1)
        return RunOptions(
            plan=plan.resolve(),
            out=out.resolve(),
            notebooks=notebooks.resolve(),
            data=data.resolve(),
            library=Path(self.library).resolve() if self.library else _LIB_DIR,
            only=list(self.only),
            jobs=max(1, jobs),
            force=self.force,
            timeout=self.timeout,
            cell_timeout=self.cell_timeout,
            progress=self.progress,
        )


@dataclass(frozen=True)
class ReportTask:
    """Everything a worker process needs to execute and render one report (picklable)."""

    name: str
    slug: str
    notebook_path: str
    cwd: str
    folder: str
    parameters: dict[str, Any]
    #: Seconds for the whole execution (kernel start to last cell); the kernel is killed after that.
    timeout: int
    #: Seconds per cell (papermill's execution_timeout); None: no limit per cell.
    cell_timeout: int | None = None
    kernel_name: str = KERNEL_NAME
    #: Environment variables for the kernel: INCIDENTKIT_DATA_DIR, the data folder that is part of the reuse key.
    environment: dict[str, str] = field(default_factory=dict)
    ipc_dir: str | None = (
        None  # where the kernel's IPC sockets go (a folder the parent deletes after the run)
    )


@dataclass
class RunResult:
    """The outcome of :func:`run_plan`: where the run went and the record of every report."""

    run_id: str
    path: Path
    reports: list[dict[str, Any]]
    executed: int
    reused: int

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The records of the reports that failed."""
        return [r for r in self.reports if r["status"] == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when every report is ok, reused, stale or not run; 1 when any failed (in this run or, not selected
        with ``--only``, in the run it is carried over from)."""
        return 1 if self.failed else 0


# --------------------------------------------------------------------------------------------------------------
# Worker side
# --------------------------------------------------------------------------------------------------------------


def _describe_exception(exc: BaseException, cell_timeout: int | None) -> str:
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


def execute_report(task: ReportTask) -> dict[str, Any]:
    """Execute one report's notebook with papermill and render its HTML; return its record (runs in a worker).

    The exception raised by papermill is the source of truth for failure (its notebook metadata is not reliable
    after a timeout). A failed report still gets its partially executed notebook and an HTML page of it.
    ``task.timeout`` limits the whole execution: when it passes, the kernel is killed (:class:`_Deadline`) and the
    report fails with "timed out after N s"; ``task.cell_timeout`` limits each cell (papermill).
    """
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # silences a debugpy warning in each kernel
    os.environ.update(task.environment)  # inherited by the kernel this worker starts
    # The plan was validated from the parameters cell with ast; papermill's own regex parser warns about lines it
    # cannot read (a '=' in a comment) and calls those parameters unknown. Its warnings would only be noise.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    folder = Path(task.folder)
    folder.mkdir(parents=True, exist_ok=True)
    notebook_out = folder / NOTEBOOK_FILE
    parameters = dict(task.parameters, output_dir=str(folder))
    error: str | None = None
    started = time.time()
    clock = time.perf_counter()
    log_path = folder / KERNEL_LOG
    deadline = _Deadline(task.timeout)
    try:
        import papermill  # lazy (module docstring): a run where every report is reused never imports it
        from traitlets.config import Config

        with (
            tempfile.TemporaryDirectory(prefix="ik-kernel-", dir=task.ipc_dir) as ipc_dir,
            _stderr_to(log_path),
        ):
            # IPC sockets and the connection file in a private folder: no TCP ports to race for, no sockets left in
            # notebooks/, and nothing left in /tmp when the run is killed (the parent deletes task.ipc_dir).
            config = Config(
                {
                    "KernelManager": {
                        "transport": "ipc",
                        "ip": os.path.join(ipc_dir, "k"),
                        "connection_file": os.path.join(ipc_dir, "kernel.json"),
                    }
                }
            )
            papermill.execute_notebook(
                task.notebook_path,
                str(notebook_out),
                parameters=parameters,
                kernel_name=task.kernel_name,
                cwd=task.cwd,
                progress_bar=False,
                log_output=False,
                execution_timeout=task.cell_timeout,
                config=config,
            )
    except Exception as exc:  # every failure is recorded, none stops the other reports
        error = _describe_exception(exc, task.cell_timeout)
    except KeyboardInterrupt:  # the deadline's last resort (below); a real Ctrl-C is the parent's business
        if not deadline.expired:
            raise
    finally:
        deadline.stop()
    if deadline.expired:
        error = (
            f"timed out after {task.timeout} s (the report's time limit, 'timeout'); its kernel was stopped"
            + (f" [{error}]" if error and "DeadKernelError" not in error else "")
        )
    _tidy_kernel_log(log_path)
    duration = time.perf_counter() - clock
    html: str | None = None
    if notebook_out.is_file():
        try:
            # paths into the run's (randomly named) staging folder read relative to the run folder
            staging_prefix = str(folder.parent) + os.sep
            render_report_html(notebook_out, folder / HTML_FILE, title=task.name, strip_prefix=staging_prefix)
            html = HTML_FILE
        except Exception as exc:
            render_error = f"rendering the HTML failed: {type(exc).__name__}: {exc}"
            error = f"{error}; {render_error}" if error else render_error
    if html is None:
        failure_page(folder / HTML_FILE, title=task.name, error=error or "no output notebook was written")
        html = HTML_FILE
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


class _Deadline:
    """Kill this worker's kernel (every process it started) when a report runs longer than ``seconds``.

    A watchdog thread, started at once. When the time is up it sets :attr:`expired` and kills the worker's child
    processes, again every half second (a kernel may still be starting), until :meth:`stop` is called; papermill
    then fails with DeadKernelError. Should papermill not return within ``grace`` seconds after that, the main
    thread gets a KeyboardInterrupt.
    """

    def __init__(self, seconds: float, grace: float = 20.0) -> None:
        self.seconds = seconds
        self.grace = grace
        self.expired = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="report-deadline", daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        if self._done.wait(self.seconds):
            return
        self.expired = True
        import psutil  # lazy (module docstring)

        given_up = time.monotonic() + self.grace
        while not self._done.is_set():
            try:
                children = psutil.Process().children(recursive=True)
            except psutil.Error:
                children = []
            for child in children:
                try:
                    child.kill()
                except psutil.Error:
                    pass
            if time.monotonic() > given_up:
                _thread.interrupt_main()
                return
            self._done.wait(0.5)

    def stop(self) -> None:
        """The report has finished (or failed): stop watching."""
        self._done.set()
        self._thread.join()


@contextmanager
def _stderr_to(path: Path) -> Iterator[None]:
    """Send this process's file descriptors 1 and 2 (inherited by the kernel it starts) to ``path``.

    Kernel processes print warnings and shutdown messages straight to the inherited descriptors; they belong to the
    report (``kernel.log`` in its folder, kept when not empty), not to the runner's log.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for descriptor in (fd, *saved):
            os.close(descriptor)


#: What every kernel prints when it is shut down: jupyter_client interrupts a kernel before stopping it.
_SHUTDOWN_NOISE = "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel."


def _tidy_kernel_log(path: Path) -> None:
    """Drop the shutdown line every kernel prints; delete the log when nothing else is in it."""
    if not path.is_file():
        return
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    kept = [line for line in lines if line.strip() != _SHUTDOWN_NOISE]
    if not any(line.strip() for line in kept):
        path.unlink()
    elif len(kept) != len(lines):
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")


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
    """List a report folder's figures and read its summary; note what is missing as warnings."""
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
    summary: Any = None
    summary_file: str | None = None
    summary_path = folder / SUMMARY_FILE
    if summary_path.is_file():
        summary_file = SUMMARY_FILE
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except ValueError as exc:
            warnings.append(f"summary.json is not valid JSON ({exc})")
    return {"figures": figures, "summary": summary, "summary_file": summary_file, "warnings": warnings}


# --------------------------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------------------------


class _Progress:
    """A tqdm bar on a terminal; one plain line per finished report otherwise (CI logs, cron mail)."""

    def __init__(self, total: int, enabled: bool | None, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.total = total
        self.done = 0
        self.bar = None
        use_bar = enabled if enabled is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        if use_bar and total:
            from tqdm import tqdm  # lazy (module docstring): only a terminal gets a bar

            self.bar = tqdm(total=total, file=self.stream, unit="report", desc="reports", dynamic_ncols=True)

    def log(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def finished(self, record: dict[str, Any]) -> None:
        self.done += 1
        line = f"[{self.done}/{self.total}] {record['status'].upper():6} {record['name']} ({record['duration']:.1f} s)"
        if record.get("error"):
            line += f": {record['error']}"
        if self.bar is not None:
            if record["status"] == "failed":
                self.bar.write(line, file=self.stream)
            self.bar.set_postfix_str(record["name"][:30])
            self.bar.update(1)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _new_run_id(runs: Path) -> str:
    base = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_id, n = base, 1
    while (runs / run_id).exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def _link_tree(src: Path, dst: Path) -> None:
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


def _previous_run(out: Path) -> tuple[Path | None, dict[str, dict[str, Any]]]:
    """The latest complete run's folder and its report records by name (empty when there is none)."""
    latest = out / "latest"
    try:
        folder = latest.resolve(strict=True)
        record = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, {}
    return folder, {r["name"]: r for r in record.get("reports", []) if isinstance(r, dict) and "name" in r}


def _swap_latest(out: Path, run_id: str) -> None:
    """Point ``out/latest`` at ``runs/<run_id>`` atomically (a new symlink renamed over the old one)."""
    tmp = out / f".latest.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(Path("runs") / run_id, tmp)
    os.replace(tmp, out / "latest")


class _Lock:
    """An exclusive, non-blocking lock on ``out/.lock`` (POSIX ``flock``; a no-op where it is unavailable)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: Any = None

    def __enter__(self) -> _Lock:
        try:
            import fcntl  # POSIX only: imported here so that the module imports on Windows
        except ImportError:  # Windows: no lock
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = self.path.open("a")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self.handle.close()
            raise RunLockedError(
                [f"{self.path}: another report run is writing to {self.path.parent}; wait for it to finish"]
            ) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self.handle is not None:
            self.handle.close()


def run_plan(
    options: RunOptions,
    *,
    executor: Callable[[ReportTask], dict[str, Any]] = execute_report,
    stream: Any = None,
) -> RunResult:
    """Validate the plan, reuse or execute every report, and publish the run; return its record.

    Raises :class:`PlanError` (nothing runs) when the plan, a notebook's parameters cell or ``--only`` is wrong.
    A failed report does not stop the others; the run is still published, with the report marked failed.
    """
    opts = options.resolved()
    assert opts.plan and opts.out and opts.notebooks and opts.data and opts.jobs
    reports = load_plan(
        opts.plan, opts.notebooks, default_timeout=opts.timeout, default_cell_timeout=opts.cell_timeout
    )
    unknown = [n for n in opts.only if n not in {r.name for r in reports}]
    if unknown:
        raise PlanError(
            [
                f"--only {n!r}: no report of that name in {opts.plan}; expected one of: "
                + ", ".join(r.name for r in reports)
                for n in unknown
            ],
            source=str(opts.plan),
        )
    out, runs = opts.out, opts.out / "runs"
    with _Lock(out / ".lock"), _stop_on_signals():
        runs.mkdir(parents=True, exist_ok=True)
        # We hold the lock: staging folders left by interrupted runs are nobody's. A process a killed run left
        # behind may still write into one; deleting it does no harm, and this run writes into a new one.
        for old in runs.glob(f"{STAGING}*"):
            shutil.rmtree(old, ignore_errors=True)
        staging = _new_staging(runs)
        ipc_root = tempfile.mkdtemp(prefix="ik-run-")
        try:
            return _render(opts, reports, staging, ipc_root, executor, stream)
        except BaseException:  # interrupted (or a bug): nothing is published, the staging folder goes
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(ipc_root, ignore_errors=True)


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM, SIGINT and SIGHUP into :class:`RunInterrupted` while the block runs (main thread only).

    After the first signal the others are ignored until the block ends, so that the clean-up is not cut short.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: Any) -> None:
        for other in STOP_SIGNALS:
            signal.signal(other, signal.SIG_IGN)
        raise RunInterrupted(signum)

    previous = {signum: signal.signal(signum, handler) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


def _new_staging(runs: Path) -> Path:
    """A new, empty staging folder ``runs/.staging-<random>`` with a published folder's permissions."""
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}-", dir=runs))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the published run must be readable
    return staging


def _render(
    opts: RunOptions,
    reports: list[Report],
    staging: Path,
    ipc_root: str,
    executor: Callable[[ReportTask], dict[str, Any]],
    stream: Any,
) -> RunResult:
    """Reuse or execute every report into ``staging``, write the index, publish the run as ``latest``."""
    assert opts.out is not None and opts.plan is not None and opts.jobs is not None
    out, runs = opts.out, opts.out / "runs"
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    run_id = _new_run_id(runs)
    previous_dir, previous = _previous_run(out)

    cache = HashCache(out / ".hashes.json")
    data_digest = tree_digest(opts.data, cache)
    library_digest = tree_digest(opts.library or _LIB_DIR, cache)
    env_digest = environment_digest()
    selected = set(opts.only) if opts.only else None

    records: list[dict[str, Any]] = []
    tasks: list[tuple[int, ReportTask]] = []
    expected: dict[str, float | None] = {}
    for report in reports:
        record = _base_record(report, opts, cache, data_digest, library_digest, env_digest)
        prev = previous.get(report.name)
        prev_folder = previous_dir / report.slug if previous_dir is not None and prev is not None else None
        has_output = prev_folder is not None and prev_folder.is_dir()
        unchanged = prev is not None and prev.get("fingerprint") == record["fingerprint"]
        # a stale record keeps the fingerprint it was executed with, so it is reusable when its inputs are back
        reusable = has_output and unchanged and prev is not None and prev.get("status") in REUSABLE
        wanted = selected is None or report.name in selected
        if reusable and not (opts.force and wanted):
            assert prev is not None and prev_folder is not None
            _link_tree(prev_folder, staging / report.slug)
            record.update(_carried(prev, "reused"))
        elif wanted:
            tasks.append((len(records), _task(report, opts, staging, ipc_root)))
            expected[report.name] = (prev or {}).get("duration")
        else:
            record.update(_not_selected(prev, prev_folder if has_output else None, staging / report.slug))
        records.append(record)

    progress = _Progress(len(tasks), opts.progress, stream)
    reused = sum(r["status"] == "reused" for r in records)
    progress.log(
        f"report run: {len(records)} report(s) from {opts.plan.name}: {reused} reused, "
        f"{len(tasks)} to execute" + (f" with {min(opts.jobs, len(tasks))} worker(s)" if tasks else "")
    )
    try:
        # Longest first (by the previous run's durations; unknown ones first of all): a shorter tail.
        tasks.sort(key=lambda item: -(expected.get(item[1].name) or float("inf")))
        _execute_all(tasks, records, opts.jobs, executor, progress)
    finally:
        progress.close()
        cache.save()

    if (runs / run_id).exists():  # another run (outside the lock, e.g. another --out) took the name
        run_id = _new_run_id(runs)
    for index, _ in tasks:
        records[index]["executed_in"] = run_id
    run = {
        "run_id": run_id,
        "started_at": started_at,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "plan": _display_path(opts.plan),
        "force": opts.force,
        "only": list(opts.only),
        "reports": records,
    }
    (staging / RUN_FILE).write_text(json.dumps(run, indent=2, sort_keys=True, default=str) + "\n", "utf-8")
    render_index(run, staging / INDEX_FILE)
    final = runs / run_id
    os.rename(staging, final)
    _swap_latest(out, run_id)
    progress.log(f"report run {run_id}: {outcome_line(records, run_id)} -> {final / INDEX_FILE}")
    return RunResult(run_id=run_id, path=final, reports=records, executed=len(tasks), reused=reused)


def outcome_line(records: list[dict[str, Any]], run_id: str) -> str:
    """What a run did, for the log: ``"3 executed ok, 12 reused, 1 failed (1 carried over), 2 stale, 1 not run"``.

    Only reports executed in this run count as "executed ok"; reused, stale and not-run reports are named as
    such, and a failure carried over from an earlier run (``--only``) is counted as failed and said to be carried.
    """
    count = {
        s: sum(r["status"] == s for r in records) for s in ("ok", "reused", "failed", "stale", "not-run")
    }
    carried = sum(r["status"] == "failed" and r.get("executed_in") != run_id for r in records)
    parts = [f"{count['ok']} executed ok", f"{count['reused']} reused", f"{count['failed']} failed"]
    if carried:
        parts[-1] += f" ({carried} carried over)"
    if count["stale"]:
        parts.append(f"{count['stale']} stale")
    if count["not-run"]:
        parts.append(f"{count['not-run']} not run")
    return ", ".join(parts)


def _display_path(path: Path) -> str:
    """``path`` relative to the project folder when it is inside it (no local paths on a published page)."""
    try:
        return path.relative_to(paths.project_root()).as_posix()
    except ValueError:
        return str(path)


def _base_record(
    report: Report, opts: RunOptions, cache: HashCache, data_digest: str, library_digest: str, env_digest: str
) -> dict[str, Any]:
    assert opts.notebooks is not None and opts.plan is not None
    notebook_path = opts.notebooks / report.notebook
    # a relative path is looked up where the kernel runs (notebooks/), then in the project folder
    sources = source_paths(report.parameters.get("source"), [opts.notebooks, paths.project_root()])
    fingerprint = report_fingerprint(
        notebook_digest=cache.digest(notebook_path),
        parameters=report.parameters,
        data_digest=data_digest,
        library_digest=library_digest,
        environment=env_digest,
        source_digests=[tree_digest(p, cache) for p in sources],
    )
    return {
        "name": report.name,
        "slug": report.slug,
        "notebook": report.notebook,
        "parameters": report.parameters,
        "timeout": report.timeout,
        "cell_timeout": report.cell_timeout,
        "fingerprint": fingerprint,
        "status": "pending",
        "error": None,
        "duration": None,
        "executed_in": None,
        "note": None,
        "html": None,
        "notebook_file": None,
        "kernel_log": None,
        "summary_file": None,
        "summary": None,
        "figures": [],
        "warnings": [],
    }


def _carried(prev: dict[str, Any], status: str) -> dict[str, Any]:
    """The fields of a report carried over from the previous run with ``status`` (its files are linked)."""
    keys = (
        "error",
        "duration",
        "started_at",
        "html",
        "notebook_file",
        "kernel_log",
        "summary_file",
        "summary",
        "figures",
        "warnings",
    )
    out = {k: prev.get(k) for k in keys}
    out["warnings"] = list(out.get("warnings") or [])
    out["figures"] = list(out.get("figures") or [])
    out["status"] = status
    out["executed_in"] = prev.get("executed_in") or prev.get("run_id")
    if status == "reused":
        out["note"] = f"inputs unchanged; executed in run {out['executed_in']}"
    if status in {"stale", "failed"}:
        # keep the fingerprint it was executed with: the next run that selects it re-executes it
        out["fingerprint"] = prev.get("fingerprint")
    return out


def _not_selected(prev: dict[str, Any] | None, prev_folder: Path | None, folder: Path) -> dict[str, Any]:
    """The record of a report left out by ``--only`` whose previous result cannot be reused as it is.

    Its latest result is carried over with its real status: FAILED stays failed (and counts as a failure of this
    run), a good result whose inputs changed since becomes STALE, and a report that never produced a result is
    listed as NOT-RUN.
    """
    status = (prev or {}).get("status")
    if prev is None or status in {None, "not-run"} or (prev_folder is None and status != "failed"):
        why = (
            "never executed" if prev is None or status in {None, "not-run"} else "no output in the latest run"
        )
        return {"status": "not-run", "note": f"{why}; not selected (--only)", "fingerprint": None}
    if prev_folder is not None:
        _link_tree(prev_folder, folder)
    if status == "failed":
        out = _carried(prev, "failed")
        out["note"] = f"failed in run {out['executed_in']}; not re-run (not selected with --only)"
        if prev_folder is None:  # the failure is reported even when its files are gone
            out.update(html=None, notebook_file=None, kernel_log=None, summary_file=None, figures=[])
        return out
    out = _carried(prev, "stale")
    out["note"] = f"inputs changed since run {out['executed_in']}; not re-run (not selected with --only)"
    return out


def _task(report: Report, opts: RunOptions, staging: Path, ipc_root: str | None = None) -> ReportTask:
    assert opts.notebooks is not None
    return ReportTask(
        name=report.name,
        slug=report.slug,
        notebook_path=str(opts.notebooks / report.notebook),
        cwd=str(opts.notebooks),
        folder=str(staging / report.slug),
        parameters=dict(report.parameters),
        timeout=report.timeout,
        cell_timeout=report.cell_timeout,
        ipc_dir=ipc_root,
        environment={"INCIDENTKIT_DATA_DIR": str(opts.data), **report.environment},
    )


def _execute_all(
    tasks: list[tuple[int, ReportTask]],
    records: list[dict[str, Any]],
    jobs: int,
    executor: Callable[[ReportTask], dict[str, Any]],
    progress: _Progress,
) -> None:
    """Run the tasks in a pool of ``jobs`` worker processes, filling in each task's record as it finishes."""
    if not tasks:
        return

    def finish(index: int, outcome: dict[str, Any]) -> None:
        records[index].update(outcome)
        progress.finished(records[index])

    workers = min(jobs, len(tasks))
    context = multiprocessing.get_context("spawn")  # no fork of a process that may hold threads
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        futures = {pool.submit(executor, task): (index, task) for index, task in tasks}
        for future in as_completed(futures):
            index, task = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # the worker process itself died (out of memory, killed)
                outcome = {
                    "status": "failed",
                    "error": f"the worker process failed: {type(exc).__name__}: {exc}",
                    "duration": 0.0,
                }
                folder = Path(task.folder)
                if folder.is_dir():
                    outcome.update(collect_outputs(folder))
                    if (folder / HTML_FILE).is_file():
                        outcome["html"] = HTML_FILE
                    if (folder / NOTEBOOK_FILE).is_file():
                        outcome["notebook_file"] = NOTEBOOK_FILE
            finish(index, outcome)
    except BaseException:  # a stop signal (RunInterrupted) or a bug: no worker or kernel may outlive the run
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def stop_pool(pool: Any, grace: float = 3.0) -> list[int]:
    """Stop a process pool at once: its worker processes and every process they started (the kernels).

    The workers are suspended first (so that none starts another kernel meanwhile), their descendants are listed,
    everything gets SIGTERM, and what is still alive after ``grace`` seconds gets SIGKILL. Returns the ids of the
    processes stopped.
    """
    import psutil  # lazy (module docstring)

    workers: list[Any] = []
    for pid in list(getattr(pool, "_processes", None) or {}):
        try:
            worker = psutil.Process(pid)
            worker.suspend()
            workers.append(worker)
        except psutil.Error:
            pass
    processes = list(workers)
    for worker in workers:
        try:
            processes.extend(worker.children(recursive=True))
        except psutil.Error:
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.terminate()
            if process in workers:
                process.resume()  # a stopped process only acts on SIGTERM once it runs again
        except psutil.Error:
            pass
    _gone, alive = psutil.wait_procs(processes, timeout=grace)
    for process in alive:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace)
    return [p.pid for p in processes]
