"""UCDP GED (Georeferenced Event Dataset) CSV -> incident schema.

Mapping (also in docs/readers.md):

- killed_low / killed_best / killed_high = ``low`` / ``best`` / ``high`` **as UCDP gives them**. Their order is not
  assumed: rows where low <= best <= high does not hold are kept unchanged and get the flag
  ``killed_range_as_reported`` (the validator accepts such flagged rows).
- date / date_end / date_precision from ``date_start`` / ``date_end`` / ``date_prec``: 1 -> 'day'; 2 (2-6 days) and
  3 (a week) -> 'week'; 4 (8-30 days or a month) -> 'month'; 5 (more than a month, within the year) -> 'year'.
  For 'month' and 'year' the date is moved to the 1st of date_start's month / 1 January (the contract) and the
  UCDP window is kept in date_end. date_end is blank when it equals the date.
- geo_precision from ``where_prec``: 1 -> 'point'; 2 (within ~25 km of a known point) -> 'locality'; 3 (ADM2),
  4 (ADM1), 5 (linear feature / fuzzy area) -> 'admin1'; 6 (country) and 7 (international waters/airspace) ->
  'country'.
- perpetrator / is_branch: side_a, else side_b, that is an exact alias (dataset 'ucdp') in data/branch_aliases.csv;
  UCDP calls every IS branch "IS", so the table maps it per country ('*' -> is-unspecified). Without a match
  perpetrator = side_a.
- target_type: the other side: "Civilians" -> 'Private Citizens & Property', "Government of ..." -> 'Military', any
  other actor -> 'Terrorists/Non-State Militia'. attack_type 'Unknown' (GED does not code the method).
- perpetrators_killed: the best-estimate deaths of the perpetrator's side (deaths_a or deaths_b) in state-based and
  non-state conflict (type_of_violence 1, 2); blank for one-sided violence (GED does not count them there) and when
  above the killed figure (flag ``perpetrators_killed_above_killed``).
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
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..schema import enum_values
from .cache import cached_read
from .contract import check_dataset, drop_rejected, finish, require_columns
from .csv_text import DICT, read_csv_text, record_lines, sniff_encoding
from .extent import coded, file_coverage
from .report import new_report, warn_rejected
from .values import (
    Rejects,
    admin1_names,
    branches,
    build_flags,
    category,
    iso3_from_names,
    number,
    str_from_codes,
    text,
)

#: The rule: bump whenever the output can change for the same export and data tables (columns, values, flags, the
#: read report, rejected rows): entries of other versions are never used. (Alias tables, schemas and pycountry are
#: in the cache key by content: see ``cache.dependency_digest``.)
READER_VERSION = 4

COLUMNS: dict[str, pa.DataType] = {
    "id": pa.string(),
    "type_of_violence": pa.string(),
    "dyad_name": DICT,
    "side_a": DICT,
    "side_b": DICT,
    "number_of_sources": pa.string(),
    "source_headline": pa.string(),
    "where_prec": pa.string(),
    "where_coordinates": DICT,
    "adm_1": DICT,
    "latitude": pa.string(),
    "longitude": pa.string(),
    "country": DICT,
    "event_clarity": pa.string(),
    "date_prec": pa.string(),
    "date_start": DICT,
    "date_end": DICT,
    "deaths_a": pa.string(),
    "deaths_b": pa.string(),
    "best": pa.string(),
    "high": pa.string(),
    "low": pa.string(),
}
REQUIRED = (
    "id", "side_a", "side_b", "country", "adm_1", "latitude", "longitude", "where_prec", "date_prec",
    "date_start", "date_end", "best", "low", "high",
)  # fmt: skip
DATE_PRECISION = {1: "day", 2: "week", 3: "week", 4: "month", 5: "year"}
GEO_PRECISION = {1: "point", 2: "locality", 3: "admin1", 4: "admin1", 5: "admin1", 6: "country", 7: "country"}
#: What GED codes at all (keys: :data:`incidentkit.data.readers.extent.CODABLE`).
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


def _convert(table: pa.Table, path: Path, report: dict[str, Any], line_of: Any) -> pd.DataFrame:
    n = table.num_rows
    rejects = Rejects.from_table(table)
    flags: dict[str, np.ndarray] = {}
    cats = {f: enum_values("incidents", f) for f in ("date_precision", "geo_precision", "claim_status", "attack_type",
                                                       "target_type", "attribution", "date_basis")}

    uid = number(table, "id", rejects, integer=True)
    raw_id = text(table, "id")
    rejects.add(uid.isna().to_numpy(), "id", "expected the UCDP event id (a whole number)", raw_id)
    sid = uid.astype("str")
    ids = "ucdp-" + sid
    rejects.add(ids.duplicated().to_numpy() & uid.notna().to_numpy(), "id", "duplicate id (an earlier row has it)", sid)

    raw_start, raw_end = category(table, "date_start"), category(table, "date_end")
    start, end = _dates(raw_start), _dates(raw_end)
    rejects.add(start.isna().to_numpy(), "date_start", "expected a date as YYYY-MM-DD", raw_start.astype(object))
    rejects.add(raw_end.notna().to_numpy() & end.isna().to_numpy(), "date_end", "expected a date as YYYY-MM-DD",
                raw_end.astype(object))
    dp = number(table, "date_prec", rejects, integer=True).fillna(0).to_numpy(dtype=np.int64)
    known = (dp >= 1) & (dp <= 5)
    flags["date_precision_unknown"] = ~known
    prec_lut = np.array([0] + [cats["date_precision"].index(DATE_PRECISION[i]) for i in range(1, 6)], dtype=np.int64)
    prec = prec_lut[np.where(known, dp, 0)]
    date = start.copy()
    is_month = prec == cats["date_precision"].index("month")
    is_year = prec == cats["date_precision"].index("year")
    date = date.where(~is_month, start.dt.to_period("M").dt.start_time.astype("datetime64[ns]"))
    date = date.where(~is_year, start.dt.to_period("Y").dt.start_time.astype("datetime64[ns]"))
    date_end = end.where(end > date)

    country_raw = category(table, "country")
    country = country_raw.astype(object).str.replace(r"\s*\(.*\)$", "", regex=True).astype("str")
    iso3, unmapped = iso3_from_names(country_raw)
    flags["country_unmapped"] = unmapped
    admin1 = admin1_names("ucdp", iso3, text(table, "adm_1"))

    lat = number(table, "latitude", rejects, integer=False)
    lon = number(table, "longitude", rejects, integer=False)
    half = lat.isna().to_numpy() ^ lon.isna().to_numpy()
    flags["coordinates_incomplete"] = half
    lat, lon = lat.mask(half), lon.mask(half)
    wp = number(table, "where_prec", rejects, integer=True).fillna(0).to_numpy(dtype=np.int64)
    wknown = (wp >= 1) & (wp <= 7)
    flags["geo_precision_unknown"] = ~wknown
    geo_lut = np.array(
        [cats["geo_precision"].index("country")] + [cats["geo_precision"].index(GEO_PRECISION[i]) for i in range(1, 8)]
    )
    geo = geo_lut[np.where(wknown, wp, 0)]

    side_a, side_b = category(table, "side_a"), category(table, "side_b")
    ba, bb = branches("ucdp", side_a, iso3), branches("ucdp", side_b, iso3)
    ma, mb = ba.notna().to_numpy(), bb.notna().to_numpy()
    perp_is_b = ~ma & mb
    a_txt, b_txt = side_a.astype(object).to_numpy(), side_b.astype(object).to_numpy()
    perpetrator = pd.Series(np.where(perp_is_b, b_txt, a_txt), dtype="str").fillna("Unknown")
    is_branch = ba.where(ma, bb)
    other = pd.Series(np.where(perp_is_b, a_txt, b_txt), dtype=object).fillna("")
    tt = cats["target_type"]
    target = np.where(
        (other == "Civilians").to_numpy(),
        tt.index("Private Citizens & Property"),
        np.where(other.str.startswith("Government of").to_numpy(), tt.index("Military"),
                 np.where((other == "").to_numpy(), tt.index("Unknown"), tt.index("Terrorists/Non-State Militia"))),
    )

    tov = number(table, "type_of_violence", rejects, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    roles = enum_values("incidents", "is_role")
    role_codes = np.select([np.isin(tov, [1, 2]) & (ma | mb), (tov == 3) & ma],
                           [roles.index("two_sided"), roles.index("perpetrator")], -1)
    flags["is_role_unknown"] = (ma | mb) & (role_codes < 0)
    flags["aggregate_period"] = dp == 5
    flags["aggregate_area"] = np.isin(wp, [6, 7])

    low = number(table, "low", rejects, integer=True)
    best = number(table, "best", rejects, integer=True)
    high = number(table, "high", rejects, integer=True)
    for s, col in ((low, "low"), (best, "best"), (high, "high")):
        rejects.add((s < 0).fillna(False).to_numpy(), col, "expected a count >= 0", s)
    lo, be, hi = (s.to_numpy(dtype="float64", na_value=np.nan) for s in (low, best, high))
    with np.errstate(invalid="ignore"):
        flags["killed_range_as_reported"] = (lo > be) | (be > hi) | (lo > hi)

    deaths_a = number(table, "deaths_a", rejects, integer=True)
    deaths_b = number(table, "deaths_b", rejects, integer=True)
    perp_killed = deaths_b.where(pd.Series(perp_is_b), deaths_a)
    perp_killed = perp_killed.mask(pd.Series(~np.isin(tov, [1, 2])))
    ceiling = high.astype("Float64").fillna(best.astype("Float64"))
    above = (perp_killed > ceiling).fillna(False).to_numpy()
    flags["perpetrators_killed_above_killed"] = above
    perp_killed = perp_killed.mask(above)

    nsrc = number(table, "number_of_sources", rejects, integer=True)
    clarity = number(table, "event_clarity", rejects, integer=True)
    parts = pd.Series(np.where((nsrc == -1).fillna(False).to_numpy(),
                               "UCDP number_of_sources not recorded (-1, older data)", ""), dtype=object)
    agg = (clarity == 2).fillna(False).to_numpy()
    flags["aggregate_of_events"] = agg
    parts = parts.where(~agg, parts + np.where(parts != "", "; ", "") + "UCDP event_clarity 2: an aggregate of events")
    notes = parts.mask(parts == "").astype("str")

    columns = {
        "incident_id": ids,
        "date": date,
        "date_end": date_end,
        "date_precision": pd.Categorical.from_codes(prec, categories=cats["date_precision"]),
        "date_basis": pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), categories=cats["date_basis"]),
        "country": country,
        "iso3": iso3,
        "admin1": admin1,
        "location": text(table, "where_coordinates"),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": pd.Categorical.from_codes(geo, categories=cats["geo_precision"]),
        "perpetrator": perpetrator,
        "is_branch": is_branch,
        "is_role": pd.Categorical.from_codes(role_codes, categories=roles),
        "claim_status": pd.Categorical.from_codes(
            np.full(n, cats["claim_status"].index("unknown")), categories=cats["claim_status"]
        ),
        "attribution": pd.Categorical.from_codes(
            np.full(n, cats["attribution"].index("confirmed")), categories=cats["attribution"]
        ),
        "attack_type": pd.Categorical.from_codes(
            np.full(n, cats["attack_type"].index("Unknown")), categories=cats["attack_type"]
        ),
        "target_type": pd.Categorical.from_codes(target, categories=tt),
        "killed_low": low,
        "killed_best": best,
        "killed_high": high,
        "perpetrators_killed": perp_killed,
        "summary": text(table, "source_headline"),
        "source_ids": str_from_codes(np.zeros(n, dtype=np.int64), [release_slug(path)]),
        "notes": notes,
        "flags": build_flags(flags, n),
        "source_dataset": str_from_codes(np.zeros(n, dtype=np.int64), ["ucdp"]),
        "source_event_id": sid,
    }
    df = finish(columns, n, origin=str(path))
    return drop_rejected(df, rejects, report, line_of=line_of)


def _build(path: Path) -> pd.DataFrame:
    encoding = sniff_encoding(path, "utf-8")
    report = new_report(str(path), "ucdp", READER_VERSION, encoding)
    header = check_dataset(path, "ucdp")
    require_columns(path, header, REQUIRED, "ucdp")
    wanted = {c: t for c, t in COLUMNS.items() if c in header}
    table = read_csv_text(path, wanted, encoding=encoding, header=header, report=report)

    def line_of(positions: list[int]) -> dict[int, int]:
        return record_lines(path, encoding, positions, len(header))

    df = _convert(table, path, report, line_of)
    report["coverage"] = file_coverage(df, CODED)
    df.attrs["read_report"] = report
    return df


def read_ucdp(path: str | PathLike[str], *, use_cache: bool = True) -> pd.DataFrame:
    """Read a UCDP GED CSV export into the incident schema, one row per GED event.

    Returns every incident-schema column plus ``source_dataset`` ('ucdp') and ``source_event_id`` (id). low/best/high
    are kept as UCDP gives them, out-of-order rows flagged ``killed_range_as_reported``. Rows that cannot be read are
    listed in ``df.attrs["read_report"]`` and in a :class:`~incidentkit.data.readers.RowsRejectedWarning`.
    """
    p = Path(path)
    check_dataset(p, "ucdp")
    df = cached_read(p, "ucdp", READER_VERSION, lambda: _build(p), variant=release_slug(p), use_cache=use_cache)
    warn_rejected(df.attrs["read_report"])
    return df
