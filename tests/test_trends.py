"""Per-period counts: every period kept, covered empty periods as zero, periods the source does not cover missing
(never 0), incidents too imprecise for the period counted apart; rolling means with gaps; year-on-year change only
between whole, fully covered years of a complete source (issue 10)."""

from __future__ import annotations

import incidentkit as ik
import pandas as pd
import pytest
from conftest import make_incidents
from incidentkit.data.coverage import Coverage, attach_coverage


def export_of(df: pd.DataFrame, first: str, last: str, countries=(("RUS", "Russia", 10),)) -> pd.DataFrame:
    """``df`` as if read from a GTD export whose rows run from ``first`` to ``last`` in ``countries``."""
    cov = Coverage("gtd", "x.csv", "GTD export x.csv", pd.Timestamp(first), pd.Timestamp(last), tuple(countries))
    return attach_coverage(df, cov)


def rows(*dates: str, **fields) -> pd.DataFrame:
    return make_incidents([
        {"incident_id": f"t-{i}", "date": d, "date_precision": "day", "country": "Russia", "iso3": "RUS",
         "theatre": "North Caucasus", "is_role": "perpetrator", "killed_low": 1, "killed_best": 1, "killed_high": 1,
         **fields}
        for i, d in enumerate(dates)
    ])


def test_monthly_counts_keep_empty_covered_months(mini_data):
    df = ik.load_incidents(theatres="North Caucasus")
    out = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-06-30", theatres=["North Caucasus"])
    assert list(out["period"].astype(str)) == ["2016-01", "2016-02", "2016-03", "2016-04", "2016-05", "2016-06"]
    assert list(out["incidents"]) == [0, 1, 1, 0, 0, 0]  # the chronology covers 2016: empty months are zero
    assert out["deaths_best"].tolist()[:2] == [0, 2] and pd.isna(out.loc[2, "deaths_best"])  # no figure, not 0
    assert list(out["deaths_unknown"]) == [0, 0, 1, 0, 0, 0]
    assert list(out["covered"]) == [1.0] * 6 and not out["complete"].any()  # documented incidents: not a count
    assert out["period_start"].iloc[1] == pd.Timestamp("2016-02-01")


def test_periods_no_document_covers_are_missing_not_zero(mini_data):
    """Symptom: the curated table drawn as a complete count (North Caucasus years with no document drawn as 0)."""
    df = ik.load_incidents()
    y = ik.counts_by_period(df, "year", by="theatre", start="2016-01-01", end="2019-12-31")
    nc = y[y["theatre"] == "North Caucasus"]
    assert nc["incidents"].tolist()[:3] == [2, 0, 1] and pd.isna(nc["incidents"].iloc[3])  # 2019: no document
    other = y[y["theatre"] == "Russia (other)"]  # no document covers it: only its documented incident is shown
    assert pd.isna(other["incidents"].iloc[0]) and other["incidents"].iloc[2] == 1
    assert y.groupby("theatre")["incidents"].sum().sum() == len(df)
    with pytest.raises(ValueError):
        ik.counts_by_period(df, "week")


def test_empty_selection_gives_an_empty_frame_or_missing_periods(mini_data):
    df = ik.load_incidents(theatres="Libya", start="2010-01-01", end="2011-01-01")
    assert df.empty
    assert ik.counts_by_period(df, "month").empty
    filled = ik.counts_by_period(df, "month", start="2010-01-01", end="2010-03-31", theatres=["Libya"])
    assert filled["incidents"].isna().all() and (filled["covered"] == 0).all()  # not covered: unknown, not 0


def test_a_half_year_export_is_not_a_spike_in_years_of_zeros():
    """Symptom: a six-month export in a 2015-2024 window drawn as a spike in 9.5 years of zeros."""
    df = export_of(rows("2021-02-01", "2021-03-01", "2021-05-05"), "2021-01-01", "2021-06-30")
    out = ik.counts_by_period(df, "year", start="2015-01-01", end="2024-12-31")
    by_year = dict(zip(out["period"].astype(str), out["incidents"], strict=True))
    assert by_year["2021"] == 3
    assert all(pd.isna(v) for k, v in by_year.items() if k != "2021")  # outside the file: missing
    assert out.loc[out["period"].astype(str) == "2021", "covered"].item() == pytest.approx(181 / 365)
    months = ik.counts_by_period(df, "month", start="2021-01-01", end="2021-12-31")
    assert months["incidents"].tolist()[:6] == [0, 1, 1, 0, 1, 0]  # inside the file, a zero is a zero
    assert months["incidents"].iloc[6:].isna().all()


def test_year_on_year_never_compares_with_a_year_the_file_does_not_reach():
    """Symptoms: year-on-year -100 % for years the file does not reach; a part year marked partial=False."""
    df = export_of(rows("2021-02-01", "2021-03-01"), "2021-01-01", "2021-06-30")
    yoy = ik.year_on_year(df, start="2020-01-01", end="2022-12-31")
    assert list(yoy["year"]) == [2020, 2021, 2022]
    assert list(yoy["partial"]) == [True, True, True]  # 2021 is H1 only; 2020 and 2022 are not covered at all
    assert yoy["incidents_change"].isna().all() and yoy["incidents_change_pct"].isna().all()
    assert pd.isna(yoy.loc[2, "incidents"]) and yoy.loc[2, "note"] == "not covered by the source: no figure"
    assert yoy.loc[1, "note"] == "partial year (181 of 365 days covered): no change computed"


def test_year_on_year_between_whole_covered_years_of_an_export():
    df = export_of(rows("2016-03-01", "2016-04-01", "2018-02-01", "2018-03-01", "2019-01-01", "2019-02-01"),
                   "2016-01-01", "2019-12-31")
    yoy = ik.year_on_year(df, start="2016-01-01", end="2019-12-31")
    assert list(yoy["incidents"]) == [2, 0, 2, 2]
    assert pd.isna(yoy.loc[0, "incidents_change"])
    assert yoy.loc[1, "incidents_change_pct"] == -100.0  # a real zero inside the file
    assert pd.isna(yoy.loc[2, "incidents_change_pct"])  # from zero: no percentage
    assert yoy.loc[3, "incidents_change"] == 0
    cut = ik.year_on_year(df, start="2017-01-01", end="2019-06-30")
    assert list(cut["partial"]) == [False, False, True] and list(cut["days_covered"]) == [365, 365, 181]
    assert pd.isna(cut.loc[2, "incidents_change"]) and pd.isna(cut.loc[2, "deaths_best_change_pct"])
    late = ik.year_on_year(df, start="2016-07-01", end="2018-12-31")
    assert list(late["partial"]) == [True, False, False]
    assert pd.isna(late.loc[1, "incidents_change"]) and late.loc[1, "note"].startswith("year before is partial")
    assert not pd.isna(late.loc[2, "incidents_change"])


def test_year_on_year_of_documented_incidents_computes_no_change(mini_data):
    """Symptom: year-on-year +900 % and +5711 % on the curated table (documented incidents, not a count)."""
    yoy = ik.year_on_year(ik.load_incidents(), start="2016-01-01", end="2018-12-31", theatres=["North Caucasus"])
    assert yoy["incidents_change"].isna().all() and yoy["incidents_change_pct"].isna().all()
    assert set(yoy["note"]) == {"documented incidents, not a count: no change computed"}


def test_rolling_mean_has_gaps_where_a_period_is_missing():
    df = export_of(rows("2021-01-10", "2021-02-10", "2021-02-11"), "2021-01-01", "2021-03-31")
    monthly = ik.counts_by_period(df, "month", start="2021-01-01", end="2021-05-31")
    roll = ik.rolling_mean(monthly, "incidents", 2)
    assert roll.tolist()[:3] == [1.0, 1.5, 1.0]
    assert roll.iloc[3:].isna().all()  # April is not covered: no mean bridges it


def test_incidents_dated_less_precisely_than_the_period_are_counted_apart():
    """Symptom: year-dated aggregates counted in January (a 6,857-death January spike in a UCDP Syria file)."""
    year_rows = make_incidents([
        {"incident_id": f"y-{i}", "date": "2016-01-01", "date_end": "2016-12-31", "date_precision": "year",
         "country": "Syria", "iso3": "SYR", "theatre": "Syria: other", "is_role": "two_sided",
         "killed_best": 700, "killed_low": 700, "killed_high": 700} for i in range(3)
    ])
    day = rows("2016-01-20")
    df = export_of(pd.concat([year_rows, day], ignore_index=True), "2016-01-01", "2016-12-31",
                   (("SYR", "Syria", 4), ("RUS", "Russia", 1)))
    monthly = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-12-31")
    assert monthly.loc[0, "incidents"] == 1 and monthly.loc[0, "deaths_best"] == 1  # January: the day-dated one
    apart = monthly.attrs["apart"]
    assert apart["incidents"] == 3 and apart["deaths_best"] == 2100 and apart["by_precision"] == {"year": 3}
    yearly = ik.counts_by_period(df, "year", start="2016-01-01", end="2016-12-31")
    assert yearly.loc[0, "incidents"] == 4 and yearly.attrs["apart"]["incidents"] == 0


def test_period_stats_on_gaps(mini_data):
    df = ik.load_incidents(theatres="North Caucasus")
    counts = ik.counts_by_period(df, "year", start="2015-01-01", end="2019-12-31", theatres=["North Caucasus"])
    stats = ik.period_stats(counts)
    assert stats["periods"] == 5 and stats["periods_not_covered"] == 2  # 2015 and 2019
    assert stats["peak_period"] == "2016" and stats["peak_value"] == 2
