"""UCDP GED (Georeferenced Event Dataset) CSV -> incident schema.

Mapping (also in docs/readers.md):

- killed_low / killed_best / killed_high = ``low`` / ``best`` / ``high`` **as UCDP gives them**. Their order is not
  assumed: rows where low <= best <= high does not hold are kept unchanged and get the flag
  ``killed_range_as_reported`` (the validator accepts such flagged rows).
- date / date_end / date_precision from ``date_start`` / ``date_end`` / ``date_prec``: 1 -> 'day'; 2 (2-6 days) and
  3 (a week) -> 'week'; 4 (8-30 days or a month) -> 'month'; 5 (more than a month, within the year) -> 'year'.
  For 'month' and 'year' the date is moved to the 1st of date_start's month / 1 January (the contract) and the
  UCDP window is kept in date_end. date_end is blank when it equals the date; a date_end before date_start is set
  blank, named in the read report, with flag ``date_range_inverted``.
- geo_precision from ``where_prec``: 1 -> 'point'; 2 (within ~25 km of a known point) -> 'locality'; 3 (ADM2),
  4 (ADM1), 5 (linear feature / fuzzy area) -> 'admin1'; 6 (country) and 7 (international waters/airspace) ->
  'country'.
- perpetrator / is_branch: side_a, else side_b, that is IS by the rules of :mod:`.actors` (the alias table first:
  UCDP calls every IS branch "IS", so the table maps it per country, '*' -> is-unspecified). Without one
  perpetrator = side_a.
- target_type: the other side: "Civilians" -> 'Private Citizens & Property', "Government of ..." -> 'Military', any
  other actor -> 'Terrorists/Non-State Militia'. attack_type 'Unknown' (GED does not code the method).
- perpetrators_killed: the best-estimate deaths of the perpetrator's side (deaths_a or deaths_b) in state-based and
  non-state conflict (type_of_violence 1, 2); blank for one-sided violence (GED does not count them there) and when
  above the killed figure (flag ``perpetrators_killed_above_killed``, named in the read report). A negative count
  is set blank and named in the read report.
- is_role (data/README.md "Deriving is_role"): type_of_violence 1 (state-based) or 2 (non-state) with IS on either
  side -> 'two_sided' (GED codes no initiator: these rows hold both IS attacks and operations against IS);
  3 (one-sided violence against civilians) with IS as side_a -> 'perpetrator'; no IS side -> blank. GED gives no
  'target' rows. An IS row whose type_of_violence is missing or none of 1-3 keeps is_role blank with flag
  ``is_role_unknown``.
- Aggregate rows (never listed as single incidents; docs/readers.md "Aggregate rows"): ``event_clarity`` 2 (the
  source reports a total of several events) -> flag ``aggregate_of_events``; ``date_prec`` 5 (a span of more than a
  month, up to a year) -> ``aggregate_period``; ``where_prec`` 6 or 7 (the whole country, international waters or
  airspace) -> ``aggregate_area``.
- ``number_of_sources`` -1 (older data; per the codebook not "missing") -> written as "not recorded" in notes;
  ``event_clarity`` 2 (an aggregate made by the source) -> noted too.
- What GED codes at all: :data:`CODED`; what a file covers goes to the read report (:mod:`.extent`).
- country: the GW name without its former name in brackets ("Russia (Soviet Union)" -> "Russia"); iso3 from it.
- admin1 = adm_1 normalised with data/admin1_aliases.csv; location = where_coordinates; summary = source_headline;
  source_ids 'ucdp-ged' or 'ucdp-ged-<release>' (e.g. 'ucdp-ged-231' from ged231...csv); claim_status 'unknown';
  attribution 'confirmed'.
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
from .csv_text import DICT
from .extent import coded
from .places import admin1_names
from .spec import DatasetSpec, ReadContext
from .values import build_flags, category, coordinates, count, iso3_from_names, number, str_from_codes, text

#: Bump whenever the output can change for the same export and data tables (see ``spec.DatasetSpec.version``).
READER_VERSION = 5

COLUMNS: dict[str, pa.DataType] = {
    "id": pa.string(), "type_of_violence": pa.string(), "dyad_name": DICT, "side_a": DICT, "side_b": DICT,
    "number_of_sources": pa.string(), "source_headline": pa.string(), "where_prec": pa.string(),
    "where_coordinates": DICT, "adm_1": DICT, "latitude": pa.string(), "longitude": pa.string(), "country": DICT,
    "event_clarity": pa.string(), "date_prec": pa.string(), "date_start": DICT, "date_end": DICT,
    "deaths_a": pa.string(), "deaths_b": pa.string(), "best": pa.string(), "high": pa.string(), "low": pa.string(),
}  # fmt: skip
REQUIRED = (
    "id", "side_a", "side_b", "country", "adm_1", "latitude", "longitude", "where_prec", "date_prec",
    "date_start", "date_end", "best", "low", "high",
)  # fmt: skip
#: Columns every GED record fills.
REQUIRED_VALUES = ("id", "side_a", "side_b", "country", "latitude", "longitude", "where_prec", "date_prec",
                   "date_start", "date_end", "best", "low", "high")  # fmt: skip
DATE_PRECISION = {1: "day", 2: "week", 3: "week", 4: "month", 5: "year"}
GEO_PRECISION = {1: "point", 2: "locality", 3: "admin1", 4: "admin1", 5: "admin1", 6: "country", 7: "country"}
CODED: dict[str, dict[str, str]] = {
    "killed": coded("yes"),
    "killed_range": coded("yes"),
    "wounded": coded("no", "GED counts deaths only"),
    "perpetrators_killed": coded("partly", "deaths of each side in state-based and non-state events only"),
    "hostages": coded("no", "GED counts deaths only"),
    "claims": coded("no", "GED does not code claims of responsibility"),
    "suicide": coded("no", "GED does not code the method of an attack"),
    "attack_type": coded("no", "GED does not code the method of an attack"),
    "target_type": coded("partly", "from the other side: civilians, a government, another group"),
    "roles": coded("partly", "IS's one-sided violence is 'perpetrator'; state-based and non-state events are "
                   "'two_sided' (both IS attacks and operations against IS): no 'target' rows"),
}


def release_slug(path: Path) -> str:
    """Return 'ucdp-ged' or 'ucdp-ged-<release>' (e.g. 'ucdp-ged-231' for ged231-....csv)."""
    m = re.search(r"ged[_-]?v?(\d{2,3})(?:[_.-](\d+))?", path.name.lower())
    return f"ucdp-ged-{m.group(1)}" if m else "ucdp-ged"


def _dates(values: pd.Series) -> pd.Series:
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    cats = pd.Series(cat.cat.categories.astype(str)).str.strip().str.slice(0, 10)
    parsed = pd.to_datetime(cats, format="%Y-%m-%d", errors="coerce").to_numpy(dtype="datetime64[ns]")
    lut = np.append(parsed, np.datetime64("NaT"))
    codes = cat.cat.codes.to_numpy()
    return pd.Series(lut[np.where(codes < 0, len(lut) - 1, codes)], dtype="datetime64[ns]")


def _window(table: pa.Table, ctx: ReadContext) -> dict[str, Any]:
    issues = ctx.issues
    raw_start, raw_end = category(table, "date_start"), category(table, "date_end")
    start, end = _dates(raw_start), _dates(raw_end)
    issues.reject(start.isna().to_numpy(), "date_start", "expected a date as YYYY-MM-DD", raw_start.astype(object))
    issues.reject(raw_end.notna().to_numpy() & end.isna().to_numpy(), "date_end", "expected a date as YYYY-MM-DD",
                  raw_end.astype(object))
    inverted = (end < start).fillna(False).to_numpy()
    issues.blank(inverted, "date_end", "date_end before date_start: set blank", raw_end.astype(object))
    ctx.flags["date_range_inverted"] = inverted
    end = end.mask(inverted)
    dp = number(table, "date_prec", issues, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    ctx.flags["date_precision_unknown"] = ~np.isin(dp, list(DATE_PRECISION))
    ctx.flags["aggregate_period"] = dp == 5
    precision = enum("date_precision")
    prec = precision.from_dataset_codes(dp, DATE_PRECISION, "day")
    date = start.where(prec != precision.code("month"), start.dt.to_period("M").dt.start_time.astype("datetime64[ns]"))
    date = date.where(prec != precision.code("year"), start.dt.to_period("Y").dt.start_time.astype("datetime64[ns]"))
    return {"date": date, "date_end": end.where(end > date), "date_precision": precision.categorical(prec)}


def _sides(table: pa.Table, ctx: ReadContext, iso3: pd.Series) -> dict[str, Any]:
    side_a, side_b = category(table, "side_a"), category(table, "side_b")
    ba = row_branches(*match_column(ctx.rules, ctx.actors, "side_a", side_a, iso3)[:2])[0]
    bb = row_branches(*match_column(ctx.rules, ctx.actors, "side_b", side_b, iso3)[:2])[0]
    ma, mb = pd.notna(ba), pd.notna(bb)
    perp_is_b = ~ma & mb
    a_txt, b_txt = side_a.astype(object).to_numpy(), side_b.astype(object).to_numpy()
    other = pd.Series(np.where(perp_is_b, a_txt, b_txt), dtype=object).fillna("")
    tt = enum("target_type")
    target = np.where(
        (other == "Civilians").to_numpy(), tt.code("Private Citizens & Property"),
        np.where(other.str.startswith("Government of").to_numpy(), tt.code("Military"),
                 np.where((other == "").to_numpy(), tt.code("Unknown"), tt.code("Terrorists/Non-State Militia"))),
    )  # fmt: skip
    tov = number(table, "type_of_violence", ctx.issues, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    roles = enum("is_role")
    role = np.select([np.isin(tov, [1, 2]) & (ma | mb), (tov == 3) & ma], [roles.code("two_sided"),
                     roles.code("perpetrator")], -1)  # fmt: skip
    ctx.flags["is_role_unknown"] = (ma | mb) & (role < 0)
    return {
        "perpetrator": pd.Series(np.where(perp_is_b, b_txt, a_txt), dtype="str").fillna("Unknown"),
        "is_branch": pd.Series(np.where(ma, ba, bb), dtype="str"),
        "is_role": roles.categorical(role),
        "target_type": tt.categorical(target),
        "perp_is_b": perp_is_b,
        "tov": tov,
    }


def convert(table: pa.Table, ctx: ReadContext) -> dict[str, Any]:
    """Convert the columns read from a UCDP GED export (module docstring)."""
    n, issues, flags = ctx.n, ctx.issues, ctx.flags
    uid = number(table, "id", issues, integer=True)
    issues.reject(uid.isna().to_numpy(), "id", "expected the UCDP event id (a whole number)", text(table, "id"))
    sid = uid.astype("str")
    window = _window(table, ctx)
    country_raw = category(table, "country")
    country = country_raw.astype(object).str.replace(r"\s*\(.*\)$", "", regex=True).astype("str")
    iso3, flags["country_unmapped"] = iso3_from_names(country_raw)
    lat, lon = coordinates(table, issues, flags)
    wp = number(table, "where_prec", issues, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    flags["geo_precision_unknown"] = ~np.isin(wp, list(GEO_PRECISION))
    flags["aggregate_area"] = np.isin(wp, [6, 7])
    geo = enum("geo_precision")
    sides = _sides(table, ctx, iso3)
    low, best, high = (count(table, c, issues) for c in ("low", "best", "high"))
    lo, be, hi = (s.to_numpy(dtype="float64", na_value=np.nan) for s in (low, best, high))
    with np.errstate(invalid="ignore"):
        flags["killed_range_as_reported"] = (lo > be) | (be > hi) | (lo > hi)
    deaths_a, deaths_b = count(table, "deaths_a", issues), count(table, "deaths_b", issues)
    perp_killed = deaths_b.where(pd.Series(sides["perp_is_b"]), deaths_a)
    perp_killed = perp_killed.mask(pd.Series(~np.isin(sides["tov"], [1, 2])))
    ceiling = high.astype("Float64").fillna(best.astype("Float64"))
    above = (perp_killed > ceiling).fillna(False).to_numpy()
    for side, col in ((False, "deaths_a"), (True, "deaths_b")):
        issues.blank(above & (sides["perp_is_b"] == side), col,
                     "the perpetrator side's deaths above all deaths (high, else best): set blank", perp_killed)
    flags["perpetrators_killed_above_killed"] = above
    nsrc = number(table, "number_of_sources", issues, integer=True)
    agg = (number(table, "event_clarity", issues, integer=True) == 2).fillna(False).to_numpy()
    flags["aggregate_of_events"] = agg
    parts = pd.Series(np.where((nsrc == -1).fillna(False).to_numpy(),
                               "UCDP number_of_sources not recorded (-1, older data)", ""), dtype=object)
    parts = parts.where(~agg, parts + np.where(parts != "", "; ", "") + "UCDP event_clarity 2: an aggregate of events")
    return {
        "incident_id": "ucdp-" + sid,
        **window,
        "date_basis": enum("date_basis").full(n, "incident"),
        "country": country,
        "iso3": iso3,
        "admin1": admin1_names("ucdp", iso3, text(table, "adm_1"), ctx.report),
        "location": text(table, "where_coordinates"),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": geo.categorical(geo.from_dataset_codes(wp, GEO_PRECISION, "country")),
        **{k: sides[k] for k in ("perpetrator", "is_branch", "is_role", "target_type")},
        "claim_status": enum("claim_status").full(n, "unknown"),
        "attribution": enum("attribution").full(n, "confirmed"),
        "attack_type": enum("attack_type").full(n, "Unknown"),
        "killed_low": low,
        "killed_best": best,
        "killed_high": high,
        "perpetrators_killed": perp_killed.mask(above),
        "summary": text(table, "source_headline"),
        "source_ids": str_from_codes(np.zeros(n, dtype=np.int64), [release_slug(ctx.path)]),
        "notes": parts.mask(parts == "").astype("str"),
        "flags": build_flags(flags, n),
        "source_dataset": str_from_codes(np.zeros(n, dtype=np.int64), ["ucdp"]),
        "source_event_id": sid,
    }


SPEC = DatasetSpec(
    key="ucdp",
    name="UCDP GED",
    title="UCDP Georeferenced Event Dataset (Uppsala Conflict Data Program)",
    signature=(
        "side_a", "side_b", "best", "low", "high", "date_prec", "where_prec", "dyad_name", "type_of_violence",
        "where_coordinates", "adm_1", "date_start", "date_end", "deaths_a", "deaths_b",
    ),  # fmt: skip
    columns=COLUMNS,
    required=REQUIRED,
    required_values=REQUIRED_VALUES,
    id_column="id",
    convert=convert,
    version=READER_VERSION,
    coded=CODED,
    actor_columns=("side_a", "side_b"),
    variant=release_slug,
)
