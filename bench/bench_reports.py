"""Benchmark: render a report plan the naive way and with the report runner, side by side; then an unchanged re-run.

    python bench/bench_reports.py                       # the default plan, reports/plan.yaml
    python bench/bench_reports.py --plan tests/fixtures/reports/plan-good.yaml \\
        --notebooks tests/fixtures/reports/notebooks

Naive: for each report, one after another, the ``papermill`` command line (parameters as YAML, the project kernel),
then ``jupyter nbconvert --to html --no-input --no-prompt`` on its output.
Runner: ``python -m incidentkit.reports run --force`` (papermill's Python API in worker processes started once and
reused, each report on a fresh kernel started ahead with its imports done, HTML rendered in the workers), then the same
command without ``--force`` and nothing changed (every report reused).

Targets (issue 13, item 4): the runner at least 5x faster than naive on 2 cores; the unchanged re-run under 1 s.
Where the time of one report goes: ``bench/profile_report.py`` (the table in docs/performance.md).
Output goes to bench/_work/reports/ (not committed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]

from incidentkit.paths import KERNEL_NAME  # noqa: E402
from incidentkit.reports.plan import load_plan  # noqa: E402

BIN = Path(sys.executable).parent


def timed(cmd: list[str], **kw: object) -> tuple[float, int]:
    """Run ``cmd`` and return (wall seconds, exit code); its output is discarded."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)  # type: ignore[call-overload]
    return time.perf_counter() - start, proc.returncode


def cpu_seconds() -> float:
    """User + system CPU seconds of every finished child process and their reaped descendants (kernels included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def naive(plan: Path, notebooks: Path, work: Path) -> tuple[float, int]:
    """papermill CLI per report, then nbconvert CLI per output, sequentially. Returns (seconds, failures)."""
    reports = load_plan(plan, notebooks)
    failures = 0
    start = time.perf_counter()
    for report in reports:
        folder = work / report.slug
        folder.mkdir(parents=True, exist_ok=True)
        params = dict(report.parameters, output_dir=str(folder))
        out_nb = folder / "notebook.ipynb"
        _, rc = timed(
            [
                str(BIN / "papermill"),
                str(notebooks / report.notebook),
                str(out_nb),
                "-y",
                yaml.safe_dump(params),
                "-k",
                KERNEL_NAME,
                "--cwd",
                str(notebooks),
                *(["--execution-timeout", str(report.cell_timeout)] if report.cell_timeout else []),
            ]
        )
        failures += rc != 0
        if out_nb.is_file():
            _, rc = timed(
                [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", "--no-prompt", str(out_nb)]
            )
            failures += rc != 0
    return time.perf_counter() - start, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, default=ROOT / "reports" / "plan.yaml")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument(
        "--jobs", type=int, default=None, help="runner workers (default: the number of cores)"
    )
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "_work" / "reports")
    parser.add_argument("--skip-naive", action="store_true", help="time only the runner")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (naive, runner, re-run); medians are compared")
    args = parser.parse_args(argv)
    plan, notebooks, work = args.plan.resolve(), args.notebooks.resolve(), args.work.resolve()
    n = len(load_plan(plan, notebooks))
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    print(f"plan {plan} ({n} reports), {os.cpu_count()} cores, {sys.executable}")
    # Warm the OS file cache for both contenders alike.
    timed([sys.executable, "-c", "import pandas, matplotlib, papermill, nbconvert"])

    runner = [sys.executable, "-m", "incidentkit.reports", "run", "--plan", str(plan), "--notebooks", str(notebooks)]
    runner += ["--out", str(work / "runner"), "--no-progress"]
    if args.jobs:
        runner += ["--jobs", str(args.jobs)]
    naive_times: list[float] = []
    ours_times: list[float] = []
    rerun_times: list[float] = []
    naive_cpu: list[float] = []  # CPU seconds: what each variant costs whatever else the machine is running
    ours_cpu: list[float] = []
    codes: list[int] = []
    for round_ in range(1, args.repeat + 1):  # interleaved: both contenders see the same machine load
        if not args.skip_naive:
            cpu = cpu_seconds()
            seconds, failures = naive(plan, notebooks, work / "naive")
            naive_times.append(seconds)
            naive_cpu.append(cpu_seconds() - cpu)
            print(f"[{round_}] naive  (papermill CLI + nbconvert CLI, sequential): {seconds:7.2f} s, "
                  f"CPU {naive_cpu[-1]:7.2f} s  ({failures} failed)")
        cpu = cpu_seconds()
        seconds, code = timed([*runner, "--force"])
        ours_times.append(seconds)
        ours_cpu.append(cpu_seconds() - cpu)
        codes.append(code)
        print(f"[{round_}] runner (incidentkit.reports run --force):          {seconds:7.2f} s, "
              f"CPU {ours_cpu[-1]:7.2f} s  (exit {code})")
        seconds, code = timed(runner)
        rerun_times.append(seconds)
        codes.append(code)
        statuses = [r["status"] for r in json.loads((work / "runner" / "latest" / "run.json").read_text())["reports"]]
        reused = statuses.count("reused")
        print(f"[{round_}] runner, unchanged re-run ({reused}/{len(statuses)} reused):   {seconds:7.2f} s  (exit {code})")
        if reused != len(statuses):
            print("  note: not everything was reused: an input (notebook, data/, lib/incidentkit/) changed meanwhile")
    naive_s = statistics.median(naive_times) if naive_times else None
    ours_s, rerun_s = statistics.median(ours_times), statistics.median(rerun_times)
    print(f"medians of {args.repeat}: naive {naive_s if naive_s is None else round(naive_s, 2)} s, "
          f"runner {ours_s:.2f} s, unchanged re-run {rerun_s:.2f} s")

    if naive_cpu:
        cpu_ratio = statistics.median(naive_cpu) / statistics.median(ours_cpu)
        print(f"CPU seconds, medians: naive {statistics.median(naive_cpu):.1f} s, runner "
              f"{statistics.median(ours_cpu):.1f} s ({cpu_ratio:.2f}x less work; the wall-time ratio can reach about "
              "this times the cores used, on an otherwise idle machine)")
    if naive_s is not None:
        ratio = naive_s / ours_s
        print(
            f"speed-up naive/runner: {ratio:.2f}x  (target >= 5x on 2 cores: {'met' if ratio >= 5 else 'MISSED'})"
        )
    print(f"unchanged re-run: {rerun_s:.2f} s  (target < 1 s: {'met' if rerun_s < 1 else 'MISSED'})")
    return 0 if not any(codes) else 1


if __name__ == "__main__":
    sys.exit(main())
