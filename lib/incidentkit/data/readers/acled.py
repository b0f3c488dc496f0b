"""ACLED exports -> incident schema.

Layouts read (the header is lower-cased and ``ALLY_ACTOR_N`` read as ``assoc_actor_N``):

- the current 31-column export (``event_id_cnty, event_date, ..., tags, timestamp``), text ``inter1/inter2``;
- the 2020 export tool (``data_id, iso, event_id_cnty, ..., iso3``): numeric inter codes, no disorder_type;
- the 2015 upper-case layout (``GWNO, EVENT_ID_CNTY, ..., ALLY_ACTOR_1, ...``): no sub_event_type, no iso.

``event_date`` in any of "2022-02-23", "21 March 2020", "9-May-20", "01-January-2015" (a value in none of them
rejects its row, with line and column, in the read report). A blank ``event_id_cnty`` falls back to ``data_id``
(2020 export tool): incident_id ``acled-data-<data_id>``, flag ``event_id_from_data_id``.

The mapping, field by field, is in docs/readers.md ("ACLED"): time_precision -> the date window; geo_precision;
is_role by event type and side (data/README.md "Deriving is_role"), an IS actor being one the rules of
:mod:`.actors` take (alias, composite "X and/or Islamic State (...)" -> attribution 'suspected', or pattern);
target_type from civilian_targeting and the other actor; attack_type from the sub-event type (:mod:`.acled_codes`);
fatalities 0 -> killed_low 0, killed_best blank, flag ``fatalities_zero_or_unknown`` (ACLED codes "no information" as
0); a positive figure is a floor (low = best = N, high blank).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .acled_codes import (
    ATTACK_TYPE_BY_EVENT,
    ATTACK_TYPE_BY_SUB_EVENT,
    acled_iso3,
    is_roles,
    lower_categories,
    on_categories,
    target_types,
)
from .actors import match_column
from .codes import enum
from .csv_text import DICT
from .extent import coded
from .places import admin1_names
from .spec import DatasetSpec, ReadContext
from .values import (
    arrow_str,
    as_category,
    build_flags,
    category,
    coordinates,
    count,
    number,
    str_from_codes,
    text,
)

#: Bump whenever the output can change for the same export and data tables (see ``spec.DatasetSpec.version``).
READER_VERSION = 5

COLUMNS: dict[str, pa.DataType] = {
    "event_id_cnty": pa.string(), "data_id": pa.string(), "event_date": DICT, "time_precision": pa.string(),
    "event_type": DICT, "sub_event_type": DICT, "actor1": DICT, "assoc_actor_1": DICT, "inter1": DICT,
    "actor2": DICT, "assoc_actor_2": DICT, "inter2": DICT, "civilian_targeting": DICT, "iso": DICT, "iso3": DICT,
    "country": DICT, "admin1": DICT, "location": DICT, "latitude": pa.string(), "longitude": pa.string(),
    "geo_precision": pa.string(), "notes": pa.string(), "fatalities": pa.string(),
}  # fmt: skip
REQUIRED = (
    "event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "actor2", "country", "admin1",
    "location", "latitude", "longitude", "geo_precision", "fatalities",
)  # fmt: skip
#: Columns every ACLED record fills.
REQUIRED_VALUES = ("event_date", "time_precision", "event_type", "actor1", "country", "location", "latitude",
                   "longitude", "geo_precision", "fatalities")  # fmt: skip
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%b-%y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y")
GEO = {1: "locality", 2: "admin1", 3: "admin1"}
PRECISION = {1: "day", 2: "week", 3: "month"}

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


def normalise_header(header: list[str]) -> list[str]:
    """Return header names lower-cased, with ACLED's old ``ally_actor_N`` as ``assoc_actor_N``."""
    out = []
    for name in header:
        low = name.strip().lower()
        out.append("assoc_actor_" + low[len("ally_actor_") :] if low.startswith("ally_actor_") else low)
    return out


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


def _ids(table: pa.Table, ctx: ReadContext) -> tuple[pd.Series, pd.Series]:
    """Return (incident_id, source_event_id): event_id_cnty, else data_id (flagged); neither rejects the row."""
    raw = table.column("event_id_cnty")
    if pa.types.is_dictionary(raw.type):
        raw = raw.cast(pa.string())
    sid = text(table, "event_id_cnty")
    data_id = text(table, "data_id")
    fallback = sid.isna().to_numpy() & data_id.notna().to_numpy()
    ctx.flags["event_id_from_data_id"] = fallback
    ctx.issues.reject(sid.isna().to_numpy() & ~fallback, "event_id_cnty",
                      "expected the ACLED event id (e.g. 'SYR12345'), or a data_id")
    if pc.all(pc.utf8_is_alnum(raw)).as_py() is not False:  # the usual ids ('SYR12345'): no regex needed
        slug = pc.utf8_lower(raw)
    else:
        slug = pc.replace_substring_regex(pc.utf8_lower(raw), r"[^a-z0-9]+", "-")
        slug = pc.replace_substring_regex(slug, r"^-+|-+$", "")
    large = pa.large_string()
    ids = arrow_str(pc.binary_join_element_wise(pa.scalar("acled-", large), slug.cast(large), pa.scalar("", large)))
    if fallback.any():
        ids = ids.where(~fallback, "acled-data-" + data_id.str.strip())
        sid = sid.where(~fallback, data_id.str.strip())
    return ids, sid


def _dates(table: pa.Table, ctx: ReadContext, *, notes: bool = True) -> dict[str, Any]:
    """The date window of each row from event_date and time_precision (a week: the date +-3 days; a month: the
    month), rows whose date does not parse rejected; ``notes`` (the date as given, for moved rows) only when asked."""
    n, issues = ctx.n, ctx.issues
    raw_date = category(table, "event_date")
    event_date = _parse_dates(raw_date)
    issues.reject(event_date.isna().to_numpy(), "event_date",
                  "expected a date like 2022-02-23, 21 March 2020, 9-May-20 or 01-January-2015", raw_date.astype(object))
    tp = number(table, "time_precision", issues, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    ctx.flags["time_precision_unknown"] = ~np.isin(tp, list(PRECISION))
    week, month = tp == 2, tp == 3
    given = event_date.to_numpy(dtype="datetime64[ns]")
    date = given.copy()
    date_end = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if week.any():  # numpy on the rows concerned only (NaT stays NaT)
        three = np.timedelta64(3, "D")
        date[week], date_end[week] = given[week] - three, given[week] + three
    if month.any():
        first = given[month].astype("datetime64[M]")
        date[month] = first.astype("datetime64[ns]")
        date_end[month] = ((first + 1).astype("datetime64[D]") - np.timedelta64(1, "D")).astype("datetime64[ns]")
    precision = enum("date_precision")
    out = {"date": pd.Series(date), "date_end": pd.Series(date_end),
           "date_precision": precision.categorical(precision.from_dataset_codes(tp, PRECISION, "day"))}
    if notes:
        text_notes = str_from_codes(np.zeros(n, dtype=np.int64), [None])
        moved = week | month
        if moved.any():
            idx = np.flatnonzero(moved)
            text_notes.iloc[idx] = (
                "ACLED event_date " + event_date.iloc[idx].dt.strftime("%Y-%m-%d").fillna("?")
                + " (time_precision " + pd.Series(tp[idx]).astype("Int64").astype(str).to_numpy() + ")"
            ).to_numpy()
        out["notes"] = text_notes
    return out


def _actors(table: pa.Table, ctx: ReadContext, iso3: pd.Series) -> dict[str, Any]:
    """The IS actor of each side (actor1 then assoc_actor_1; actor2 then assoc_actor_2), role, branch, perpetrator."""
    cols = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
    found = {}
    for col in cols:
        codes, labels, names = match_column(ctx.rules, ctx.actors, col, category(table, col), iso3,
                                            split=";" if col.startswith("assoc") else None)
        found[col] = (codes, labels, names)
    labels_all: list[Any] = []
    names_all: list[str | None] = []
    offset = {}
    for col in cols:
        offset[col] = len(labels_all)
        labels_all += found[col][1]
        names_all += found[col][2]
    is_is = np.array([m.is_is for m in labels_all] + [False])

    def side(col: str) -> np.ndarray:
        codes = found[col][0]
        return np.where(codes < 0, -1, codes + offset[col])

    a1, a2, s1, s2 = (side(c) for c in cols)
    side1 = np.where(is_is[a1], a1, np.where(is_is[s1], s1, -1))  # the IS actor of each side (-1: none)
    side2 = np.where(is_is[a2], a2, np.where(is_is[s2], s2, -1))
    etype = category(table, "event_type")
    role_codes, perp_row, target_row, two_row = is_roles(etype, side1 >= 0, side2 >= 0)
    pick = np.where(perp_row | (two_row & (side1 >= 0)), side1, side2)  # the IS actor (-1 for non-IS rows)
    branches = [m.branch for m in labels_all] + [None]
    composite = np.array([m.composite for m in labels_all] + [False])[pick]
    perp = np.where((pick >= 0) & ~target_row, pick, a1)  # an operation against IS, or no IS actor: actor1
    labels = [v if isinstance(v, str) else "Unknown" for v in names_all] + ["Unknown"]
    ctx.flags["composite_actor"] = composite
    attribution = enum("attribution")
    target = target_types(category(table, "actor1"), category(table, "actor2"), category(table, "inter1"),
                          category(table, "inter2"), two_row & (side1 < 0), list(enum("target_type").values))
    civ = on_categories(category(table, "civilian_targeting"), lambda v: v.strip().lower() == "civilians targeted")
    tt = enum("target_type")
    target = np.where(civ, tt.code("Private Citizens & Property"), target)
    target = np.where(target_row, tt.code("Terrorists/Non-State Militia"), target)
    return {
        "perpetrator": str_from_codes(np.where(perp < 0, len(labels) - 1, perp), labels),
        "is_branch": str_from_codes(pick, branches),
        "is_role": enum("is_role").categorical(role_codes),
        "attribution": attribution.categorical(np.where(composite, attribution.code("suspected"),
                                                        attribution.code("confirmed"))),
        "target_type": tt.categorical(target),
    }


def survey(table: pa.Table, ctx: ReadContext) -> dict[str, Any]:
    """The checks of every row before IS rows are selected (``DatasetSpec.survey``): ids, dates, country."""
    _, sid = _ids(table, ctx)
    dates = _dates(table, ctx, notes=False)
    iso3, _ = acled_iso3(table)
    return {"date": dates["date"], "date_end": dates["date_end"], "date_precision": dates["date_precision"],
            "iso3": iso3, "country": text(table, "country"), "source_event_id": sid}


def convert(table: pa.Table, ctx: ReadContext) -> dict[str, Any]:
    """Convert the columns read from an ACLED export (module docstring)."""
    n, issues, flags = ctx.n, ctx.issues, ctx.flags
    ids, sid = _ids(table, ctx)
    dates = _dates(table, ctx)
    iso3, flags["country_unmapped"] = acled_iso3(table)
    iso3 = as_category(iso3)  # factorised once: every (name, country) look-up below works on its codes
    lat, lon = coordinates(table, issues, flags)
    gp = number(table, "geo_precision", issues, integer=True).to_numpy(dtype="float64", na_value=np.nan)
    geo = enum("geo_precision")
    flags["geo_precision_unknown"] = ~np.isin(gp, list(GEO))
    actors = _actors(table, ctx, iso3)
    sub, etype = category(table, "sub_event_type"), category(table, "event_type")
    attack = enum("attack_type")
    by_sub = attack.from_names(lower_categories(sub), ATTACK_TYPE_BY_SUB_EVENT, "Unknown")
    by_event = attack.from_names(lower_categories(etype), ATTACK_TYPE_BY_EVENT, "Unknown")
    suicide = pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    suicide[on_categories(sub, lambda v: v.strip().lower() == "suicide bomb")] = True
    fat = count(table, "fatalities", issues)
    zero = (fat == 0).fillna(False).to_numpy()
    flags["fatalities_zero_or_unknown"] = zero
    return {
        "incident_id": ids,
        **{k: dates[k] for k in ("date", "date_end", "date_precision")},
        "date_basis": enum("date_basis").full(n, "incident"),
        "country": text(table, "country"),
        "iso3": str_from_codes(iso3.cat.codes.to_numpy(), list(iso3.cat.categories)),
        "admin1": admin1_names("acled", iso3, category(table, "admin1"), ctx.report),
        "location": text(table, "location"),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": geo.categorical(geo.from_dataset_codes(gp, GEO, "country")),
        **{k: actors[k] for k in ("perpetrator", "is_branch", "is_role", "attribution", "target_type")},
        "claim_status": enum("claim_status").full(n, "unknown"),
        "attack_type": attack.categorical(np.where(sub.notna().to_numpy(), by_sub.codes, by_event.codes)),
        "suicide": suicide,
        "killed_low": fat,
        "killed_best": fat.mask(zero),
        "summary": text(table, "notes"),
        "source_ids": str_from_codes(np.zeros(n, dtype=np.int64), ["acled"]),
        "notes": dates["notes"],
        "flags": build_flags(flags, n),
        "source_dataset": str_from_codes(np.zeros(n, dtype=np.int64), ["acled"]),
        "source_event_id": sid,
    }


SPEC = DatasetSpec(
    key="acled",
    name="ACLED",
    title="Armed Conflict Location & Event Data (ACLED)",
    signature=(
        "event_id_cnty", "event_date", "time_precision", "event_type", "actor1", "actor2", "inter1", "inter2",
        "interaction", "admin1", "geo_precision", "fatalities",
    ),  # fmt: skip
    columns=COLUMNS,
    required=REQUIRED,
    required_values=REQUIRED_VALUES,
    id_column="event_id_cnty",
    convert=convert,
    version=READER_VERSION,
    coded=CODED,
    actor_columns=("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"),
    normalise_header=normalise_header,
    fallback_ids=("data_id",),
    survey=survey,
)
