"""Per-period counts of incidents and deaths: every period of the window kept, periods the source does not cover
missing (never 0), incidents too imprecise for the period counted apart, rolling means and year-on-year change.

What a period's value means depends on the source (:mod:`incidentkit.data.coverage`): for an export inside its span
a count (0 is a real zero); for the curated table documented incidents (a floor, not a count, and 0 means that no
document describes one). Outside the coverage the value is missing and the charts draw a gap in a shaded band.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..data.coverage import Coverage, coverage
from ..data.parameters import RULES, check_value, raise_issues
from .measures import incident_figures
from .periods import PERIODS, apart_summary, coverage_shares, freq, placed

__all__ = ["PERIODS", "counts_by_period", "period_index", "rolling_mean", "year_on_year"]

#: Value columns of :func:`counts_by_period`.
VALUE_COLUMNS: tuple[str, ...] = ("incidents", "deaths_low", "deaths_best", "deaths_high", "deaths_unknown",
                                  "deaths_open_high")


def period_index(start: object, end: object, period: str = "month") -> pd.PeriodIndex:
    """Return every period from ``start`` to ``end`` inclusive (the empty ones too)."""
    f = freq(period)
    return pd.period_range(pd.Timestamp(start).to_period(f), pd.Timestamp(end).to_period(f), freq=f, name="period")


def _honest(out: pd.DataFrame) -> pd.DataFrame:
    """Missing, not 0: a period not covered with no incident has no values; a period whose incidents all lack a
    death figure has no deaths."""
    uncovered = (out["covered"] <= 0) & (out["incidents"] == 0)
    no_figure = (out["incidents"] > 0) & (out["deaths_unknown"] == out["incidents"])
    for c in VALUE_COLUMNS:
        out[c] = out[c].astype("Int64").mask(uncovered)
    for c in ("deaths_low", "deaths_best", "deaths_high", "deaths_open_high"):
        out[c] = out[c].mask(no_figure)
    return out


def counts_by_period(
    df: pd.DataFrame,
    period: str = "month",
    *,
    start: object = None,
    end: object = None,
    by: str | None = None,
    groups: Sequence[str] | None = None,
    theatres: Sequence[str] = (),
    countries: Sequence[str] = (),
    source_coverage: Coverage | None = None,
) -> pd.DataFrame:
    """Return incidents and deaths per period, every period from ``start`` to ``end`` present.

    Columns: ``period`` (pandas Period), ``period_start`` (Timestamp, for plotting), ``incidents``, ``deaths_low``,
    ``deaths_best``, ``deaths_high``, ``deaths_unknown`` (incidents in the period with no death figure),
    ``deaths_open_high`` (incidents whose sources give no upper bound: the high is then a floor), all nullable
    integers, then ``covered`` (share of the period's days the source covers for the place, 0 to 1) and
    ``complete`` (covered in full by a complete source: the values are counts). A period that is not covered and
    holds no incident has missing values (not 0); one whose incidents all lack a death figure has missing deaths.

    Incidents whose date is less precise than the period (a year-dated incident in a monthly series) are not put
    in any period: ``attrs["apart"]`` counts them (:func:`incidentkit.analysis.periods.apart_summary`).
    ``attrs["coverage"]`` is the source's :class:`~incidentkit.data.coverage.Coverage` (``source_coverage``, by
    default the one attached to ``df``). The place (``theatres``/``countries``, the selection's) decides the
    coverage of a series that is not per theatre or country.

    With ``by`` (e.g. "theatre"), one block per group: the groups in ``groups`` (default: those present, in category
    order), each with every period and its own coverage. ``start``/``end`` default to the data's first and last date.
    """
    f = freq(period)
    cov = source_coverage if source_coverage is not None else coverage(df)
    dates = df["date"]
    lo = pd.Timestamp(start) if start is not None else (dates.min() if len(df) else None)
    hi = pd.Timestamp(end) if end is not None else (dates.max() if len(df) else None)
    cols = ["period", "period_start", *VALUE_COLUMNS, "covered", "complete"]
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        empty = pd.DataFrame(columns=([by] if by else []) + cols)
        empty.attrs.update(apart=apart_summary(df, period, by), coverage=cov)
        return empty
    idx = period_index(lo, hi, period)
    ok = placed(df, period)
    fig = incident_figures(df, "killed")
    work = pd.DataFrame(
        {
            "period": dates.dt.to_period(f),
            "incidents": 1,
            "deaths_low": fig["low"].fillna(0).astype("int64"),
            "deaths_best": fig["best"].fillna(0).astype("int64"),
            "deaths_high": fig["high"].fillna(0).astype("int64"),
            "deaths_unknown": (~fig["known"]).astype("int64"),
            "deaths_open_high": (fig["known"] & fig["open_high"].astype(bool)).astype("int64"),
        },
        index=df.index,
    )[ok.to_numpy()]
    value_cols = list(VALUE_COLUMNS)
    if by is None:
        agg = work.groupby("period", sort=True)[value_cols].sum()
        out = agg.reindex(idx, fill_value=0).reset_index()
        shares = coverage_shares(cov, idx, theatres=theatres, countries=countries)[None]
        out["covered"] = shares
    else:
        work[by] = df.loc[ok.to_numpy(), by].astype(object)
        if groups is None:
            present = set(df[by].dropna().astype(object))
            if isinstance(df[by].dtype, pd.CategoricalDtype):
                groups = [g for g in df[by].cat.categories if g in present]
            else:
                groups = sorted(present)
        agg = work.groupby([by, "period"], sort=True)[value_cols].sum()
        full = pd.MultiIndex.from_product([list(groups), idx], names=[by, "period"])
        out = agg.reindex(full, fill_value=0).reset_index()
        shares_by = coverage_shares(cov, idx, by=by, groups=list(groups), theatres=theatres, countries=countries)
        out["covered"] = np.concatenate([shares_by[g] for g in groups]) if len(groups) else np.zeros(0)
    out["period_start"] = out["period"].dt.start_time
    out["complete"] = (out["covered"] >= 1) & (cov.complete or cov.kind == "unknown")
    out = _honest(out)
    out = out[([by] if by else []) + cols]
    out.attrs.update(apart=apart_summary(df, period, by), coverage=cov)
    return out


def rolling_mean(series: pd.DataFrame, column: str = "incidents", window: int = 3, by: str | None = None) -> pd.Series:
    """Return the trailing rolling mean of ``column`` over ``window`` periods (per group with ``by``).

    The first ``window - 1`` periods of each group are averaged over the periods available (min_periods=1). A
    missing value (a period not covered, deaths with no figure) is missing in the mean too: the line has a gap
    there instead of bridging it, and means over periods that include one are missing.
    """
    if window < 1:
        raise ValueError("window must be >= 1")

    def roll(s: pd.Series) -> pd.Series:
        values = s.astype("Float64").astype("float64")
        mean = values.rolling(window, min_periods=1).mean()
        gaps = values.isna().astype(float).rolling(window, min_periods=1).max() > 0
        return mean.mask(gaps)

    if by is None:
        return roll(series[column])
    return series.groupby(by, sort=False, observed=True)[column].transform(roll)


def year_on_year(df: pd.DataFrame, *, start: object = None, end: object = None, by: str | None = None,
                 theatres: Sequence[str] = (), countries: Sequence[str] = ()) -> pd.DataFrame:
    """Return incidents and deaths per calendar year with the change from the year before (absolute and %).

    A year that ``start`` or ``end`` cuts, or that the source covers only in part, is *partial*: ``days_covered``
    (of ``days_in_year``) says how much of it the selection and the source hold, ``covered`` the share the source
    covers, and ``partial`` is True. A change is computed only between two whole years that a complete source covers
    in full (an export inside its span): never with a partial or uncovered year (H1 of one year against the whole
    of the year before is not a change; a year the file does not reach is not -100 %), and never between documented
    incidents (the curated table: not a count). ``note`` says why a change is missing. The percentage change is also
    missing when the previous year had zero (no division by zero). A year not covered has missing values. With
    ``start``/``end`` left out the years run from the data's first to last year.
    """
    yearly = counts_by_period(df, "year", start=start, end=end, by=by, theatres=theatres, countries=countries)
    cov = yearly.attrs.get("coverage", coverage(df))
    yearly = yearly.rename(columns={"period": "year"})
    first = pd.Timestamp(start).normalize() if start is not None else None
    last = pd.Timestamp(end).normalize() if end is not None else None
    year_start = yearly["year"].dt.start_time
    year_end = yearly["year"].dt.end_time.dt.normalize()
    lo = year_start if first is None else year_start.where(year_start >= first, first)
    hi = year_end if last is None else year_end.where(year_end <= last, last)
    yearly["days_in_year"] = ((year_end - year_start).dt.days + 1).astype("int64")
    yearly["days_covered"] = ((hi - lo).dt.days + 1).clip(lower=0).astype("int64")
    yearly["days_covered"] = np.minimum(yearly["days_covered"], np.round(yearly["covered"] * yearly["days_in_year"]))
    yearly["days_covered"] = yearly["days_covered"].astype("int64")
    yearly["partial"] = yearly["days_covered"] < yearly["days_in_year"]
    yearly["year"] = yearly["year"].dt.year
    keys = [by] if by else []
    out = yearly[keys + ["year", "days_covered", "days_in_year", "covered", "partial", "incidents", "deaths_best",
                         "deaths_unknown"]].copy()
    counted = cov.complete or cov.kind == "unknown"
    whole = ~out["partial"] & counted

    def previous(column: str) -> pd.Series:
        return out.groupby(keys, sort=False)[column].shift(1) if by else out[column].shift(1)

    out["_whole"] = whole
    comparable = whole & previous("_whole").fillna(False).astype(bool)  # no year before: not comparable
    prev_partial = previous("partial")
    for c in ("incidents", "deaths_best"):
        prev = previous(c).astype("Float64").where(comparable)
        cur = out[c].astype("Float64")
        out[f"{c}_change"] = (cur - prev).round().astype("Int64")
        out[f"{c}_change_pct"] = ((cur - prev) / prev.where(prev > 0) * 100).round(1).astype("Float64")
    notes = []
    for part, covered, prev_part, days, of, prev_inc, prev_dead in zip(
            out["partial"], out["covered"], prev_partial, out["days_covered"], out["days_in_year"],
            previous("incidents"), previous("deaths_best"), strict=True):
        if not counted:
            notes.append("documented incidents, not a count: no change computed")
        elif covered <= 0:
            notes.append("not covered by the source: no figure")
        elif part:
            notes.append(f"partial year ({days} of {of} days covered): no change computed")
        elif pd.isna(prev_part):
            notes.append("first year: no change")
        elif prev_part:
            notes.append("year before is partial or not covered: no change computed")
        elif prev_inc == 0:
            notes.append("year before had no incidents: no %")
        elif pd.isna(prev_dead) or prev_dead == 0:
            notes.append("year before had no deaths (or no figure): no % for deaths")
        else:
            notes.append("")
    out["note"] = pd.Series(notes, index=out.index, dtype="str")
    return out.drop(columns="_whole").reset_index(drop=True)


#: ``group_by`` parameter value -> incident column (the values are those of the ``group_by`` rule).
GROUP_COLUMNS: dict[str, str | None] = {"theatre": "theatre", "branch": "is_branch", "country": "country", "none": None}
#: Event types marked on trend charts by default: provinces announced, leaders killed, and every operation or regime
#: declared or lifted (counter-terrorism operations and regimes, an insurgency declared over).
TIMELINE_EVENT_TYPES: tuple[str, ...] = (
    "province_announced",
    "leader_killed",
    "operation_declared",
    "ct_regime_declared",
    "ct_regime_lifted",
    "insurgency_declared_over",
)


def group_column(group_by: str) -> str | None:
    """Return the incident column for a ``group_by`` parameter ("branch" -> ``is_branch``; "none" -> ``None``)."""
    raise_issues(check_value("group_by", group_by, RULES["group_by"])[1])  # the parameter's own rule and message
    return GROUP_COLUMNS[group_by]


def timeline_events(events: pd.DataFrame, types: Sequence[str] = TIMELINE_EVENT_TYPES) -> pd.DataFrame:
    """Return the events to mark on a time axis: ``date``, ``when`` (the date as precise as it is known: "2015",
    "2015-06" or "2015-06-23"), ``event_type``, ``label`` (the event's title) and
    ``event_id``, for the given event types, sorted by date, indexed by ``marker`` (1, 2, ...: the numbers the charts
    show). Events with no date are left out and counted in ``attrs["undated"]``."""
    cols = ["date", "when", "event_type", "label", "event_id"]
    if events is None or len(events) == 0:
        out = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else "str") for c in cols})
        out.index = pd.RangeIndex(1, 1, name="marker")
        out.attrs["undated"] = 0
        return out
    keep = events[events["event_type"].astype(object).isin(list(types))]
    undated = int(keep["date"].isna().sum())
    keep = keep[keep["date"].notna()]
    fmt = {"year": "%Y", "month": "%Y-%m"}
    precision = keep["date_precision"].astype(object) if "date_precision" in keep else pd.Series("day", keep.index)
    when = [d.strftime(fmt.get(p, "%Y-%m-%d")) for d, p in zip(keep["date"], precision, strict=True)]
    out = pd.DataFrame({
        "date": keep["date"],
        "when": pd.Series(when, index=keep.index, dtype="str"),
        "event_type": keep["event_type"].astype(str),
        "label": keep["title"].astype(str),
        "event_id": keep["event_id"].astype(str),
    }).sort_values(["date", "event_id"], kind="stable")
    out.index = pd.RangeIndex(1, len(out) + 1, name="marker")
    out.attrs["undated"] = undated
    return out


def period_stats(counts: pd.DataFrame, column: str = "incidents") -> dict[str, object]:
    """Return facts about a :func:`counts_by_period` table (overall, without ``by``) for summaries.

    ``periods`` (number of periods), ``periods_not_covered`` (the source says nothing of them),
    ``periods_without_incidents`` (covered periods with none), ``peak_period`` (label such as "2016-03", the first of
    the periods with the highest ``column``; ``None`` when the table is empty or all zero or missing),
    ``peak_value`` (``None`` then) and ``incidents_apart`` (too imprecise for the period: in no period).
    """
    apart = counts.attrs.get("apart") or {}
    base = {"periods": int(len(counts)), "periods_not_covered": 0, "periods_without_incidents": 0,
            "peak_period": None, "peak_value": None, "incidents_apart": int(apart.get("incidents", 0))}
    if len(counts) == 0:
        return base
    values = counts[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    covered = counts["covered"].to_numpy(dtype=float) > 0 if "covered" in counts else np.ones(len(counts), bool)
    base["periods_not_covered"] = int((~covered).sum())
    base["periods_without_incidents"] = int(((counts["incidents"].fillna(0) == 0).to_numpy() & covered).sum())
    if np.all(np.isnan(values)) or np.nanmax(values) <= 0:
        return base
    i = int(np.nanargmax(values))
    base["peak_period"] = str(counts["period"].iloc[i])
    base["peak_value"] = int(values[i])
    return base
