"""GTD (Global Terrorism Database, START): the official release workbook (.xlsx) and the widely re-published CSV
(Windows-1252 bytes, CRLF, line breaks inside quoted fields; a UTF-8 re-save is read as UTF-8) -> incident schema.

The mapping, field by field, is in docs/readers.md ("GTD"); in short:

- dates: iyear/imonth/iday (0 = unknown month/day) and the approxdate window (:mod:`.gtd_dates`), resolution as
  date_end of an extended incident;
- place: country_txt (ISO3 via :mod:`.countries`), provstate (:mod:`.places`), city, coordinates as given (-9/-99
  are real coordinates; out of range -> blank and reported), specificity -> geo_precision;
- IS: the first of gname, gname2, gname3 that is IS (:mod:`.actors`) -> 'perpetrator', with guncertainN as the
  attribution; no IS group but an IS entity among corp1-corp3 (the targeted entities) -> 'target';
- counts nkill, nkillter, nwound, nhostkid: one figure each (low = best = high), -9/-99 unknown, any other negative
  blank and reported;
- claimed/compclaim -> claim_status, suicide, attacktype1_txt/targtype1_txt (GTD's own categories), doubtterr flag.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .actors import match_column, row_branches
from .codes import enum
from .csv_text import DICT, UNDEFINED_BYTES_COLUMN
from .extent import coded
from .gtd_dates import event_dates
from .places import admin1_names
from .spec import DatasetSpec, ReadContext
from .values import (
    build_flags,
    category,
    coordinates,
    count,
    enum_from_labels,
    iso3_from_names,
    joined_names,
    number,
    str_from_codes,
    text,
)

#: Bump whenever the output can change for the same export and data tables (see ``spec.DatasetSpec.version``).
READER_VERSION = 7

COLUMNS: dict[str, pa.DataType] = {
    "eventid": pa.string(), "iyear": pa.string(), "imonth": pa.string(), "iday": pa.string(), "approxdate": DICT,
    "extended": pa.string(), "resolution": DICT, "country_txt": DICT, "provstate": DICT, "city": DICT,
    "latitude": pa.string(), "longitude": pa.string(), "specificity": pa.string(), "summary": pa.string(),
    "doubtterr": pa.string(), "suicide": pa.string(), "attacktype1_txt": DICT, "targtype1_txt": DICT,
    "gname": DICT, "gname2": DICT, "gname3": DICT,
    "corp1": DICT, "corp2": DICT, "corp3": DICT,  # the targeted entities: an IS group there is an operation against IS
    "guncertain1": pa.string(), "guncertain2": pa.string(), "guncertain3": pa.string(),
    "claimed": pa.string(), "compclaim": pa.string(),
    "nkill": pa.string(), "nkillter": pa.string(), "nwound": pa.string(), "nhostkid": pa.string(),
}  # fmt: skip
REQUIRED = (
    "eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude", "longitude",
    "specificity", "gname", "attacktype1_txt", "targtype1_txt", "nkill",
)  # fmt: skip
#: Columns every GTD record fills (GTD writes 'Unknown' or 0 rather than leaving them blank).
REQUIRED_VALUES = ("eventid", "iyear", "imonth", "iday", "country_txt", "gname", "attacktype1_txt", "targtype1_txt")
#: GTD's codes for an unknown count.
UNKNOWN_COUNTS = (-9, -99)
GEO_PRECISION = {1: "locality", 2: "admin1", 3: "admin1", 4: "admin1", 5: "country"}
CLAIM = {1: "claimed", 0: "unclaimed"}

CODED: dict[str, dict[str, str]] = {
    "killed": coded("yes"),
    "killed_range": coded("no", "GTD records one figure per incident (nkill, nwound): no low-high range"),
    "wounded": coded("yes"),
    "perpetrators_killed": coded("yes"),
    "hostages": coded("yes"),
    "claims": coded("yes"),
    "suicide": coded("yes"),
    "attack_type": coded("yes"),
    "target_type": coded("yes"),
    "roles": coded("partly", "GTD records attacks by groups: IS as perpetrator, and as target only where GTD names an "
                   "IS group as the targeted entity; no two-sided fighting"),
}


def release_slug(path: Path) -> str:
    """Return 'gtd' or 'gtd-<release>' (e.g. 'gtd-0718') from the file name."""
    m = re.search(r"(\d{4})dist", path.name.lower())
    return f"gtd-{m.group(1)}" if m else "gtd"


def _groups(table: pa.Table, ctx: ReadContext, iso3: pd.Series) -> dict[str, Any]:
    """IS among gname/gname2/gname3 (perpetrator) or corp1-corp3 (targeted): branch, role, the group's index."""
    n = ctx.n
    gname = category(table, "gname")
    if "Unknown" not in gname.cat.categories:
        gname = gname.cat.add_categories(["Unknown"])
    groups = [gname.fillna("Unknown"), category(table, "gname2"), category(table, "gname3")]
    hits = []
    for col, g in zip(("gname", "gname2", "gname3"), groups, strict=True):
        codes, labels, _ = match_column(ctx.rules, ctx.actors, col, g, iso3)
        hits.append(row_branches(codes, labels)[0])
    found = np.full(n, -1, dtype=np.int64)  # which of gname, gname2, gname3 (0, 1, 2) names IS: the first one
    for k in (2, 1, 0):
        found = np.where(pd.notna(hits[k]), k, found)
    branch = np.where(found == 1, hits[1], np.where(found == 2, hits[2], hits[0]))
    targeted = np.full(n, None, dtype=object)
    for k in (3, 2, 1):  # the first corp that is IS wins
        codes, labels, _ = match_column(ctx.rules, ctx.actors, f"corp{k}", category(table, f"corp{k}"), iso3)
        hit = row_branches(codes, labels)[0]
        targeted = np.where(pd.notna(hit), hit, targeted)
    as_target = (found < 0) & pd.notna(targeted)
    branch = np.where(as_target, targeted, branch)
    roles = enum("is_role")
    role = np.where(found >= 0, roles.code("perpetrator"), np.where(as_target, roles.code("target"), -1))
    ctx.flags["is_branch_from_gname2_or_3"] = found >= 1
    return {"perpetrator": joined_names(groups), "is_branch": pd.Series(branch, dtype="str"),
            "is_role": roles.categorical(role), "found": found}


def _event_ids(table: pa.Table, issues: Any) -> pd.Series:
    """Return ``source_event_id`` (eventid as a whole number); a value that is not one rejects its row."""
    eventid = number(table, "eventid", issues, integer=True)
    issues.reject(eventid.isna().to_numpy(), "eventid", "expected the GTD eventid (a 12-digit number)",
                  text(table, "eventid"))
    return eventid.astype("str")


def survey(table: pa.Table, ctx: ReadContext) -> dict[str, Any]:
    """The checks of every row before IS rows are selected (``DatasetSpec.survey``): ids, dates, country."""
    sid = _event_ids(table, ctx.issues)
    date, date_end, precision, _ = event_dates(table, ctx.issues, ctx.flags)
    iso3, _ = iso3_from_names(category(table, "country_txt"))
    return {"date": date, "date_end": date_end, "date_precision": precision, "iso3": iso3,
            "country": text(table, "country_txt"), "source_event_id": sid}


def convert(table: pa.Table, ctx: ReadContext) -> dict[str, Any]:
    """Convert the columns read from a GTD export (module docstring)."""
    n, issues, flags = ctx.n, ctx.issues, ctx.flags
    sid = _event_ids(table, issues)
    date, date_end, precision, approx = event_dates(table, issues, flags)

    iso3, flags["country_unmapped"] = iso3_from_names(category(table, "country_txt"))
    provstate = text(table, "provstate")
    provstate = provstate.mask(provstate.str.strip().isin(["Unknown", ""]))
    city = text(table, "city")
    city = city.mask(city.str.strip().isin(["Unknown", ""]))
    lat, lon = coordinates(table, issues, flags)
    spec_num = number(table, "specificity", issues, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    geo = enum("geo_precision").from_dataset_codes(spec_num, GEO_PRECISION, "country")
    flags["geo_precision_unknown"] = ~np.isin(spec_num, list(GEO_PRECISION))

    actors = _groups(table, ctx, iso3)
    found = actors["found"]
    claimed = number(table, "claimed", issues, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    compclaim = number(table, "compclaim", issues, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    claims = enum("claim_status")
    claim = claims.from_dataset_codes(claimed, CLAIM, "unknown")
    claim = np.where((claimed == 1) & (compclaim == 1), claims.code("disputed"), claim)
    uncertain = [number(table, f"guncertain{k}", issues, integer=True).to_numpy(dtype="float64", na_value=np.nan)
                 for k in (1, 2, 3)]  # fmt: skip
    guncertain = np.where(found == 1, uncertain[1], np.where(found == 2, uncertain[2], uncertain[0]))
    attribution = enum("attribution")
    attributed = np.where(guncertain == 1, attribution.code("suspected"), attribution.code("confirmed"))

    attack_txt, target_txt = category(table, "attacktype1_txt"), category(table, "targtype1_txt")
    attack = enum_from_labels(attack_txt, list(enum("attack_type").values))
    target = enum_from_labels(target_txt, list(enum("target_type").values))
    for name, raw, mapped in (("attack_type", attack_txt, attack), ("target_type", target_txt, target)):
        labelled = raw.notna().to_numpy() & (raw.astype(object) != "Unknown").to_numpy()
        flags[f"{name}_unmapped"] = labelled & (np.asarray(mapped.astype(object)) == "Unknown")

    suicide_num = number(table, "suicide", issues, integer=True)
    suicide = pd.array(np.where(suicide_num == 1, True, False), dtype="boolean")
    suicide[~suicide_num.isin([0, 1]).fillna(False).to_numpy()] = pd.NA

    counts = {col: count(table, col, issues, UNKNOWN_COUNTS) for col in ("nkill", "nkillter", "nwound", "nhostkid")}
    nkill, nkillter = counts["nkill"], counts["nkillter"]
    over = (nkillter > nkill).fillna(False).to_numpy()
    issues.blank(over, "nkillter", "perpetrators killed above all killed (nkill): set blank", nkillter)
    flags["nkillter_exceeds_nkill"] = over
    nkillter = nkillter.mask(over)
    if UNDEFINED_BYTES_COLUMN in table.column_names:  # bytes cp1252 does not define, read as Latin-1
        flags["cp1252_undefined_bytes"] = table.column(UNDEFINED_BYTES_COLUMN).to_numpy(zero_copy_only=False)
    doubt = number(table, "doubtterr", issues, integer=True)
    flags["gtd_doubtterr"] = (doubt == 1).fillna(False).to_numpy()
    approx_text = approx.astype(object)
    notes = pd.Series(np.where(approx.notna().to_numpy(), "GTD approxdate: " + approx_text.fillna("").astype(str),
                               None), dtype="str")
    return {
        "incident_id": "gtd-" + sid,
        "date": date,
        "date_end": date_end,
        "date_precision": precision,
        "date_basis": enum("date_basis").full(n, "incident"),
        "country": text(table, "country_txt"),
        "iso3": iso3,
        "admin1": admin1_names("gtd", iso3, provstate, ctx.report),
        "location": city,
        "latitude": lat,
        "longitude": lon,
        "geo_precision": enum("geo_precision").categorical(geo),
        "perpetrator": actors["perpetrator"],
        "is_branch": actors["is_branch"],
        "is_role": actors["is_role"],
        "claim_status": claims.categorical(claim),
        "attribution": attribution.categorical(attributed),
        "attack_type": attack,
        "target_type": target,
        "suicide": suicide,
        "killed_low": nkill,
        "killed_best": nkill,
        "killed_high": nkill,
        "perpetrators_killed": nkillter,
        "wounded_low": counts["nwound"],
        "wounded_best": counts["nwound"],
        "wounded_high": counts["nwound"],
        "hostages": counts["nhostkid"],
        "summary": text(table, "summary"),
        "source_ids": str_from_codes(np.zeros(n, dtype=np.int64), [release_slug(ctx.path)]),
        "notes": notes,
        "flags": build_flags(flags, n),
        "source_dataset": str_from_codes(np.zeros(n, dtype=np.int64), ["gtd"]),
        "source_event_id": sid,
    }


SPEC = DatasetSpec(
    key="gtd",
    name="GTD",
    title="Global Terrorism Database (START, University of Maryland)",
    signature=(
        "eventid", "iyear", "imonth", "iday", "gname", "country_txt", "provstate", "city", "specificity",
        "attacktype1_txt", "targtype1_txt", "nkill", "nwound",
    ),  # fmt: skip
    columns=COLUMNS,
    required=REQUIRED,
    required_values=REQUIRED_VALUES,
    id_column="eventid",
    convert=convert,
    version=READER_VERSION,
    coded=CODED,
    actor_columns=("gname", "gname2", "gname3", "corp1", "corp2", "corp3"),
    encoding="cp1252",
    variant=release_slug,
    survey=survey,
)
