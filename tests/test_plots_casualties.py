"""Casualty tables and charts: what is drawn is what measures.py computes, and unknown figures are always counted."""

from __future__ import annotations

import incidentkit as ik
import numpy as np
import pandas as pd
import pytest
from conftest import make_incidents
from incidentkit.charts import base

NC, BADIA = "North Caucasus", "Syria: Badia"
ROWS = [
    {"incident_id": "a", "date": "2016-01-10", "theatre": BADIA, "attack_type": "Bombing/Explosion",
     "target_type": "Military", "killed_low": 8, "killed_best": 10, "killed_high": 14, "wounded_best": 20,
     "perpetrators_killed": 2, "country": "Syria", "admin1": "Homs", "location": "Palmyra",
     "source_ids": "src-1;src-2", "claim_status": "claimed"},
    {"incident_id": "b", "date": "2016-02-10", "theatre": NC, "attack_type": "Armed Assault",
     "target_type": "Police", "killed_best": 2, "wounded_best": 0, "perpetrators_killed": 2, "country": "Russia",
     "admin1": "Dagestan", "source_ids": "src-2"},
    {"incident_id": "c", "date": "2016-03-10", "theatre": NC, "attack_type": "Armed Assault",
     "target_type": "Police", "killed_best": 0, "wounded_best": 3, "country": "Russia", "source_ids": "src-x"},
    {"incident_id": "d", "date": "2016-04-10", "theatre": NC, "attack_type": "Armed Assault",
     "target_type": "Military"},  # no figures at all
    {"incident_id": "e", "date": "2016-05-10", "theatre": NC, "attack_type": "Assassination",
     "target_type": "Police", "killed_low": 1, "killed_best": 1, "country": "Russia",
     "source_dataset": "ucdp", "source_event_id": "12345"},
]
SOURCES = pd.DataFrame({"source_id": ["src-1", "src-2"], "title": ["Report one", "Report two"],
                        "publisher": ["Outlet A", ""]})




@pytest.fixture
def incidents() -> pd.DataFrame:
    return make_incidents(ROWS)


def _caption(fig) -> str:
    return " ".join(ik.charts.caption_text(fig).split())  # captions are wrapped


def test_headline_figures_and_selection_statement(incidents):
    h = ik.headline_figures(incidents)
    assert (h["incidents"], h["deaths_low"], h["deaths_best"], h["deaths_high"]) == (5, 11, 13, 17)
    assert h["deaths_unknown_incidents"] == 1 and h["deaths_open_high_incidents"] == 3
    assert (h["wounded_best"], h["wounded_unknown_incidents"]) == (23, 2)
    assert (h["first_date"], h["last_date"]) == ("2016-01-10", "2016-05-10")
    text = ik.text.describe_selection(incidents, "all theatres", "test source")
    # symptom: "Deaths: 940 (range 932-940)" with open upper bounds; here 3 of the figures state none
    assert "**5 incidents**" in text and "Deaths: **13 (at least 11)**" in text and "range 11-17" not in text
    assert "3 state no upper bound, so the total is a floor" in text
    assert "no death figure" not in text  # said once, in the coverage statement shown beside it
    assert "1 of 5 incident(s) have no death figure" in ik.text.coverage_statement(incidents)
    empty = ik.text.describe_selection(incidents.iloc[0:0], "Libya, 2016", "test source")
    assert empty.startswith("**No incidents match** the selection (Libya, 2016)")
    assert ik.headline_figures(incidents.iloc[0:0])["first_date"] is None


def test_deadliest_table_names_sources_and_datasets(incidents):
    table = ik.text.deadliest_table(incidents, 3, SOURCES)
    assert table["incident_id"].tolist() == ["a", "b", "e"]
    first = table.iloc[0]
    assert first["killed"] == "10 (8-14)" and first["wounded"] == "about 20"  # a best figure with no bounds
    assert first["place"] == "Palmyra, Homs, Syria"
    assert first["sources"] == "Report one; Report two"
    assert table.iloc[2]["sources"] == "UCDP GED event 12345"
    unknown_id = ik.text.deadliest_table(incidents, 4, SOURCES).iloc[3]
    assert unknown_id["incident_id"] == "c" and unknown_id["sources"] == "src-x"  # kept, not dropped
    assert ik.text.format_range(None, pd.NA, None) == "no figure"


def test_perpetrator_share_table(incidents):
    overall = ik.perpetrator_share_table(incidents)
    row = overall.loc["all"]
    assert (row["incidents_used"], row["killed_best"], row["perpetrators_killed"]) == (2, 12, 4)
    assert row["share_pct"] == pytest.approx(33.3)
    by = ik.perpetrator_share_table(incidents, "theatre")
    assert by.loc[NC, "share_pct"] == pytest.approx(100.0)
    assert by.loc[BADIA, "share_pct"] == pytest.approx(20.0)


def test_totals_chart_reads_back_the_casualty_totals(incidents):
    fig = ik.charts.plot_totals(incidents, by="theatre")
    killed_ax, wounded_ax = fig.axes
    expected = ik.casualty_totals(incidents, "killed", "theatre")
    # bars top to bottom follow the theatre order (North Caucasus before Syria: Badia)
    widths = [p.get_width() for p in sorted(killed_ax.patches, key=lambda p: -p.get_y())]
    assert widths == [expected.loc[NC, "best"], expected.loc[BADIA, "best"]] == [3, 10]
    labels = [t.get_text() for t in killed_ax.get_yticklabels()]
    assert labels[0].startswith("North Caucasus (n=4, 1 without death figure)")
    wounded = [p.get_width() for p in sorted(wounded_ax.patches, key=lambda p: -p.get_y())]
    assert wounded == [3, 20]
    segments = killed_ax.collections[0].get_segments()
    spans = sorted((s[0][0], s[1][0]) for s in segments)
    assert spans == [(3.0, 3.0), (8.0, 14.0)]  # North Caucasus: every range closed at best; Badia 8-14
    assert "no death figure: 1 of 5; with no wounded figure: 2" in _caption(fig)
    assert f"Deaths: {int(expected['open_high'].sum())} incident(s) give no upper bound: the high is a floor" in _caption(fig)


def test_lethality_bars_errors_n_and_hidden_categories(incidents):
    fig = ik.charts.plot_lethality(incidents, by="attack_type", min_incidents=2)
    ax = fig.axes[0]
    table = ik.lethality(incidents, by="attack_type")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Armed Assault"]
    (bar,) = ax.patches
    assert bar.get_width() == pytest.approx(table.loc["Armed Assault", "per_incident_best"]) == 1.0
    assert any(t.get_text().strip() == "n=2" for t in ax.texts)
    caption = _caption(fig)
    assert "Assassination" in caption and "Bombing/Explosion" in caption and "fewer than 2" in caption
    assert "1 incident(s) with no figure" in caption
    fig = ik.charts.plot_lethality(incidents, by="target_type")
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == sorted(widths)  # largest at the top
    assert max(widths) == pytest.approx(10.0)


def test_ccdf_plots_the_deaths_distribution_on_log_axes(incidents):
    fig = ik.charts.plot_deaths_ccdf(incidents)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    (line,) = ax.get_lines()
    dist = ik.deaths_distribution(incidents)
    dist = dist[dist["deaths"] >= 1]
    np.testing.assert_array_equal(line.get_xdata(), dist["deaths"])
    np.testing.assert_allclose(line.get_ydata(), dist["share_at_least"])
    np.testing.assert_allclose(line.get_ydata(), [3 / 4, 2 / 4, 1 / 4])
    caption = _caption(fig)
    assert "1 incident(s) with zero deaths" in caption and "1 incident(s) with no figure" in caption


def test_killed_wounded_scatter_and_missing_counts(incidents):
    pairs, counts = ik.killed_wounded_pairs(incidents)
    assert counts == {"both": 3, "missing_killed": 0, "missing_wounded": 1, "missing_both": 1}
    fig = ik.charts.plot_killed_wounded(incidents)
    ax = fig.axes[0]
    assert ax.get_xscale() == "symlog"
    points = sorted(tuple(p) for c in ax.collections for p in c.get_offsets())
    assert points == sorted(zip(pairs["killed"], pairs["wounded"], strict=True)) == [(0, 3), (2, 0), (10, 20)]
    assert "missing the killed figure: 0, the wounded figure: 1, both: 1" in _caption(fig)


def test_every_chart_says_no_data_on_an_empty_selection(incidents):
    empty = incidents.iloc[0:0]
    for fig in (ik.charts.plot_totals(empty), ik.charts.plot_lethality(empty), ik.charts.plot_deaths_ccdf(empty),
                ik.charts.plot_killed_wounded(empty)):
        assert fig.get_label() == base.NO_DATA_LABEL
    only_unknown = incidents[incidents["incident_id"] == "d"]
    assert ik.charts.plot_deaths_ccdf(only_unknown).get_label() == base.NO_DATA_LABEL
    assert ik.charts.plot_killed_wounded(only_unknown).get_label() == base.NO_DATA_LABEL
    assert ik.charts.plot_lethality(only_unknown).get_label() == base.NO_DATA_LABEL


def _all_texts(fig) -> str:
    return " ".join(" ".join(t.get_text() for ax in fig.axes for t in ax.texts).split())


def test_a_selection_without_any_death_figure_says_so_instead_of_an_empty_axis():
    """Audit 5.1: every incident lacks a death figure: no 0-0.05 "persons" axis, a statement with the count."""
    rows = [{"incident_id": k, "date": "2016-01-10", "theatre": NC} for k in "xyz"]
    df = make_incidents(rows)
    for fig in (ik.charts.plot_totals(df), ik.charts.plot_deaths_ccdf(df), ik.charts.plot_lethality(df, by="attack_type")):
        assert fig.get_label() == base.NO_DATA_LABEL
        text = _all_texts(fig)
        assert "figure for any of the 3 incident(s)" in text
        assert not any(p.get_width() == 0 for ax in fig.axes for p in ax.patches)
    assert "3 with no death figure" in _caption(ik.charts.plot_deaths_ccdf(df))
    # wounded known, deaths unknown: the deaths panel is a statement, the wounded panel a bar with whole-number ticks
    df = make_incidents([{**r, "wounded_best": 4} for r in rows])
    fig = ik.charts.plot_totals(df)
    killed_ax, wounded_ax = fig.axes
    assert not killed_ax.patches and "No death figure for any of the 3 incident(s)" in _all_texts(fig)
    assert [p.get_width() for p in wounded_ax.patches] == [12]
    assert all(float(t).is_integer() for t in wounded_ax.get_xticks())


def test_casualty_captions_count_open_high_incidents(incidents):
    fig = ik.charts.plot_lethality(incidents, by="attack_type")
    open_high = int(ik.lethality(incidents, "attack_type")["open_high"].sum())
    assert open_high > 0
    assert f"{open_high} incident(s) give no upper bound: the high is a floor" in _caption(fig)
