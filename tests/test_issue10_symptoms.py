"""The symptoms of issue 10 ("say what the data cannot know"), each reproduced on the curated table, a crafted table
or a real sample, with the corrected value or sentence asserted. Other symptoms are tested where their code lives
(tests/test_trends.py, test_brief.py, test_coverage.py, test_readers_roles.py, test_nb_*.py); this file holds the
rest.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import incidentkit as ik
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from conftest import make_incidents
from incidentkit.data.coverage import Coverage, attach_coverage
from incidentkit.data.readers import RowsRejectedWarning

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-samples"
UCDP = SAMPLES / "ucdp" / "ged231_random-sample-1000_uncertainUCDP.csv"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="real samples (../shared/real-samples) not present")


def _caption(fig) -> str:
    return " ".join(ik.charts.caption_text(fig).split())


# --- operations against IS are not IS violence ------------------------------------------------------------------


def test_operations_against_is_are_not_counted_as_is_violence():
    """Symptom: 10 of the 43 curated rows are operations against IS, and they fed every trend ("Afghanistan" and
    "Syria: other" were 100 % operations against IS; both pre-2024 IS-Khorasan bars were attacks on IS-K)."""
    default = ik.load_incidents()
    assert set(default["is_role"]) == {"perpetrator"} and ik.coverage(default).roles == ("perpetrator",)
    comparison = ik.theatre_comparison(default)
    assert "Afghanistan" not in comparison.index and "Syria: other" not in comparison.index
    khorasan = ik.load_incidents(branches="is-khorasan", end="2023-12-31")
    assert len(khorasan) == 0  # before 2024 the table holds only operations against IS-K
    everyone = ik.load_incidents(roles=["all"])
    roles = ik.role_table(everyone)
    assert roles.loc["Afghanistan", "target_incidents"] == 2 and roles.loc["Afghanistan", "perpetrator_incidents"] == 0
    assert (roles.loc["Syria: other", "perpetrator_incidents"], roles.loc["Syria: other", "target_incidents"]) == (0, 5)
    q1 = ik.counts_by_role(everyone, "quarter", start="2023-01-01", end="2023-03-31", theatres=[
        "Syria: Badia", "Syria: Daraa", "Syria: North-east", "Syria: other"])
    by_role = dict(zip(q1["is_role"], q1["incidents"], strict=True))
    assert by_role == {"perpetrator": 2, "two_sided": 0, "target": 3}  # the raids apart, never added


def test_every_title_and_caption_names_the_roles_it_counts():
    sel = ik.check_parameters(source="curated", start="2015-01-01", end="2024-12-31")
    assert sel.label.endswith("; violence carried out by IS") and "violence carried out by IS" in sel.caption()
    assert sel.with_roles(["target"]).label.endswith("; operations against IS")


# --- the curated table is documented incidents, not a count -----------------------------------------------------------


def test_north_caucasus_2016_17_is_not_drawn_as_zero_deaths_but_beside_what_the_sources_report():
    """Symptom: North Caucasus 2016-17 drawn as 0 deaths while reported_statistics says more than 180 deaths."""
    sel = ik.check_parameters(source="curated", theatres=["North Caucasus"], start="2015-01-01", end="2024-12-31")
    incidents = ik.load_incidents(sel)
    counts = ik.counts_by_period(incidents, "year", start=sel.start, end=sel.end, theatres=sel.theatres)
    years = dict(zip(counts["period"].astype(str), counts["deaths_best"], strict=True))
    assert pd.isna(years["2016"]) and pd.isna(years["2017"])  # no document reports incidents there
    caption = ik.text.reported_caption(ik.reported_context(sel), sel.roles, "deaths")
    assert caption.startswith("Sources report more than 180 deaths in attacks by IS (North Caucasus, 2015 to 2017); "
                              "this table records 1 documented incident(s), none with a death figure there, "
                              "covering 7% of the period.")
    fig = ik.charts.plot_deaths(counts, period="year", rolling=1, caption=sel.caption(caption))
    text = _caption(fig)
    assert "more than 180 deaths" in text and "Hatched: 2 period(s) the source does not cover" in text
    plt.close(fig)


def test_every_curated_statement_says_documented_incidents_not_a_count():
    """Symptom: only the data-coverage report said the table is not a count; the others said "Source: curated"."""
    for theatres in ([], ["Syria: Badia"], ["Iran"]):
        sel = ik.check_parameters(source="curated", theatres=theatres, start="2015-01-01", end="2024-12-31")
        assert ik.text.coverage_statement(ik.load_incidents(sel), sel).startswith("Documented incidents, not a count")
    # the exploration notebook shows it through ik.explore (tests/test_explore.py: the explorer's statement is the
    # coverage statement) and writes no summary.json (it is not in the report plan)
    for path in sorted(NOTEBOOKS.glob("[1-9]*.ipynb")) + [NOTEBOOKS / "_template.ipynb"]:
        text = path.read_text(encoding="utf-8")
        # shown on the page: by itself, or opening the key-figure panel (tests/test_tables.py)
        assert ("ik.text.coverage_statement(incidents, sel)" in text
                or "ik.text.key_figures_html(incidents, sel" in text), path.name
        assert "ik.text.coverage_statement(incidents, sel, markdown=False)" in text, path.name  # summary.json


# --- fields a dataset does not code, aggregates, precision -----------------------------------------------------------


@needs_samples
def test_a_dataset_without_claim_coding_has_no_claimed_share_of_zero():
    """Symptom: UCDP codes neither claims nor suicide attacks, yet the regional table showed claimed_share 0.0
    and suicide 0."""
    df = ik.load_incidents(str(UCDP), roles=["all"])
    comp = ik.theatre_comparison(df)
    assert len(comp) and comp["claimed_share"].isna().all() and comp["claimed"].isna().all()
    assert comp["suicide"].isna().all() and comp.attrs["not_coded"] == ["claimed", "suicide"]
    figures = ik.brief_figures(df)
    assert figures["claimed"] is None and figures["suicide"] is None
    assert "not coded by the source" in ik.text.headline_markdown(figures, "UCDP")


@needs_samples
def test_year_level_aggregates_are_never_listed_among_the_deadliest():
    """Symptom: UCDP's year-long aggregate rows were listed among the "deadliest incidents" ("Syria, Syria")."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        df = ik.load_incidents(str(UCDP), roles=["all"])
    aggregate = ~ik.single_incidents(df)
    assert aggregate.sum() > 0
    table = ik.text.deadliest_table(df, 50)
    assert not set(table["incident_id"]) & set(df.loc[aggregate, "incident_id"])
    assert table.attrs["aggregates_left_out"] > 0
    notable = ik.notable_incidents(df, n=50)
    assert not set(notable["incident_id"]) & set(df.loc[aggregate, "incident_id"])


def test_year_dated_rows_are_shown_apart_in_a_monthly_chart_not_in_january():
    """Symptom: a January 2016 spike of 8,102 deaths held 6,857 deaths from 9 year-long aggregates, no word said."""
    rows = make_incidents([
        {"incident_id": "agg", "date": "2016-01-01", "date_end": "2016-12-31", "date_precision": "year",
         "country": "Syria", "iso3": "SYR", "theatre": "Syria: other", "is_role": "two_sided", "killed_best": 6857,
         "killed_low": 6500, "killed_high": 7000, "flags": "aggregate_period"},
        {"incident_id": "day", "date": "2016-01-20", "date_precision": "day", "country": "Syria", "iso3": "SYR",
         "theatre": "Syria: other", "is_role": "two_sided", "killed_best": 12, "killed_low": 12, "killed_high": 12},
    ])
    df = attach_coverage(rows, Coverage("ucdp", "g.csv", "UCDP GED export g.csv", pd.Timestamp("2016-01-01"),
                                        pd.Timestamp("2016-12-31"), (("SYR", "Syria", 2),)))
    counts = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-12-31")
    assert counts.loc[0, "deaths_best"] == 12  # January: the day-dated event only
    fig = ik.charts.plot_deaths(counts, period="month", rolling=1)
    text = _caption(fig)
    assert "+1 incident(s) dated only to a year (6,857 deaths by their best figures) are not in any month" in text
    assert any(t.get_gid() and "apart" in t.get_gid() for t in fig.axes[0].texts)
    plt.close(fig)


# --- unknown is not zero, open ranges are not closed, qualifiers are kept --------------------------------------------


def test_theatres_with_no_toll_are_not_flat_zero_lines():
    """Symptom: Iran and Turkey (Kerman, Istanbul: no toll in the documents) drawn as flat zero lines of deaths."""
    df = ik.load_incidents(start="2024-01-01", end="2024-12-31")
    series = ik.monthly_by_theatre(df, start="2024-01-01", end="2024-12-31")
    iran = series[series["theatre"].astype(object) == "Iran"]
    # January: one incident with no figure; February-March: covered (a report up to March), none documented; then
    # not covered: never a zero for what is unknown
    assert pd.isna(iran["deaths_best"].iloc[0]) and iran["deaths_best"].iloc[1:3].tolist() == [0, 0]
    assert iran["deaths_best"].iloc[3:].isna().all() and iran["incidents"].tolist()[0] == 1
    fig = ik.charts.plot_small_multiples(series, measure="deaths")
    panels = {t.get_text(): ax for ax in fig.axes for t in ax.texts if t.get_gid() == "panel-title"}
    for theatre in ("Iran", "Turkey"):
        ax = panels[theatre]
        assert [t.get_text() for t in ax.texts if t.get_gid() == "no-figure-panel"] == ["no death figure"]
        assert not ax.lines  # no line at zero
    plt.close(fig)
    comp = ik.theatre_comparison(df)
    assert pd.isna(comp.loc["Iran", "deaths_best"]) and pd.isna(comp.loc["Turkey", "deaths_best"])


def test_headline_deaths_say_at_least_and_keep_nearly_as_about():
    """Symptoms: "Deaths: 940 (range 932-940)" while 14 incidents have no upper bound; "nearly 500" printed as
    "at least 500"."""
    every = ik.load_incidents(roles=["all"], start="2015-01-01", end="2024-12-31")
    text = ik.text.describe_selection(every, "all theatres", "curated table")
    assert "Deaths: **940 (at least 932)** (14 state no upper bound, so the total is a floor" in text
    assert "range 932-940" not in text
    hasakah = ik.load_incidents(theatres="Syria: North-east")
    row = ik.text.deadliest_table(hasakah, 5).set_index("incident_id").loc["2022-01-01-syr-hasakah-prison-attack"]
    assert row["killed"] == "about 500"  # coded best 500, no bounds ("nearly 500")
    chron = ik.chronology(hasakah, None, None)
    assert chron.loc[chron["id"] == "2022-01-01-syr-hasakah-prison-attack", "deaths"].item() == "about 500"
    gtd_like = make_incidents([{"incident_id": "g", "date": "2017-01-01", "killed_low": 5, "killed_best": 5,
                                "killed_high": 5, "source_dataset": "gtd"}])
    assert ik.text.deadliest_table(gtd_like, 1).loc[0, "killed"] == "5"  # one figure, not "at least 5"


def test_a_caption_says_each_thing_once():
    """Symptom: "8 incident(s) have no death figure ... 8 of 43 incident(s) have no death figure" (the notebook and
    the chart both added it)."""
    sel = ik.check_parameters(source="curated", start="2015-01-01", end="2024-12-31")
    comparison = ik.theatre_comparison(ik.load_incidents(sel))
    fig = ik.charts.plot_theatre_comparison(comparison, caption=sel.caption())
    assert _caption(fig).count("have no death figure") == 1
    plt.close(fig)
    for path in NOTEBOOKS.glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "unknown_note" not in text and "no death figure: {" not in text, path.name
