"""Cache of converted exports in Arrow IPC files (Feather v2, uncompressed), read memory-mapped: the second read of
a big export maps the entry and hands its text columns to pandas without copying them (docs/performance.md compares
Arrow IPC, Parquet and DuckDB side by side: ``bench/bench_cache_formats.py``).

An entry is keyed by the export's **content hash** (not its name or mtime), the dataset, the reader's
``READER_VERSION``, a small ``variant`` string (e.g. the release slug taken from the file name, or ``is-only`` for the
IS rows of an export) and the digest of everything else the conversion reads (:func:`dependency_digest`: the alias
tables ``data/branch_aliases.csv`` and ``data/admin1_aliases.csv``, the data package's ``incidents``/alias schemas,
the ``pycountry`` release): a changed file, alias table, schema or reader version misses the cache and the entry is
rebuilt. A big frame's entry is written by a background thread (the caller gets the frame at once; a second read of
the same export waits for the write; so does the interpreter at exit). An entry that cannot be read back (truncated,
garbage, wrong columns or metadata) is removed and rebuilt, never trusted; so is one that still parses but whose bytes
changed: each entry has a sidecar ``<entry>.arrow.sum.json`` with the digest (xxHash-128) and size of the entry file,
checked on every read before the file is parsed (the file is hashed through ``read`` into one reused buffer, so the
check does not make the entry resident in the process; then the same open file is mapped). An entry that cannot be
removed (a folder in its place, no permission) is said to be so, once per read, and the export is converted without
the cache. Entries are written to a temporary file and moved into place with :func:`os.replace`, so a reader never
sees a half-written entry.

The read report (``df.attrs["read_report"]``, the rows not kept) is stored in the entry's schema metadata, so a warm
read reports, and warns about, the same rows as the cold one.

The export's content hash and the entries' digests are :mod:`incidentkit.hashing`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import warnings
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from ...hashing import content_hash, digest_of_file
from ...paths import cache_dir, data_dir
from ..schema import load_datapackage
from ..tables import table_path
from .contract import conforms, output_dtypes

_META_KEY = b"incidentkit.reader"


class CacheWarning(UserWarning):
    """The cache could not be used (an entry was corrupt and rebuilt, or the cache folder is not writable)."""


#: Curated tables the readers' output depends on (besides the export itself): their bytes are part of the cache key.
DEPENDENCY_TABLES: tuple[str, ...] = ("branch_aliases", "admin1_aliases", "theatre_map", "gazetteer")
#: Data package resources whose schema the output depends on (contract columns and dtypes, alias table columns).
DEPENDENCY_RESOURCES: tuple[str, ...] = ("incidents", "branch_aliases", "admin1_aliases", "theatre_map", "gazetteer")


def dependency_digest(folder: Path | None = None) -> str:
    """Return a short digest of everything a reader's output depends on besides the export and ``READER_VERSION``.

    That is the bytes of ``data/branch_aliases.csv`` and ``data/admin1_aliases.csv`` (IS branches, admin1 names), the
    schemas of the ``incidents``, ``branch_aliases`` and ``admin1_aliases`` resources in ``data/datapackage.json``
    (columns, dtypes, enums) and the ``pycountry`` release (size and mtime of its ISO 3166 databases: country names
    and codes). The files are small: they are read and hashed on every call (well under a millisecond), so an edit is
    seen at once.
    """
    folder = folder or data_dir()
    h = hashlib.sha256()
    package = load_datapackage(folder)
    schemas = {r["name"]: r.get("schema") for r in package["resources"] if r["name"] in DEPENDENCY_RESOURCES}
    h.update(json.dumps(schemas, sort_keys=True).encode())
    for name in DEPENDENCY_TABLES:
        path = table_path(name, folder)
        try:
            h.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            h.update(name.encode() + b"\0<missing>\0")  # the reader itself reports the missing table
    h.update(_pycountry_stamp().encode())
    return h.hexdigest()[:16]


def _pycountry_stamp() -> str:
    """Return size and mtime of pycountry's ISO 3166 databases (a new release rewrites them), without importing it
    (importlib.metadata or pycountry itself would add tens of milliseconds to a warm read)."""
    spec = find_spec("pycountry")
    if spec is None or spec.origin is None:
        return "pycountry absent"
    parts = []
    for name in ("iso3166-1.json", "iso3166-3.json"):
        try:
            st = (Path(spec.origin).parent / "databases" / name).stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:absent")
    return "pycountry " + " ".join(parts)


def entry_path(dataset: str, reader_version: int, digest: str, variant: str = "", deps: str = "") -> Path:
    """Return where the cache entry of one (dataset, reader version, content, variant, dependencies) lives."""
    tag = hashlib.sha256(f"{variant}\0{deps}".encode()).hexdigest()[:12]
    return cache_dir() / f"{dataset}-v{reader_version}-{digest}-{tag}.arrow"


def _arrow_to_pandas(col: pa.ChunkedArray, dtype: Any, name: str) -> Any:
    """Return one cached column as the pandas array of the contract ``dtype`` (no Python-level per-row work).

    Text stays Arrow-backed (``large_string``: zero-copy into pandas' ``str``), enum columns are stored as their
    categorical codes in the contract's category order (the contract's schema is part of the cache key) and are
    copied as they are, dates become numpy ``datetime64[ns]``; numeric columns are copied (a frame can be edited)."""
    if isinstance(dtype, pd.CategoricalDtype):  # stored as the categorical's own codes: a copy, no mapping
        width = pa.int16() if len(dtype.categories) > 127 else pa.int8()
        if col.type != width or col.null_count:
            raise ValueError(f"column {name!r} is {col.type}, expected the {width} codes of an enum")
        codes = col.combine_chunks().to_numpy().copy()
        if len(codes) and (codes.min() < -1 or codes.max() >= len(dtype.categories)):
            raise ValueError(f"column {name!r} holds codes outside the contract's categories")
        return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)
    if dtype == "str":
        if not pa.types.is_large_string(col.type):
            raise ValueError(f"column {name!r} is {col.type}, expected large_string")
        return pd.StringDtype("pyarrow", na_value=np.nan).__from_arrow__(col)
    if dtype == "datetime64[ns]":
        if col.type != pa.timestamp("ns"):
            raise ValueError(f"column {name!r} is {col.type}, expected timestamp[ns]")
        ints = col.combine_chunks().cast(pa.int64()).fill_null(np.iinfo(np.int64).min)
        return ints.to_numpy().view("datetime64[ns]").copy()
    if dtype == "float64":
        if col.type != pa.float64():
            raise ValueError(f"column {name!r} is {col.type}, expected double")
        return col.combine_chunks().fill_null(np.nan).to_numpy().copy()
    if dtype in ("Int64", "boolean"):
        want = pa.int64() if dtype == "Int64" else pa.bool_()
        if col.type != want:
            raise ValueError(f"column {name!r} is {col.type}, expected {want}")
        arr = col.combine_chunks()
        mask = arr.is_null().to_numpy(zero_copy_only=False)
        if dtype == "Int64":
            values = arr.fill_null(0).to_numpy().copy()
            return pd.arrays.IntegerArray(values, mask, copy=False)
        values = arr.fill_null(False).to_numpy(zero_copy_only=False)
        return pd.arrays.BooleanArray(values, mask, copy=False)
    raise ValueError(f"column {name!r}: no cache conversion for dtype {dtype}")


def _table_to_frame(table: pa.Table) -> pd.DataFrame:
    """Return the frame of a cache table in the contract dtypes (raises ValueError when it does not fit)."""
    dtypes = output_dtypes()
    if table.column_names != list(dtypes):
        raise ValueError("columns differ from the incident contract")
    data = {name: _arrow_to_pandas(table.column(name), dtype, name) for name, dtype in dtypes.items()}
    return pd.DataFrame(data, copy=False)


def _frame_to_table(df: pd.DataFrame) -> pa.Table:
    """Return the Arrow table stored for ``df``: text as ``large_string`` (shared: Arrow data is immutable), enums as
    their codes (int8), everything else copied (so later edits of ``df`` do not reach the table)."""
    arrays = []
    for name in df.columns:
        s = df[name]
        if isinstance(s.dtype, pd.CategoricalDtype):  # the codes (-1: missing); the categories are the contract's
            codes = s.cat.codes.to_numpy()
            arrays.append(pa.array(codes.astype(np.int16 if len(s.cat.categories) > 127 else np.int8)))
        elif isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
            arr = s.array._pa_array  # noqa: SLF001 - the Arrow data behind pandas' str dtype, no copy
            arrays.append(arr if arr.type == pa.large_string() else arr.cast(pa.large_string()))
        elif pd.api.types.is_string_dtype(s.dtype):
            arrays.append(pa.array(s.astype(object).to_numpy(), pa.large_string(), from_pandas=True))
        else:  # numpy-backed (pyarrow would share the buffer; the caller may edit the frame): a copy
            arrays.append(pa.array(s.copy(deep=True), from_pandas=True))
    return pa.table(arrays, names=list(df.columns))


def sidecar_path(path: Path) -> Path:
    """Return the path of an entry's sidecar (``<entry>.arrow.sum.json``: the digest and size of the entry file)."""
    return path.with_name(path.name + ".sum.json")


def _remove_entry(path: Path) -> str | None:
    """Remove an entry and its sidecar; return why the entry could not be removed (``None`` when it was)."""
    try:
        sidecar_path(path).unlink(missing_ok=True)
    except OSError:
        pass
    if path.is_dir():
        return "it is a folder, not a file: remove it by hand"
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


class EntryBlocked(Exception):
    """A corrupt entry could not be removed: the export is converted without the cache (the caller stores nothing)."""


def _read_entry(path: Path, stored: dict[str, Any]) -> pa.Table:
    """Check the entry's bytes against its sidecar, then return its table mapped from the same open file."""
    with open(path, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size != stored.get("size") or digest_of_file(fh) != stored.get("digest"):
            raise ValueError("the entry's bytes do not match the digest in its sidecar")
        source = pa.memory_map(f"/proc/self/fd/{fh.fileno()}", "r") if Path("/proc/self/fd").is_dir() else None
        source = source or pa.memory_map(str(path), "r")
        with ipc.open_file(source) as reader:
            return reader.read_all()


def load_entry(path: Path, expect: dict[str, Any]) -> pd.DataFrame | None:
    """Return the cached frame, or ``None`` (after removing the entry) when it is missing or not sound.

    Integrity: the entry file's bytes are hashed and compared with the digest in its sidecar (any changed byte,
    data, footer or metadata, is caught before anything is parsed), then the same open file is mapped and read as an
    Arrow IPC file (no copy: text columns stay in the mapped file). The metadata must match the export (dataset,
    reader version, content hash, variant, dependencies, row count) and the columns the contract. A failure warns
    (:class:`CacheWarning`), removes the entry and returns ``None``: it is rebuilt, never trusted. An entry that
    cannot be removed raises :class:`EntryBlocked` after one warning saying so.
    """
    if not path.exists():
        return None
    try:
        if not path.is_file():
            raise ValueError("it is not a file")
        try:
            stored = json.loads(sidecar_path(path).read_text())
        except (OSError, ValueError) as exc:
            raise ValueError("its digest sidecar is missing or unreadable") from exc
        table = _read_entry(path, stored)
        meta = json.loads((table.schema.metadata or {}).get(_META_KEY, b"{}"))
        if any(meta.get(k) != v for k, v in expect.items()) or meta.get("rows") != table.num_rows:
            raise ValueError("metadata does not match the export")
        df = _table_to_frame(table)
        del table
        if not conforms(df):
            raise ValueError("dtypes differ from the incident contract")
    except Exception as exc:  # noqa: BLE001 - any failure means the entry cannot be trusted
        why = _remove_entry(path)
        if why is None:
            warnings.warn(CacheWarning(f"{path}: corrupt cache entry removed and rebuilt ({exc})"), stacklevel=4)
            return None
        warnings.warn(CacheWarning(f"{path}: corrupt cache entry ({exc}) could not be removed ({why}); the export is "
                                   "converted without the cache until the entry is removed"), stacklevel=4)
        raise EntryBlocked(str(path)) from None
    df.attrs["read_report"] = meta.get("report", {})
    return df


def _entry_table(df: pd.DataFrame, meta: dict[str, Any]) -> pa.Table:
    """Return the Arrow table stored for ``df``, with ``meta`` (and the read report) in its schema metadata."""
    table = _frame_to_table(df)
    full = dict(meta, rows=len(df), report=df.attrs.get("read_report", {}))
    return table.replace_schema_metadata({_META_KEY: json.dumps(full).encode()})


def _write_table(path: Path, table: pa.Table) -> None:
    """Write an entry's table to ``path`` atomically (temporary file + :func:`os.replace`); warn if unwritable.

    Layout, chosen for the read (docs/performance.md): Arrow IPC file format, uncompressed (the read maps the file and
    uses its buffers in place: nothing to decode), record batches as the frame's chunks fall (no copy to write them), the enum columns
    stored as their categorical codes. The digest and size of the written file go to its sidecar
    (:func:`sidecar_path`).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        os.close(fd)
        fd, tmp_sum = tempfile.mkstemp(prefix=path.name + ".", suffix=".sum.tmp", dir=path.parent)
        os.close(fd)
        try:
            with pa.OSFile(tmp, "wb") as sink, ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)  # record batches as the columns' chunks fall: nothing copied to write
            with open(tmp, "rb", buffering=0) as fh:
                stored = {"digest": digest_of_file(fh), "size": os.fstat(fh.fileno()).st_size}
            Path(tmp_sum).write_text(json.dumps(stored))
            # sidecar first: a reader that sees the new entry sees its digest (a crash in between leaves an entry
            # that does not match its sidecar: rebuilt, never trusted)
            os.replace(tmp_sum, sidecar_path(path))
            os.replace(tmp, path)
        finally:
            for t in (tmp, tmp_sum):
                if os.path.exists(t):
                    os.unlink(t)
    except OSError as exc:
        warnings.warn(CacheWarning(f"{path.parent}: cache not written ({exc.strerror or exc})"), stacklevel=4)


def store_entry(path: Path, df: pd.DataFrame, meta: dict[str, Any]) -> None:
    """Write ``df`` (and ``meta``, incl. the read report) to ``path`` atomically; warn if the cache is unwritable."""
    _write_table(path, _entry_table(df, meta))


#: Name prefix of the threads writing cache entries (the entry's path follows it).
WRITER_THREAD = "incidentkit-cache-write:"

#: Frames at least this big are written to the cache in a background thread (the caller gets the frame at once).
BACKGROUND_ROWS = 100_000


def store_entry_in_background(path: Path, df: pd.DataFrame, meta: dict[str, Any]) -> threading.Thread:
    """Start writing ``df`` to ``path`` in a (non-daemon) thread and return it.

    The Arrow table is built before returning (numeric columns copied, text shared: Arrow data is immutable), so
    later changes to ``df`` do not reach the entry. The thread is not a daemon: the interpreter waits for it at
    exit, so an entry is never left half-written; :func:`wait_for_cache_writes` waits for it explicitly."""
    table = _entry_table(df, meta)
    thread = threading.Thread(target=_write_table, args=(path, table), name=WRITER_THREAD + str(path), daemon=False)
    thread.start()
    return thread


def wait_for_cache_writes(path: Path | None = None, timeout: float | None = None) -> None:
    """Wait until background cache writes (all, or the one of the entry ``path``) have finished."""
    for thread in threading.enumerate():
        if thread.name.startswith(WRITER_THREAD) and (path is None or thread.name == WRITER_THREAD + str(path)):
            thread.join(timeout)


def _source_memo(digest: str) -> Path:
    return cache_dir() / "sources" / f"{digest}.json"


def remember_source(path: Path, info: dict[str, Any]) -> None:
    """Remember what opening a workbook told (``dataset``, ``sheet``, ``header``) by the workbook's content, so that
    telling its dataset again does not open it (nothing is remembered when the cache folder is not writable)."""
    try:
        memo = _source_memo(content_hash(path))
        memo.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=memo.name + ".", suffix=".tmp", dir=memo.parent)
        with os.fdopen(fd, "w") as fh:
            json.dump(info, fh)
        os.replace(tmp, memo)
    except OSError:
        pass


def recall_source(path: Path) -> dict[str, Any] | None:
    """Return what :func:`remember_source` stored for a workbook of this content, or None."""
    try:
        info = json.loads(_source_memo(content_hash(path)).read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and isinstance(info.get("header"), list) else None


def cached_read(
    path: Path,
    dataset: str,
    reader_version: int,
    build: Callable[[], pd.DataFrame],
    *,
    variant: str = "",
    use_cache: bool = True,
) -> pd.DataFrame:
    """Return the converted export from the cache, or ``build()`` it and store it.

    A big frame (:data:`BACKGROUND_ROWS` rows or more) is stored by a background thread while the caller goes on
    with the frame; a read of the same export waits for that write first."""
    if not use_cache:
        return build()
    digest = content_hash(path)
    deps = dependency_digest()
    entry = entry_path(dataset, reader_version, digest, variant, deps)
    expect = {"dataset": dataset, "reader_version": reader_version, "digest": digest, "variant": variant, "deps": deps}
    wait_for_cache_writes(entry)  # the same export read again while its entry is still being written
    try:
        df = load_entry(entry, expect)
    except EntryBlocked:  # said once (load_entry warned): nothing can be stored there either
        return build()
    if df is not None:
        df.attrs["read_report"] = dict(df.attrs.get("read_report", {}), path=str(path))
        df.attrs["cache_key"] = entry.name
        return df
    df = build()
    df.attrs["cache_key"] = entry.name  # what the frame is, for a check remembered by its name (data/checked.py)
    if len(df) >= BACKGROUND_ROWS:
        store_entry_in_background(entry, df, expect)
    else:
        store_entry(entry, df, expect)
    return df
