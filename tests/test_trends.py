"""Per-period counts keep empty periods as zero; rolling means; year-on-year change without infinities."""

from __future__ import annotations

import incidentkit as ik
import pandas as pd
import pytest


def test_monthly_counts_keep_empty_months(mini_data):
    df = ik.load_incidents(theatres="North Caucasus")
    out = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-06-30")
    assert list(out["period"].astype(str)) == ["2016-01", "2016-02", "2016-03", "2016-04", "2016-05", "2016-06"]
    assert list(out["incidents"]) == [0, 1, 1, 0, 0, 0]
    assert list(out["deaths_best"]) == [0, 2, 0, 0, 0, 0]
    assert list(out["deaths_unknown"]) == [0, 0, 1, 0, 0, 0]
    assert out["period_start"].iloc[1] == pd.Timestamp("2016-02-01")


def test_quarters_and_years_and_groups(mini_data):
    df = ik.load_incidents()
    q = ik.counts_by_period(df, "quarter", start="2018-01-01", end="2018-12-31")
    assert list(q["incidents"]) == [0, 0, 2, 0]
    assert list(q["deaths_high"]) == [0, 0, 6, 0]
    y = ik.counts_by_period(df, "year", by="theatre")
    assert list(y["theatre"].unique()) == ["North Caucasus", "Russia (other)", "Syria: Badia", "Libya"]
    nc = y[y["theatre"] == "North Caucasus"]
    assert list(nc["incidents"]) == [2, 0, 1, 0]  # 2016..2019, every year present
    assert y.groupby("theatre")["incidents"].sum().sum() == len(df)
    with pytest.raises(ValueError):
        ik.counts_by_period(df, "week")


def test_empty_selection_gives_an_empty_frame(mini_data):
    df = ik.load_incidents(theatres="Libya", start="2010-01-01", end="2011-01-01")
    assert df.empty
    assert ik.counts_by_period(df, "month").empty
    filled = ik.counts_by_period(df, "month", start="2010-01-01", end="2010-03-31")
    assert list(filled["incidents"]) == [0, 0, 0]


def test_rolling_mean_and_year_on_year(mini_data):
    df = ik.load_incidents()
    monthly = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-04-30")
    assert list(ik.rolling_mean(monthly, "incidents", 2)) == [0.0, 0.5, 1.0, 0.5]
    yoy = ik.year_on_year(df, start="2016-01-01", end="2019-12-31")
    assert list(yoy["year"]) == [2016, 2017, 2018, 2019]
    assert list(yoy["incidents"]) == [2, 0, 2, 2]
    assert pd.isna(yoy.loc[0, "incidents_change"])
    assert yoy.loc[1, "incidents_change_pct"] == -100.0
    assert pd.isna(yoy.loc[2, "incidents_change_pct"])  # from zero: no percentage
    assert yoy.loc[3, "incidents_change"] == 0


def test_year_on_year_gives_no_change_between_a_part_year_and_a_full_year(mini_data):
    """Audit 5.2: start 2017-01-01, end 2019-06-30: 2019 is H1 only; no % change against the whole of 2018."""
    df = ik.load_incidents()
    yoy = ik.year_on_year(df, start="2017-01-01", end="2019-06-30")
    assert list(yoy["year"]) == [2017, 2018, 2019]
    assert list(yoy["partial"]) == [False, False, True]
    assert list(yoy["days_covered"]) == [365, 365, 181]
    last = yoy.iloc[2]
    assert pd.isna(last["incidents_change"]) and pd.isna(last["incidents_change_pct"])
    assert pd.isna(last["deaths_best_change_pct"])
    assert last["note"] == "partial year (181 of 365 days): no change computed"
    # a part-year at the start: the next full year has no change either
    yoy = ik.year_on_year(df, start="2016-07-01", end="2018-12-31")
    assert list(yoy["partial"]) == [True, False, False]
    assert pd.isna(yoy.loc[1, "incidents_change"]) and yoy.loc[1, "note"].startswith("year before is partial")
    assert not pd.isna(yoy.loc[2, "incidents_change"])
