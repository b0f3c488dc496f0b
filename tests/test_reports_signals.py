"""Stopping a report run with a signal (a cron timeout, a cancelled CI job, Ctrl-C) leaves nothing running.

Starts one run in a subprocess with two kernels (~6 s on 2 cores).
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from incidentkit.reports.run import run_plan
from test_reports_run import DATA, NOTEBOOKS, options, snapshot, stub_execute

pytestmark = pytest.mark.notebooks

psutil = pytest.importorskip("psutil")


def _cmdline(process: Any) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def _running(process: Any) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_sigterm_stops_workers_and_kernels_and_keeps_latest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_plan(options(out, "plan-good.yaml", jobs=1), executor=stub_execute, stream=io.StringIO())
    before, latest_before = snapshot(first.path), os.readlink(out / "latest")
    plan = tmp_path / "slow.yaml"
    plan.write_text(
        "- name: slow one\n  notebook: slow.ipynb\n  parameters: {seconds: 120}\n"
        "- name: slow two\n  notebook: slow.ipynb\n  parameters: {seconds: 121}\n"
    )
    command = [sys.executable, "-m", "incidentkit.reports", "run", "--plan", str(plan), "--out", str(out)]
    command += ["--notebooks", str(NOTEBOOKS), "--data", str(DATA), "--jobs", "2", "--no-progress"]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        runner = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        kernels: list[Any] = []
        while len(kernels) < 2:
            assert time.monotonic() < deadline and proc.poll() is None, "the kernels did not start"
            time.sleep(0.2)
            kernels = [p for p in runner.children(recursive=True) if "ipykernel" in _cmdline(p)]
        started = [p for p in runner.children(recursive=True) if "incidentkit.reports.workers" in _cmdline(p)] + kernels
        assert len(started) == 4  # two workers, two kernels
        # the kernels' connection files live in the run's private folder (removed with the run)
        private = {Path(_cmdline(k).split(" -f ", 1)[1].split()[0]).parent.parent for k in kernels}
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted by SIGTERM" in err and "nothing was published" in err
    survivors = [p for p in started if _running(p)]
    assert survivors == [], [_cmdline(p) for p in survivors]
    assert not any(folder.exists() for folder in private)
    leftovers = [p for p in psutil.process_iter() if any(str(f) in _cmdline(p) for f in private)]
    assert leftovers == []
    # the previous run is still the latest, unchanged; no staging folder is left behind
    assert os.readlink(out / "latest") == latest_before
    assert snapshot(first.path) == before
    assert sorted(p.name for p in (out / "runs").iterdir()) == [first.run_id]


def stub_where(task: Any) -> dict[str, Any]:
    """Stand-in executor reporting the folder it was given (module level, for the worker processes)."""
    Path(task.folder).mkdir(parents=True)
    return {"status": "ok", "error": None, "duration": 0.0, "html": None, "warnings": [task.folder]}


def test_every_run_writes_into_a_new_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    # what an interrupted run (or an orphan of a killed one) may have left behind
    for name in (".staging", ".staging-abc123"):
        (out / "runs" / name / "good-one").mkdir(parents=True)
    opts = options(out, "plan-good.yaml", jobs=1)
    result = run_plan(opts, executor=stub_where, stream=io.StringIO())
    staging = {Path(r["warnings"][0]).parent for r in result.reports}
    assert len(staging) == 1
    (folder,) = staging
    assert folder.parent == out / "runs" and folder.name.startswith(".staging-")
    assert folder.name not in {".staging", ".staging-abc123"}
    assert sorted(p.name for p in (out / "runs").iterdir()) == [result.run_id]  # the old ones were deleted
    assert (result.path.stat().st_mode & 0o777) == 0o777 & ~_umask()  # published with normal permissions
    opts.force = True
    again = run_plan(opts, executor=stub_where, stream=io.StringIO())
    assert {Path(r["warnings"][0]).parent for r in again.reports} != staging
    assert json.loads((again.path / "run.json").read_text())["run_id"] == again.run_id


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
