"""JupyterLab for the real-browser tests: a server from this Python environment, and a user's actions in it.

``start_lab`` starts ``jupyter lab`` on a free port of 127.0.0.1 with its own settings and runtime folders;
``open_notebook``, ``run_all_cells`` and ``lab_menu`` act through Lab's page as an analyst would (menus, not the
kernel API), and read the result back from the page and from the saved notebook. The ``jupyter_lab`` fixture of
``tests/browser/conftest.py`` wraps ``start_lab`` and stops the server with every kernel at teardown.

With Playwright's sync API, wait with ``page.wait_for_timeout``, never ``time.sleep``, while a page is open: the
request routes that let Lab's own requests through run only while the test is inside a Playwright call.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: User settings for the test's JupyterLab: no news or update checks (they fetch from the web), no autosave (the
#: notebook on disk stays as the test left it).
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # Every cell in the page (Lab 4 otherwise leaves cells far from view unrendered): prompts and outputs can be read.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class LabError(RuntimeError):
    """JupyterLab did not start, or a notebook did not run as expected."""


@dataclass
class JupyterLab:
    """A JupyterLab server started from this Python environment for the tests (see :func:`start_lab`)."""

    process: subprocess.Popen
    port: int
    token: str
    root: Path
    home: Path  # config, data, runtime and settings folders of this server only
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lab_url(self, path: str = "") -> str:
        """URL of Lab itself, or of a document in it (``path`` relative to :attr:`root`), with the token."""
        tail = f"/tree/{quote(path)}" if path else ""
        return f"{self.url}/lab{tail}?token={self.token}"

    def api(self, path: str, *, method: str = "GET", body: Any = None, timeout: float = 10) -> Any:
        """Call the server's REST API (``path`` like ``"/api/sessions"``); returns the decoded JSON."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def sessions(self) -> list[dict[str, Any]]:
        """The server's open notebook sessions (path, kernel name and state)."""
        return self.api("/api/sessions")

    def kernel_of(self, path: str) -> dict[str, Any] | None:
        """The kernel of the session open on ``path`` (``name``, ``execution_state``), or None."""
        for s in self.sessions():
            if s.get("path") == path:
                return s.get("kernel")
        return None

    def kernel_display_name(self, kernel_name: str) -> str:
        """The display name of a kernel spec known to this server ("Python 3 (ipykernel)", ...)."""
        specs = self.api("/api/kernelspecs")["kernelspecs"]
        return specs[kernel_name]["spec"]["display_name"]

    def contents(self, path: str) -> dict[str, Any]:
        """The saved file at ``path`` as the server reads it (a notebook comes back as nbformat JSON)."""
        return self.api(f"/api/contents/{quote(path)}?content=1")

    def log(self) -> str:
        """The server's output so far (stdout and stderr)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def processes(self) -> list[psutil.Process]:
        """The server and every process under it (kernels, terminals), as psutil processes."""
        try:
            server = psutil.Process(self.process.pid)
            return [server, *server.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 15) -> list[str]:
        """Stop the server and every process it started (kernels included), by their ids.

        SIGTERM lets the server shut its kernels down; whatever is still alive after ``timeout`` seconds is
        killed. Returns a description of each process that had to be killed or survived (empty: clean shutdown).
        """
        procs = self.processes()  # taken before the stop: a kernel whose server died would leave the tree
        if self.process.poll() is None:
            self.process.terminate()
        _, alive = psutil.wait_procs(procs, timeout=timeout)
        trouble = []
        for p in alive:
            try:
                trouble.append(f"{p.pid} {' '.join(p.cmdline())[:200]}")
                p.kill()
            except psutil.NoSuchProcess:
                continue
        psutil.wait_procs(alive, timeout=5)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            trouble.append(f"{self.process.pid} (server did not exit)")
        return trouble


def start_lab(root: Path, home: Path, *, env: dict[str, str] | None = None, timeout: float = 90) -> JupyterLab:
    """Start ``jupyter lab`` from this Python environment on a free local port and wait until ``/lab`` answers.

    ``root`` is what Lab shows (its ``root_dir``); ``home`` gets this server's own Jupyter config, data, runtime
    and user-settings folders, so that the user's settings and kernels elsewhere do not change what the test
    sees: the kernels are those of this environment (``sys.prefix/share/jupyter``), as for ``make lab``.
    No browser is opened; the token is random; ``--allow-root`` is added when running as root.
    """
    token = secrets.token_hex(16)
    for folder in ("config", "data", "runtime", "settings", "workspaces", "ipython"):
        (home / folder).mkdir(parents=True, exist_ok=True)
    for name, values in LAB_SETTINGS.items():
        target = home / "settings" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    run_env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    run_env.pop("JUPYTER_PATH", None)  # extra kernel and extension folders of the user's own setup
    log_path = home / "jupyter-lab.log"
    last_error = ""
    for _attempt in range(3):  # the free port may be taken between choosing it and binding it
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={home / 'settings'}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                command, cwd=root, env=run_env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        lab = JupyterLab(process, port, token, root, home, log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                last_error = f"jupyter lab exited with code {process.returncode}"
                break
            try:
                with urllib.request.urlopen(lab.lab_url(), timeout=5) as response:
                    if response.status == 200:
                        return lab
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        else:
            lab.stop()
            raise LabError(f"jupyter lab did not answer on {lab.url}/lab within {timeout:.0f} s:\n{lab.log()[-4000:]}")
        lab.stop()
        if "already in use" not in lab.log():
            break
    raise LabError(f"{last_error}:\n{log_path.read_text(errors='replace')[-4000:]}")


#: The code cells of the notebook in view: each cell's prompt ("[3]:", "[*]:", "[ ]:") and how many images it shows.
_CELLS_JS = """
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-CodeCell')];
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') || '';
  return {
    status,
    prompts: cells.map((c) => (c.querySelector('.jp-InputPrompt')?.textContent || '').trim()),
    images: cells.map((c) => c.querySelectorAll('.jp-RenderedImage img, .jp-RenderedSVG svg').length),
  };
}
"""

_RUN_PROMPT = re.compile(r"^\[\d+\]:$")


@dataclass
class NotebookRun:
    """What "Run All Cells" did in JupyterLab: the prompts, the images shown and the errors of the saved notebook."""

    path: str
    kernel: str  # the kernel name the session runs ("python3", "incidentkit")
    kernel_display_name: str  # as the notebook toolbar shows it
    prompts: list[str]  # one per code cell: "[7]:" ran, "[ ]:" did not run
    images: int  # images and SVG figures shown in the outputs
    errors: list[dict[str, Any]]  # {"cell": index among code cells, "ename", "evalue"} from the saved notebook
    seconds: float

    @property
    def executed(self) -> int:
        return sum(bool(_RUN_PROMPT.match(p)) for p in self.prompts)

    @property
    def not_run(self) -> list[int]:
        """Code cells (0-based among code cells) that show no execution count."""
        return [i for i, p in enumerate(self.prompts) if not _RUN_PROMPT.match(p)]


def lab_menu(page: Any, menu: str, item: str) -> None:
    """Choose ``item`` from Lab's menu bar (``lab_menu(page, "Run", "Run All Cells")``), by the labels a user reads."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{re.escape(menu)}$")).click()
    page.locator(f".lm-Menu-item:has(.lm-Menu-itemLabel:text-is({json.dumps(item)}))").click()


def open_notebook(page: Any, lab: JupyterLab, path: str, *, timeout: float = 60_000) -> None:
    """Open ``path`` (relative to the Lab root) in Lab; wait until every cell is shown and the kernel is idle.

    When Lab asks which kernel to use (the notebook's kernel is unknown to this server), the dialog is accepted
    with Lab's own choice, as a new user would.
    """
    cells = len(lab.contents(path)["content"]["cells"])
    page.goto(lab.lab_url(path), wait_until="domcontentloaded", timeout=timeout)
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    deadline = time.monotonic() + timeout / 1000
    stable = 0
    while time.monotonic() < deadline:
        if dialog.count():
            dialog.first.click()
        shown = page.locator(f"{panel} .jp-Notebook .jp-Cell").count()
        status = page.get_attribute(f"{panel} .jp-Notebook-ExecutionIndicator", "data-status") if shown else None
        # The page says "idle" before its kernel is up; the server knows when the page is connected to it.
        kernel = lab.kernel_of(path) if shown == cells and status == "idle" else None
        ready = bool(kernel) and kernel.get("execution_state") == "idle" and kernel.get("connections", 0) >= 1
        stable = stable + 1 if ready else 0
        if stable >= 3:
            return
        page.wait_for_timeout(200)
    raise LabError(
        f"{path}: not shown with its {cells} cells and an idle kernel within {timeout / 1000:.0f} s\n{lab.log()[-3000:]}"
    )


def run_all_cells(page: Any, lab: JupyterLab, path: str, *, timeout: float = 180_000) -> NotebookRun:
    """Run every cell of the open notebook as a user would (menu Run > Run All Cells), wait, then save.

    Waits until the kernel is idle and no cell is queued ("[*]"), then saves the notebook (File > Save) so that the
    errors are read exactly (``output_type == "error"`` in the saved file; in the page an error looks like any
    text on stderr). The saved file is the Lab root's copy: run Lab on a copy of the project (the fixtures do).
    """
    started = time.monotonic()
    before = page.evaluate(_CELLS_JS)
    if before is None:
        raise LabError(f"{path}: no notebook is open")
    lab_menu(page, "Run", "Run All Cells")
    deadline = started + timeout / 1000
    state, stable, begun = before, 0, False
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        state = page.evaluate(_CELLS_JS)
        # Lab marks every queued cell "[*]" at once; a run too quick to see still leaves new execution counts.
        begun = begun or "[*]:" in state["prompts"] or any(
            _RUN_PROMPT.match(p) and p != q for p, q in zip(state["prompts"], before["prompts"], strict=False)
        )
        done = begun and state["status"] == "idle" and "[*]:" not in state["prompts"]
        stable = stable + 1 if done else 0
        if stable >= 3:  # idle for three looks in a row: nothing more is queued
            break
    else:
        raise LabError(f"{path}: still running after {timeout / 1000:.0f} s; prompts {state['prompts']}")
    lab_menu(page, "File", "Save Notebook")
    saved = _wait_saved(page, lab, path, expected=state["prompts"])
    errors = [
        {"cell": i, "ename": o.get("ename", ""), "evalue": o.get("evalue", "")}
        for i, cell in enumerate(c for c in saved["cells"] if c["cell_type"] == "code")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    kernel = lab.kernel_of(path) or {}
    toolbar = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-KernelName").first.inner_text().strip()
    return NotebookRun(
        path=path,
        kernel=kernel.get("name", ""),
        kernel_display_name=toolbar,
        prompts=state["prompts"],
        images=sum(state["images"]),
        errors=errors,
        seconds=time.monotonic() - started,
    )


def _wait_saved(page: Any, lab: JupyterLab, path: str, expected: list[str], timeout: float = 20) -> dict[str, Any]:
    """The notebook as saved, once its code cells carry the execution counts the page shows.

    Waits with ``page.wait_for_timeout``, not ``time.sleep``: Playwright's sync API runs the request routes (which
    let the save through) only while the test is inside a Playwright call.
    """
    want = [int(p[1:-2]) if _RUN_PROMPT.match(p) else None for p in expected]
    deadline = time.monotonic() + timeout
    while True:
        content = lab.contents(path)["content"]
        counts = [c.get("execution_count") for c in content["cells"] if c["cell_type"] == "code"]
        if counts == want:
            return content
        if time.monotonic() > deadline:
            raise LabError(f"{path}: not saved with the counts shown ({want}); on disk: {counts}\n{lab.log()[-3000:]}")
        page.wait_for_timeout(200)
