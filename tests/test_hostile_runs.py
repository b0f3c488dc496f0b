"""Runs that leave nothing behind (issue 12): whatever ends a run, no process, staging folder or temporary folder
outlives it, and each way a run cannot be carried out has its own message and exit code.

- ``kill -9`` of the runner mid-run: its workers and kernels die with it; the next run removes its staging and
  temporary folders, and nothing re-creates them;
- a lock held by another live process: exit 3, nothing run, the live run's temporary folder left alone;
- a full disk: exit 4 (simulated ENOSPC always; a real small tmpfs where this machine lets us mount one);
- a read-only output folder: exit 5 (simulated EROFS always; a real read-only mount where possible);
- retention: ``--keep N`` prunes old runs, never ``latest``'s target or a run being written.

The kill test starts one run with two kernels (~10 s on 2 cores); the others use a stand-in executor.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from incidentkit import errors
from incidentkit.reports import publish, run
from incidentkit.reports.__main__ import main
from incidentkit.reports.run import run_plan
from test_reports_run import DATA, FIXTURES, NOTEBOOKS, options, snapshot, stub_execute

pytestmark = pytest.mark.notebooks
psutil = pytest.importorskip("psutil")


def stub_downloads(task: Any) -> dict[str, Any]:
    """Stand-in executor writing a figure pair and a CSV download (module level, for the worker processes)."""
    from incidentkit.reports.execute import collect_outputs

    folder = Path(task.folder)
    (folder / "figures").mkdir(parents=True)
    for name in ("bars.png", "bars.svg"):
        (folder / "figures" / name).write_text("figure\n")
    (folder / "incidents.csv").write_text("event_id\n1\n")
    (folder / "notes.txt").write_text("not a download\n")
    return {"status": "ok", "error": None, "duration": 0.0, "html": None, **collect_outputs(folder)}


def stub_large(task: Any) -> dict[str, Any]:
    """Stand-in executor writing 1 MiB (it fails with ENOSPC on a full disk, as a notebook would)."""
    folder = Path(task.folder)
    folder.mkdir(parents=True)
    (folder / "summary.json").write_bytes(b" " * (1 << 20))
    return {"status": "ok", "error": None, "duration": 0.0, "html": None}


def _cli(out: Path, *extra: str) -> list[str]:
    return ["run", "--plan", str(FIXTURES / "plan-good.yaml"), "--out", str(out), "--notebooks", str(NOTEBOOKS),
            "--data", str(DATA), "--no-progress", *extra]


def _alive(processes: list[Any]) -> list[Any]:
    out = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                out.append(process)
        except psutil.Error:
            pass
    return out


# ----------------------------------------------------------------------------------------------------------------------
# kill -9
# ----------------------------------------------------------------------------------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL and /proc: Linux")
def test_kill_9_of_the_runner_leaves_no_process_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_plan(options(out, "plan-good.yaml", jobs=1), executor=stub_execute, stream=io.StringIO())
    before, latest_before = snapshot(first.path), os.readlink(out / "latest")
    plan = tmp_path / "slow.yaml"
    plan.write_text("".join(f"- name: slow {i}\n  notebook: slow.ipynb\n  parameters: {{seconds: {120 + i}}}\n"
                            for i in range(4)))
    command = [sys.executable, "-m", "incidentkit.reports", "run", "--plan", str(plan), "--out", str(out),
               "--notebooks", str(NOTEBOOKS), "--data", str(DATA), "--jobs", "2", "--no-progress"]
    proc = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        runner = psutil.Process(proc.pid)
        deadline = time.monotonic() + 90
        kernels: list[Any] = []
        while len(kernels) < 2:
            assert time.monotonic() < deadline and proc.poll() is None, "the kernels did not start"
            time.sleep(0.2)
            kernels = [p for p in runner.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        started = runner.children(recursive=True)
        temp = {Path(" ".join(k.cmdline()).split(" -f ", 1)[1].split()[0]).parent.parent for k in kernels}
        staging = list((out / "runs").glob(".staging-*"))
        assert len(started) >= 4 and len(temp) == 1 and len(staging) == 1  # two workers, two kernels
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    # every worker and kernel dies with the runner (the workers at once, the kernels within about a second)
    gone_by = time.monotonic() + 15
    while _alive(started) and time.monotonic() < gone_by:
        time.sleep(0.2)
    assert _alive(started) == [], [" ".join(p.cmdline()) for p in _alive(started)]
    orphans = [p for p in psutil.process_iter(["cmdline"]) if str(next(iter(temp))) in " ".join(p.info["cmdline"] or [])]
    assert orphans == []
    # the dead run published nothing; what it left is removed by the next run
    assert os.readlink(out / "latest") == latest_before and snapshot(first.path) == before
    assert all(folder.exists() for folder in [*temp, *staging])
    after = run_plan(options(out, "plan-good.yaml", jobs=1), executor=stub_execute, stream=io.StringIO())
    assert not any(folder.exists() for folder in [*temp, *staging])
    time.sleep(2)  # nothing of the dead run is left to re-create its folders
    assert sorted(p.name for p in (out / "runs").iterdir()) == sorted([first.run_id, after.run_id])
    assert not any(folder.exists() for folder in temp)


# ----------------------------------------------------------------------------------------------------------------------
# the lock
# ----------------------------------------------------------------------------------------------------------------------


@pytest.fixture
def holder() -> Iterator[Any]:
    """Start a process that holds an flock on a given file until it is killed."""
    started: list[subprocess.Popen[str]] = []

    def hold(path: Path) -> subprocess.Popen[str]:
        code = ("import fcntl, sys, time; h = open(sys.argv[1], 'a'); fcntl.flock(h, fcntl.LOCK_EX); "
                "print('held', flush=True); time.sleep(600)")
        proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        return proc

    yield hold
    for proc in started:
        proc.kill()
        proc.wait()


def test_a_lock_held_by_a_live_run_has_its_own_message_and_exit_code(
    tmp_path: Path, holder: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    holder(out / ".lock")
    with pytest.raises(errors.RunLockedError) as caught:
        run_plan(options(out, "plan-good.yaml"), executor=stub_execute)
    assert not isinstance(caught.value, run.PlanError)
    assert main(_cli(out)) == errors.EXIT_LOCKED == 3
    err = capsys.readouterr().err
    assert f"another report run is writing to {out}; nothing was run" in err and "problem(s) in the plan" not in err
    assert sorted(p.name for p in out.iterdir()) == [".lock"]  # nothing else was written


def test_temporary_folders_of_dead_runs_go_and_those_of_live_runs_stay(tmp_path: Path, holder: Any) -> None:
    root = Path(tempfile.gettempdir())
    live = Path(tempfile.mkdtemp(prefix=publish.TEMP_PREFIX, dir=root))
    dead = Path(tempfile.mkdtemp(prefix=publish.TEMP_PREFIX, dir=root))
    try:
        for folder in (live, dead):
            (folder / ".lock").touch()
            (folder / "ik-kernel-x").mkdir()
        holder(live / ".lock")
        run_plan(options(tmp_path / "out", "plan-good.yaml", jobs=1), executor=stub_execute, stream=io.StringIO())
        assert live.is_dir() and (live / "ik-kernel-x").is_dir()
        assert not dead.exists()
    finally:
        shutil.rmtree(live, ignore_errors=True)
        shutil.rmtree(dead, ignore_errors=True)


# ----------------------------------------------------------------------------------------------------------------------
# a full disk, a read-only folder
# ----------------------------------------------------------------------------------------------------------------------


def _fail_publish(number: int) -> Any:
    def fail(run_record: dict[str, Any], staging: Path, out: Path, context: Any) -> Path:
        raise OSError(number, os.strerror(number), str(staging / "run.json"))

    return fail


@pytest.mark.parametrize(
    ("number", "code", "words"),
    [
        (errno.ENOSPC, errors.EXIT_DISK_FULL, "is full (writing"),
        (errno.EROFS, errors.EXIT_NOT_WRITABLE, "is on a read-only file system"),
        (errno.EACCES, errors.EXIT_NOT_WRITABLE, "cannot be written by this user"),
    ],
)
def test_a_failed_write_says_what_happened_with_its_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], number: int, code: int,
    words: str,
) -> None:
    out = tmp_path / "out"
    first = run_plan(options(out, "plan-good.yaml", jobs=1), executor=stub_execute, stream=io.StringIO())
    before = snapshot(out / "runs")
    monkeypatch.setattr(run, "publish", _fail_publish(number))
    assert main([*_cli(out), "--force", "--jobs", "1"]) == code
    err = capsys.readouterr().err
    assert words in err and "nothing was published and earlier runs are intact" in err
    assert "Traceback" not in err
    assert (out / "latest").resolve() == first.path and snapshot(out / "runs") == before  # no staging folder left


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted at a temporary folder (root on Linux only; skipped with the reason otherwise)."""
    mount = shutil.which("mount")
    folder = tmp_path / "tmpfs"
    folder.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or mount is None:
        pytest.skip("mounting a small tmpfs needs root on Linux")
    done = subprocess.run([mount, "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_really_full_disk_exits_4_and_keeps_the_previous_run(small_tmpfs: Path) -> None:
    out = small_tmpfs / "out"
    first = run_plan(options(out, "plan-good.yaml", jobs=1), executor=stub_execute, stream=io.StringIO())
    before = snapshot(out / "runs")
    with open(small_tmpfs / "filler", "wb") as fh:  # fill the disk to the last block
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    opts = options(out, "plan-good.yaml", jobs=1, force=True)
    with pytest.raises(errors.DiskFullError, match="is full") as caught:
        run_plan(opts, executor=stub_large, stream=io.StringIO())
    assert caught.value.exit_code == errors.EXIT_DISK_FULL == 4
    assert (out / "latest").resolve() == first.path and snapshot(out / "runs") == before
    assert not list((out / "runs").glob(".staging*"))


def test_a_really_read_only_folder_exits_5(small_tmpfs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = small_tmpfs / "out"
    first = run_plan(options(out, "plan-good.yaml", jobs=1), executor=stub_execute, stream=io.StringIO())
    before = snapshot(out)
    done = subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot remount read-only here: {done.stderr.strip()}")
    assert main([*_cli(out), "--force", "--jobs", "1"]) == errors.EXIT_NOT_WRITABLE
    err = capsys.readouterr().err
    assert "read-only file system" in err and "Traceback" not in err
    assert (out / "latest").resolve() == first.path and snapshot(out) == before


# ----------------------------------------------------------------------------------------------------------------------
# retention, downloads
# ----------------------------------------------------------------------------------------------------------------------


def test_keep_prunes_old_runs_but_never_latest_or_a_run_being_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    opts = options(out, "plan-good.yaml", jobs=1, keep=2)
    ids = []
    for _ in range(4):
        ids.append(run_plan(opts, executor=stub_execute, stream=io.StringIO()).run_id)
        opts.force = True
    assert sorted(p.name for p in (out / "runs").iterdir()) == sorted(ids[-2:])
    assert (out / "latest").resolve().name == ids[-1]
    # latest pointing at an older run (e.g. set back by hand) and a run being written: neither is removed
    runs = out / "runs"
    for name in ("20000101T000000Z", "20000102T000000Z", "20000103T000000Z-2", "not-a-run"):
        (runs / name).mkdir()
    (runs / ".staging-live").mkdir()
    (out / "latest").unlink()
    (out / "latest").symlink_to(Path("runs") / "20000101T000000Z")
    removed = publish.prune(out, keep=2)
    assert sorted(removed) == ["20000102T000000Z", "20000103T000000Z-2"]
    assert sorted(p.name for p in runs.iterdir()) == sorted([".staging-live", "20000101T000000Z", "not-a-run",
                                                              *ids[-2:]])


def test_keep_from_the_command_line_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*_cli(tmp_path / "a"), "--keep", "0"]) == errors.EXIT_PLAN
    assert "--keep must be at least 1" in capsys.readouterr().err
    monkeypatch.setenv(publish.KEEP_ENV, "3")
    assert options(tmp_path / "b", "plan-good.yaml").resolved().keep == 3
    monkeypatch.setenv(publish.KEEP_ENV, "many")
    with pytest.raises(run.PlanError, match="expected a whole number of runs to keep"):
        options(tmp_path / "b", "plan-good.yaml").resolved()
    monkeypatch.delenv(publish.KEEP_ENV)
    assert options(tmp_path / "b", "plan-good.yaml").resolved().keep == publish.DEFAULT_KEEP == 10


def test_csv_files_of_a_report_are_listed_as_downloads_and_reused(tmp_path: Path) -> None:
    opts = options(tmp_path / "out", "plan-good.yaml", jobs=1)
    first = run_plan(opts, executor=stub_downloads, stream=io.StringIO())
    assert [r["downloads"] for r in first.reports] == [["incidents.csv"], ["incidents.csv"]]
    again = run_plan(opts, executor=stub_downloads, stream=io.StringIO())
    assert [r["status"] for r in again.reports] == ["reused", "reused"]
    assert [r["downloads"] for r in again.reports] == [["incidents.csv"], ["incidents.csv"]]
    assert (again.path / "good-one" / "incidents.csv").stat().st_ino == (
        first.path / "good-one" / "incidents.csv"
    ).stat().st_ino
    record = json.loads((again.path / "run.json").read_text())["reports"][0]
    assert record["downloads"] == ["incidents.csv"]
