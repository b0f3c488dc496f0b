"""The kernels a worker runs its reports on: started by a kernel manager of our own, warm, and reused safely.

A kernel is started with its output going to ``kernel.log`` in its private folder (under the run's temporary folder,
with its IPC sockets and connection file) and imports :data:`WARM_IMPORTS` as it starts (ipykernel's ``exec_lines``:
no output, no execution count). After a report that succeeded, the kernel is reset (:data:`RESET`: the user's
namespace emptied, the execution count back to 1, figures closed, matplotlib's settings and the warning filters as
they were when the kernel had started, the working folder restored) and kept for the worker's next report with the
same kernel name, working folder and environment, up to :data:`REPORTS_PER_KERNEL` reports. A report that failed,
timed out or whose kernel died never hands its kernel on. The imported modules stay: that is the saving (the
library's own caches are keyed by file and modification time, and return copies).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KERNEL_NAME = "incidentkit"  # the project kernel (incidentkit.paths.KERNEL_NAME), installed by make venv
KERNEL_LOG = "kernel.log"
#: Reports one kernel runs before it is replaced by a fresh one (bounds what a long run may accumulate).
REPORTS_PER_KERNEL = 8
#: What a kernel runs as it starts: the notebooks' first imports, and a record of the state :data:`RESET` restores.
WARM_IMPORTS = (  # expressions only: the user's namespace stays as empty as a fresh kernel's
    "[__import__(m) for m in ('matplotlib.pyplot', 'pandas', 'incidentkit')]; "
    "__import__('sys').modules['_ik_fresh'] = __import__('types').SimpleNamespace("
    "cwd=__import__('os').getcwd(), filters=list(__import__('warnings').filters), "
    "rc={k: v for k, v in __import__('matplotlib').rcParams.items() if k != 'backend'})"
)
#: What makes a kernel that ran a report as good as a fresh, warm one (executed silently: no execution count).
RESET = """\
import os, sys, warnings, matplotlib, matplotlib.pyplot
matplotlib.pyplot.close("all")
_fresh = sys.modules["_ik_fresh"]
matplotlib.rcParams.update(_fresh.rc)
warnings.resetwarnings()
warnings.filters[:] = _fresh.filters
os.chdir(_fresh.cwd)
get_ipython().reset(new_session=True)  # a new history session: line numbers start again at 1
get_ipython().execution_count = 1
__import__("gc").collect()
"""
#: What every kernel prints when it is shut down: jupyter_client interrupts a kernel before stopping it.
_SHUTDOWN_NOISE = "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel."


def _sync(method: Any) -> Any:
    """``method`` (a coroutine function of the kernel manager) as a plain function."""
    from jupyter_core.utils import run_sync  # lazy: comes with jupyter_client (see start_kernel)

    return run_sync(method)


@dataclass
class Kernel:
    """A started kernel: its manager, its private folder, the reports it ran, and how much of its log is told."""

    manager: Any
    private: Path
    key: tuple[Any, ...]
    reports: int = 0
    log_told: int = 0

    def tell_log(self, target: Path) -> None:
        """Write what the kernel printed since the last report to ``target``, without the shutdown line every kernel
        prints; nothing when that is all."""
        log = self.private / KERNEL_LOG
        if not log.is_file():
            return
        with log.open("rb") as fh:
            fh.seek(self.log_told)
            text = fh.read()
        self.log_told += len(text)
        lines = text.decode("utf-8", errors="replace").splitlines()
        kept = [line for line in lines if line.strip() != _SHUTDOWN_NOISE]
        if any(line.strip() for line in kept):
            target.write_text("\n".join(kept) + "\n", encoding="utf-8")

    def close_clients(self) -> None:
        """Stop the channels of every client nbclient made for this kernel (nbclient leaves them open)."""
        for client in self.manager.clients:
            client.stop_channels()
        self.manager.clients.clear()

    def reset(self) -> bool:
        """Make the kernel as good as fresh (:data:`RESET`); False when it could not be."""
        client = self.manager.blocking_client()
        client.start_channels()
        try:
            reply = client.execute_interactive(
                RESET, silent=True, store_history=False, timeout=60, output_hook=lambda _msg: None
            )
            return bool(reply["content"]["status"] == "ok")
        except Exception:  # a kernel that does not answer is not reused
            return False
        finally:
            client.stop_channels()

    def stop(self) -> None:
        """Shut the kernel down at once and remove its private folder."""
        self.close_clients()
        try:
            _sync(self.manager.shutdown_kernel)(now=True)
        except Exception:  # an already dead kernel (killed at its time limit): nothing left to stop
            pass
        shutil.rmtree(self.private, ignore_errors=True)


def start_kernel(kernel_name: str, cwd: str, environment: dict[str, str], temp: str | None) -> Kernel:
    """Start the project kernel in ``cwd`` with ``environment`` added; nothing waits for it to be ready here
    (nbclient does, when the report starts)."""
    from jupyter_client import AsyncKernelManager  # lazy: a run where all is reused starts no kernel

    class Manager(AsyncKernelManager):  # type: ignore[misc]  # remembers its clients, to close them
        clients: list[Any]

        def client(self, **kwargs: Any) -> Any:
            made = super().client(**kwargs)
            self.clients.append(made)
            return made

    private = Path(tempfile.mkdtemp(prefix="ik-kernel-", dir=temp))
    manager = Manager(
        kernel_name=kernel_name, transport="ipc", ip=str(private / "k"), connection_file=str(private / "kernel.json")
    )
    manager.clients = []
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1", **environment)
    with open(private / KERNEL_LOG, "wb") as log:  # the kernel keeps its own descriptor
        _sync(manager.start_kernel)(
            cwd=cwd, env=env, stdout=log, stderr=log, extra_arguments=[f"--IPKernelApp.exec_lines={WARM_IMPORTS}"]
        )
    return Kernel(manager, private, (kernel_name, cwd, tuple(sorted(environment.items())), temp))


class Kernels:
    """A worker's kernels: the one a report runs on, and at most one waiting for the next report (started ahead
    while a page renders, or kept from a report that succeeded)."""

    def __init__(self) -> None:
        self._waiting: Kernel | None = None

    def take(self, kernel_name: str, cwd: str, environment: dict[str, str], temp: str | None) -> Kernel:
        """A started kernel for a report: the waiting one when it fits and is alive, else a new one."""
        key = (kernel_name, cwd, tuple(sorted(environment.items())), temp)
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            if waiting.key == key and _sync(waiting.manager.is_alive)():
                return waiting
            waiting.stop()
        return start_kernel(kernel_name, cwd, environment, temp)

    def give_back(self, kernel: Kernel, *, succeeded: bool) -> None:
        """The report on ``kernel`` has ended: keep the kernel (reset) for the next report, or stop it and start a
        fresh one ahead."""
        kernel.close_clients()
        kernel.reports += 1
        keep = succeeded and kernel.reports < REPORTS_PER_KERNEL and self._waiting is None and kernel.reset()
        if keep:
            self._waiting = kernel
            return
        kernel.stop()
        if self._waiting is None:
            name, cwd, environment, temp = kernel.key
            self._waiting = start_kernel(name, cwd, dict(environment), temp)

    def close(self) -> None:
        """Shut down the waiting kernel, if any."""
        if self._waiting is not None:
            self._waiting.stop()
            self._waiting = None
