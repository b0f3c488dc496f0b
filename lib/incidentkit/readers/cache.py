"""Parquet cache of converted exports, so that the second read of a big file takes a fraction of the first.

An entry is keyed by the export's **content hash** (not its name or mtime), the dataset, the reader's
``READER_VERSION`` and a small ``variant`` string (e.g. the release slug taken from the file name): a changed file or a
new reader version misses the cache and the entry is rebuilt. An entry that cannot be read back (truncated, garbage,
wrong columns or metadata) is removed and rebuilt, never trusted. Entries are written to a temporary file and moved
into place with :func:`os.replace`, so a reader never sees a half-written entry.

The read report (``df.attrs["read_report"]``, the rows not kept) is stored in the Parquet file's metadata, so a warm
read reports, and warns about, the same rows as the cold one.

The hash is xxHash-128 when the ``xxhash`` package is installed, else SHA-256 (hardware-accelerated on current CPUs)
computed over 32 MiB blocks in parallel threads and combined (a hash of the block hashes).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..paths import cache_dir
from .common import conforms, output_dtypes

_META_KEY = b"incidentkit.reader"
_BLOCK = 32 << 20


class CacheWarning(UserWarning):
    """The cache could not be used (an entry was corrupt and rebuilt, or the cache folder is not writable)."""


def _sha256_blocks(path: Path, size: int) -> str:
    def one(offset: int) -> bytes:
        with open(path, "rb") as fh:
            fh.seek(offset)
            return hashlib.sha256(fh.read(_BLOCK)).digest()

    offsets = range(0, size, _BLOCK)
    workers = max(1, min(len(offsets), os.cpu_count() or 1, 8))
    with ThreadPoolExecutor(workers) as pool:
        digests = list(pool.map(one, offsets))
    top = hashlib.sha256(str(size).encode())
    for d in digests:
        top.update(d)
    return "sha256b-" + top.hexdigest()[:40]


#: A remembered hash is trusted only for a file that had not changed for this long before it was hashed (the "racy
#: git" rule: a write within the same timestamp tick as the hashing could otherwise go unnoticed).
_QUIET_NS = 2_000_000_000


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def content_hash(path: str | os.PathLike[str]) -> str:
    """Return a hash of the file's bytes (fast: xxHash-128 if available, else block-parallel SHA-256).

    The hash of a file is remembered in ``<cache_dir>/hashes.json`` with the file's device, inode, size, mtime and
    ctime (ctime cannot be set back by programs: any write changes it) and reused while all of them are unchanged and
    the file had been quiet for 2 s before it was hashed. Any change re-hashes the bytes.
    """
    p = Path(path).resolve()
    st = p.stat()
    memo_path = cache_dir() / "hashes.json"
    try:
        memo = json.loads(memo_path.read_text())
        hit = memo.get(str(p))
        if hit and hit["stat"] == _stat_key(st) and max(st.st_mtime_ns, st.st_ctime_ns) < hit["at"] - _QUIET_NS:
            return hit["digest"]
    except (OSError, ValueError, KeyError, TypeError):
        memo = {}
    at = time.time_ns()
    digest = _hash_bytes(p)
    if Path(p).stat().st_ctime_ns == st.st_ctime_ns:
        memo = {k: v for k, v in memo.items() if Path(k).exists()} if len(memo) > 200 else memo
        memo[str(p)] = {"stat": _stat_key(st), "digest": digest, "at": at}
        try:
            memo_path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix="hashes.", suffix=".tmp", dir=memo_path.parent)
            with os.fdopen(fd, "w") as fh:
                json.dump(memo, fh)
            os.replace(tmp, memo_path)
        except OSError:
            pass
    return digest


def _hash_bytes(p: Path) -> str:
    try:
        import xxhash  # type: ignore[import-not-found]
    except ImportError:
        xxhash = None
    if xxhash is not None:
        h = xxhash.xxh3_128()
        with open(p, "rb") as fh:
            while chunk := fh.read(_BLOCK):
                h.update(chunk)
        return "xxh128-" + h.hexdigest()
    size = p.stat().st_size
    if size <= _BLOCK:
        with open(p, "rb") as fh:
            return "sha256-" + hashlib.file_digest(fh, "sha256").hexdigest()[:40]
    return _sha256_blocks(p, size)


def entry_path(dataset: str, reader_version: int, digest: str, variant: str = "") -> Path:
    """Return where the cache entry of one (dataset, reader version, content, variant) lives."""
    tag = hashlib.sha256(variant.encode()).hexdigest()[:8]
    return cache_dir() / f"{dataset}-v{reader_version}-{digest}-{tag}.parquet"


def _fix_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """Bring a frame read back from Parquet to the contract dtypes (category order, datetime unit)."""
    out = {}
    for col, dtype in output_dtypes().items():
        s = df[col]
        if s.dtype != dtype:
            if isinstance(dtype, pd.CategoricalDtype):
                s = pd.Series(pd.Categorical(s, dtype=dtype), index=s.index)
            elif dtype == "datetime64[ns]":
                s = s.astype("datetime64[ns]")
            else:
                s = s.astype(dtype)
        out[col] = s
    return pd.DataFrame(out, index=df.index, copy=False)


def load_entry(path: Path, expect: dict[str, Any]) -> pd.DataFrame | None:
    """Return the cached frame, or ``None`` (after removing the file) when the entry is missing or not sound."""
    if not path.exists():
        return None
    try:
        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {}).get(_META_KEY, b"{}"))
        if any(meta.get(k) != v for k, v in expect.items()) or meta.get("rows") != table.num_rows:
            raise ValueError("metadata does not match the export")
        df = table.to_pandas()
        if list(df.columns) != list(output_dtypes()):
            raise ValueError("columns differ from the incident contract")
        df = _fix_dtypes(df)
        if not conforms(df):
            raise ValueError("dtypes differ from the incident contract")
    except Exception as exc:  # noqa: BLE001 - any failure means the entry cannot be trusted
        warnings.warn(CacheWarning(f"{path}: corrupt cache entry removed and rebuilt ({exc})"), stacklevel=4)
        try:
            path.unlink()
        except OSError:
            pass
        return None
    df.attrs["read_report"] = meta.get("report", {})
    return df


def store_entry(path: Path, df: pd.DataFrame, meta: dict[str, Any]) -> None:
    """Write ``df`` (and ``meta``, incl. the read report) to ``path`` atomically; warn if the cache is unwritable."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(df, preserve_index=False)
        full = dict(meta, rows=len(df), report=df.attrs.get("read_report", {}))
        metadata = dict(table.schema.metadata or {})
        metadata[_META_KEY] = json.dumps(full).encode()
        table = table.replace_schema_metadata(metadata)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        os.close(fd)
        try:
            pq.write_table(table, tmp, compression="lz4")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        warnings.warn(CacheWarning(f"{path.parent}: cache not written ({exc.strerror or exc})"), stacklevel=4)


def cached_read(
    path: Path,
    dataset: str,
    reader_version: int,
    build: Callable[[], pd.DataFrame],
    *,
    variant: str = "",
    use_cache: bool = True,
) -> pd.DataFrame:
    """Return the converted export from the cache, or ``build()`` it and store it."""
    if not use_cache:
        return build()
    digest = content_hash(path)
    entry = entry_path(dataset, reader_version, digest, variant)
    expect = {"dataset": dataset, "reader_version": reader_version, "digest": digest, "variant": variant}
    df = load_entry(entry, expect)
    if df is not None:
        df.attrs["read_report"] = dict(df.attrs.get("read_report", {}), path=str(path))
        return df
    df = build()
    store_entry(entry, df, expect)
    return df
