"""Benchmark of reading a GTD release workbook (.xlsx): the readers against a plain ``pandas.read_excel``.

Writes, in a temporary folder, a synthetic GTD release-layout workbook (``bench/gtd_xlsx.py``: one sheet, 135
columns, ``--rows`` rows, default 5,000 like the 2021 H1 release; made-up values, nothing from a real export), then
measures side by side in one run, each variant in a fresh subprocess (imports excluded from the time; each child
times its own call):

- ``naive``: ``pd.read_excel(path, engine="openpyxl")`` (what most notebooks do);
- ``cold``: ``read_gtd(path)`` with an empty cache folder (the workbook opened once: detection, header and rows);
- ``warm``: ``load_incidents(source=path)`` with the cache filled (telling the dataset does not open the workbook): a
  first ``load_incidents`` call fills the IS-only entry (cached apart from ``read_gtd``'s whole-file entry since the
  IS rows are selected before converting), the second, in a new process, is timed.

Each is repeated (``--repeat``, default 3); the medians are printed with the ratios. Targets (issue 11): cold at
most 0.5x naive, warm under 0.2 s.

Usage: ``python bench/bench_excel.py [--rows 5000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHILD = r"""
import json, os, sys, time, warnings
warnings.simplefilter("ignore")
path, variant = sys.argv[1], sys.argv[2]
if variant == "naive":
    import pandas as pd
    t = time.perf_counter(); df = pd.read_excel(path, engine="openpyxl"); took = time.perf_counter() - t
    rows = len(df)
elif variant == "cold":
    from incidentkit.data.readers import read_gtd
    from incidentkit.data.readers.cache import wait_for_cache_writes
    t = time.perf_counter(); df = read_gtd(path); took = time.perf_counter() - t
    wait_for_cache_writes(); rows = len(df)
else:
    from incidentkit.data.load import load_incidents
    t = time.perf_counter(); df = load_incidents(source=path); took = time.perf_counter() - t
    rows = len(df)
print(json.dumps({"seconds": took, "rows": rows}))
"""


def run(variant: str, path: Path, cache: Path) -> dict[str, float]:
    env = {**__import__("os").environ, "INCIDENTKIT_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), variant], capture_output=True, text=True, env=env,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from gtd_xlsx import write_gtd_xlsx  # the bench's own generator (bench/ is not a package)

    with tempfile.TemporaryDirectory(prefix="ik-bench-excel-") as tmp:
        folder = Path(tmp)
        path = write_gtd_xlsx(folder / "gtd_release_synthetic.xlsx", args.rows)
        times: dict[str, list[float]] = {"naive": [], "cold": [], "warm": []}
        for k in range(args.repeat):
            cache = folder / f"cache-{k}"
            times["naive"].append(run("naive", path, cache)["seconds"])
            times["cold"].append(run("cold", path, cache)["seconds"])  # empty cache: converts and stores
            run("warm", path, cache)  # fills the IS-only entry (cached apart from read_gtd's whole-file entry)
            times["warm"].append(run("warm", path, cache)["seconds"])  # served from it
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"GTD release-layout workbook: {args.rows} rows x 135 columns, {path.stat().st_size / 1e6:.1f} MB; "
              f"medians of {args.repeat}, each in a fresh process")
        print(f"  naive pd.read_excel (openpyxl): {med['naive']:.2f} s")
        print(f"  cold read_gtd:                  {med['cold']:.2f} s   ratio to naive {med['cold'] / med['naive']:.2f}x "
              "(target <= 0.5x)")
        print(f"  warm load_incidents:            {med['warm']:.3f} s   (target < 0.2 s); "
              f"ratio to naive {med['warm'] / med['naive']:.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
