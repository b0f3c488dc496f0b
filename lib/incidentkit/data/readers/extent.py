"""What a read file covers, over ALL its rows (not only the IS rows): the span of its dates, the countries present,
how many rows name IS in each role, how many are aggregates, and which fields the dataset codes at all.

A file's coverage says what the file can tell: a six-month export says nothing of other years, a country absent from
every row of the file is not covered by it, and a field the dataset does not code (UCDP claims, ACLED wounded) is
unknown, never 0. Readers put it in the read report (``df.attrs["read_report"]["coverage"]``), which the Parquet
cache stores with the frame, so a warm read carries it too::

    {"rows": 9000, "first_date": "2022-01-01", "last_date": "2022-06-30",
     "countries": [{"iso3": "SYR", "country": "Syria", "rows": 1234}, ...],
     "roles": {"perpetrator": 50, "target": 12, "two_sided": 30, "unknown": 0, "none": 8908},
     "aggregate_rows": 0,
     "coded": {"claims": {"coded": "no", "note": "ACLED does not code claims of responsibility"}, ...}}

Each reader declares what its dataset codes in one constant, ``CODED`` (a mapping of every key of :data:`CODABLE`
to :func:`coded` entries); a test checks that every reader declares every key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: What a dataset may code at all, and the incident fields each item concerns (the keys of every reader's ``CODED``).
CODABLE: dict[str, tuple[str, ...]] = {
    "killed": ("killed_low", "killed_best", "killed_high"),
    "killed_range": ("killed_low", "killed_high"),
    "wounded": ("wounded_low", "wounded_best", "wounded_high"),
    "perpetrators_killed": ("perpetrators_killed",),
    "hostages": ("hostages",),
    "claims": ("claim_status",),
    "suicide": ("suicide",),
    "attack_type": ("attack_type",),
    "target_type": ("target_type",),
    "roles": ("is_role",),
}
#: The values of an entry's ``coded``: the dataset codes the item for every event, for some only, or not at all.
CODED_VALUES: tuple[str, ...] = ("yes", "partly", "no")

#: Prefix of the reader flags of aggregate rows (a total over several events, a period longer than a month, or a
#: whole country): such a row is never listed as a single incident (see docs/readers.md "Aggregate rows").
AGGREGATE_FLAG_PREFIX = "aggregate_"
#: The aggregate flags readers set, and what each means.
AGGREGATE_FLAGS: dict[str, str] = {
    "aggregate_of_events": "the source reports a total over several events (UCDP event_clarity 2)",
    "aggregate_period": "dated only to a span of more than a month, up to a year (UCDP date_prec 5)",
    "aggregate_area": "placed only to a whole country or to international waters or airspace (UCDP where_prec 6, 7)",
}


def coded(value: str, note: str = "") -> dict[str, str]:
    """Return one entry of a reader's ``CODED``: ``value`` is "yes", "partly" or "no"; ``note`` says how (required
    unless "yes")."""
    if value not in CODED_VALUES:
        raise ValueError(f"coded: {value!r} is not one of {CODED_VALUES}")
    if value != "yes" and not note:
        raise ValueError("coded: say how a field is coded in part, or why it is not")
    return {"coded": value, "note": note}


def _iso(ts: object) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()  # type: ignore[arg-type]


def window_end(df: pd.DataFrame) -> pd.Series:
    """Return the last day of each row's dated window: ``date_end`` when given, else the end of the period
    ``date_precision`` names from ``date`` (the day itself, its week, its month, its year)."""
    date = df["date"]
    prec = df["date_precision"].astype(object)
    end = date.copy()
    end = end.where(prec != "week", date + pd.Timedelta(days=6))
    end = end.where(prec != "month", date.dt.to_period("M").dt.end_time.dt.normalize().astype("datetime64[ns]"))
    end = end.where(prec != "year", date.dt.to_period("Y").dt.end_time.dt.normalize().astype("datetime64[ns]"))
    given = df["date_end"]
    return given.where(given.notna() & (given >= date), end).astype("datetime64[ns]")


def is_aggregate(flags: pd.Series) -> pd.Series:
    """Return True for rows whose ``flags`` hold an aggregate flag (:data:`AGGREGATE_FLAGS`), in Arrow (no Python
    work per row)."""
    arrow = getattr(flags.array, "_pa_array", None)  # noqa: SLF001 - the Arrow data behind pandas' str dtype
    if arrow is None:
        arrow = pa.array(flags.astype(object).where(flags.notna(), None).to_numpy(), pa.large_string())
    hit = pc.match_substring_regex(arrow, f"(^|;){AGGREGATE_FLAG_PREFIX}").fill_null(False)
    return pd.Series(hit.to_numpy(zero_copy_only=False), index=flags.index, dtype=bool)


def file_coverage(df: pd.DataFrame, coded_fields: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """Return what a read file covers (every kept row, IS or not): ``rows``, ``first_date`` and ``last_date`` (the
    earliest and latest middle of a row's dated window, :func:`window_end`: the date the dataset gives an event, e.g.
    ACLED's mid-week date of a week-dated event, not the edges of the window; rows dated only to a year count only
    when no row is dated more precisely), ``countries`` (iso3, the dataset's name, rows; by
    rows, then iso3), ``roles`` (rows per ``is_role``; "unknown": naming an IS actor whose role the dataset does not tell; "none": naming
    no IS actor), ``aggregate_rows`` and
    ``coded`` (the reader's declaration, :data:`CODABLE` keys in order)."""
    missing = [k for k in CODABLE if k not in coded_fields]
    if missing:
        raise ValueError(f"the reader's CODED lacks {missing}")
    mid = (df["date"] + (window_end(df) - df["date"]) / 2).dt.normalize()
    finer = df["date_precision"].astype(object) != "year"  # a year-dated row does not stretch the span to mid-year
    if finer.any():
        mid = mid[finer.to_numpy()]
    pairs = pd.DataFrame({"iso3": df["iso3"].astype(object), "country": df["country"].astype(object)})
    pairs = pairs[pairs["iso3"].notna()]
    countries = []
    if len(pairs):
        counts = pairs.groupby("iso3", sort=True).agg(country=("country", "first"), rows=("country", "size"))
        counts = counts.reset_index().sort_values(["rows", "iso3"], ascending=[False, True], kind="stable")
        countries = [
            {"iso3": str(r.iso3), "country": None if pd.isna(r.country) else str(r.country), "rows": int(r.rows)}
            for r in counts.itertuples(index=False)
        ]
    role = df["is_role"].astype(object)
    roles = {r: int((role == r).sum()) for r in ("perpetrator", "target", "two_sided")}
    named = df["is_branch"].notna()
    roles["unknown"] = int((role.isna() & named).sum())
    roles["none"] = int((role.isna() & ~named).sum())
    return {
        "rows": int(len(df)),
        "first_date": _iso(mid.min()) if len(df) else None,
        "last_date": _iso(mid.max()) if len(df) else None,
        "countries": countries,
        "roles": roles,
        "aggregate_rows": int(is_aggregate(df["flags"]).sum()) if len(df) else 0,
        "coded": {k: dict(coded_fields[k]) for k in CODABLE},
    }
