"""Content hashes of files and bytes: the key of the readers' cache (an export is known by its bytes, not by
its name or mtime) and the digest that checks a cache entry before it is trusted.

The hash is xxHash-128 when the ``xxhash`` package is installed, else SHA-256 (hardware-accelerated on current CPUs)
computed over 32 MiB blocks in parallel threads and combined (a hash of the block hashes). The hash of a file is
remembered in ``<cache_dir>/hashes.json`` by the file's stat, so an unchanged export is not read again to hash it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from .paths import cache_dir

try:
    import xxhash  # type: ignore[import-not-found]
except ImportError:  # optional: SHA-256 is the fallback
    xxhash = None

_BLOCK = 32 << 20
_READ_BUFFER = 8 << 20


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


def digest_of_file(fh: BinaryIO) -> str:
    """Return the digest of an open binary file read from its start (as :func:`digest_of` gives for its bytes),
    through one reused buffer: the file's pages are read, never mapped into the process."""
    h = xxhash.xxh3_128() if xxhash is not None else hashlib.sha256()
    buf = bytearray(_READ_BUFFER)  # one buffer, reused: fresh 32 MiB reads cost more in page faults than hashing
    view = memoryview(buf)
    fh.seek(0)
    while got := fh.readinto(buf):
        h.update(view[:got])
    return ("xxh128-" if xxhash is not None else "sha256-") + h.hexdigest()


def _hash_bytes(p: Path) -> str:
    if xxhash is not None:
        with open(p, "rb", buffering=0) as fh:
            return digest_of_file(fh)
    size = p.stat().st_size
    if size <= _BLOCK:
        with open(p, "rb") as fh:
            return "sha256-" + hashlib.file_digest(fh, "sha256").hexdigest()[:40]
    return _sha256_blocks(p, size)


def digest_of(data: Any) -> str:
    """Return the digest of a bytes-like object (xxHash-128 when available, else SHA-256)."""
    if xxhash is None:
        return "sha256-" + hashlib.sha256(data).hexdigest()
    return "xxh128-" + xxhash.xxh3_128_hexdigest(data)
