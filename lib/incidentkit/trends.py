"""Per-period counts of incidents and deaths, with empty periods kept as zero, rolling means and year-on-year change."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .measures import incident_figures

PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}


def _freq(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"period {period!r}: expected one of {sorted(PERIODS)}")
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
    ``deaths_best``, ``deaths_high`` and ``deaths_unknown`` (incidents in the period with no death figure). With
    ``by`` (e.g. "theatre"), one block per group: the groups in ``groups`` (default: those present, in category
    order), each with every period. ``start``/``end`` default to the data's first and last date.
    """
    freq = _freq(period)
    dates = df["date"]
    lo = pd.Timestamp(start) if start is not None else (dates.min() if len(df) else None)
    hi = pd.Timestamp(end) if end is not None else (dates.max() if len(df) else None)
    cols = ["period", "period_start", "incidents", "deaths_low", "deaths_best", "deaths_high", "deaths_unknown"]
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
        },
        index=df.index,
    )
    value_cols = ["incidents", "deaths_low", "deaths_best", "deaths_high", "deaths_unknown"]
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

    The percentage change is missing when the previous year had zero (no division by zero, no infinities).
    """
    yearly = counts_by_period(df, "year", start=start, end=end, by=by)
    yearly = yearly.rename(columns={"period": "year"})
    yearly["year"] = yearly["year"].dt.year
    keys = [by] if by else []
    out = yearly[keys + ["year", "incidents", "deaths_best", "deaths_unknown"]].copy()
    for c in ("incidents", "deaths_best"):
        prev = out.groupby(keys, sort=False)[c].shift(1) if by else out[c].shift(1)
        out[f"{c}_change"] = (out[c] - prev).astype("Int64")
        out[f"{c}_change_pct"] = ((out[c] - prev) / prev.where(prev > 0) * 100).round(1).astype("Float64")
    return out.reset_index(drop=True)
