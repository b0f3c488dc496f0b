"""End-to-end runs of the report runner on tiny fixture notebooks (starts about 7 kernels, ~15 s on 2 cores).

One module-scoped sequence of runs in a temporary folder:

1. ``plan-good.yaml``: two good reports (one named ``../../good two`` with ``<script>`` in its data);
2. ``plan-mixed.yaml --force``: the same two plus one that raises and one that times out;
3. ``plan-good.yaml`` again, unchanged, from a fresh interpreter: everything reused.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from incidentkit.errors import RunLockedError
from incidentkit.reports.run import RunOptions, RunResult, run_plan

pytestmark = pytest.mark.notebooks

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
NOTEBOOKS = FIXTURES / "notebooks"
DATA = FIXTURES / "data"
SCRIPT = "<script>alert('beta')</script>"


def options(out: Path, plan: str, **kw: Any) -> RunOptions:
    # The library version is taken from a frozen stand-in folder: other people editing lib/incidentkit while these
    # tests run must not turn a reuse into a re-execution.
    library = out.parent / "library"
    if not library.is_dir():
        library.mkdir(parents=True)
        (library / "__init__.py").write_text("# stand-in for lib/incidentkit\n")
    kw.setdefault("jobs", 2)
    return RunOptions(
        plan=FIXTURES / plan, out=out, notebooks=NOTEBOOKS, data=DATA, library=library, progress=False, **kw
    )


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Content hash and mtime of every file under ``folder``."""
    return {
        p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class Runs:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.out = root / "out"
        self.log = io.StringIO()
        self.first: RunResult = run_plan(options(self.out, "plan-good.yaml"), stream=self.log)
        self.first_snapshot = snapshot(self.first.path)
        self.second: RunResult = run_plan(options(self.out, "plan-mixed.yaml", force=True), stream=self.log)
        self.first_snapshot_after = snapshot(self.first.path)

    def record(self, result: RunResult, name: str) -> dict[str, Any]:
        return next(r for r in result.reports if r["name"] == name)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory.mktemp("report-runs"))


def test_first_run_renders_every_report(runs: Runs) -> None:
    first = runs.first
    assert first.exit_code == 0 and first.executed == 2 and first.reused == 0
    run = first.path
    for slug in ("good-one", "good-two"):
        folder = run / slug
        assert (folder / "notebook.ipynb").is_file()
        assert (folder / "report.html").is_file()
        assert sorted(p.name for p in (folder / "figures").iterdir()) == ["bars.png", "bars.svg"]
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["bars"] in (2, 3)
    record = runs.record(first, "good one")
    assert record["status"] == "ok" and record["figures"] == ["bars.png", "bars.svg"]
    assert record["summary"]["total"] == 6.0
    run_json = json.loads((run / "run.json").read_text())
    assert [r["slug"] for r in run_json["reports"]] == ["good-one", "good-two"]


def test_report_html_has_outputs_but_no_code(runs: Runs) -> None:
    page = (runs.first.path / "good-one" / "report.html").read_text()
    assert "alpha #3" in page  # the printed rows and the table
    assert 'class="dataframe"' in page
    assert "save_figure(fig" not in page and "import matplotlib" not in page  # no code cell source
    # a path the notebook prints reads relative to the run folder, not into the run's staging folder
    assert "PosixPath('good-one/summary.json')" in page and ".staging" not in page
    assert (
        "jp-InputPrompt jp-InputArea-prompt" not in page
        and "jp-OutputPrompt jp-OutputArea-prompt" not in page
    )


def test_slugged_folder_stays_inside_the_run(runs: Runs) -> None:
    assert (runs.first.path / "good-two" / "report.html").is_file()
    # nothing escaped the output folder: the tmp root holds only out/
    assert sorted(p.name for p in runs.root.iterdir()) == ["library", "out"]
    assert sorted(p.name for p in (runs.out / "runs").iterdir()) == sorted(
        [runs.first.run_id, runs.second.run_id]
    )


def test_data_text_is_escaped_in_report_and_index(runs: Runs) -> None:
    page = (runs.first.path / "good-two" / "report.html").read_text()
    index = (runs.first.path / "index.html").read_text()
    for html in (page, index):
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(" in html or "&lt;script>alert(" in html
        assert "<img src=x" not in html and '<img src="x"' not in html
        assert not re.search(r"<[a-z][^<>]*\son[a-z]+\s*=", html, re.IGNORECASE)  # no live event handler
    # the Markdown output keeps its own harmless markup, but the data's tags are shown as text
    assert "<strong>Label:</strong> &lt;script" in page
    assert "<br/><em>end of the label</em>" in page or "<br><em>end of the label</em>" in page
    assert "../../good two" in index and 'href="good-two/report.html"' in index


def test_failing_report_among_good_ones(runs: Runs) -> None:
    second = runs.second
    assert second.exit_code == 1
    status = {r["name"]: r["status"] for r in second.reports}
    assert status == {
        "good one": "ok",
        "../../good two": "ok",
        "failing": "failed",
        "too slow": "failed",
        "data folder": "ok",
        "over time": "failed",
    }
    failing = runs.record(second, "failing")
    assert "ValueError" in failing["error"] and "fixture failure: deliberate" in failing["error"]
    assert (
        "CellTimeoutError: a cell ran longer than the cell_timeout of 1 s"
        in runs.record(second, "too slow")["error"]
    )
    # the report's own time limit: the runner killed its kernel after 4 s (the cell would have slept 60 s)
    over = runs.record(second, "over time")
    assert over["error"].startswith("timed out after 4 s (the report's time limit, 'timeout')"), over["error"]
    assert 4 <= over["duration"] < 15
    assert (second.path / "over-time" / "report.html").is_file()

    # the partially executed notebooks and their HTML are kept
    failing_page = (second.path / "failing" / "report.html").read_text()
    assert "first cell ran" in failing_page and "fixture failure: deliberate" in failing_page
    assert "never printed" not in failing_page  # neither shown as code nor executed
    slow_page = (second.path / "too-slow" / "report.html").read_text()
    assert "before the slow cell" in slow_page
    assert (second.path / "too-slow" / "notebook.ipynb").is_file()
    # the index marks them FAILED with the error
    index = (second.path / "index.html").read_text()
    assert index.count("status-failed") >= 3  # two rows + the count in the header
    assert "fixture failure: deliberate" in index
    # the run is published and latest points at it
    assert (runs.out / "latest").resolve() == second.path


def test_kernels_read_the_data_folder_of_the_reuse_key(runs: Runs) -> None:
    # --data (here: DATA) is hashed into the fingerprint and is what the kernel's incidentkit reads
    summary = runs.record(runs.second, "data folder")["summary"]
    assert summary == {"data_dir": str(DATA.resolve()), "env": str(DATA.resolve())}


def test_previous_run_is_untouched(runs: Runs) -> None:
    assert runs.first_snapshot == runs.first_snapshot_after


def test_figures_and_html_are_byte_identical_across_runs(runs: Runs) -> None:
    a, b = runs.first.path / "good-one", runs.second.path / "good-one"
    assert runs.record(runs.second, "good one")["status"] == "ok"  # executed again (--force), not reused
    for name in ("figures/bars.png", "figures/bars.svg", "summary.json", "report.html"):
        assert (a / name).stat().st_ino != (b / name).stat().st_ino
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (runs.first.path / "good-two" / "report.html").read_bytes() == (
        runs.second.path / "good-two" / "report.html"
    ).read_bytes()


def test_unchanged_rerun_reuses_everything_quickly(runs: Runs) -> None:
    # The mixed plan's last run failed two reports: re-run the good plan, whose two reports are unchanged.
    opts = options(runs.out, "plan-good.yaml")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from incidentkit.reports.run import RunOptions, run_plan\n"
        f"result = run_plan(RunOptions(plan=Path({str(opts.plan)!r}), out=Path({str(opts.out)!r}),"
        f" notebooks=Path({str(NOTEBOOKS)!r}), data=Path({str(DATA)!r}), library=Path({str(opts.library)!r}),"
        " progress=False))\n"
        "heavy = sorted({'papermill', 'nbconvert', 'pandas', 'matplotlib'} & set(sys.modules))\n"
        "print(result.exit_code, heavy)\n"
    )
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    assert proc.stdout.strip() == "0 []", proc.stderr
    assert "2 reused, 0 to execute" in proc.stderr
    latest = (runs.out / "latest").resolve()
    record = json.loads((latest / "run.json").read_text())
    assert [r["status"] for r in record["reports"]] == ["reused", "reused"]
    assert {r["executed_in"] for r in record["reports"]} == {runs.second.run_id}
    # reused files are hard links of the previous run's files
    assert (latest / "good-one" / "figures" / "bars.png").stat().st_ino == (
        runs.second.path / "good-one" / "figures" / "bars.png"
    ).stat().st_ino
    assert wall < 2.0, f"unchanged re-run took {wall:.2f} s"


def stub_execute(task: Any) -> dict[str, Any]:
    """Stand-in for execute_report that starts no kernel (module level, so worker processes can import it)."""
    Path(task.folder).mkdir(parents=True)
    return {"status": "ok", "error": None, "duration": 0.0, "html": None}


def test_changed_inputs_invalidate_reuse(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "incidents.csv").write_text("id\n1\n")
    opts = options(tmp_path / "out", "plan-good.yaml", jobs=1)
    opts.data = data

    def statuses() -> list[str]:
        return [r["status"] for r in run_plan(opts, executor=stub_execute, stream=io.StringIO()).reports]

    assert statuses() == ["ok", "ok"]
    assert statuses() == ["reused", "reused"]  # unchanged
    (data / "incidents.csv").write_text("id\n1\n2\n")
    assert statuses() == ["ok", "ok"]  # a data file changed
    assert statuses() == ["reused", "reused"]
    opts.force, opts.only = True, ["good one"]
    assert statuses() == ["ok", "reused"]  # --force only re-executes the selected report
    opts.force = False
    (data / "new.csv").write_text("x\n")
    assert statuses() == ["ok", "stale"]  # inputs changed, but only "good one" was asked for
    opts.only = []
    assert statuses() == ["reused", "ok"]  # the stale one is re-executed on the next full run
    (opts.library / "__init__.py").write_text("# a library change\n")
    assert statuses() == ["ok", "ok"]


def stub_execute_failing(task: Any) -> dict[str, Any]:
    """Like :func:`stub_execute`, but the fixture reports ``failing``, ``too slow`` and ``over time`` fail."""
    Path(task.folder).mkdir(parents=True)
    if task.name in {"failing", "too slow", "over time"}:
        return {"status": "failed", "error": f"ValueError: stub failure of {task.name}", "duration": 0.0}
    return {"status": "ok", "error": None, "duration": 0.0, "html": None}


def test_only_carries_failures_over_as_failures(tmp_path: Path) -> None:
    opts = options(tmp_path / "out", "plan-mixed.yaml", jobs=1)

    def run(**kw: Any) -> RunResult:
        for key, value in kw.items():
            setattr(opts, key, value)
        return run_plan(opts, executor=stub_execute_failing, stream=io.StringIO())

    first = run()
    assert [r["status"] for r in first.reports] == ["ok", "ok", "failed", "failed", "ok", "failed"]
    assert first.exit_code == 1
    second = run(only=["good one"])
    assert [r["status"] for r in second.reports] == [
        "reused",
        "reused",
        "failed",
        "failed",
        "reused",
        "failed",
    ]
    assert second.exit_code == 1 and len(second.failed) == 3
    failing = next(r for r in second.reports if r["name"] == "failing")
    assert failing["error"] == "ValueError: stub failure of failing"
    assert failing["executed_in"] == first.run_id
    assert failing["note"] == f"failed in run {first.run_id}; not re-run (not selected with --only)"
    assert (second.path / "failing").is_dir()  # its (partial) output is carried over too
    index = (second.path / "index.html").read_text()
    assert "inputs changed" not in index and "STALE" not in index
    assert index.count(">FAILED</span>") == 3 and "3 FAILED" in index
    # selected again, the failure is re-executed (failures are never reused)
    third = run(only=["failing"])
    assert [r["status"] for r in third.reports] == [
        "reused",
        "reused",
        "failed",
        "failed",
        "reused",
        "failed",
    ]
    assert next(r for r in third.reports if r["name"] == "failing")["executed_in"] == third.run_id
    assert next(r for r in third.reports if r["name"] == "too slow")["executed_in"] == first.run_id


def test_only_lists_reports_that_never_ran(tmp_path: Path) -> None:
    opts = options(tmp_path / "out", "plan-good.yaml", jobs=1)
    run_plan(opts, executor=stub_execute_failing, stream=io.StringIO())
    opts.plan, opts.only = FIXTURES / "plan-mixed.yaml", ["good one"]
    result = run_plan(opts, executor=stub_execute_failing, stream=io.StringIO())
    assert [(r["name"], r["status"]) for r in result.reports] == [
        ("good one", "reused"),
        ("../../good two", "reused"),
        ("failing", "not-run"),
        ("too slow", "not-run"),
        ("data folder", "not-run"),
        ("over time", "not-run"),
    ]
    assert result.exit_code == 0
    assert not (result.path / "failing").exists()
    index = (result.path / "index.html").read_text()
    assert index.count(">NOT RUN</span>") == 4 and "4 NOT RUN" in index
    assert "never executed; not selected (--only)" in index
    # and on the next run that selects them they are executed
    opts.only = []
    assert [
        r["status"] for r in run_plan(opts, executor=stub_execute_failing, stream=io.StringIO()).reports
    ] == ["reused", "reused", "failed", "failed", "ok", "failed"]


def test_stale_only_when_the_inputs_changed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    opts = options(tmp_path / "out", "plan-good.yaml", jobs=1)
    opts.data = data
    run_plan(opts, executor=stub_execute, stream=io.StringIO())
    (data / "new.csv").write_text("x\n")
    opts.only = ["good one"]
    result = run_plan(opts, executor=stub_execute, stream=io.StringIO())
    stale = result.reports[1]
    assert stale["status"] == "stale" and stale["note"].startswith("inputs changed since run ")
    # the data change is undone: the stale report's output matches its inputs again and is reused
    (data / "new.csv").unlink()
    opts.only = ["good one"]
    assert [r["status"] for r in run_plan(opts, executor=stub_execute, stream=io.StringIO()).reports] == [
        "ok",
        "reused",
    ]


def test_a_second_concurrent_run_is_refused(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with (out / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(RunLockedError, match="another report run"):
            run_plan(options(out, "plan-good.yaml"))


class _FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_plain_lines_otherwise(tmp_path: Path) -> None:
    terminal, pipe = _FakeTerminal(), io.StringIO()
    for stream, out in ((terminal, tmp_path / "a" / "out"), (pipe, tmp_path / "b" / "out")):
        opts = options(out, "plan-good.yaml", jobs=1)
        opts.progress = None  # decide from the stream
        run_plan(opts, executor=stub_execute, stream=stream)
    assert "reports: 100%" in terminal.getvalue() and "\r" in terminal.getvalue()
    plain = pipe.getvalue()
    assert "\r" not in plain and "%|" not in plain
    assert "[1/2] OK" in plain and "[2/2] OK" in plain


def test_a_source_file_is_part_of_the_reuse_key(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("eventid\n1\n")
    plan = tmp_path / "plan.yaml"
    plan.write_text(  # the export lies outside the project: its folder is listed in the plan
        f"allowed_sources: [{str(tmp_path)!r}]\nreports:\n"
        f"- name: from-file\n  notebook: source.ipynb\n  parameters: {{source: {str(export)!r}}}\n"
        "- name: curated\n  notebook: source.ipynb\n  parameters: {source: curated}\n"
    )
    opts = options(tmp_path / "out", "plan-good.yaml", jobs=1)
    opts.plan = plan

    def statuses() -> list[str]:
        return [r["status"] for r in run_plan(opts, executor=stub_execute, stream=io.StringIO()).reports]

    assert statuses() == ["ok", "ok"]
    assert statuses() == ["reused", "reused"]
    export.write_text("eventid\n1\n2\n")
    assert statuses() == ["ok", "reused"]


def test_output_packages_are_part_of_the_reuse_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    from incidentkit.reports import fingerprint

    shaping = {"pycountry", "pyarrow", "shapely", "pyogrio", "geopandas", "mistune", "xxhash", "pandas"}
    assert shaping <= set(fingerprint.OUTPUT_PACKAGES)
    before = fingerprint.environment_digest()
    real = metadata.version
    for name in sorted(shaping):
        monkeypatch.setattr(metadata, "version", lambda n, _name=name: "0.0-test" if n == _name else real(n))
        assert fingerprint.environment_digest() != before, name
    monkeypatch.setattr(metadata, "version", real)
    assert fingerprint.environment_digest() == before


def test_final_log_line_counts_only_executed_reports_as_ok(tmp_path: Path) -> None:
    log = io.StringIO()
    opts = options(tmp_path / "out", "plan-good.yaml", jobs=1)
    run_plan(opts, executor=stub_execute_failing, stream=log)
    assert "2 executed ok, 0 reused, 0 failed -> " in log.getvalue().splitlines()[-1]
    opts.plan, opts.only = FIXTURES / "plan-mixed.yaml", ["failing"]
    run_plan(opts, executor=stub_execute_failing, stream=log)
    assert "0 executed ok, 2 reused, 1 failed, 3 not run -> " in log.getvalue().splitlines()[-1]
    opts.only = ["good one"]
    run_plan(opts, executor=stub_execute_failing, stream=log)
    assert (
        "0 executed ok, 2 reused, 1 failed (1 carried over), 3 not run -> " in log.getvalue().splitlines()[-1]
    )
    (opts.library / "__init__.py").write_text("# a library change\n")
    run_plan(opts, executor=stub_execute_failing, stream=log)
    assert (
        "1 executed ok, 0 reused, 1 failed (1 carried over), 1 stale, 3 not run -> "
        in log.getvalue().splitlines()[-1]
    )
