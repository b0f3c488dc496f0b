"""Coverage tables, and incident sums against reported statistics for each statistic's own area and period."""

from __future__ import annotations

import incidentkit as ik
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from incidentkit.analysis import coverage
from incidentkit.analysis.text import reported_notes
from incidentkit.charts import coverage as plots_coverage
from incidentkit.charts.style import parse_tag
from test_regions import make_incidents


def make_stats(rows: list[dict]) -> pd.DataFrame:
    base = {"value_high": None, "qualifier": "exact", "country": None, "iso3": None, "admin1": None,
            "theatre": None, "is_branch": None, "description": "Crafted statistic.", "source_ids": "src-a",
            "period_precision": "day", "is_role": "perpetrator"}
    df = pd.DataFrame([{**base, **r} for r in rows])
    df["value_low"] = df["value_low"].astype("Int64")
    df["value_high"] = pd.array(df["value_high"].tolist(), dtype="Int64")
    for c in ("period_start", "period_end"):
        df[c] = pd.to_datetime(df[c])
    return df


@pytest.fixture
def incidents() -> pd.DataFrame:
    return make_incidents([
        {"date": "2018-01-05", "killed_low": 2, "killed_best": 3, "killed_high": 5, "location": "Kizilyurt",
         "latitude": 43.2, "longitude": 46.9, "geo_precision": "locality"},
        {"date": "2018-06-20", "killed_best": 10, "date_precision": "month", "source_ids": "src-a;src-b"},
        {"date": "2018-07-01"},  # no death figure
        {"date": "2018-02-10", "theatre": "Syria: Badia", "country": "Syria", "iso3": "SYR", "admin1": "Homs",
         "is_branch": "is-central", "killed_best": 50},
        {"date": "2019-02-10", "killed_best": 7},  # outside the statistics' period
    ])


STATS = [
    {"stat_id": "nc-2018", "metric": "deaths", "value_low": 20, "qualifier": "at_least", "period_start": "2018-01-01",
     "period_end": "2018-12-31", "iso3": "RUS", "country": "Russia", "theatre": "North Caucasus",
     "is_branch": "is-caucasus"},
    {"stat_id": "nc-attacks-h1", "metric": "attacks", "value_low": 4, "value_high": 6, "qualifier": "range",
     "period_start": "2018-01-01", "period_end": "2018-06-30", "theatre": "North Caucasus"},
    {"stat_id": "nc-arrests", "metric": "arrests", "value_low": 100, "period_start": "2018-01-01",
     "period_end": "2018-12-31", "theatre": "North Caucasus"},
    {"stat_id": "badia-2018", "metric": "deaths", "value_low": 100, "value_high": 100, "period_start": "2018-01-01",
     "period_end": "2018-12-31", "iso3": "SYR", "country": "Syria", "theatre": "Syria: Badia"},
    {"stat_id": "nc-2016", "metric": "deaths", "value_low": 5, "period_start": "2016-01-01",
     "period_end": "2016-12-31", "theatre": "North Caucasus"},
]


def test_reported_vs_incidents_sums_each_statistics_own_area_and_period(incidents: pd.DataFrame) -> None:
    table = coverage.reported_vs_incidents(incidents, make_stats(STATS), start="2018-01-01", end="2018-12-31")
    assert table["stat_id"].tolist() == ["nc-2018", "nc-attacks-h1", "nc-arrests", "badia-2018"]  # 2016 is out
    t = table.set_index("stat_id")
    nc = t.loc["nc-2018"]
    assert (nc["incident_rows"], nc["incidents_unknown"]) == (3, 1)
    assert (nc["incident_low"], nc["incident_best"], nc["incident_high"]) == (12, 13, 15)
    assert nc["share_of_reported"] == pytest.approx(13 / 20)
    assert nc["upper_bound"] == "none stated" and pd.isna(nc["reported_high"])  # "at least": no upper bound
    assert pd.isna(nc["share_of_reported_high"])
    attacks = t.loc["nc-attacks-h1"]
    assert attacks["incident_best"] == 2 and attacks["share_of_reported_high"] == pytest.approx(2 / 6)
    arrests = t.loc["nc-arrests"]
    assert arrests["compared_with"] == "not comparable" and pd.isna(arrests["incident_best"])
    assert t.loc["badia-2018", "incident_best"] == 50 and t.loc["badia-2018", "upper_bound"] == "stated"
    notes = reported_notes(table)
    assert "No upper bound stated" in notes and "nc\\-2018" in notes and "not" in notes


def test_statistics_overlap_the_selected_area(incidents: pd.DataFrame) -> None:
    stats = make_stats(STATS)
    only_nc = coverage.reported_vs_incidents(incidents, stats, theatres=["North Caucasus"], start="2018-01-01")
    assert "badia-2018" not in set(only_nc["stat_id"])
    syria = coverage.reported_vs_incidents(incidents, stats, countries=["Syria"])
    assert syria["stat_id"].tolist() == ["badia-2018"]
    # the sums do not depend on the selection: the statistic's own area and period decide
    assert syria.loc[0, "incident_best"] == 50
    assert coverage.reported_vs_incidents(incidents, stats, theatres=["Libya"]).empty
    assert "No reported statistic" in reported_notes(coverage.reported_vs_incidents(
        incidents, stats, theatres=["Libya"]))


def test_missing_fields_counts_blank_values(incidents: pd.DataFrame) -> None:
    incidents.loc[0, "notes"] = "   "
    missing = coverage.missing_fields(incidents)
    assert missing.loc["incident_id", "blank"] == 0
    assert missing.loc["location", "blank"] == 4
    assert missing.loc["notes", "blank"] == 5  # whitespace-only is blank
    assert missing.loc["killed_best", "blank_share"] == pytest.approx(1 / 5)
    assert list(missing.index[:2]) == ["incident_id", "date"]  # schema order


def test_precision_rows_and_unknowns(incidents: pd.DataFrame) -> None:
    prec = coverage.precision_table(incidents, "date_precision")
    assert prec.loc["curated", ["day", "week", "month", "year"]].tolist() == [4, 0, 1, 0]  # zero kept
    assert prec.loc["curated", "month_share"] == pytest.approx(0.2)
    by_source = coverage.rows_by_source(incidents)
    assert by_source.set_index("source_id")["rows"].to_dict() == {"src-a": 5, "src-b": 1}
    rows = coverage.rows_by_dataset(incidents)
    assert rows.loc["North Caucasus", "curated"] == 4 and rows.loc["total", "total"] == 5
    unknown = coverage.unknown_casualties(incidents)
    assert unknown.loc["North Caucasus", "deaths_unknown"] == 1
    assert unknown.loc["North Caucasus", "wounded_unknown"] == 4


def test_reported_chart_bars_match_the_table(incidents: pd.DataFrame) -> None:
    table = coverage.reported_vs_incidents(incidents, make_stats(STATS), start="2018-01-01", end="2018-12-31")
    fig = plots_coverage.plot_reported_vs_incidents(table)
    compared = table[table["compared_with"] != "not comparable"].set_index("stat_id")
    tags = [(parse_tag(p.get_gid()), p.get_width(), ax) for ax in fig.axes for p in ax.patches
            if parse_tag(p.get_gid())]
    reported = {t[1]: w for t, w, _ in tags if t[0] == "reported"}
    summed = {t[1]: w for t, w, _ in tags if t[0] == "incidents"}
    assert reported == compared["reported_low"].to_dict()
    assert summed == compared["incident_best"].astype(float).to_dict()
    assert all(t[2] == w for t, w, _ in tags)  # the tag carries the drawn value
    # one measure per axis: deaths (persons) and attacks (events) are never on one axis (issue 10)
    axis_of = {t[1]: ax.get_xlabel() for t, _, ax in tags}
    assert axis_of["nc-2018"] == axis_of["badia-2018"] == "deaths (persons)"
    assert axis_of["nc-attacks-h1"] == "attacks or incidents (events)"
    assert sum("no upper bound" in t.get_text() for ax in fig.axes for t in ax.texts) == 1
    caption = " ".join(ik.charts.caption_text(fig).split())
    unknown = int(compared["incidents_unknown"].sum())
    assert f"Incident rows with no figure inside the compared statistics: {unknown} (not counted" in caption
    assert "state no upper bound" in caption
    plt.close(fig)
    fig = plots_coverage.plot_missing_fields(coverage.missing_fields(incidents))
    widths = np.array([p.get_width() for p in fig.axes[0].patches])
    assert widths == pytest.approx(coverage.missing_fields(incidents)["blank_share"].to_numpy() * 100)
    plt.close(fig)


def test_reported_figures_are_compared_only_with_their_own_role_and_measure(incidents: pd.DataFrame) -> None:
    """Issue 10: operations against IS are never set beside IS violence; a category of deaths is not divided by all
    deaths; a period the source does not cover is "not covered", not 0."""
    incidents = incidents.copy()
    incidents.loc[1, "is_role"] = "target"  # the 10 deaths of June 2018: an operation against IS
    stats = make_stats(STATS[:1] + [
        {"stat_id": "nc-raids-2018", "metric": "deaths_militants", "value_low": 9, "period_start": "2018-01-01",
         "period_end": "2018-12-31", "theatre": "North Caucasus", "is_role": "target"},
        {"stat_id": "nc-members", "metric": "fighters", "value_low": 50, "period_start": "2018-01-01",
         "period_end": "2018-12-31", "theatre": "North Caucasus", "is_role": None},
    ])
    t = coverage.reported_vs_incidents(incidents, stats).set_index("stat_id")
    assert t.loc["nc-2018", "incident_best"] == 3 and t.loc["nc-2018", "roles"] == "perpetrator"  # 13 before
    assert t.loc["nc-raids-2018", "incident_best"] == 10 and t.loc["nc-raids-2018", "roles"] == "target"
    assert pd.isna(t.loc["nc-raids-2018", "share_of_reported"])  # militants killed vs all deaths: no share
    assert t.loc["nc-members", "compared_with"] == "not comparable"
    from incidentkit.analysis.statements import reported_sentences
    from incidentkit.data.coverage import Coverage, attach_coverage

    sentences = reported_sentences(coverage.reported_vs_incidents(incidents, stats))
    assert sentences[0] == ("Sources report at least 20 deaths in attacks by IS (North Caucasus, 1 January 2018 to "
                            "31 December 2018); this table records 3 (range 2-5) deaths in 2 incident(s), 1 with no figure "
                            "there.")
    outside = attach_coverage(incidents, Coverage("acled", "x.csv", "ACLED export x.csv", pd.Timestamp("2021-01-01"),
                                                  pd.Timestamp("2021-06-30"), (("RUS", "Russia", 3),)))
    gap = coverage.reported_vs_incidents(outside, stats).set_index("stat_id")
    assert gap.loc["nc-2018", "compared_with"] == "not covered" and pd.isna(gap.loc["nc-2018", "incident_best"])
    assert pd.isna(gap.loc["nc-2018", "share_of_reported"])  # symptom: "share 0.0" for periods outside the file
    assert "does not cover that period there" in reported_sentences(
        coverage.reported_vs_incidents(outside, stats))[0]


def test_empty_selection_tables() -> None:
    empty = make_incidents([])
    assert coverage.missing_fields(empty)["blank"].sum() == 0
    assert coverage.rows_by_source(empty).empty
    assert coverage.unknown_casualties(empty).empty
    fig = plots_coverage.plot_missing_fields(coverage.missing_fields(empty))
    assert fig.get_label() == "no-data"
    plt.close(fig)
