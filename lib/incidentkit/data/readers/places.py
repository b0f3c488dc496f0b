"""First-level units (admin1) of an export mapped onto the project's names, after one normalisation.

The project's names are those of ``data/theatre_map.csv``, the targets of ``data/admin1_aliases.csv`` and the admin1
of ``data/gazetteer.csv``. A dataset's spelling is matched, within its country, in this order:

1. an alias row for the dataset (or ``any``) with exactly that spelling;
2. a name or alias spelling with the same **full** key (:func:`incidentkit.data.readers.names.place_keys`);
3. the spelling's **stripped** key (unit words such as Governorate, Oblast, Republic of dropped) equal to a name's
   or alias's full key ("Deir ez Zor Governorate" -> Deir ez-Zor, "Moscow city" -> Moscow);
4. the stripped keys equal ("Stavropol" -> Stavropol Krai).

A step that finds two different names is ambiguous and stops (the spelling is kept as given, and reported). A
spelling that no step matches is kept as given; in a country whose theatre depends on admin1 (data/theatre_map.csv
lists units of it) such a spelling is reported in ``read_report["places"]``: its rows fall into the country's
``*`` theatre.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...paths import data_dir
from ..reference import WILDCARD, admin1_aliases, load_gazetteer, load_theatre_map
from ..tables import table_path
from .names import place_keys
from .values import distinct_pairs, str_from_codes

#: Tables the admin1 names come from (their files' modification times key the cached index).
PLACE_TABLES: tuple[str, ...] = ("admin1_aliases", "theatre_map", "gazetteer")


@dataclass
class PlaceIndex:
    """The names one dataset's admin1 spellings are matched against, by country and key."""

    exact: dict[tuple[str, str], str] = field(default_factory=dict)
    full: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    stripped: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    #: countries whose theatre depends on admin1 (a theatre_map row names a unit of them)
    by_admin1: set[str] = field(default_factory=set)

    def add(self, iso3: str, spelling: str, admin1: str) -> None:
        full, stripped = place_keys(spelling)
        if full:
            self.full.setdefault((iso3, full), set()).add(admin1)
        if stripped:
            self.stripped.setdefault((iso3, stripped), set()).add(admin1)

    def match(self, iso3: str, spelling: str) -> tuple[str | None, str]:
        """Return (the project's name or None, how: 'alias', 'normalised', 'ambiguous', 'unmatched')."""
        hit = self.exact.get((iso3, spelling))
        if hit is not None:
            return hit, "alias"
        full, stripped = place_keys(spelling)
        for table, key in ((self.full, full), (self.full, stripped), (self.stripped, stripped)):
            names = table.get((iso3, key)) if key else None
            if names:
                if len(names) == 1:
                    return next(iter(names)), "normalised"
                return None, "ambiguous"
        return None, "unmatched"


def _stamp(folder: Path) -> tuple[int, ...]:
    out = []
    for name in PLACE_TABLES:
        try:
            out.append(table_path(name, folder).stat().st_mtime_ns)
        except (OSError, KeyError):
            out.append(0)
    return tuple(out)


@lru_cache(maxsize=16)
def _index(dataset: str, folder: str, stamp: tuple[int, ...]) -> PlaceIndex:
    base = Path(folder)
    aliases = admin1_aliases(base)
    aliases = aliases[aliases["dataset"].isin([dataset, "any"])]
    tmap = load_theatre_map(base)
    index = PlaceIndex()
    index.by_admin1 = {str(c) for c, a in zip(tmap["iso3"], tmap["admin1"], strict=True) if a != WILDCARD}
    names: list[tuple[str, str]] = [(c, a) for c, a in zip(tmap["iso3"], tmap["admin1"], strict=True) if a != WILDCARD]
    names += list(zip(aliases["iso3"], aliases["admin1"], strict=True))
    try:
        gaz = load_gazetteer(base)
        names += [(c, a) for c, a in zip(gaz["iso3"], gaz["admin1"], strict=True) if isinstance(a, str)]
    except Exception:  # noqa: BLE001 - the gazetteer is validated on its own; without it fewer names are known
        pass
    for iso3, admin1 in names:
        index.add(str(iso3), str(admin1), str(admin1))
    own_first = sorted(aliases.itertuples(), key=lambda r: r.dataset != dataset)  # the dataset's rows win over 'any'
    for r in own_first:
        index.exact.setdefault((str(r.iso3), str(r.spelling)), str(r.admin1))
        index.add(str(r.iso3), str(r.spelling), str(r.admin1))
    return index


def place_index(dataset: str, folder: Path | None = None) -> PlaceIndex:
    """Return the admin1 index of ``dataset`` (rebuilt when a table it comes from changes)."""
    folder = folder or data_dir()
    return _index(dataset, str(folder), _stamp(folder))


def admin1_names(dataset: str, iso3: pd.Series, admin1: pd.Series, report: dict[str, Any] | None = None,
                 ) -> pd.Series:
    """Return ``admin1`` mapped onto the project's names (module docstring), once per distinct (country, admin1).

    Spellings no step matches are kept as given; those of countries whose theatre depends on admin1, and ambiguous
    ones, are listed in ``report["places"]`` with their rows (``{"iso3", "admin1", "rows", "why"}``)."""
    index = place_index(dataset)
    uniq, codes = distinct_pairs(iso3, admin1)
    out: list[str | None] = []
    unmatched: list[dict[str, Any]] = []
    counts = np.bincount(codes[codes >= 0], minlength=len(uniq)) if len(uniq) else np.zeros(0, dtype=np.int64)
    for k, (country, spelling) in enumerate(zip(uniq["a"], uniq["b"], strict=True)):
        if not isinstance(spelling, str) or not spelling.strip():
            out.append(None)
            continue
        name, how = index.match(str(country), spelling.strip())
        out.append(name if name is not None else spelling)
        if name is None and (how == "ambiguous" or country in index.by_admin1):
            unmatched.append({"iso3": str(country), "admin1": spelling, "rows": int(counts[k]), "why": how})
    if report is not None and unmatched:
        unmatched.sort(key=lambda r: (r["iso3"], -r["rows"], r["admin1"]))
        report.setdefault("places", []).extend(unmatched)
    return str_from_codes(codes, out)


def known_names(iso3: str, dataset: str = "any") -> Iterable[str]:
    """Return the project's admin1 names of one country (for tests and messages)."""
    index = place_index(dataset)
    return sorted({n for (c, _), names in index.full.items() if c == iso3 for n in names})
