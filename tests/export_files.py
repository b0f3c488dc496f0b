"""Crafted exports for reader tests: the layout of a synthetic fixture (tests/fixtures/readers), each row its first
record with some fields changed (never anything from the real samples)."""

from __future__ import annotations

import csv
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
#: The encoding each fixture is written in.
ENCODINGS = {"gtd_quirks.csv": "cp1252", "gtd_roles.csv": "cp1252"}


def fixture_records(template: str) -> list[list[str]]:
    """The records of a fixture (header first)."""
    with open(FIXTURES / template, encoding=ENCODINGS.get(template, "utf-8"), newline="") as fh:
        return [r for r in csv.reader(fh) if r]


def craft(folder: Path, template: str, rows: list[dict[str, str]], name: str, *, encoding: str = "utf-8",
          lineterminator: str = "\n") -> Path:
    """Write ``folder/name`` in the layout of the fixture ``template``: each row its first record (line breaks inside
    values made spaces, so that every record is one line) with ``rows``' values; returns the path."""
    records = fixture_records(template)
    header, base = records[0], dict(zip(records[0], records[1], strict=True))
    base = {k: v.replace("\r", " ").replace("\n", " ") for k, v in base.items()}  # one line per record
    path = folder / name
    with open(path, "w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh, lineterminator=lineterminator)
        out.writerow(header)
        for row in rows:
            unknown = set(row) - set(header)
            assert not unknown, unknown
            out.writerow([row.get(c, base[c]) for c in header])
    return path
