"""Worker processes that execute reports: started once per run, reused for every report, and never outliving it.

Parent side, :class:`WorkerPool`: ``jobs`` worker processes, each started with
:class:`subprocess.Popen` in its own session and talking to the parent over a socket pair
(:class:`multiprocessing.connection.Connection`: one task out, one record back). The pool hands the longest reports
out first, enforces each report's whole-report ``timeout`` (it kills the report's kernel, then, should the worker not
answer within :data:`GRACE` seconds, the worker) and replaces a worker that died.

Worker side, :func:`main` (``python -c`` :data:`_WORKER_MAIN`): asks the kernel to send it SIGKILL when the parent dies (Linux ``prctl``
``PR_SET_PDEATHSIG``; elsewhere a thread watching the parent's pid), imports papermill and nbconvert once, then
executes the tasks it is sent. Its kernels exit within a second of it (ipykernel watches its parent's pid), so
whatever ends the runner, ``kill -9`` included, ends its workers and their kernels.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from .execute import ReportTask, execute_report, partial_outcome
from .kernels import Kernels

#: Seconds a worker has to answer after its report's kernel was killed at the time limit before it is killed too.
GRACE = 20.0
#: Seconds between two checks of the time limits (and between two kills of a timed-out report's processes).
TICK = 0.5

Executor = Callable[[ReportTask], dict[str, Any]]
#: A worker's command (``-c``: ``-m`` would warn that the package already imported this module).
_WORKER_MAIN = "import sys; from incidentkit.reports.workers import main; sys.exit(main(sys.argv[1:]))"


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    conn: Connection
    task: tuple[int, ReportTask] | None = None
    started: float = 0.0
    timed_out_at: float | None = None


class WorkerPool:
    """``jobs`` worker processes executing tasks with ``executor`` (a module-level function, imported by name)."""

    def __init__(self, jobs: int, executor: Executor = execute_report) -> None:
        self.jobs = jobs
        self.executor = (executor.__module__, executor.__qualname__)
        self.workers: list[_Worker] = []

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        command = [sys.executable, "-c", _WORKER_MAIN, str(theirs.fileno()), str(os.getpid())]
        process = subprocess.Popen(
            command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, start_new_session=True
        )
        theirs.close()
        conn = Connection(ours.detach())
        conn.send((sys.path, *self.executor))  # the worker imports the executor from where this process would
        worker = _Worker(process, conn)
        self.workers.append(worker)
        return worker

    def run(self, tasks: list[tuple[int, ReportTask]]) -> Iterator[tuple[int, dict[str, Any]]]:
        """Execute ``tasks`` (index, task) in order of the list; yield (index, outcome) as each finishes."""
        queue = list(tasks)
        for _ in range(min(self.jobs, len(queue))):
            self._give(self._spawn(), queue)
        while any(w.task for w in self.workers):
            busy = [w for w in self.workers if w.task]
            for ready in wait([w.conn for w in busy], timeout=TICK):
                worker = next(w for w in busy if w.conn is ready)
                yield self._receive(worker)
                self._give(worker if worker.process.poll() is None else self._respawn(worker, queue), queue)
            for worker in [w for w in self.workers if w.task]:
                if (lost := self._check_time(worker)) is not None:
                    yield lost
                    self._give(self._respawn(worker, queue), queue)

    def _give(self, worker: _Worker | None, queue: list[tuple[int, ReportTask]]) -> None:
        if worker is None:
            return
        if queue:
            worker.task, worker.started, worker.timed_out_at = queue.pop(0), time.monotonic(), None
            worker.conn.send(worker.task[1])
        else:
            worker.task = None

    def _receive(self, worker: _Worker) -> tuple[int, dict[str, Any]]:
        assert worker.task is not None
        index, task = worker.task
        try:
            kind, outcome = worker.conn.recv()
        except (EOFError, OSError) as exc:  # the worker process itself died (out of memory, killed)
            worker.process.wait()
            error = f"the worker process failed: {type(exc).__name__} (exit code {worker.process.returncode})"
            return index, partial_outcome(Path(task.folder), error, task.context, task.name)
        if kind == "error":  # the executor raised: the report fails with what it left behind
            outcome = partial_outcome(Path(task.folder), f"the worker process failed: {outcome}", task.context, task.name)
        if worker.timed_out_at is not None:
            outcome = dict(outcome, status="failed", error=_timeout_message(task, outcome.get("error")))
        return index, outcome

    def _check_time(self, worker: _Worker) -> tuple[int, dict[str, Any]] | None:
        """Kill a report's kernel at its time limit; give up on its worker ``GRACE`` seconds later."""
        assert worker.task is not None
        index, task = worker.task
        now = time.monotonic()
        if now - worker.started < task.timeout:
            return None
        if worker.timed_out_at is None:
            worker.timed_out_at = now
        if now - worker.timed_out_at < GRACE:
            _kill(_descendants(worker.process.pid))  # again on every tick: a kernel may still have been starting
            return None
        self._stop(worker)
        error = _timeout_message(task, f"its worker did not answer within {GRACE:.0f} s and was stopped")
        return index, partial_outcome(Path(task.folder), error, task.context, task.name)

    def _respawn(self, worker: _Worker, queue: list[tuple[int, ReportTask]]) -> _Worker | None:
        """Replace a worker that is gone (when tasks remain)."""
        self._stop(worker)
        self.workers.remove(worker)
        return self._spawn() if queue else None

    def _stop(self, worker: _Worker) -> list[Any]:
        processes: list[Any] = []
        if worker.process.poll() is None:  # not reaped yet: its pid (and group) are still its own
            processes = _descendants(worker.process.pid)
            try:
                os.killpg(worker.process.pid, signal.SIGKILL)  # the worker leads its own session (start_new_session)
            except (OSError, AttributeError):  # already gone; or no process groups (Windows): kill it alone
                worker.process.kill()
        _kill(processes)
        worker.process.wait()
        worker.conn.close()
        worker.task = None
        return processes

    def close(self, grace: float = 0.0) -> None:
        """Stop every worker with every process it started: at the run's end, each is told to finish (it shuts its
        kernels down) and given ``grace`` seconds; after a stop signal or an error, at once."""
        for worker in self.workers:
            worker.conn.close()  # the worker reads the end of its tasks
        deadline = time.monotonic() + grace
        for worker in self.workers:
            try:
                worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        gone: list[Any] = []
        for worker in list(self.workers):
            gone += self._stop(worker)
        self.workers.clear()
        _wait_gone(gone)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(grace=0.0 if kind is not None else 10.0)


def _timeout_message(task: ReportTask, detail: str | None) -> str:
    text = f"timed out after {task.timeout} s (the report's time limit, 'timeout'); its kernel was stopped"
    return text + (f" [{detail}]" if detail and "DeadKernelError" not in detail else "")


def _descendants(pid: int) -> list[Any]:
    import psutil  # lazy: needed only to stop kernels (a time limit, the end of a run)

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _kill(processes: list[Any]) -> None:
    for process in processes:
        try:
            process.kill()
        except Exception:  # psutil.Error: already gone
            pass


def _wait_gone(processes: list[Any], timeout: float = 5.0) -> None:
    import psutil  # lazy: see _descendants

    psutil.wait_procs(processes, timeout=timeout)


# ----------------------------------------------------------------------------------------------------------------------
# Worker side
# ----------------------------------------------------------------------------------------------------------------------


def die_with_parent(parent: int) -> None:
    """Have this process killed when ``parent`` dies: at once by the kernel (``PR_SET_PDEATHSIG``, Linux), and by a
    thread watching the parent's pid (every system; the fallback where ``prctl`` is missing or refused)."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()
    if os.getppid() != parent:  # the parent died before the request above was in place
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(TICK)
    os._exit(1)


def main(argv: list[str]) -> int:
    """A worker's life: ``python -c <_WORKER_MAIN> <socket fd> <parent pid>``."""
    fd, parent = int(argv[0]), int(argv[1])
    die_with_parent(parent)
    conn = Connection(fd)
    path, module, name = conn.recv()
    sys.path[:] = [*path, *(p for p in sys.path if p not in path)]
    executor: Any = importlib.import_module(module)
    for part in name.split("."):
        executor = getattr(executor, part)
    kernels = Kernels() if executor is execute_report else None
    if kernels is not None:
        import nbconvert  # noqa: F401  # lazy: warm the worker (HTML export) while the parent plans
        import papermill  # noqa: F401  # lazy: the same, for the execution
    try:
        while True:
            try:
                task = conn.recv()
            except EOFError:
                return 0
            try:
                outcome = execute_report(task, kernels) if kernels is not None else executor(task)
                conn.send(("ok", outcome))
            except Exception as exc:  # the executor itself failed: the report fails, the worker goes on
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        if kernels is not None:
            kernels.close()

