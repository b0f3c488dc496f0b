"""Which format for the readers' cache? Arrow IPC (Feather v2) memory-mapped, Parquet and DuckDB side by side.

Converts the 2,000,000-row ACLED-layout bench file once (bench/_work/, built by bench_readers.py from the real
sample), then, for each format, writes the converted frame's Arrow table and reads it back into the pandas frame the
readers return (contract dtypes: text as Arrow-backed ``str``, enums categorical, dates numpy), each read in a fresh
process (peak RSS is that read's own), ``--repeat`` times (default 3); prints medians of the write time, the file
size, the read time and the read's peak RSS. The formats:

- ``arrow-ipc``: Arrow IPC file, uncompressed, opened with ``pyarrow.memory_map`` (the readers' cache: the text
  buffers of the frame are the mapped file's, nothing decoded);
- ``feather-lz4``: the same with LZ4 compression (must be decompressed into fresh memory);
- ``parquet-lz4``: Parquet, LZ4, dictionary pages for repeated text (the readers' former cache);
- ``parquet-none``: Parquet uncompressed;
- ``duckdb``: a DuckDB database file holding the table, read back with ``fetch_arrow_table`` (skipped when the
  ``duckdb`` package is not installed: it is not a dependency of incidentkit).

The frame conversion is the cache's own (``incidentkit.data.readers.cache``), so the reads differ only by format.
Usage: ``python bench/bench_cache_formats.py [--repeat 3] [--rows 2000000] [--formats arrow-ipc duckdb ...]``
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
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

FORMATS = ("arrow-ipc", "feather-lz4", "parquet-lz4", "parquet-none", "duckdb")


def write(fmt: str, table, path: Path) -> None:  # noqa: ANN001 - a pyarrow Table (pyarrow imported in the child)
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    if fmt == "arrow-ipc":
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    elif fmt == "feather-lz4":
        feather.write_feather(table, path, compression="lz4")
    elif fmt.startswith("parquet"):
        pq.write_table(table, path, compression="lz4" if fmt == "parquet-lz4" else "none",
                       row_group_size=262_144, write_statistics=False)
    else:
        import duckdb  # optional: only this format needs it

        con = duckdb.connect(str(path))
        con.register("frame", table)
        con.execute("CREATE TABLE incidents AS SELECT * FROM frame")
        con.close()


def read(fmt: str, path: Path):  # noqa: ANN201 - a pyarrow Table
    import pyarrow as pa
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    if fmt == "arrow-ipc":
        with pa.ipc.open_file(pa.memory_map(str(path), "r")) as reader:
            return reader.read_all()
    if fmt == "feather-lz4":
        return feather.read_table(path, memory_map=True)
    if fmt.startswith("parquet"):
        return pq.read_table(path, use_threads=True)
    import duckdb  # optional: only this format needs it

    con = duckdb.connect(str(path), read_only=True)
    try:
        result = con.execute("SELECT * FROM incidents")
        fetch = getattr(result, "to_arrow_table", None) or result.fetch_arrow_table  # renamed in DuckDB 2
        return fetch()
    finally:
        con.close()


def child(action: str, fmt: str, path: str, source: str) -> None:
    """``write``: convert ``source`` and write it as ``fmt``; ``read``: read it into the readers' frame."""
    import warnings

    from incidentkit.data.readers import cache

    if action == "write":
        from incidentkit.data.readers import read_acled

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df = read_acled(source, use_cache=False)
        table = cache._frame_to_table(df)  # noqa: SLF001 - the cache's own table, so only the format differs
        t0 = time.perf_counter()
        write(fmt, table, Path(path))
        print(json.dumps({"write": time.perf_counter() - t0, "size": Path(path).stat().st_size}))
        return
    t0 = time.perf_counter()
    table = read(fmt, Path(path))
    if fmt == "duckdb":  # DuckDB gives text back as its own string type: cast to what the frame conversion takes
        import pyarrow as pa

        text = (pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view)
        table = table.cast(pa.schema([pa.field(f.name, pa.large_string() if any(t(f.type) for t in text) else f.type)
                                      for f in table.schema]))
    df = cache._table_to_frame(table)  # noqa: SLF001 - the cache's own frame conversion
    wall = time.perf_counter() - t0
    print(json.dumps({"read": wall, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "rows": len(df)}))


def run(*args: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    import bench_readers

    if not bench_readers.ACLED_SAMPLE.exists():
        print("real samples not found: nothing to benchmark (the input is built from them)")
        return 0
    source = bench_readers.build_acled(args.rows)
    try:
        import duckdb  # noqa: F401 - only asking whether it is installed
        formats = FORMATS
    except ImportError:
        formats = tuple(f for f in FORMATS if f != "duckdb")
        print("duckdb not installed: its column is skipped (pip install duckdb to include it)")
    folder = Path(tempfile.mkdtemp(prefix="ik-bench-formats-", dir=bench_readers.WORK))
    load = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{source.name}: {args.rows:,} rows; {os.cpu_count()} CPUs, load average {load}; median of {args.repeat}")
    print(f"\n  {'format':<13} {'write s':>8} {'size MiB':>9} {'read s':>8} {'read peak MiB':>14}", flush=True)
    try:
        for fmt in [f for f in formats if f in args.formats]:
            path = folder / f"entry.{fmt}"
            try:
                wrote = run("write", fmt, str(path), str(source))
                reads = [run("read", fmt, str(path), str(source)) for _ in range(args.repeat)]
            except RuntimeError as exc:
                print(f"  {fmt:<13} failed: {str(exc).strip().splitlines()[-1]}", flush=True)
                continue
            finally:
                path.unlink(missing_ok=True)
            wall = statistics.median(r["read"] for r in reads)
            peak = statistics.median(r["peak_kib"] for r in reads) / 1024
            print(f"  {fmt:<13} {wrote['write']:>8.2f} {wrote['size'] / 2**20:>9.0f} {wall:>8.3f} {peak:>14.0f}",
                  flush=True)
        print(f"  load average after: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
