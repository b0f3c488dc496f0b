"""Trend charts: the values drawn (bar heights, line y-data, bands, event markers) are the library's aggregates."""

from __future__ import annotations

import incidentkit as ik
import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import make_incidents
from incidentkit import plots_trends

ROWS = [
    {"incident_id": "a", "date": "2016-01-10", "theatre": "North Caucasus", "is_branch": "is-caucasus",
     "killed_low": 2, "killed_best": 3, "killed_high": 5},
    {"incident_id": "b", "date": "2016-01-20", "theatre": "Syria: Badia", "is_branch": "is-central",
     "killed_best": 10},
    {"incident_id": "c", "date": "2016-03-05", "theatre": "North Caucasus", "is_branch": "is-caucasus"},  # unknown
    {"incident_id": "d", "date": "2016-06-30", "theatre": "North Caucasus", "is_branch": "is-caucasus",
     "killed_low": 1, "killed_best": 1},  # no upper bound
]




@pytest.fixture
def incidents() -> pd.DataFrame:
    return make_incidents(ROWS)


def _events() -> pd.DataFrame:
    return pd.DataFrame({
        "event_id": ["e1", "e2", "e3", "e4"],
        "date": pd.to_datetime(["2016-02-01", "2016-04-15", "2019-01-01", None]),
        "date_precision": ["month", "day", "day", "day"],
        "event_type": ["province_announced", "leader_killed", "operation_declared", "leader_killed"],
        "title": ["Province announced", "Leader killed", "Outside the range", "No date"],
    })


def test_incident_bars_are_every_period_and_the_line_is_the_rolling_mean(incidents):
    counts = ik.counts_by_period(incidents, "month", start="2016-01-01", end="2016-06-30")
    fig = ik.plot_incidents(counts, period="month", rolling=3)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [2, 0, 1, 0, 0, 1]  # empty months drawn as zero
    assert heights == counts["incidents"].tolist()
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), ik.rolling_mean(counts, "incidents", 3))
    assert ax.get_ylabel() == "incidents per month"


def test_grouped_incident_lines_follow_the_theatre_order_and_colours(incidents):
    counts = ik.counts_by_period(incidents, "quarter", start="2016-01-01", end="2016-12-31", by="theatre")
    fig = ik.plot_incidents(counts, period="quarter", rolling=1, by="theatre")
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    assert list(lines) == ["North Caucasus", "Syria: Badia"]
    np.testing.assert_allclose(lines["North Caucasus"].get_ydata(), [2, 1, 0, 0])
    np.testing.assert_allclose(lines["Syria: Badia"].get_ydata(), [1, 0, 0, 0])
    colours = ik.theatre_colors()
    assert matplotlib.colors.to_hex(lines["Syria: Badia"].get_color()) == colours["Syria: Badia"].lower()


def test_death_bars_band_and_unknown_count(incidents):
    counts = ik.counts_by_period(incidents, "quarter", start="2016-01-01", end="2016-12-31")
    fig = ik.plot_deaths(counts, period="quarter", rolling=2)
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == counts["deaths_best"].tolist() == [13, 1, 0, 0]
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == 0 and band.max() == counts["deaths_high"].max() == 15
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [13, 7, 0.5, 0])
    caption = " ".join(" ".join(t.get_text() for t in fig.texts).split())  # captions are wrapped
    assert "1 incident(s) in the selection have no death figure" in caption
    assert ax.get_ylabel() == "deaths per quarter (persons)"


def test_grouped_deaths_draw_one_line_per_group(incidents):
    counts = ik.counts_by_period(incidents, "month", start="2016-01-01", end="2016-06-30", by="theatre")
    fig = ik.plot_deaths(counts, period="month", rolling=1, by="theatre")
    lines = {ln.get_label(): ln.get_ydata() for ln in fig.axes[0].get_lines()}
    np.testing.assert_allclose(lines["North Caucasus"], [3, 0, 0, 0, 0, 1])
    np.testing.assert_allclose(lines["Syria: Badia"], [10, 0, 0, 0, 0, 0])


def test_events_inside_the_range_are_marked_and_listed(incidents):
    timeline = ik.timeline_events(_events())
    assert timeline["label"].tolist() == ["Province announced", "Leader killed", "Outside the range"]
    assert timeline.attrs["undated"] == 1
    assert timeline.index.tolist() == [1, 2, 3]
    assert timeline["when"].tolist() == ["2016-02", "2016-04-15", "2019-01-01"]
    counts = ik.counts_by_period(incidents, "month", start="2016-01-01", end="2016-06-30")
    fig = ik.plot_incidents(counts, period="month", events=timeline)
    marks = [ln for ln in fig.axes[0].get_lines() if ln.get_gid() == plots_trends.EVENT_GID]
    assert len(marks) == 2
    caption = " ".join(" ".join(t.get_text() for t in fig.texts).split())  # captions are wrapped
    assert "1 2016-02 Province announced; 2 2016-04-15 Leader killed" in caption
    assert "Outside the range" not in caption


def test_timeline_event_types_can_be_chosen():
    timeline = ik.timeline_events(_events(), types=["leader_killed"])
    assert timeline["event_id"].tolist() == ["e2"]
    assert len(ik.timeline_events(_events().iloc[0:0])) == 0


def test_an_empty_selection_gives_the_no_data_figure(incidents):
    empty = incidents.iloc[0:0]
    counts = ik.counts_by_period(empty, "month", start="2016-01-01", end="2016-12-31")
    assert len(counts) == 12 and counts["incidents"].sum() == 0
    for fig in (ik.plot_incidents(counts), ik.plot_deaths(counts), ik.plot_incidents(ik.counts_by_period(empty))):
        assert fig.get_label() == plots_trends.NO_DATA_LABEL
        assert any("No incidents match" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_group_column_and_period_stats(incidents):
    assert ik.group_column("branch") == "is_branch"
    assert ik.group_column("none") is None
    with pytest.raises(ValueError, match="group_by"):
        ik.group_column("province")
    counts = ik.counts_by_period(incidents, "month", start="2016-01-01", end="2016-06-30")
    assert ik.period_stats(counts) == {"periods": 6, "periods_without_incidents": 3, "peak_period": "2016-01",
                                       "peak_value": 2}
    assert ik.period_stats(counts.iloc[0:0])["peak_period"] is None
