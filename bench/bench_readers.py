"""Benchmark of the readers against the naive ``pd.read_csv`` most public notebooks use (issue 13's table).

Builds, under bench/_work/ (git-ignored), from the real samples in ../shared/real-samples/:

- a GTD-layout CSV of >= 200,000 rows x 135 columns: the sample's complete rows repeated with fresh event ids,
  written as the published file is (Windows-1252, CRLF);
- a 2,000,000-row ACLED-layout CSV: the ACLED sample's rows repeated with fresh event ids (UTF-8);
- (``--big-rows``, default 10,000,000) a several-GB ACLED-layout CSV built the same way in a temporary folder
  (``tempfile``; removed afterwards, never committed).

Then measures, side by side in one run, each variant in a fresh subprocess (so the peak RSS is that variant's own):

- ``naive``: ``pd.read_csv(path, encoding="ISO-8859-1", low_memory=False)``;
- ``cold``: ``read_gtd`` / ``read_acled`` with an empty cache folder (conversion; the cache entry of a big export is
  written by a background thread after the call returns, so the time until it is written is printed as well; the
  peak RSS includes the write);
- ``warm``: the same call again in a new process, served from the cache (Arrow IPC, memory-mapped);
- ``is-cold`` / ``is-warm``: ``load_incidents(source=path)`` (the IS rows only, selected before converting), with an
  empty cache folder, then again;
- on the big file: ``load_incidents(source=path)`` cold and warm, peak RSS against the 2 GiB target (naive pandas is
  not run on it: it needs several times the file's size; the 2M-row figure scaled is printed instead).

Each is repeated (``--repeat``, default 3) and the median wall time (of the call, inside the child) and median peak
RSS (the child's ``ru_maxrss``, imports included) are printed with the ratios to naive and the targets. The machine's
load average is printed before and after each case (the machine is shared: quote medians and ratios). When the real
samples are absent the script says so and exits 0.

Usage: ``python bench/bench_readers.py [--repeat 3] [--gtd-rows 200000] [--acled-rows 2000000]
[--big-rows 10000000 | --big-rows 0] [--only gtd|acled|big]``
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


def build_acled(rows: int, folder: Path | None = None) -> Path:
    """Write the ACLED-layout bench file (UTF-8) into ``folder`` (default bench/_work) unless it is already there."""
    folder = folder or WORK
    out = folder / f"acled_bench_{rows}.csv"
    if out.exists() and out.with_suffix(".done").exists():
        return out
    header, records = _records(ACLED_SAMPLE, "utf-8")
    id_col = header.index("event_id_cnty")
    assert id_col == 0, "the ACLED sample's first column is expected to be event_id_cnty"
    prefixes = [re.match(r"[A-Za-z]*", r[0]).group(0) for r in records]
    tails = [_serialise(r[1:], "\n") for r in records]
    folder.mkdir(parents=True, exist_ok=True)
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

    if variant.startswith("is-"):
        from incidentkit import load_incidents

        def reader(p: str) -> pd.DataFrame:
            return load_incidents(source=p)
    elif variant != "naive":
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


VARIANTS = ("naive", "cold", "warm", "is-cold", "is-warm")


def _load() -> str:
    return "load average " + " ".join(f"{v:.1f}" for v in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def measure(dataset: str, path: Path, repeat: int, variants: tuple[str, ...] = VARIANTS) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {v: [] for v in variants}
    for rep in range(repeat):
        caches = {k: Path(tempfile.mkdtemp(prefix=f"ik-bench-{dataset}-{k}-", dir=WORK)) for k in ("all", "is")}
        try:
            for v in variants:
                results[v].append(run_child(v, dataset, path, caches["is" if v.startswith("is-") else "all"]))
        finally:
            for c in caches.values():
                shutil.rmtree(c, ignore_errors=True)
        print(
            f"  [{dataset} run {rep + 1}/{repeat}; {_load()}] "
            + "  ".join(f"{v}: {results[v][-1]['wall']:.2f} s / {results[v][-1]['peak_kib'] / 1024:.0f} MiB"
                        for v in results),
            flush=True,
        )
    return results


#: The targets of issue 13: (cold speed-up, warm speed-up, peak memory ratio), each against naive.
TARGETS = {"read": (2.0, 50.0, 0.5), "is": (4.0, 100.0, 0.25)}


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def report(dataset: str, path: Path, results: dict[str, list[dict]]) -> dict[str, tuple[float, float]]:
    med = {v: (statistics.median(r["wall"] for r in rs), statistics.median(r["peak_kib"] for r in rs) / 1024)
           for v, rs in results.items()}
    rows = results["naive"][0]["rows"]
    size = path.stat().st_size / 2**20
    naive_wall, naive_mem = med["naive"]
    print(f"\n{dataset.upper()}: {path.name}, {size:,.0f} MiB, {rows:,} rows; median of {len(results['naive'])} runs;"
          f" {_load()}")
    print(f"  {'variant':<8} {'wall s':>9} {'peak MiB':>10} {'speed-up vs naive':>18} {'memory vs naive':>16}  rows")
    for v in results:
        wall, mem = med[v]
        print(f"  {v:<8} {wall:>9.3f} {mem:>10.0f} {naive_wall / wall:>17.1f}x {mem / naive_mem:>15.2f}x  "
              f"{results[v][0]['rows']:,}")
    cold_written = statistics.median(r["written"] for r in results["cold"])
    print(f"  cold until its cache entry is written (background thread, after the call returned): {cold_written:.2f} s"
          f" ({naive_wall / cold_written:.1f}x naive)")
    for label, (cold, warm), key in ((f"read_{dataset}", ("cold", "warm"), "read"),
                                     ("load_incidents IS rows", ("is-cold", "is-warm"), "is")):
        want_cold, want_warm, want_mem = TARGETS[key]
        got_cold, got_warm = naive_wall / med[cold][0], naive_wall / med[warm][0]
        got_mem = max(med[cold][1], med[warm][1]) / naive_mem
        print(f"  {label}: cold {got_cold:.1f}x (target >= {want_cold:g}x: {_verdict(got_cold >= want_cold)}), "
              f"warm {got_warm:.1f}x (>= {want_warm:g}x: {_verdict(got_warm >= want_warm)}), "
              f"peak memory {got_mem:.2f}x (<= {want_mem:g}x: {_verdict(got_mem <= want_mem)})")
    return med


def big(rows: int, repeat: int, naive_per_row: float | None) -> None:
    """Build the big ACLED-layout file in a temporary folder, time load_incidents on it cold and warm, remove it."""
    folder = Path(tempfile.mkdtemp(prefix="ik-bench-big-"))
    try:
        t = time.perf_counter()
        path = build_acled(rows, folder)
        print(f"\nBIG: {rows:,}-row ACLED-layout CSV built in {time.perf_counter() - t:.0f} s under {folder} "
              f"({path.stat().st_size / 2**30:.2f} GiB; removed at the end)", flush=True)
        results = measure("acled", path, repeat, ("is-cold", "is-warm"))
        limit = 2 * 2**30
        for v in ("is-cold", "is-warm"):
            wall = statistics.median(r["wall"] for r in results[v])
            peak = statistics.median(r["peak_kib"] for r in results[v]) * 1024
            print(f"  load_incidents {v[3:]}: completes in {wall:.1f} s, {results[v][0]['rows']:,} IS rows, peak RSS "
                  f"{peak / 2**30:.2f} GiB (target <= 2 GiB: {_verdict(peak <= limit)})")
        if naive_per_row:
            print(f"  naive pandas not run on it: at the 2M-row file's {naive_per_row * 1e6:.0f} bytes of peak RSS per "
                  f"row it would need about {naive_per_row * rows / 2**30:.1f} GiB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=3, metavar=("VARIANT", "DATASET", "PATH"), help=argparse.SUPPRESS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--gtd-rows", type=int, default=200_000)
    ap.add_argument("--acled-rows", type=int, default=2_000_000)
    ap.add_argument("--big-rows", type=int, default=10_000_000, help="0: skip the big file")
    ap.add_argument("--only", choices=["gtd", "acled", "big"])
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    if not (GTD_SAMPLE.exists() and ACLED_SAMPLE.exists()):
        print(f"real samples not found under {SAMPLES}: nothing to benchmark (the inputs are built from them)")
        return 0
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {_load()}; building inputs under {WORK} ...",
          flush=True)
    todo = []
    if args.only in (None, "gtd"):
        t = time.perf_counter()
        todo.append(("gtd", build_gtd(args.gtd_rows)))
        print(f"  GTD input ready ({time.perf_counter() - t:.1f} s)", flush=True)
    if args.only in (None, "acled"):
        t = time.perf_counter()
        todo.append(("acled", build_acled(args.acled_rows)))
        print(f"  ACLED input ready ({time.perf_counter() - t:.1f} s)", flush=True)
    naive_per_row = None
    for dataset, path in todo:
        results = measure(dataset, path, args.repeat)
        med = report(dataset, path, results)
        if dataset == "acled":
            naive_per_row = med["naive"][1] * 2**20 / results["naive"][0]["rows"]
    if args.big_rows and args.only in (None, "big"):
        big(args.big_rows, args.repeat, naive_per_row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
