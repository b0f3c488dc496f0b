"""What a read file covers, over ALL its rows (not only the IS rows): the span of its dates, the countries present,
how many rows name IS in each role, how many are aggregates, and which fields the dataset codes at all.

A file's coverage says what the file can tell: a six-month export says nothing of other years, a country absent from
every row of the file is not covered by it, and a field the dataset does not code (UCDP claims, ACLED wounded) is
unknown, never 0. Readers put it in the read report (``df.attrs["read_report"]["coverage"]``), which the
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

import numpy as np
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
    ``date_precision`` names from ``date`` (the day itself, its week, its month, its year); numpy on the rows of each
    precision (NaT stays NaT)."""
    date = df["date"].to_numpy(dtype="datetime64[ns]")
    prec = df["date_precision"].astype(object).to_numpy()
    end = date.copy()
    day = np.timedelta64(1, "D")
    week, month, year = prec == "week", prec == "month", prec == "year"
    end[week] = date[week] + 6 * day
    for mask, unit in ((month, "M"), (year, "Y")):
        if mask.any():
            start = date[mask].astype(f"datetime64[{unit}]")
            end[mask] = ((start + 1).astype("datetime64[D]") - day).astype("datetime64[ns]")
    given = df["date_end"].to_numpy(dtype="datetime64[ns]")
    use = ~np.isnat(given) & (given >= date)
    return pd.Series(np.where(use, given, end), index=df.index, dtype="datetime64[ns]")


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
    when no row is dated more precisely), ``countries`` (iso3, the dataset's name, rows; by rows, then iso3),
    ``roles`` (rows per ``is_role``; "unknown": naming an IS actor whose role the dataset does not tell; "none":
    naming no IS actor), ``aggregate_rows`` and ``coded`` (the reader's declaration, :data:`CODABLE` keys in order).

    The same as :func:`merge_coverage` of the :func:`coverage_part` of pieces of the file (a file read in batches)."""
    return merge_coverage([coverage_part(df)], coded_fields)


def coverage_part(df: pd.DataFrame, positions: np.ndarray | None = None) -> dict[str, Any]:
    """Return what :func:`file_coverage` needs of some of a file's kept rows (``positions``: their rows in the file,
    default ``0..n-1``), to be merged with the other parts by :func:`merge_coverage`. ``is_role``, ``is_branch`` and
    ``flags`` may be absent: rows naming no IS actor, no flags."""
    n = len(df)
    pos = np.arange(n, dtype=np.int64) if positions is None else np.asarray(positions, dtype=np.int64)
    mid = (df["date"] + (window_end(df) - df["date"]) / 2).dt.normalize()
    finer = (df["date_precision"].astype(object) != "year").to_numpy()  # a year-dated row does not stretch the span
    countries: dict[str, tuple[int, str | None, int]] = {}
    codes, names = pd.factorize(df["iso3"], use_na_sentinel=True)  # in Arrow for the readers' str columns
    present = codes >= 0
    if present.any():
        rows = np.bincount(codes[present], minlength=len(names))
        given = present & df["country"].notna().to_numpy()
        first_code, first_at = np.unique(codes[given], return_index=True)  # each iso3's first row naming a country
        at = np.flatnonzero(given)[first_at]
        country = df["country"].to_numpy(dtype=object)
        first = {int(c): (int(pos[a]), str(country[a])) for c, a in zip(first_code, at, strict=True)}
        for k, iso3 in enumerate(names):
            if rows[k]:
                where, name = first.get(k, (-1, None))
                countries[str(iso3)] = (where, name, int(rows[k]))
    if "is_role" in df:
        role = df["is_role"].astype(object)
        roles = {r: int((role == r).sum()) for r in ("perpetrator", "target", "two_sided")}
        branch = df["is_branch"].notna()
        roles["unknown"] = int((role.isna() & branch).sum())
        roles["none"] = int((role.isna() & ~branch).sum())
    else:
        roles = {"perpetrator": 0, "target": 0, "two_sided": 0, "unknown": 0, "none": n}
    return {
        "rows": n,
        "finer": bool(finer.any()),
        "span": (mid.min(), mid.max()),
        "finer_span": (mid[finer].min(), mid[finer].max()) if finer.any() else (None, None),
        "countries": countries,
        "roles": roles,
        "aggregate_rows": int(is_aggregate(df["flags"]).sum()) if n and "flags" in df else 0,
    }


def _edge(values: list[Any], pick: Any) -> Any:
    known = [v for v in values if v is not None and not pd.isna(v)]
    return pick(known) if known else None


def merge_coverage(parts: list[dict[str, Any]], coded_fields: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """Return the coverage of a file from the :func:`coverage_part` of its pieces (see :func:`file_coverage`)."""
    missing = [k for k in CODABLE if k not in coded_fields]
    if missing:
        raise ValueError(f"the reader's CODED lacks {missing}")
    rows = sum(p["rows"] for p in parts)
    key = "finer_span" if any(p["finer"] for p in parts) else "span"
    spans = [p[key] for p in parts if p["rows"]]
    first, last = _edge([s[0] for s in spans], min), _edge([s[1] for s in spans], max)
    merged: dict[str, list[Any]] = {}
    for part in parts:
        for iso3, (at, name, count) in part["countries"].items():
            seen = merged.setdefault(iso3, [-1, None, 0])
            if at >= 0 and (seen[0] < 0 or at < seen[0]):
                seen[0], seen[1] = at, name
            seen[2] += count
    countries = [{"iso3": k, "country": v[1], "rows": int(v[2])}
                 for k, v in sorted(merged.items(), key=lambda kv: (-kv[1][2], kv[0]))]
    roles = {r: sum(p["roles"][r] for p in parts) for r in ("perpetrator", "target", "two_sided", "unknown", "none")}
    return {
        "rows": int(rows),
        "first_date": _iso(first) if rows else None,
        "last_date": _iso(last) if rows else None,
        "countries": countries,
        "roles": roles,
        "aggregate_rows": int(sum(p["aggregate_rows"] for p in parts)),
        "coded": {k: dict(coded_fields[k]) for k in CODABLE},
    }
