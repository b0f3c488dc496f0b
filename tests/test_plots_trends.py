"""Trend charts: the values drawn (bar heights, line y-data, bands, event markers) are the library's aggregates."""

from __future__ import annotations

import incidentkit as ik
import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import make_incidents
from incidentkit.charts import base
from incidentkit.charts import events as chart_events

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
    fig = ik.charts.plot_incidents(counts, period="month", rolling=3)
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights == [2, 0, 1, 0, 0, 1]  # empty months drawn as zero
    assert heights == counts["incidents"].tolist()
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), ik.rolling_mean(counts, "incidents", 3))
    assert ax.get_ylabel() == "incidents per month"


def test_grouped_incident_lines_follow_the_theatre_order_and_colours(incidents):
    counts = ik.counts_by_period(incidents, "quarter", start="2016-01-01", end="2016-12-31", by="theatre")
    fig = ik.charts.plot_incidents(counts, period="quarter", rolling=1, by="theatre")
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    assert list(lines) == ["North Caucasus", "Syria: Badia"]
    np.testing.assert_allclose(lines["North Caucasus"].get_ydata(), [2, 1, 0, 0])
    np.testing.assert_allclose(lines["Syria: Badia"].get_ydata(), [1, 0, 0, 0])
    colours = ik.charts.theatre_colors()
    assert matplotlib.colors.to_hex(lines["Syria: Badia"].get_color()) == colours["Syria: Badia"].lower()


def test_death_bars_band_and_unknown_count(incidents):
    counts = ik.counts_by_period(incidents, "quarter", start="2016-01-01", end="2016-12-31")
    fig = ik.charts.plot_deaths(counts, period="quarter", rolling=2)
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == counts["deaths_best"].tolist() == [13, 1, 0, 0]
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == 0 and band.max() == counts["deaths_high"].max() == 15
    (line,) = ax.get_lines()
    np.testing.assert_allclose(line.get_ydata(), [13, 7, 0.5, 0])
    caption = " ".join(ik.charts.caption_text(fig).split())  # captions are wrapped
    assert "1 of 4 incident(s) in the selection have no death figure" in caption
    assert counts["deaths_open_high"].sum() == 2  # "b" and "d" state no high figure
    assert "2 incident(s) give no upper bound: the high is a floor" in caption
    assert ax.get_ylabel() == "deaths per quarter (persons)"


def test_grouped_deaths_draw_one_line_per_group(incidents):
    counts = ik.counts_by_period(incidents, "month", start="2016-01-01", end="2016-06-30", by="theatre")
    fig = ik.charts.plot_deaths(counts, period="month", rolling=1, by="theatre")
    lines = {ln.get_label(): ln.get_ydata() for ln in fig.axes[0].get_lines()}
    np.testing.assert_allclose(lines["North Caucasus"], [3, 0, np.nan, 0, 0, 1])  # March: no figure, not 0
    np.testing.assert_allclose(lines["Syria: Badia"], [10, 0, 0, 0, 0, 0])


def test_events_inside_the_range_are_marked_and_listed(incidents):
    timeline = ik.timeline_events(_events())
    assert timeline["label"].tolist() == ["Province announced", "Leader killed", "Outside the range"]
    assert timeline.attrs["undated"] == 1
    assert timeline.index.tolist() == [1, 2, 3]
    assert timeline["when"].tolist() == ["2016-02", "2016-04-15", "2019-01-01"]
    counts = ik.counts_by_period(incidents, "month", start="2016-01-01", end="2016-06-30")
    fig = ik.charts.plot_incidents(counts, period="month", events=timeline)
    marks = [ln for ln in fig.axes[0].get_lines() if ln.get_gid() == chart_events.EVENT_GID]
    assert len(marks) == 2
    caption = " ".join(ik.charts.caption_text(fig).split())  # captions are wrapped
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
    for fig in (ik.charts.plot_incidents(counts), ik.charts.plot_deaths(counts), ik.charts.plot_incidents(ik.counts_by_period(empty))):
        assert fig.get_label() == base.NO_DATA_LABEL
        assert any("No incidents match" in t.get_text() for ax in fig.axes for t in ax.texts)


def test_group_column_and_period_stats(incidents):
    assert ik.group_column("branch") == "is_branch"
    assert ik.group_column("none") is None
    with pytest.raises(ValueError, match="group_by"):
        ik.group_column("province")
    counts = ik.counts_by_period(incidents, "month", start="2016-01-01", end="2016-06-30")
    assert ik.period_stats(counts) == {"periods": 6, "periods_without_incidents": 3, "peak_period": "2016-01",
                                       "peak_value": 2, "periods_not_covered": 0, "incidents_apart": 0}
    assert ik.period_stats(counts.iloc[0:0])["peak_period"] is None


def test_deaths_with_no_figure_anywhere_give_the_statement_not_a_zero_axis():
    """Audit 5.1: all incidents lack a death figure."""
    df = make_incidents([{"incident_id": "x", "date": "2016-02-01", "theatre": "Iran"},
                         {"incident_id": "y", "date": "2016-03-01", "theatre": "Iran"}])
    counts = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-06-30")
    fig = ik.charts.plot_deaths(counts)
    assert fig.get_label() == base.NO_DATA_LABEL
    assert "No death figure for any of the 2 incident(s)" in " ".join(t.get_text() for t in fig.axes[0].texts)
    fig = ik.charts.plot_incidents(counts, rolling=1)
    assert all(float(t).is_integer() for t in fig.axes[0].get_yticks())  # no "0.25 incidents"


def test_a_series_shorter_than_the_window_gets_no_rolling_mean_and_says_so(incidents):
    """Audit 5.2: 1 year with a 12-year window must not be labelled a 12-year rolling mean."""
    counts = ik.counts_by_period(incidents, "year", start="2016-01-01", end="2016-12-31")
    fig = ik.charts.plot_incidents(counts, period="year", rolling=12)
    assert fig.axes[0].get_lines() == []
    caption = " ".join(ik.charts.caption_text(fig).split())
    assert "fewer than the 12-year window of the rolling mean: none is drawn" in caption
    grouped = ik.counts_by_period(incidents, "year", start="2016-01-01", end="2016-12-31", by="theatre")
    fig = ik.charts.plot_deaths(grouped, period="year", rolling=12, by="theatre")
    assert "12-year" not in fig.axes[0].get_legend().get_title().get_text()
    monthly = ik.counts_by_period(incidents, "month", start="2016-01-01", end="2016-06-30")
    fig = ik.charts.plot_incidents(monthly, period="month", rolling=3)
    (line,) = fig.axes[0].get_lines()
    assert line.get_label() == "3-month rolling mean"
    caption = " ".join(ik.charts.caption_text(fig).split())
    assert "Rolling mean: trailing, over 3 months; the first 2 average the months available." in caption


def test_yearly_and_quarterly_ticks_name_years_and_quarters(incidents):
    """Audit 5.9: no "2022-05" month ticks under yearly bars."""
    years = ik.counts_by_period(incidents, "year", start="2014-01-01", end="2018-12-31")
    fig = ik.charts.plot_incidents(years, period="year", rolling=1)
    fig.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2014", "2015", "2016", "2017", "2018"]
    quarters = ik.counts_by_period(incidents, "quarter", start="2016-01-01", end="2016-12-31")
    fig = ik.charts.plot_deaths(quarters, period="quarter", rolling=1)
    fig.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2016 Q1", "2016 Q2", "2016 Q3", "2016 Q4"]


def test_number_boxes_of_close_events_do_not_overlap(incidents):
    """Audit 5.3: events days apart are staggered on rows; no two number boxes overlap on the rendered figure."""
    dates = pd.to_datetime(["2016-03-01", "2016-03-03", "2016-03-05", "2016-03-08", "2016-03-10", "2016-03-12",
                            "2016-05-01"])
    events = pd.DataFrame({"event_id": [f"e{i}" for i in range(len(dates))], "date": dates,
                           "date_precision": "day", "event_type": "leader_killed",
                           "title": [f"Event {i}" for i in range(len(dates))]})
    counts = ik.counts_by_period(incidents, "month", start="2016-01-01", end="2016-06-30")
    fig = ik.charts.plot_incidents(counts, period="month", events=ik.timeline_events(events))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in fig.axes[0].texts
             if t.get_gid() == chart_events.EVENT_LABEL_GID]
    assert len(boxes) == 7
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)
    ymax = fig.axes[0].get_ylim()[1]
    assert all(b.y0 >= fig.axes[0].transData.transform((0, counts["incidents"].max()))[1] for b in boxes)
    assert ymax > counts["incidents"].max()


def test_timeline_types_include_every_operation_or_regime_declared_or_lifted():
    from incidentkit.analysis.trends import TIMELINE_EVENT_TYPES
    from incidentkit.data.schema import enum_values

    declared = [t for t in enum_values("events", "event_type")
                if t.endswith(("_declared", "_lifted", "_declared_over"))]
    assert set(declared) == {"ct_regime_declared", "ct_regime_lifted", "insurgency_declared_over",
                             "operation_declared"}
    assert set(declared) <= set(TIMELINE_EVENT_TYPES)
    assert {"province_announced", "leader_killed"} <= set(TIMELINE_EVENT_TYPES)
