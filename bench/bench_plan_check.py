"""Benchmark: checking the report plan with papermill's reading of the notebooks cached, and without.

    python bench/bench_plan_check.py [--plan reports/plan.yaml] [--notebooks notebooks] [--repeat 7]

Every parameter name, annotation, default and help comes from ``papermill.inspect_notebook``; importing papermill
takes over a second, so the readings are cached by each notebook's SHA-256 (``<cache>/notebook-parameters/``). This
times ``python -m incidentkit.reports check`` side by side, alternating, in fresh processes:

- cold: an empty cache folder each time (papermill imported, every notebook inspected);
- warm: the cache filled by the first run (no papermill import).

Target (issue 9): an unchanged re-run of the plan under 1 s, which needs the warm check to stay a fraction of it.
Prints the median of each and the ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed_check(plan: Path, notebooks: Path, cache: Path) -> float:
    env = {**os.environ, "INCIDENTKIT_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "incidentkit.reports", "check", "--plan", str(plan), "--notebooks",
                    str(notebooks)], check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plan", type=Path, default=ROOT / "reports" / "plan.yaml")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cold: list[float] = []
    warm: list[float] = []
    with tempfile.TemporaryDirectory(prefix="ik-bench-") as tmp:
        warm_cache = Path(tmp) / "warm"
        timed_check(args.plan, args.notebooks, warm_cache)  # fills the warm cache
        for i in range(args.repeat):
            cold.append(timed_check(args.plan, args.notebooks, Path(tmp) / f"cold-{i}"))
            warm.append(timed_check(args.plan, args.notebooks, warm_cache))
    cold_s, warm_s = statistics.median(cold), statistics.median(warm)
    print(f"plan check, {args.plan.name}, median of {args.repeat} fresh processes each, alternating:")
    print(f"  cold (papermill imported, notebooks inspected): {cold_s:.3f} s")
    print(f"  warm (inspections read from the cache):         {warm_s:.3f} s")
    print(f"  ratio cold / warm: {cold_s / warm_s:.1f}x")


if __name__ == "__main__":
    main()
