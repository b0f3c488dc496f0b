"""Run a report plan, the one path through the runner: plan -> execute -> publish.

1. **plan** (:mod:`.plan`, :mod:`.reuse`): validate the plan, hash what the reports depend on, and decide per
   report: reuse the latest run's files, carry them over (``--only``), or execute;
2. **execute** (:mod:`.workers`, :mod:`.execute`): the reports to execute go to a pool of worker processes, longest
   first; each runs its notebook with papermill on a fresh kernel and writes its page;
3. **publish** (:mod:`.publish`): write ``run.json`` and ``index.html`` into the staging folder, rename it
   ``runs/<run-id>``, point ``latest`` at it, and prune runs past the retention (``--keep``).

SIGTERM, SIGINT and SIGHUP (a cron timeout, a cancelled CI job, Ctrl-C) stop a run cleanly: the workers and every
kernel they started are killed, the staging folder is deleted, nothing is published (``latest`` still points at the
previous run), and :class:`RunInterrupted` is raised (the command line exits with 128 + the signal). ``kill -9``
cannot be caught: the workers and kernels then die with the runner, and the next run removes what it left.

papermill, nbconvert, tqdm and psutil are imported by the functions that need them: a run where every report is
reused never imports them.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import paths
from ..errors import EXIT_REPORT_FAILED, EXIT_SIGNAL_BASE
from .execute import ReportTask, execute_report
from .plan import DEFAULT_CELL_TIMEOUT, DEFAULT_TIMEOUT, PlanError, load_plan
from .progress import Progress, outcome_line
from .publish import (
    DEFAULT_KEEP,
    KEEP_ENV,
    new_run_id,
    new_staging,
    output_lock,
    previous_run,
    prune,
    publish,
    run_temp_folder,
    storage_errors,
)
from .reuse import Inputs, decide, new_record, page_context, task_for
from .workers import WorkerPool

_LIB_DIR = Path(__file__).resolve().parents[1]


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
        return EXIT_SIGNAL_BASE + self.signum


#: The signals that stop a run cleanly (where they exist: SIGHUP is POSIX only).
STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, n))


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
    keep: int | None = None  # runs kept under runs/ (None: $INCIDENTKIT_REPORTS_KEEP, else DEFAULT_KEEP)

    def resolved(self) -> RunOptions:
        """Fill in the project defaults (``incidentkit.paths``) and make every path absolute."""
        out = Path(self.out) if self.out else paths.reports_dir()
        plan = Path(self.plan) if self.plan else paths.project_root() / "reports" / "plan.yaml"
        keep = self.keep if self.keep is not None else _keep_from_environment()
        return replace(
            self,
            plan=plan.resolve(),
            out=out.resolve(),
            notebooks=Path(self.notebooks or paths.notebooks_dir()).resolve(),
            data=Path(self.data or paths.data_dir()).resolve(),
            library=Path(self.library).resolve() if self.library else _LIB_DIR,
            only=list(self.only),
            jobs=max(1, self.jobs or os.cpu_count() or 1),
            keep=keep,
        )


def _keep_from_environment() -> int:
    text = os.environ.get(KEEP_ENV, "").strip()
    if not text:
        return DEFAULT_KEEP
    if not text.isdigit() or int(text) < 1:
        raise PlanError([f"${KEEP_ENV} is {text[:20]!r}; expected a whole number of runs to keep, at least 1"])
    return int(text)


@dataclass
class RunResult:
    """The outcome of :func:`run_plan`: where the run went and the record of every report."""

    run_id: str
    path: Path
    reports: list[dict[str, Any]]
    executed: int
    reused: int
    pruned: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The records of the reports that failed."""
        return [r for r in self.reports if r["status"] == "failed"]

    @property
    def exit_code(self) -> int:
        """0 when every report is ok, reused, stale or not run; 1 when any failed (in this run or, not selected
        with ``--only``, in the run it is carried over from)."""
        return EXIT_REPORT_FAILED if self.failed else 0


def run_plan(
    options: RunOptions,
    *,
    executor: Callable[[ReportTask], dict[str, Any]] = execute_report,
    stream: Any = None,
) -> RunResult:
    """Validate the plan, reuse or execute every report, and publish the run; return its record.

    Raises :class:`PlanError` (nothing runs) when the plan, a notebook's parameters cell or ``--only`` is wrong;
    :class:`~incidentkit.errors.RunLockedError`, :class:`~incidentkit.errors.DiskFullError` or
    :class:`~incidentkit.errors.FolderNotWritableError` (nothing published) and :class:`RunInterrupted`.
    A failed report does not stop the others; the run is still published, with the report marked failed.
    ``executor`` (a module-level function, imported by name in the workers) stands in for :func:`execute_report`
    in tests.
    """
    opts = options.resolved()
    assert opts.plan and opts.out and opts.notebooks and opts.data and opts.library and opts.jobs and opts.keep
    reports = load_plan(
        opts.plan, opts.notebooks, default_timeout=opts.timeout, default_cell_timeout=opts.cell_timeout
    )
    unknown = [n for n in opts.only if n not in {r.name for r in reports}]
    if unknown:
        expected = ", ".join(r.name for r in reports)
        problems = [f"--only {n!r}: no report of that name in {opts.plan}; expected one of: {expected}" for n in unknown]
        raise PlanError(problems, source=str(opts.plan))
    out, runs = opts.out, opts.out / "runs"
    with storage_errors(out), output_lock(out), _stop_on_signals(), run_temp_folder() as temp:
        staging = new_staging(runs)
        try:
            return _run(opts, reports, staging, temp, executor, Progress(opts.progress, stream))
        except BaseException:  # interrupted, a full disk (or a bug): nothing is published, the staging folder goes
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _run(
    opts: RunOptions, reports: list[Any], staging: Path, temp: Path, executor: Any, progress: Progress
) -> RunResult:
    assert opts.out and opts.plan and opts.notebooks and opts.data and opts.library and opts.jobs and opts.keep
    runs = opts.out / "runs"
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    run_id = new_run_id(runs)
    # 1. plan: reuse, carry over, or execute
    inputs = Inputs.of(opts.notebooks, opts.data, opts.library)
    previous = previous_run(opts.out)
    context = page_context(reports)
    records, tasks = [], []
    for report in reports:
        record = new_record(report, inputs.fingerprint(report))
        wanted = not opts.only or report.name in opts.only
        if decide(report, record, previous, staging, wanted=wanted, force=opts.force):
            task = task_for(report, opts.notebooks, opts.data, staging, temp, context)
            expected = (previous[1].get(report.name) or {}).get("duration")
            tasks.append((expected, len(records), task))
        records.append(record)
    # Longest first (by the previous run's durations; unknown ones first of all): a shorter tail.
    tasks.sort(key=lambda item: -(item[0] or float("inf")))
    reused = sum(r["status"] == "reused" for r in records)
    workers = min(opts.jobs, len(tasks))
    progress.start(len(tasks))
    progress.log(
        f"report run: {len(records)} report(s) from {opts.plan.name}: {reused} reused, {len(tasks)} to execute"
        + (f" with {workers} worker(s)" if tasks else "")
    )
    # 2. execute
    try:
        with WorkerPool(workers, executor) as pool:
            for index, outcome in pool.run([(index, task) for _, index, task in tasks]):
                records[index].update(outcome)
                progress.finished(records[index])
    finally:
        progress.close()
    # 3. publish
    if (runs / run_id).exists():  # another run (outside the lock, e.g. another --out) took the name
        run_id = new_run_id(runs)
    for _, index, _task in tasks:
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
    index_page = publish(run, staging, opts.out, context)
    pruned = prune(opts.out, opts.keep)
    progress.log(f"report run {run_id}: {outcome_line(records, run_id)} -> {index_page}")
    if pruned:
        progress.log(f"removed {len(pruned)} old run(s) past the {opts.keep} kept (--keep): {', '.join(pruned)}")
    return RunResult(run_id, index_page.parent, records, len(tasks), reused, pruned)


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


def _display_path(path: Path) -> str:
    """``path`` relative to the project folder when it is inside it (no local paths on a published page)."""
    try:
        return path.relative_to(paths.project_root()).as_posix()
    except ValueError:
        return str(path)

