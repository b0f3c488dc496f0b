"""Fixtures for the real-browser tests (marked ``browser``): headless Chromium, offline pages, JupyterLab.

Fixtures (the plain helpers they use are in ``browserkit.py``, pages, and ``labkit.py``, JupyterLab)::

    browser          session  Playwright Browser on the system's Chromium (skipped without one; fails when CI=true)
    page             function a fresh page (own context, 1400 x 900) that can reach only file:// and this machine
    network          function the NetworkLog of ``page``: every request it aborted (``not network``: asked nothing)
    console          function the ConsoleLog of ``page``: console messages and uncaught exceptions
    shoot            function shoot(page, label="") -> PNGs at 1400 and 390 px in test-output/screenshots/
    report_site      session  a report site rendered by the runner on the curated data (a few reports of the plan)
    lab_root         module   a copy of the project's notebooks/, data/ and reports/plan.yaml for Lab to show
    jupyter_lab      module   JupyterLab on ``lab_root`` (JupyterLab object: url, token, api(), kernel_of(), ...)

Every process these start (Chromium, Playwright's driver, the Lab server and its kernels) is stopped at the end of
the session; ``_process_guard`` fails the session if one is still alive.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from . import browserkit as bk
from . import labkit

BROWSER_DIR = Path(__file__).resolve().parent

#: Command-line fragments that identify the processes the browser tests start: the browser and Playwright's
#: driver, and the Lab servers and their kernels (whose connection files are in the ``lab-home`` folders).
BROWSER_PROCESSES = ("chrom", "playwright")
LAB_PROCESSES = ("jupyterlab", f"{os.sep}lab-home")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ is marked ``browser`` (``-m "not browser"`` leaves them all out)."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _children_like(words: tuple[str, ...]) -> list[psutil.Process]:
    """The live descendants of this test process whose command line contains one of ``words``."""
    found = []
    for proc in psutil.Process().children(recursive=True):
        try:
            line = " ".join(proc.cmdline()).lower()
        except psutil.Error:  # gone, a zombie, or not ours to read
            continue
        if any(word in line for word in words):
            found.append(proc)
    return found


def _describe(proc: psutil.Process) -> str:
    try:
        return f"pid {proc.pid}: {' '.join(proc.cmdline())[:160]}"
    except psutil.Error:
        return f"pid {proc.pid}"


@pytest.fixture(scope="session")
def _process_guard() -> Iterator[list[str]]:
    """Fails the session when a browser, driver, Lab server or kernel started by these tests outlives them.

    The fixtures below append what they had to kill at teardown; at the very end, no child of this test process
    may still look like one of ours.
    """
    trouble: list[str] = []
    yield trouble
    left = _children_like(BROWSER_PROCESSES + LAB_PROCESSES)
    for p in left:
        trouble.append(f"still running at the end of the session: {_describe(p)}")
        p.kill()
    psutil.wait_procs(left, timeout=5)
    if trouble:
        pytest.fail("the browser tests left processes behind:\n" + "\n".join(trouble), pytrace=False)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable (skips the test when there is none; fails instead when ``CI=true``)."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        _missing("the Python package 'playwright' is not installed (make venv installs it from constraints.txt)")
    found = bk.find_chromium()
    if not found:
        _missing(
            "no Chromium found ($INCIDENTKIT_CHROMIUM, 'chromium' on PATH, /usr/bin/chromium). "
            "Install Debian's package: sudo apt-get install chromium (or: sudo bash .ci/install-chromium)"
        )
    return found  # type: ignore[return-value]


def _missing(reason: str) -> None:
    if bk.in_ci():
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def browser(chromium: str, _process_guard: list[str]) -> Iterator[Any]:
    """A headless Chromium for the whole session (Playwright, the system's executable, the flags of browserkit)."""
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        instance = manager.chromium.launch(executable_path=chromium, args=list(bk.CHROMIUM_ARGS), timeout=60_000)
    except Exception as exc:
        manager.stop()
        pytest.fail(f"Chromium at {chromium} did not start: {exc}", pytrace=False)
    try:
        yield instance
    finally:
        started = _children_like(BROWSER_PROCESSES)
        instance.close()
        manager.stop()
        _, alive = psutil.wait_procs(started, timeout=10)
        for p in alive:
            _process_guard.append(f"browser process did not exit after close: {_describe(p)}")
            p.kill()


class _PageLogs:
    def __init__(self) -> None:
        self.network = bk.NetworkLog()
        self.console = bk.ConsoleLog()


@pytest.fixture
def _page_logs() -> _PageLogs:
    return _PageLogs()


@pytest.fixture
def page(browser: Any, _page_logs: _PageLogs) -> Iterator[Any]:
    """A page in a fresh browser context at 1400 x 900, offline except for file:// and this machine.

    Requests that would leave the machine are aborted and recorded in the ``network`` fixture; console messages
    and uncaught exceptions go to ``console``.
    """
    context = browser.new_context(viewport=bk.VIEWPORTS["desktop"], accept_downloads=False)
    _page_logs.network = bk.block_network(context)
    context.set_default_timeout(30_000)
    new_page = context.new_page()
    bk.watch_console(new_page, _page_logs.console)
    try:
        yield new_page
    finally:
        context.close()


@pytest.fixture
def network(page: Any, _page_logs: _PageLogs) -> bk.NetworkLog:
    """Every request of ``page`` that was blocked because it would have left this machine."""
    return _page_logs.network


@pytest.fixture
def console(page: Any, _page_logs: _PageLogs) -> bk.ConsoleLog:
    """The console messages and uncaught exceptions of ``page``."""
    return _page_logs.console


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """``test-output/screenshots/`` (or ``$INCIDENTKIT_TEST_OUTPUT/screenshots``), emptied once per session."""
    folder = bk.SCREENSHOTS
    if folder.is_dir() and not os.environ.get("PYTEST_XDIST_WORKER"):
        for old in folder.glob("*.png"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shoot(request: pytest.FixtureRequest, screenshot_dir: Path) -> Callable[..., list[Path]]:
    """``shoot(page, label="", viewports=("desktop", "phone"), full_page=True)``: save PNGs of the page.

    Files: ``<screenshot_dir>/<test name>[--<label>]--<viewport>-<width>.png`` (see ``browserkit.screenshot``).
    """

    def take(target: Any, label: str = "", **kw: Any) -> list[Path]:
        name = request.node.name + (f"--{label}" if label else "")
        return bk.screenshot(target, name, folder=screenshot_dir, **kw)

    return take


def _render_site(tmp: Path, only: tuple[str, ...]) -> Path:
    out = tmp / "reports"
    command = [sys.executable, "-m", "incidentkit.reports", "run", "--out", str(out), "--jobs", "2", "--no-progress"]
    if only:
        command += ["--only", *only]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"the report runner failed ({done.returncode}):\n{done.stdout}\n{done.stderr}", pytrace=False)
    return (out / "latest").resolve()


@pytest.fixture(scope="session")
def report_site(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run folder of a report site rendered on the curated data: ``index.html`` and ``<report>/report.html``
    for the reports in ``browserkit.SITE_REPORTS`` (the others are listed in the index as not run)."""
    return _render_site(tmp_path_factory.mktemp("site"), bk.SITE_REPORTS)


@pytest.fixture(scope="session")
def report_site_all(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run folder of the whole default site (every report of reports/plan.yaml; ~35 s on 2 cores)."""
    return _render_site(tmp_path_factory.mktemp("site-all"), ())


@pytest.fixture(scope="module")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project as an analyst browses it in Lab: notebooks/, data/, reports/plan.yaml, README.md.

    Lab writes to what it shows (a saved notebook, checkpoints); the copy keeps the repository untouched, and a
    fresh copy per test module keeps one module's saved runs out of the next one's.
    """
    root = tmp_path_factory.mktemp("lab-root")
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "local", "*scratch*")
    for folder in ("notebooks", "data"):
        shutil.copytree(bk.REPO / folder, root / folder, ignore=skip)
    (root / "reports").mkdir()
    shutil.copy(bk.REPO / "reports" / "plan.yaml", root / "reports" / "plan.yaml")
    shutil.copy(bk.REPO / "README.md", root / "README.md")
    return root


@pytest.fixture(scope="module")
def jupyter_lab(
    chromium: str, lab_root: Path, tmp_path_factory: pytest.TempPathFactory, _process_guard: list[str]
) -> Iterator[labkit.JupyterLab]:
    """JupyterLab from this environment on a free port of 127.0.0.1, showing ``lab_root``; one server per test
    module (it starts in ~2 s), stopped with every kernel after the module's last test, even when a test failed.

    The kernels read the curated data from the project (``incidentkit`` is installed from it) and write their
    figures under a temporary ``INCIDENTKIT_REPORTS_DIR``, never into the repository.
    """
    home = tmp_path_factory.mktemp("lab-home")
    env = {"INCIDENTKIT_REPORTS_DIR": str(home / "reports-out"), "INCIDENTKIT_CACHE_DIR": str(home / "cache")}
    try:
        lab = labkit.start_lab(lab_root, home, env=env)
    except labkit.LabError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield lab
    finally:
        for problem in lab.stop():
            _process_guard.append(f"Lab process did not stop on SIGTERM: {problem}")
