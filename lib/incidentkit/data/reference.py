"""Reference tables: theatres, the country/admin1 -> theatre map, IS branches and their aliases, admin1 spellings.

All of them are curated CSV files in ``data/`` described in ``datapackage.json``; nothing here is hard-coded.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .tables import read_table

#: Theatre used for rows of external datasets whose country/admin1 is not in ``data/theatre_map.csv``.
FALLBACK_THEATRE = "Elsewhere"
#: Wildcard in ``theatre_map.admin1`` and ``branch_aliases.iso3``.
WILDCARD = "*"


def load_theatres(folder: Path | None = None) -> pd.DataFrame:
    """Return the theatres table sorted by its fixed ``sort_order``."""
    return read_table("theatres", folder).sort_values("sort_order", kind="stable").reset_index(drop=True)


def theatre_order(folder: Path | None = None) -> list[str]:
    """Return the theatre names in their fixed order (the order of every table and figure)."""
    return load_theatres(folder)["theatre"].tolist()


def load_theatre_map(folder: Path | None = None) -> pd.DataFrame:
    """Return the country/admin1 -> theatre map."""
    return read_table("theatre_map", folder)


def load_branches(folder: Path | None = None) -> pd.DataFrame:
    """Return the IS branches table."""
    return read_table("branches", folder)


def branch_aliases(folder: Path | None = None) -> pd.DataFrame:
    """Return the table of names under which each dataset names each IS branch."""
    return read_table("branch_aliases", folder)


def admin1_aliases(folder: Path | None = None) -> pd.DataFrame:
    """Return the table of admin1 spellings per dataset and country, mapped to the project's names."""
    return read_table("admin1_aliases", folder)


def load_gazetteer(folder: Path | None = None) -> pd.DataFrame:
    """Return the gazetteer of places named in the curated incident table."""
    return read_table("gazetteer", folder)


def assign_theatre(
    iso3: pd.Series,
    admin1: pd.Series,
    *,
    fallback: str | None = None,
    explicit: pd.Series | None = None,
    folder: Path | None = None,
) -> pd.Series:
    """Return the theatre of each (iso3, admin1) pair: an exact admin1 row first, then the country's ``*`` row.

    ``explicit`` (a row's own ``theatre`` field) wins where it is given: it places rows that country/admin1 cannot
    (the Syrian desert with no governorate named). Pairs that match no row get ``fallback`` (``None`` leaves them
    missing, which validation reports). The result is a categorical in the fixed theatre order.
    """
    tmap = load_theatre_map(folder)
    exact = {(r.iso3, r.admin1): r.theatre for r in tmap.itertuples() if r.admin1 != WILDCARD}
    country = {r.iso3: r.theatre for r in tmap.itertuples() if r.admin1 == WILDCARD}
    keys = pd.DataFrame({"iso3": iso3.astype(object), "admin1": admin1.astype(object)}, index=iso3.index)
    uniq = keys.drop_duplicates()
    lookup: dict[tuple[object, object], object] = {}
    for a, b in zip(uniq["iso3"], uniq["admin1"], strict=True):
        hit = exact.get((a, b), country.get(a, fallback))
        lookup[(a, b)] = hit
    values = [lookup[(a, b)] for a, b in zip(keys["iso3"], keys["admin1"], strict=True)]
    if explicit is not None:
        given = explicit.astype(object).where(explicit.notna(), None).tolist()
        values = [g if isinstance(g, str) and g else v for g, v in zip(given, values, strict=True)]
    order = theatre_order(folder)
    return pd.Series(pd.Categorical(values, categories=order), index=iso3.index, name="theatre")


def country_theatres(folder: Path | None = None) -> dict[str, set[str]]:
    """Return, per ISO3 code, the theatres that ``data/theatre_map.csv`` gives to that country."""
    out: dict[str, set[str]] = {}
    for r in load_theatre_map(folder).itertuples():
        out.setdefault(r.iso3, set()).add(r.theatre)
    return out


def known_admin1(folder: Path | None = None) -> dict[str, set[str]]:
    """Return, per ISO3 code, the admin1 names the project knows (theatre map, admin1 aliases, gazetteer)."""
    out: dict[str, set[str]] = {}
    frames = [load_theatre_map(folder)[["iso3", "admin1"]], admin1_aliases(folder)[["iso3", "admin1"]]]
    try:
        frames.append(load_gazetteer(folder)[["iso3", "admin1"]])
    except Exception:  # noqa: BLE001 - the gazetteer is validated on its own; its absence only narrows the list
        pass
    for frame in frames:
        for iso3, name in zip(frame["iso3"], frame["admin1"], strict=True):
            if isinstance(name, str) and name != WILDCARD:
                out.setdefault(iso3, set()).add(name)
    return out
