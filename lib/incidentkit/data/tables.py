"""Reading the curated CSV tables named in ``datapackage.json``, with the line number of every row kept."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataValidationError, IncidentkitError, Problem
from ..paths import data_dir
from .schema import coerce_with_problems, resource

#: Longest field Python's :mod:`csv` reads (its default, 131,072 characters, fails on a long ``notes`` or ``summary``
#: with a bare "field larger than field limit"). Set once, explicitly, for the process when this module is imported:
#: every CSV the project reads (curated tables, exports) is read whatever the size of a field.
CSV_FIELD_LIMIT = (1 << 31) - 1
csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))


def table_path(name: str, folder: Path | None = None) -> Path:
    """Return the path of a curated table's CSV file."""
    folder = folder or data_dir()
    return folder / resource(name, folder)["path"]


def read_csv_raw(path: Path, table: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a CSV as text (every cell a string, blank = missing) and the file line on which each row starts.

    A missing or unreadable file, a ragged row or a bad encoding raises :class:`IncidentkitError` naming the path.
    """
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:  # a byte-order mark is not part of the header
            reader = csv.reader(fh)
            try:
                header = next(reader)
            except StopIteration:
                raise IncidentkitError(f"{path}: the file is empty; expected a header row") from None
            rows: list[list[str]] = []
            starts: list[int] = []
            ragged: list[str] = []
            start = reader.line_num + 1
            for rec in reader:
                if len(rec) != len(header):
                    if rec == [] or rec == [""]:
                        start = reader.line_num + 1
                        continue
                    ragged.append(f"line {start}: found {len(rec)} fields, expected {len(header)} (the header's count)")
                rows.append(rec)
                starts.append(start)
                start = reader.line_num + 1
            if ragged:
                raise IncidentkitError(f"{path}: {len(ragged)} row(s) with the wrong number of fields:\n  - "
                                       + "\n  - ".join(ragged))
    except FileNotFoundError:
        raise IncidentkitError(f"{path}: file not found (table {table!r})") from None
    except UnicodeDecodeError as exc:
        raise IncidentkitError(f"{path}: not valid UTF-8 at byte {exc.start}") from None
    except OSError as exc:
        raise IncidentkitError(f"{path}: cannot read the file ({exc.strerror})") from None
    dup = {c for c in header if header.count(c) > 1}
    if dup:
        raise IncidentkitError(f"{path}: duplicate column names in the header: {sorted(dup)}")
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame = frame.replace("", None)
    return frame, np.asarray(starts, dtype=np.int64)


def read_table_with_problems(
    name: str, folder: Path | None = None
) -> tuple[pd.DataFrame, np.ndarray, list[Problem]]:
    """Read a curated table, convert it to its contract dtypes; return it, its line numbers and conversion problems."""
    path = table_path(name, folder)
    raw, lines = read_csv_raw(path, name)
    df, problems = coerce_with_problems(raw, name, lines=lines, folder=folder)
    return df, lines, problems


@lru_cache(maxsize=32)
def _cached_table(path: str, mtime_ns: int, name: str, folder: str) -> pd.DataFrame:
    df, _, problems = read_table_with_problems(name, Path(folder))
    if problems:
        raise DataValidationError(problems, source=path)
    return df


def read_table(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Return a curated table converted to its contract dtypes (cached until the file changes).

    Raises :class:`DataValidationError` when a value does not convert. Returns a copy: callers may modify it.
    """
    folder = folder or data_dir()
    path = table_path(name, folder)
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise IncidentkitError(f"{path}: file not found (table {name!r})") from None
    return _cached_table(str(path), mtime, name, str(folder)).copy()
