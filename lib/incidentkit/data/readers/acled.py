"""ACLED exports -> incident schema.

Layouts read (the header is lower-cased and ``ALLY_ACTOR_N`` read as ``assoc_actor_N``):

- the current 31-column export (``event_id_cnty, event_date, ..., tags, timestamp``), text ``inter1/inter2``;
- the 2020 export tool (``data_id, iso, event_id_cnty, ..., iso3``): numeric inter codes, no disorder_type;
- the 2015 upper-case layout (``GWNO, EVENT_ID_CNTY, ..., ALLY_ACTOR_1, ...``): no sub_event_type, no iso.

``event_date`` in any of "2022-02-23", "21 March 2020", "9-May-20", "01-January-2015" (a value in none of them
rejects its row, with line and column, in the read report).

Mapping (also in docs/readers.md):

- date / date_end / date_precision from ``time_precision``: 1 -> 'day' (the event date); 2 -> 'week': ACLED puts such
  events in the middle of the week, so date = event_date - 3 days, date_end = event_date + 3 days; 3 -> 'month':
  date = 1st, date_end = last day of the month. The ACLED date is kept in ``notes`` for 2 and 3. A missing or other
  time_precision -> 'day' + flag ``time_precision_unknown``.
- geo_precision: 1 (a particular town) -> 'locality'; 2 (part of a region / near a town) and 3 (a larger region:
  provincial capital or natural location) -> 'admin1'. Missing -> 'country' + flag ``geo_precision_unknown``.
- iso3: the ``iso3`` column when present, else ISO numeric ``iso``, else the country name.
- is_role (data/README.md "Deriving is_role"; an IS actor is an exact alias, dataset 'acled', in
  data/branch_aliases.csv, also each ';'-separated name of assoc_actor_1/2): ``Battles`` (2015: ``Battle-*``) with an
  IS actor on either side -> 'two_sided'; any other event type: an IS actor in actor1/assoc_actor_1 -> 'perpetrator',
  else in actor2/assoc_actor_2 -> 'target' (strikes on IS, arrests of IS members); no IS actor -> blank.
- perpetrator / is_branch: 'perpetrator' rows: the IS actor of side 1; 'target' rows: perpetrator = actor1 (the
  force acting against IS), is_branch from the IS actor of side 2, target_type 'Terrorists/Non-State Militia';
  'two_sided' rows: the IS actor (side 1 first), the "target" being the other side; no IS actor: perpetrator =
  actor1. A composite alias ("X and/or Islamic State (...)"; ACLED's own notation when it cannot tell which group
  acted) gives attribution 'suspected' and flag ``composite_actor``; otherwise attribution 'confirmed'.
- target_type: ``civilian_targeting`` = "Civilians targeted" -> 'Private Citizens & Property'; else by the target
  actor: a name starting "Police Forces" -> 'Police', "Military Forces" -> 'Military'; else by its inter code (numeric
  or text): 1 State forces -> 'Military', 2 Rebel group / 3 Political militia / 4 Identity militia ->
  'Terrorists/Non-State Militia', 5 Rioters / 6 Protesters / 7 Civilians -> 'Private Citizens & Property',
  8 External/Other forces -> 'Other', none -> 'Unknown'.
- attack_type from ``sub_event_type`` (or ``event_type`` when it is blank: the 2015 layout): see
  ``ATTACK_TYPE_BY_SUB_EVENT`` and ``ATTACK_TYPE_BY_EVENT`` in :mod:`incidentkit.data.readers.acled_codes`;
  suicide = true for "Suicide bomb", else blank.
- fatalities: ACLED codes "no information" as 0, so 0 cannot tell none from unknown. A row with 0 gets
  killed_low = 0, killed_best and killed_high blank, and flag ``fatalities_zero_or_unknown``: sums of killed_best skip
  it, counts of unknowns include it, and killed_low still says "at least 0". A row with N > 0 gets killed_low =
  killed_best = N (ACLED records the lowest reported figure), killed_high blank (no upper bound).
- summary = notes; source_ids = 'acled'; claim_status 'unknown' (ACLED does not code claims); date_basis 'incident'.
- What ACLED codes at all: :data:`CODED`; what a file covers goes to the read report (:mod:`.extent`).
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..countries import iso_numeric
from ..reference import match_branch
from ..schema import enum_values
from .acled_codes import (
    ATTACK_TYPE_BY_EVENT,
    ATTACK_TYPE_BY_SUB_EVENT,
    is_roles,
    lower_categories,
    on_categories,
    target_types,
)
from .cache import cached_read
from .contract import check_dataset, drop_rejected, finish, require_columns
from .csv_text import DICT, read_csv_text, record_lines, sniff_encoding
from .detect import normalise_header
from .extent import coded, file_coverage
from .report import new_report, warn_rejected
from .values import (
    Rejects,
    admin1_names,
    arrow_str,
    as_category,
    branches,
    build_flags,
    category,
    distinct_pairs,
    iso3_from_names,
    map_category,
    number,
    str_from_codes,
    text,
)

#: The rule: bump whenever the output can change for the same export and data tables (columns, values, flags, the
#: read report, rejected rows): entries of other versions are never used. (Alias tables, schemas and pycountry are
#: in the cache key by content: see ``cache.dependency_digest``.)
READER_VERSION = 4

COLUMNS: dict[str, pa.DataType] = {
    "event_id_cnty": pa.string(),
    "event_date": DICT,
    "time_precision": pa.string(),
    "event_type": DICT,
    "sub_event_type": DICT,
    "actor1": DICT,
    "assoc_actor_1": DICT,
    "inter1": DICT,
    "actor2": DICT,
    "assoc_actor_2": DICT,
    "inter2": DICT,
    "civilian_targeting": DICT,
    "iso": DICT,
    "iso3": DICT,
    "country": DICT,
    "admin1": DICT,
    "location": DICT,
    "latitude": pa.string(),
    "longitude": pa.string(),
    "geo_precision": pa.string(),
    "notes": pa.string(),
    "fatalities": pa.string(),
}
REQUIRED = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "actor2", "country", "admin1",
    "location", "latitude", "longitude", "geo_precision", "fatalities",
)  # fmt: skip
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%b-%y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y")

GEO = {1: "locality", 2: "admin1", 3: "admin1"}
#: What ACLED codes at all (keys: :data:`incidentkit.data.readers.extent.CODABLE`).
CODED: dict[str, dict[str, str]] = {
    "killed": coded("partly", "fatalities: the lowest reported figure; 0 means none or no information"),
    "killed_range": coded("no", "one figure, the lowest reported: a floor ('at least N'), no upper bound"),
    "wounded": coded("no", "ACLED does not code wounded"),
    "perpetrators_killed": coded("no", "ACLED does not split fatalities by side"),
    "hostages": coded("no", "ACLED does not count hostages"),
    "claims": coded("no", "ACLED does not code claims of responsibility"),
    "suicide": coded("partly", "suicide bombings only (sub-event type 'Suicide bomb'); other attacks blank"),
    "attack_type": coded("partly", "from the sub-event type (not coded in the 2015 layout: from the event type)"),
    "target_type": coded("partly", "from the other actor's name and type"),
    "roles": coded("yes"),
}


def _parse_dates(values: pd.Series) -> pd.Series:
    """Parse ACLED event dates in any of :data:`DATE_FORMATS`, once per distinct value (NaT when none fits)."""
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    cats = pd.Series(cat.cat.categories.astype(str)).str.strip()
    parsed = pd.Series(np.full(len(cats), np.datetime64("NaT"), dtype="datetime64[ns]"))
    for fmt in DATE_FORMATS:
        todo = parsed.isna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(cats[todo], format=fmt, errors="coerce")
    codes = cat.cat.codes.to_numpy()
    lut = np.append(parsed.to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT"))
    return pd.Series(lut[np.where(codes < 0, len(lut) - 1, codes)], dtype="datetime64[ns]")


def _assoc_match(assoc: pd.Series, iso3: pd.Series) -> tuple[np.ndarray, list[str | None], list[str | None]]:
    """Match ';'-separated associated actors name by name (exact alias look-up), once per distinct (value, country).

    Returns (row -> index into the two lists or -1, branch per index, matched name per index)."""
    cat = assoc if isinstance(assoc.dtype, pd.CategoricalDtype) else assoc.astype("category")
    pairs, codes = distinct_pairs(cat, iso3)
    names, ctry, owner = [], [], []
    for i, (value, country) in enumerate(zip(pairs["a"], pairs["b"], strict=True)):
        if isinstance(value, str):
            for part in value.split(";"):
                if part.strip():
                    names.append(part.strip())
                    ctry.append(country)
                    owner.append(i)
    branch_of: list[str | None] = [None] * len(pairs)
    name_of: list[str | None] = [None] * len(pairs)
    if names:
        hits = branches("acled", pd.Series(names, dtype="str"), pd.Series(ctry, dtype="str")).astype(object)
        for i, nm, h in zip(owner, names, hits.to_numpy(), strict=True):
            if isinstance(h, str) and branch_of[i] is None:
                branch_of[i], name_of[i] = h, nm
    return np.asarray(codes, dtype=np.int64), branch_of, name_of


def _convert(table: pa.Table, path: Path, report: dict[str, Any], line_of: Any) -> pd.DataFrame:
    n = table.num_rows
    rejects = Rejects.from_table(table)
    flags: dict[str, np.ndarray] = {}
    cats = {f: enum_values("incidents", f) for f in ("date_precision", "geo_precision", "claim_status", "attack_type",
                                                       "target_type", "attribution", "date_basis")}

    sid = text(table, "event_id_cnty")
    rejects.add(sid.isna().to_numpy(), "event_id_cnty", "expected the ACLED event id (e.g. 'SYR12345')")
    raw_id = table.column("event_id_cnty")
    if pc.all(pc.utf8_is_alnum(raw_id)).as_py() is not False:  # the usual ids ('SYR12345'): no regex needed
        slug = pc.utf8_lower(raw_id)
    else:
        slug = pc.replace_substring_regex(pc.utf8_lower(raw_id), r"[^a-z0-9]+", "-")
        slug = pc.replace_substring_regex(slug, r"^-+|-+$", "")
    large = pa.large_string()
    id_arrow = pc.binary_join_element_wise(pa.scalar("acled-", large), slug.cast(large), pa.scalar("", large))
    ids = arrow_str(id_arrow)
    if pc.count_distinct(id_arrow, mode="all").as_py() == n:
        dup = np.zeros(n, dtype=bool)
    else:
        dup = ids.duplicated().to_numpy() & sid.notna().to_numpy()
    rejects.add(dup, "event_id_cnty", "duplicate event id (an earlier row has the same id)", sid)

    raw_date = category(table, "event_date")
    event_date = _parse_dates(raw_date)
    rejects.add(
        event_date.isna().to_numpy(), "event_date",
        "expected a date like 2022-02-23, 21 March 2020, 9-May-20 or 01-January-2015", raw_date.astype(object),
    )  # fmt: skip
    tp = number(table, "time_precision", rejects, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    flags["time_precision_unknown"] = ~np.isin(tp, [1, 2, 3])
    week, month = tp == 2, tp == 3
    date = event_date.copy()
    date_end = pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))
    if week.any():
        date = date.where(~week, event_date - pd.Timedelta(days=3))
        date_end = date_end.where(~week, event_date + pd.Timedelta(days=3))
    if month.any():
        first = event_date.dt.to_period("M").dt.start_time.astype("datetime64[ns]")
        last = event_date.dt.to_period("M").dt.end_time.dt.normalize().astype("datetime64[ns]")
        date = date.where(~month, first)
        date_end = date_end.where(~month, last)
    prec = np.where(week, 1, np.where(month, 2, 0))
    notes = str_from_codes(np.zeros(n, dtype=np.int64), [None])
    moved = week | month
    if moved.any():
        idx = np.flatnonzero(moved)
        notes.iloc[idx] = (
            "ACLED event_date " + event_date.iloc[idx].dt.strftime("%Y-%m-%d").fillna("?")
            + " (time_precision " + pd.Series(tp[idx]).astype("Int64").astype(str).to_numpy() + ")"
        ).to_numpy()

    country = text(table, "country")
    if "iso3" in table.column_names:
        iso3 = text(table, "iso3").str.strip().str.upper()
        unmapped = ~iso3.str.fullmatch(r"[A-Z]{3}").fillna(False).to_numpy()
        by_name, name_unmapped = iso3_from_names(category(table, "country"))
        iso3 = iso3.where(~unmapped, by_name)
        unmapped = unmapped & name_unmapped
    elif "iso" in table.column_names:
        iso_cat = category(table, "iso")
        lut = []
        for v in iso_cat.cat.categories:
            try:
                lut.append(iso_numeric().get(int(float(v))))
            except (TypeError, ValueError):
                lut.append(None)
        codes = iso_cat.cat.codes.to_numpy()
        iso3 = str_from_codes(np.where(codes < 0, len(lut), codes), lut + [None])
        by_name, name_unmapped = iso3_from_names(category(table, "country"))
        missing = iso3.isna().to_numpy()
        iso3 = iso3.where(~missing, by_name)
        unmapped = missing & name_unmapped
    else:
        iso3, unmapped = iso3_from_names(category(table, "country"))
    flags["country_unmapped"] = unmapped
    iso3 = as_category(iso3)  # factorised once: every (name, country) look-up below works on its codes
    admin1 = admin1_names("acled", iso3, category(table, "admin1"))

    lat = number(table, "latitude", rejects, integer=False)
    lon = number(table, "longitude", rejects, integer=False)
    half = lat.isna().to_numpy() ^ lon.isna().to_numpy()
    flags["coordinates_incomplete"] = half
    lat, lon = lat.mask(half), lon.mask(half)
    gp = number(table, "geo_precision", rejects, integer=True).fillna(0).to_numpy(dtype=np.int64)
    geo_names = cats["geo_precision"]
    lut = np.array([geo_names.index("country")] + [geo_names.index(GEO[i]) for i in (1, 2, 3)], dtype=np.int64)
    known_gp = (gp >= 1) & (gp <= 3)
    geo = lut[np.where(known_gp, gp, 0)]
    flags["geo_precision_unknown"] = ~known_gp

    actor1, actor2 = category(table, "actor1"), category(table, "actor2")
    p1, c1 = distinct_pairs(actor1, iso3)
    p2, c2 = distinct_pairs(actor2, iso3)
    h1 = match_branch("acled", p1["a"].astype("str"), p1["b"].astype("str")).astype(object).to_numpy()
    h2 = match_branch("acled", p2["a"].astype("str"), p2["b"].astype("str")).astype(object).to_numpy()
    c3, h3, n3 = _assoc_match(category(table, "assoc_actor_1"), iso3)
    c4, h4, n4 = _assoc_match(category(table, "assoc_actor_2"), iso3)
    # one label list for branch and perpetrator: actor1 pairs, actor2 pairs, assoc_1 pairs, assoc_2 pairs
    off2, off3, off4 = len(p1), len(p1) + len(p2), len(p1) + len(p2) + len(h3)
    branch_labels = list(h1) + list(h2) + h3 + h4
    name_labels = list(p1["a"]) + list(p2["a"]) + n3 + n4
    has = np.array([isinstance(v, str) for v in branch_labels] + [False])
    m1 = has[np.where(c1 < 0, -1, c1)]
    m2 = has[np.where(c2 < 0, -1, c2 + off2)]
    m3 = has[np.where(c3 < 0, -1, c3 + off3)]
    m4 = has[np.where(c4 < 0, -1, c4 + off4)]
    side1 = np.where(m1, c1, np.where(m3, c3 + off3, -1))  # the IS actor of each side (label index, -1 = none)
    side2 = np.where(m2, c2 + off2, np.where(m4, c4 + off4, -1))
    sub = category(table, "sub_event_type")
    etype = category(table, "event_type")
    role_codes, perp_row, target_row, two_row = is_roles(etype, side1 >= 0, side2 >= 0)
    pick = np.where(perp_row | (two_row & (side1 >= 0)), side1, side2)  # the IS actor (blank for non-IS rows)
    is_branch = str_from_codes(pick, branch_labels)
    perp_codes = np.where((pick >= 0) & ~target_row, pick, c1)  # an operation against IS, or no IS actor: actor1
    labels_or_unknown = [v if isinstance(v, str) else "Unknown" for v in name_labels] + ["Unknown"]
    perpetrator = str_from_codes(np.where(perp_codes < 0, len(name_labels), perp_codes), labels_or_unknown)
    composite_label = np.array([isinstance(v, str) and " and/or " in v for v in name_labels] + [False])
    composite = composite_label[np.where(pick >= 0, pick, -1)]
    flags["composite_actor"] = composite
    attribution = np.where(composite, cats["attribution"].index("suspected"), cats["attribution"].index("confirmed"))

    # target: the other side (the IS side for an operation against IS)
    target = target_types(
        actor1, actor2, category(table, "inter1"), category(table, "inter2"), two_row & (side1 < 0), cats["target_type"]
    )
    civ = category(table, "civilian_targeting")
    civ_mask = on_categories(civ, lambda v: v.strip().lower() == "civilians targeted")
    target_codes = np.where(civ_mask, cats["target_type"].index("Private Citizens & Property"), target)
    target_codes = np.where(target_row, cats["target_type"].index("Terrorists/Non-State Militia"), target_codes)

    by_sub = map_category(lower_categories(sub), ATTACK_TYPE_BY_SUB_EVENT, cats["attack_type"], "Unknown")
    by_event = map_category(lower_categories(etype), ATTACK_TYPE_BY_EVENT, cats["attack_type"], "Unknown")
    attack_codes = np.where(sub.notna().to_numpy(), by_sub.codes, by_event.codes)
    suicide = pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    is_suicide = on_categories(sub, lambda v: v.strip().lower() == "suicide bomb")
    suicide[is_suicide] = True

    fat = number(table, "fatalities", rejects, integer=True)
    rejects.add((fat < 0).fillna(False).to_numpy(), "fatalities", "expected a count >= 0", fat)
    zero = (fat == 0).fillna(False).to_numpy()
    flags["fatalities_zero_or_unknown"] = zero
    best = fat.mask(zero)

    columns = {
        "incident_id": ids,
        "date": date,
        "date_end": date_end,
        "date_precision": pd.Categorical.from_codes(prec, categories=cats["date_precision"]),
        "date_basis": pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), categories=cats["date_basis"]),
        "country": country,
        "iso3": str_from_codes(iso3.cat.codes.to_numpy(), list(iso3.cat.categories)),
        "admin1": admin1,
        "location": text(table, "location"),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": pd.Categorical.from_codes(geo, categories=cats["geo_precision"]),
        "perpetrator": perpetrator,
        "is_branch": is_branch,
        "is_role": pd.Categorical.from_codes(role_codes, categories=enum_values("incidents", "is_role")),
        "claim_status": pd.Categorical.from_codes(
            np.full(n, cats["claim_status"].index("unknown")), categories=cats["claim_status"]
        ),
        "attribution": pd.Categorical.from_codes(attribution, categories=cats["attribution"]),
        "attack_type": pd.Categorical.from_codes(attack_codes, categories=cats["attack_type"]),
        "target_type": pd.Categorical.from_codes(target_codes, categories=cats["target_type"]),
        "suicide": suicide,
        "killed_low": fat,
        "killed_best": best,
        "summary": text(table, "notes"),
        "source_ids": str_from_codes(np.zeros(n, dtype=np.int64), ["acled"]),
        "notes": notes,
        "flags": build_flags(flags, n),
        "source_dataset": str_from_codes(np.zeros(n, dtype=np.int64), ["acled"]),
        "source_event_id": sid,
    }
    df = finish(columns, n, origin=str(path))
    return drop_rejected(df, rejects, report, line_of=line_of)


def _build(path: Path) -> pd.DataFrame:
    encoding = sniff_encoding(path, "utf-8")
    report = new_report(str(path), "acled", READER_VERSION, encoding)
    header = check_dataset(path, "acled")
    norm = normalise_header(header)
    require_columns(path, norm, REQUIRED, "acled")
    source_name = dict(zip(norm, header, strict=True))
    wanted = {source_name[c]: t for c, t in COLUMNS.items() if c in source_name}
    table = read_csv_text(path, wanted, encoding=encoding, header=header, report=report)
    table = table.rename_columns([normalise_header([c])[0] for c in table.column_names])

    def line_of(positions: list[int]) -> dict[int, int]:
        return record_lines(path, encoding, positions, len(header))

    df = _convert(table, path, report, line_of)
    report["coverage"] = file_coverage(df, CODED)
    df.attrs["read_report"] = report
    return df


def read_acled(path: str | PathLike[str], *, use_cache: bool = True) -> pd.DataFrame:
    """Read an ACLED export (current, 2020 export-tool or 2015 upper-case layout) into the incident schema.

    Returns every incident-schema column plus ``source_dataset`` ('acled') and ``source_event_id``
    (event_id_cnty). Rows that cannot be read are listed in ``df.attrs["read_report"]`` and in a
    :class:`~incidentkit.data.readers.RowsRejectedWarning`. The conversion is cached (Parquet, keyed by the file's content).
    """
    p = Path(path)
    check_dataset(p, "acled")
    df = cached_read(p, "acled", READER_VERSION, lambda: _build(p), use_cache=use_cache)
    warn_rejected(df.attrs["read_report"])
    return df
