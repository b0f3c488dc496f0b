"""The valid values of the selection filters, and matching them the way an analyst types them.

Theatres (``data/theatres.csv``), IS branches (``data/branches.csv`` with the names of ``data/branch_aliases.csv``),
countries (``data/theatre_map.csv``, then ISO 3166 and the datasets' spellings) and the incident enums
(``data/datapackage.json``) are read here with :mod:`csv` and :mod:`json`, without pandas, so that the report plan
checker starts fast.

A value is matched exactly first, then case-, accent- and punctuation-blind (``"north caucasus"``,
``"syria badia"``, ``"Turkiye"``), and, for branches, through every name the alias table gives a single branch
(``"ISK"``, ``"ISKP"``, ``"Daesh-K"`` -> ``is-khorasan``; a name that two branches share is not used). An unknown
value gets the closest valid ones as suggestions (:meth:`Vocabulary.suggest`, :mod:`difflib`).
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import IncidentkitError
from ..paths import data_dir
from .descriptor import enum_values, resource

#: Order of date precisions from the finest to the coarsest (``min_date_precision``).
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")
#: The enum filters of ``load_incidents`` and the incidents field each one selects on.
ENUM_FILTERS: dict[str, str] = {
    "attack_types": "attack_type",
    "target_types": "target_type",
    "claim_status": "claim_status",
}
#: Most suggestions an unknown value gets.
MAX_SUGGESTIONS = 4


def fold(text: str) -> str:
    """The spelling-blind key of a value: accents dropped, case folded, every run of punctuation and spaces one
    space (``"Syria: North-east"`` -> ``"syria north east"``, ``"Türkiye"`` -> ``"turkiye"``)."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[^\W_]+", plain.casefold()))


@dataclass(frozen=True)
class Vocabulary:
    """The valid values of one filter, in their fixed order, and every spelling that means one of them."""

    name: str
    values: tuple[str, ...]
    #: folded spelling -> the valid value it means
    spellings: dict[str, str] = field(default_factory=dict)
    #: valid value -> its code, where values and codes differ (countries: "Iran" -> "IRN", "IRN" -> "IRN")
    codes: dict[str, str] = field(default_factory=dict)

    def match(self, value: str) -> str | None:
        """The valid value ``value`` means (exact, then spelling-blind, then through the aliases), or ``None``."""
        if value in self.values:
            return value
        return self.spellings.get(fold(value))

    def suggest(self, value: str) -> list[str]:
        """The valid values closest to an unknown ``value``: those whose spellings hold all its words, then those
        :func:`difflib.get_close_matches` finds; at most :data:`MAX_SUGGESTIONS`, in the vocabulary's order."""
        key = fold(value)
        words = set(key.split())
        hits = {v for k, v in self.spellings.items() if words and words <= set(k.split())}
        if not hits:
            hits = {self.spellings[k] for k in close_matches(key, self.spellings)}
        return [v for v in self.values if v in hits][:MAX_SUGGESTIONS]


def close_matches(key: str, candidates: Iterable[str]) -> list[str]:
    """The candidates :func:`difflib.get_close_matches` finds for ``key``, keeping only those about as close as the
    best one ("russia others" gives "russia other", not also "syria other")."""
    scored = [(difflib.SequenceMatcher(None, key, c).ratio(), c) for c in difflib.get_close_matches(
        key, list(candidates), n=MAX_SUGGESTIONS)]
    best = max((score for score, _ in scored), default=0.0)
    return [c for score, c in scored if score >= best - 0.1]


def _spellings(pairs: Iterable[tuple[str, str]], keep: Iterable[str] = ()) -> dict[str, str]:
    """folded spelling -> value; a spelling that means two values is dropped, unless it is one of ``keep``."""
    out: dict[str, str] = {}
    clash: set[str] = set()
    kept = {fold(k) for k in keep}
    for spelling, value in pairs:
        key = fold(spelling)
        if not key:
            continue
        if key in out and out[key] != value and key not in kept:
            clash.add(key)
        out.setdefault(key, value)
    return {k: v for k, v in out.items() if k not in clash}


def _rows(table: str, folder: Path) -> list[dict[str, str]]:
    path = folder / resource(table, folder)["path"]
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise IncidentkitError(f"{path}: cannot read the {table} table ({exc.strerror or exc})") from None


def _stamp(folder: Path, tables: tuple[str, ...]) -> tuple[int, ...]:
    """Modification times of the files a vocabulary is built from (a change rebuilds it)."""
    files = [folder / "datapackage.json", *(folder / f"{t}.csv" for t in tables)]
    return tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in files)


_TABLES: dict[str, tuple[str, ...]] = {
    "theatres": ("theatres",),
    "branches": ("branches", "branch_aliases"),
    "countries": ("theatre_map",),
}


def vocabulary(name: str, folder: Path | None = None) -> Vocabulary:
    """The vocabulary of a selection filter: ``theatres``, ``branches``, ``countries`` (names and ISO3 codes of the
    theatre map; :func:`country_code` knows every other country), ``attack_types``, ``target_types``,
    ``claim_status`` or ``min_date_precision``."""
    folder = folder or data_dir()
    return _vocabulary(name, str(folder), _stamp(folder, _TABLES.get(name, ())))


@lru_cache(maxsize=32)
def _vocabulary(name: str, folder_text: str, _stamp: tuple[int, ...]) -> Vocabulary:
    folder = Path(folder_text)
    if name == "theatres":
        rows = sorted(_rows("theatres", folder), key=lambda r: int(r["sort_order"]))
        values = tuple(r["theatre"] for r in rows)
        return Vocabulary(name, values, _spellings((v, v) for v in values))
    if name == "branches":
        rows = _rows("branches", folder)
        values = tuple(r["branch_id"] for r in rows)
        names = [(r["branch_id"], r["branch_id"]) for r in rows] + [(r["name"], r["branch_id"]) for r in rows]
        names += [(part.strip(), r["branch_id"]) for r in rows for part in (r.get("arabic_name") or "").split(";")]
        aliases = [(r["alias"], r["branch_id"]) for r in _rows("branch_aliases", folder)]
        return Vocabulary(name, values, _spellings([*names, *aliases], keep=values))
    if name == "countries":
        rows = _rows("theatre_map", folder)
        pairs = sorted({(r["country"], r["iso3"]) for r in rows})
        codes = {**{c: i for c, i in pairs}, **{i: i for _, i in pairs}}
        return Vocabulary(name, tuple(codes), _spellings((v, v) for v in codes), codes)
    if name in ENUM_FILTERS:
        values = tuple(enum_values("incidents", ENUM_FILTERS[name], folder))
        return Vocabulary(name, values, _spellings((v, v) for v in values))
    if name == "min_date_precision":
        return Vocabulary(name, DATE_PRECISIONS, _spellings((v, v) for v in DATE_PRECISIONS))
    raise IncidentkitError(f"no selection filter {name!r}; filters: {', '.join([*_TABLES, *ENUM_FILTERS])}")


def valid_values(name: str, *, folder: Path | None = None) -> list[str]:
    """Return the valid values of a selection filter (theatres, branches, countries, attack_types, ...) in their
    fixed order; ``countries`` gives the theatre map's names and codes (any ISO 3166 country is valid too)."""
    return list(vocabulary(name, folder).values)


def country_code(value: str, folder: Path | None = None) -> tuple[str, str] | None:
    """``(the country as the reference spells it, its ISO3 code)`` for a country name or ISO3 code, or ``None``.

    The theatre map's names and codes come first ("iran" -> ("Iran", "IRN")); then any ISO 3166 alpha-3 code or name
    and the GTD/ACLED/UCDP spellings, all spelling-blind ("türkiye", "cote d'ivoire").
    """
    countries = vocabulary("countries", folder)
    hit = countries.match(value)
    if hit is not None:
        return hit, countries.codes[hit]
    return _world().get(fold(value))


@lru_cache(maxsize=1)
def _world() -> dict[str, tuple[str, str]]:
    """folded ISO 3166 code or name, or dataset spelling -> (the spelling, its alpha-3 code)."""
    # lazy: pycountry's tables are read only for a country outside the theatre map
    from .countries import DATASET_NAMES, iso_names

    pairs = [(code, code) for code in set(iso_names().values())]
    pairs += [(n, c) for n, c in iso_names().items()] + list(DATASET_NAMES.items())
    out: dict[str, tuple[str, str]] = {}
    for spelling, code in pairs:
        out.setdefault(fold(spelling), (spelling, code))
    return out


def world_suggestions(value: str) -> list[str]:
    """The ISO 3166 names and dataset spellings closest to an unknown country (for "did you mean")."""
    world = _world()
    return [world[k][0] for k in close_matches(fold(value), world)]
