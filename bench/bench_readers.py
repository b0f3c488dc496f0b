"""Benchmark of the GTD and ACLED readers against the naive ``pd.read_csv`` most public notebooks use.

Builds, under bench/_work/ (git-ignored), from the real samples in ../shared/real-samples/:

- a GTD-layout CSV of >= 200,000 rows x 135 columns: the sample's complete rows repeated with fresh event ids,
  written as the published file is (Windows-1252, CRLF);
- a 2,000,000-row ACLED-layout CSV: the ACLED sample's rows repeated with fresh event ids (UTF-8).

Then measures, side by side in one run, each variant in a fresh subprocess (so the peak RSS is that variant's own):

- ``naive``: ``pd.read_csv(path, encoding="ISO-8859-1", low_memory=False)``;
- ``cold``: ``read_gtd`` / ``read_acled`` with an empty cache folder (conversion; the cache entry of a big export is
  written by a background thread after the call returns, so the time until it is written is printed as well; the
  peak RSS includes the write);
- ``warm``: the same call again in a new process, served from the cache.

Each is repeated (``--repeat``, default 3) and the median wall time (of the call, inside the child) and median peak
RSS (the child's ``ru_maxrss``, imports included) are printed with the ratios to naive. Machines are noisy: quote
medians and ratios. When the real samples are absent the script says so and exits 0.

Usage: ``python bench/bench_readers.py [--repeat 3] [--gtd-rows 200000] [--acled-rows 2000000] [--only gtd|acled]``
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"
SAMPLES = ROOT.parent / "shared" / "real-samples"
GTD_SAMPLE = SAMPLES / "gtd" / "globalterrorismdb_0718dist_HEAD-truncated-1MiB.csv"
ACLED_SAMPLE = SAMPLES / "acled" / "acledR_acled_old_deletion_dummy_2022H1.csv"


# ------------------------------------------------------------------------------------------------ building inputs


def _records(path: Path, encoding: str) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if len(r) == len(header)]  # the cut last row of the GTD sample is left out
    return header, rows


def _serialise(row: list[str], terminator: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=terminator).writerow(row)
    return buf.getvalue()


def build_gtd(rows: int) -> Path:
    """Write the GTD-layout bench file (cp1252, CRLF) unless it is already there."""
    out = WORK / f"gtd_bench_{rows}.csv"
    if out.exists() and out.with_suffix(".done").exists():
        return out
    header, records = _records(GTD_SAMPLE, "cp1252")
    tails = [_serialise(r[1:], "\r\n") for r in records]  # everything after eventid
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="cp1252", newline="") as fh:
        fh.write(_serialise(header, "\r\n"))
        chunk: list[str] = []
        for i in range(rows):
            rec = records[i % len(records)]
            # fresh 12-digit ids: the row's own yyyymmdd, then a running number (unique: i differs per row)
            chunk.append(f"{rec[0][:8]}{i:06d},{tails[i % len(tails)]}")
            if len(chunk) >= 20000:
                fh.write("".join(chunk))
                chunk.clear()
        fh.write("".join(chunk))
    os.replace(tmp, out)
    out.with_suffix(".done").write_text(str(rows))
    return out


def build_acled(rows: int) -> Path:
    """Write the ACLED-layout bench file (UTF-8) unless it is already there."""
    out = WORK / f"acled_bench_{rows}.csv"
    if out.exists() and out.with_suffix(".done").exists():
        return out
    header, records = _records(ACLED_SAMPLE, "utf-8")
    id_col = header.index("event_id_cnty")
    assert id_col == 0, "the ACLED sample's first column is expected to be event_id_cnty"
    prefixes = [re.match(r"[A-Za-z]*", r[0]).group(0) for r in records]
    tails = [_serialise(r[1:], "\n") for r in records]
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(_serialise(header, "\n"))
        chunk: list[str] = []
        for i in range(rows):
            k = i % len(records)
            chunk.append(f"{prefixes[k]}{9000000 + i},{tails[k]}")
            if len(chunk) >= 50000:
                fh.write("".join(chunk))
                chunk.clear()
        fh.write("".join(chunk))
    os.replace(tmp, out)
    out.with_suffix(".done").write_text(str(rows))
    return out


# ------------------------------------------------------------------------------------------------ measuring


def child(variant: str, dataset: str, path: str) -> None:
    """Run one variant in this (fresh) process and print a JSON line: wall time of the call, peak RSS, rows."""
    import warnings

    import pandas as pd

    if variant != "naive":
        import incidentkit.data.readers as readers

        reader = {"gtd": readers.read_gtd, "acled": readers.read_acled}[dataset]
    rss_after_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if variant == "naive":
            df = pd.read_csv(path, encoding="ISO-8859-1", low_memory=False)
        else:
            df = reader(path)
    wall = time.perf_counter() - t0
    if variant != "naive":  # a big export's cache entry is written by a background thread: time it too
        from incidentkit.data.readers.cache import wait_for_cache_writes

        wait_for_cache_writes()
    written = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"wall": wall, "written": written, "peak_kib": peak, "import_kib": rss_after_import,
                      "rows": len(df)}))


def run_child(variant: str, dataset: str, path: Path, cache: Path) -> dict:
    env = dict(os.environ, INCIDENTKIT_CACHE_DIR=str(cache))
    proc = subprocess.run(
        [sys.executable, __file__, "--child", variant, dataset, str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{variant} {dataset} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(dataset: str, path: Path, repeat: int) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {"naive": [], "cold": [], "warm": []}
    for rep in range(repeat):
        cache = Path(tempfile.mkdtemp(prefix=f"ik-bench-{dataset}-", dir=WORK))
        try:
            results["naive"].append(run_child("naive", dataset, path, cache))
            results["cold"].append(run_child("cold", dataset, path, cache))
            results["warm"].append(run_child("warm", dataset, path, cache))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        print(
            f"  [{dataset} run {rep + 1}/{repeat}] "
            + "  ".join(f"{v}: {results[v][-1]['wall']:.2f} s / {results[v][-1]['peak_kib'] / 1024:.0f} MiB" for v in results),
            flush=True,
        )
    return results


def report(dataset: str, path: Path, results: dict[str, list[dict]]) -> None:
    med = {v: (statistics.median(r["wall"] for r in rs), statistics.median(r["peak_kib"] for r in rs) / 1024)
           for v, rs in results.items()}
    rows = results["cold"][0]["rows"]
    size = path.stat().st_size / 2**20
    naive_wall, naive_mem = med["naive"]
    print(f"\n{dataset.upper()}: {path.name}, {size:,.0f} MiB, {rows:,} rows; median of {len(results['naive'])} runs")
    print(f"  {'variant':<8} {'wall s':>9} {'peak MiB':>10} {'speed-up vs naive':>18} {'memory vs naive':>16}")
    for v in ("naive", "cold", "warm"):
        wall, mem = med[v]
        print(f"  {v:<8} {wall:>9.2f} {mem:>10.0f} {naive_wall / wall:>17.1f}x {mem / naive_mem:>15.2f}x")
    cold_written = statistics.median(r["written"] for r in results["cold"])
    print(f"  cold until its cache entry is written (background thread, after the call returned): {cold_written:.2f} s"
          f" ({naive_wall / cold_written:.1f}x naive)")
    cold_ok = med["cold"][0] <= naive_wall
    warm_ok = naive_wall / med["warm"][0] >= 20
    mem_ok = med["cold"][1] <= naive_mem and med["warm"][1] <= naive_mem
    print(f"  targets: cold no slower than naive: {'met' if cold_ok else 'MISSED'}; "
          f"warm >= 20x faster: {'met' if warm_ok else 'MISSED'} ({naive_wall / med['warm'][0]:.1f}x); "
          f"peak memory <= naive: {'met' if mem_ok else 'MISSED'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=3, metavar=("VARIANT", "DATASET", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gtd-rows", type=int, default=200_000)
    ap.add_argument("--acled-rows", type=int, default=2_000_000)
    ap.add_argument("--only", choices=["gtd", "acled"])
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if not (GTD_SAMPLE.exists() and ACLED_SAMPLE.exists()):
        print(f"real samples not found under {SAMPLES}: nothing to benchmark (the inputs are built from them)")
        return 0
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; building inputs under {WORK} ...", flush=True)
    todo = []
    if args.only in (None, "gtd"):
        t = time.perf_counter()
        todo.append(("gtd", build_gtd(args.gtd_rows)))
        print(f"  GTD input ready ({time.perf_counter() - t:.1f} s)", flush=True)
    if args.only in (None, "acled"):
        t = time.perf_counter()
        todo.append(("acled", build_acled(args.acled_rows)))
        print(f"  ACLED input ready ({time.perf_counter() - t:.1f} s)", flush=True)
    for dataset, path in todo:
        results = measure(dataset, path, args.repeat)
        report(dataset, path, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
