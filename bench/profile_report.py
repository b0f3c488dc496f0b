"""Profile one report run of the report runner, phase by phase (issue 13, item 4): the table in docs/performance.md.

    python bench/profile_report.py [--report trends-syria] [--repeat 3]

Phases, each timed in one worker-like process (medians of ``--repeat`` runs), for the report on a fresh kernel and
again on the same kernel reset (as a worker reuses it): starting the project kernel until it answers (its warm
imports included), the reset, every cell of the notebook grouped as imports (its first cell), data loading (cells
calling ``check_parameters`` / ``load_incidents``), figures (cells calling ``save_figure`` or ``ik.charts``) and the
rest; papermill around the cells; the HTML export of the executed notebook; shutting the kernel down. Also timed: what the naive loop pays per report
on top (a ``papermill`` and a ``jupyter nbconvert`` command line start, each importing its package).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from incidentkit import paths  # noqa: E402
from incidentkit.reports.execute import ReportTask, coalesce_streams  # noqa: E402
from incidentkit.reports.kernels import start_kernel  # noqa: E402
from incidentkit.reports.pages import PageContext, write_report_page  # noqa: E402
from incidentkit.reports.plan import load_plan  # noqa: E402


def _phase(source: str, index: int) -> str:
    if index == 0 or source.lstrip().startswith("import"):
        return "imports (first cell)"
    if "load_incidents" in source or "check_parameters" in source:
        return "data: check parameters, load"
    if "save_figure" in source or "ik.charts" in source or "plot" in source:
        return "figures: draw and save"
    return "other cells (tables, text)"


def _cells(nb_path: Path, out: dict[str, float], prefix: str) -> float:
    import nbformat

    nb = nbformat.read(str(nb_path), as_version=4)
    total = 0.0
    for index, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        seconds = float(cell.metadata.get("papermill", {}).get("duration") or 0.0)
        total += seconds
        key = f"{prefix}{_phase(cell.source, index)}"
        out[key] = out.get(key, 0.0) + seconds
    return total


def profile_once(report, work: Path) -> dict[str, float]:
    """One report twice on one kernel: first fresh (started, warm imports), then reset and reused."""
    import papermill

    task = ReportTask(name=report.name, slug=report.slug, notebook_path=str(paths.notebooks_dir() / report.notebook),
                      cwd=str(paths.notebooks_dir()), folder=str(work / report.slug), parameters=dict(report.parameters),
                      timeout=report.timeout, ipc_dir=str(work),
                      environment={"INCIDENTKIT_DATA_DIR": str(paths.data_dir())})
    out: dict[str, float] = {}
    clock = time.perf_counter()
    kernel = start_kernel(task.kernel_name, task.cwd, task.environment, task.ipc_dir)
    client = kernel.manager.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    client.stop_channels()
    out["fresh kernel: start and warm imports (until it answers)"] = time.perf_counter() - clock
    for prefix in ("fresh kernel: ", "reused kernel: "):
        folder = work / f"{report.slug}-{prefix[0]}"
        folder.mkdir(parents=True, exist_ok=True)
        if prefix.startswith("reused"):
            clock = time.perf_counter()
            assert kernel.reset()
            out["reused kernel: reset"] = time.perf_counter() - clock
        clock = time.perf_counter()
        papermill.execute_notebook(task.notebook_path, str(folder / "notebook.ipynb"),
                                   parameters=dict(task.parameters, output_dir=str(folder)),
                                   kernel_name=task.kernel_name, cwd=task.cwd, progress_bar=False, km=kernel.manager)
        total = time.perf_counter() - clock
        cells = _cells(folder / "notebook.ipynb", out, prefix)
        out[f"{prefix}papermill around the cells (client, injection, writes)"] = total - cells
        kernel.close_clients()
        clock = time.perf_counter()
        coalesce_streams(folder / "notebook.ipynb")
        write_report_page(folder, name=report.name, notebook=folder / "notebook.ipynb", error=None,
                          context=PageContext())
        out[f"{prefix}HTML export (merge streams, nbconvert)"] = time.perf_counter() - clock
    clock = time.perf_counter()
    kernel.stop()
    out["kernel shutdown"] = time.perf_counter() - clock
    return out


def naive_overhead() -> dict[str, float]:
    """What a command line start costs the naive loop per report (interpreter + package import, nothing run)."""
    bin_dir = Path(sys.executable).parent
    out = {}
    for label, cmd in (("naive only: papermill CLI start", [str(bin_dir / "papermill"), "--help"]),
                       ("naive only: jupyter nbconvert CLI start", [str(bin_dir / "jupyter"), "nbconvert", "--help"])):
        clock = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        out[label] = time.perf_counter() - clock
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", default="trends-syria", help="a report name of reports/plan.yaml")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    reports = {r.name: r for r in load_plan(ROOT / "reports" / "plan.yaml", paths.notebooks_dir())}
    report = reports[args.report]
    runs = []
    with tempfile.TemporaryDirectory(prefix="ik-profile-") as work:
        for _ in range(args.repeat):
            runs.append({**profile_once(report, Path(work)), **naive_overhead()})
    print(f"report {report.name} ({report.notebook}), medians of {args.repeat}, {sys.platform}")
    print("| phase | seconds |\n|---|---|")
    for key in runs[0]:
        print(f"| {key} | {statistics.median(r[key] for r in runs):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
