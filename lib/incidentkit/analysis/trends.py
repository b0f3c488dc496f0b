"""Per-period counts of incidents and deaths, with empty periods kept as zero, rolling means and year-on-year change."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..data.parameters import RULES, check_value, raise_issues
from .measures import incident_figures

#: ``period`` parameter value -> pandas period frequency (the values are those of the ``period`` rule).
PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}


def _freq(period: str) -> str:
    raise_issues(check_value("period", period, RULES["period"])[1])  # the parameter's own rule and message
    return PERIODS[period]


def period_index(start: object, end: object, period: str = "month") -> pd.PeriodIndex:
    """Return every period from ``start`` to ``end`` inclusive (the empty ones too)."""
    freq = _freq(period)
    return pd.period_range(pd.Timestamp(start).to_period(freq), pd.Timestamp(end).to_period(freq), freq=freq,
                           name="period")


def counts_by_period(
    df: pd.DataFrame,
    period: str = "month",
    *,
    start: object = None,
    end: object = None,
    by: str | None = None,
    groups: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return incidents and deaths per period, every period from ``start`` to ``end`` present (zero incidents when
    nothing happened).

    Columns: ``period`` (pandas Period), ``period_start`` (Timestamp, for plotting), ``incidents``, ``deaths_low``,
    ``deaths_best``, ``deaths_high``, ``deaths_unknown`` (incidents in the period with no death figure) and
    ``deaths_open_high`` (incidents whose sources give no upper bound: the high is then a floor). With
    ``by`` (e.g. "theatre"), one block per group: the groups in ``groups`` (default: those present, in category
    order), each with every period. ``start``/``end`` default to the data's first and last date.
    """
    freq = _freq(period)
    dates = df["date"]
    lo = pd.Timestamp(start) if start is not None else (dates.min() if len(df) else None)
    hi = pd.Timestamp(end) if end is not None else (dates.max() if len(df) else None)
    cols = ["period", "period_start", "incidents", "deaths_low", "deaths_best", "deaths_high", "deaths_unknown",
            "deaths_open_high"]
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return pd.DataFrame(columns=([by] if by else []) + cols)
    idx = period_index(lo, hi, period)
    fig = incident_figures(df, "killed")
    work = pd.DataFrame(
        {
            "period": dates.dt.to_period(freq),
            "incidents": 1,
            "deaths_low": fig["low"].fillna(0).astype("int64"),
            "deaths_best": fig["best"].fillna(0).astype("int64"),
            "deaths_high": fig["high"].fillna(0).astype("int64"),
            "deaths_unknown": (~fig["known"]).astype("int64"),
            "deaths_open_high": (fig["known"] & fig["open_high"].astype(bool)).astype("int64"),
        },
        index=df.index,
    )
    value_cols = ["incidents", "deaths_low", "deaths_best", "deaths_high", "deaths_unknown", "deaths_open_high"]
    if by is None:
        agg = work.groupby("period", sort=True)[value_cols].sum()
        out = agg.reindex(idx, fill_value=0).reset_index()
    else:
        work[by] = df[by].astype(object)
        if groups is None:
            if isinstance(df[by].dtype, pd.CategoricalDtype):
                groups = [g for g in df[by].cat.categories if g in set(work[by].dropna())]
            else:
                groups = sorted(work[by].dropna().unique())
        agg = work.groupby([by, "period"], sort=True)[value_cols].sum()
        full = pd.MultiIndex.from_product([list(groups), idx], names=[by, "period"])
        out = agg.reindex(full, fill_value=0).reset_index()
    out["period_start"] = out["period"].dt.start_time
    for c in value_cols:
        out[c] = out[c].astype("int64")
    return out[([by] if by else []) + cols]


def rolling_mean(series: pd.DataFrame, column: str = "incidents", window: int = 3, by: str | None = None) -> pd.Series:
    """Return the trailing rolling mean of ``column`` over ``window`` periods (per group with ``by``).

    The first ``window - 1`` periods of each group are averaged over the periods available (min_periods=1).
    """
    if window < 1:
        raise ValueError("window must be >= 1")
    if by is None:
        return series[column].rolling(window, min_periods=1).mean()
    return series.groupby(by, sort=False, observed=True)[column].transform(
        lambda s: s.rolling(window, min_periods=1).mean()
    )


def year_on_year(df: pd.DataFrame, *, start: object = None, end: object = None, by: str | None = None) -> pd.DataFrame:
    """Return incidents and deaths per calendar year with the change from the year before (absolute and %).

    A year that ``start`` or ``end`` cuts is *partial*: ``days_covered`` (of ``days_in_year``) says how much of it
    the selection holds and ``partial`` is True. No change is computed between a partial year and another year (H1
    of one year against the whole of the year before is not a change); ``note`` says why a change is missing. The
    percentage change is also missing when the previous year had zero (no division by zero, no infinities). With
    ``start``/``end`` left out the years run from the data's first to last year and count as whole years.
    """
    yearly = counts_by_period(df, "year", start=start, end=end, by=by)
    yearly = yearly.rename(columns={"period": "year"})
    first = pd.Timestamp(start).normalize() if start is not None else None
    last = pd.Timestamp(end).normalize() if end is not None else None
    year_start = yearly["year"].dt.start_time
    year_end = yearly["year"].dt.end_time.dt.normalize()
    lo = year_start if first is None else year_start.where(year_start >= first, first)
    hi = year_end if last is None else year_end.where(year_end <= last, last)
    yearly["days_in_year"] = ((year_end - year_start).dt.days + 1).astype("int64")
    yearly["days_covered"] = ((hi - lo).dt.days + 1).clip(lower=0).astype("int64")
    yearly["partial"] = yearly["days_covered"] < yearly["days_in_year"]
    yearly["year"] = yearly["year"].dt.year
    keys = [by] if by else []
    out = yearly[keys + ["year", "days_covered", "days_in_year", "partial", "incidents", "deaths_best",
                         "deaths_unknown"]].copy()

    def previous(column: str) -> pd.Series:
        return out.groupby(keys, sort=False)[column].shift(1) if by else out[column].shift(1)

    prev_partial = previous("partial")
    comparable = ~out["partial"] & (prev_partial == False)  # noqa: E712 - NaN (no year before) is not False
    for c in ("incidents", "deaths_best"):
        prev = previous(c).where(comparable)
        out[f"{c}_change"] = (out[c] - prev).astype("Int64")
        out[f"{c}_change_pct"] = ((out[c] - prev) / prev.where(prev > 0) * 100).round(1).astype("Float64")
    notes = []
    for part, prev_part, days, of, prev_inc, prev_dead in zip(out["partial"], prev_partial, out["days_covered"],
                                                              out["days_in_year"], previous("incidents"),
                                                              previous("deaths_best"), strict=True):
        if part:
            notes.append(f"partial year ({days} of {of} days): no change computed")
        elif pd.isna(prev_part):
            notes.append("first year: no change")
        elif prev_part:
            notes.append("year before is partial: no change computed")
        elif prev_inc == 0:
            notes.append("year before had no incidents: no %")
        elif prev_dead == 0:
            notes.append("year before had no deaths: no % for deaths")
        else:
            notes.append("")
    out["note"] = pd.Series(notes, index=out.index, dtype="str")
    return out.reset_index(drop=True)


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

    ``periods`` (number of periods), ``periods_without_incidents``, ``peak_period`` (label such as "2016-03", the
    first of the periods with the highest ``column``; ``None`` when the table is empty or all zero) and
    ``peak_value``.
    """
    if len(counts) == 0:
        return {"periods": 0, "periods_without_incidents": 0, "peak_period": None, "peak_value": 0}
    values = counts[column].to_numpy()
    top = int(values.max())
    peak = str(counts["period"].iloc[int(values.argmax())]) if top > 0 else None
    return {
        "periods": int(len(counts)),
        "periods_without_incidents": int((counts["incidents"] == 0).sum()),
        "peak_period": peak,
        "peak_value": top,
    }
