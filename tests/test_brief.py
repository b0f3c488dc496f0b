"""Theatre brief tables: previous period, chronology with sources, notable incidents, escaping of data strings."""

from __future__ import annotations

import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from incidentkit.analysis import brief
from incidentkit.analysis.text import chronology_markdown, escape_markdown, notable_markdown
from incidentkit.charts import brief as plots_brief
from incidentkit.data.selection import Selection
from incidentkit.errors import ParameterError
from test_regions import make_incidents

SOURCES = pd.DataFrame({
    "source_id": ["src-a", "src-b"], "title": ["Report A", "Report <B>"], "publisher": ["Pub A", "Pub B"],
    "published": pd.to_datetime(["2018-07-31", None]), "date_precision": ["day", None],
})
EVENTS = pd.DataFrame({
    "event_id": ["ev-1"], "date": pd.to_datetime(["2018-01-10"]), "date_precision": ["month"],
    "location": [None], "admin1": [None], "country": ["Russia"], "title": ["Province announced"],
    "summary": ["An event."], "source_ids": ["src-b"],
})


@pytest.fixture
def incidents() -> pd.DataFrame:
    return make_incidents([
        {"date": "2018-01-05", "location": "Kizilyurt", "killed_low": 2, "killed_best": 3, "killed_high": 5,
         "source_ids": "src-a;gtd-release", "summary": "Crafted <img src=x onerror=alert(1)> **bold** [link](http://x)"},
        {"date": "2018-01-20", "killed_low": 4, "claim_status": "unclaimed", "suicide": True},
        {"date": "2018-03-02", "claim_status": "unknown"},
    ])


def test_previous_period_is_the_same_length_just_before() -> None:
    assert brief.previous_period("2024-01-01", "2024-12-31") == (pd.Timestamp("2023-01-01"), pd.Timestamp("2023-12-31"))
    assert brief.previous_period("2024-04-01", "2024-06-30") == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-03-31"))
    lo, hi = brief.previous_period("2024-03-10", "2024-03-19")
    assert (lo, hi) == (pd.Timestamp("2024-02-29"), pd.Timestamp("2024-03-09"))
    with pytest.raises(ParameterError):
        brief.previous_period("2024-03-19", "2024-03-10")


def test_previous_selection_needs_a_closed_period() -> None:
    sel = Selection("curated", ["North Caucasus"], start=pd.Timestamp("2018-01-01"), end=pd.Timestamp("2018-12-31"))
    prev = brief.previous_selection(sel)
    assert (prev.start, prev.end, prev.theatres) == (pd.Timestamp("2017-01-01"), pd.Timestamp("2017-12-31"),
                                                     ["North Caucasus"])
    with pytest.raises(ParameterError, match="start and end"):
        brief.previous_selection(Selection("curated", ["Libya"], start=pd.Timestamp("2018-01-01")))


def test_a_brief_needs_a_place() -> None:
    """Audit 5.8: theatre "" and countries [] must not run an "all theatres" brief."""
    everywhere = Selection("curated", start=pd.Timestamp("2018-01-01"), end=pd.Timestamp("2018-12-31"))
    with pytest.raises(ParameterError, match="give one theatre or countries"):
        brief.previous_selection(everywhere)
    by_country = Selection("curated", countries=["RUS"], start=pd.Timestamp("2018-01-01"),
                           end=pd.Timestamp("2018-12-31"))
    assert brief.previous_selection(by_country).countries == ["RUS"]


def test_escape_markdown_leaves_no_markup() -> None:
    text = escape_markdown("<script>alert(1)</script> **b** [x](y)\n# heading")
    assert "<" not in text and ">" not in text
    assert "\\*\\*b\\*\\*" in text and "\\[x\\]\\(y\\)" in text
    assert "\n" not in text and "\\#" in text
    assert escape_markdown(None) == "" and escape_markdown(pd.NA) == ""


def test_brief_figures_and_comparison(incidents: pd.DataFrame) -> None:
    figures = brief.brief_figures(incidents, EVENTS)
    assert figures["incidents"] == 3 and figures["deaths_best"] == 7 and figures["deaths_unknown_incidents"] == 1
    assert (figures["claimed"], figures["suicide"], figures["events"]) == (1, 1, 1)
    comp = brief.period_comparison(incidents, incidents.iloc[:1])
    assert comp.loc["incidents"].tolist()[:3] == [3, 1, 2]
    assert comp.loc["deaths_best", "change_pct"] == pytest.approx((7 - 3) / 3 * 100, abs=0.1)
    empty_prev = brief.period_comparison(incidents, incidents.iloc[:0])
    assert pd.isna(empty_prev.loc["incidents", "change_pct"])  # no division by zero


def test_chronology_merges_incidents_and_events_with_sources(incidents: pd.DataFrame) -> None:
    chron = brief.chronology(incidents, EVENTS, SOURCES)
    assert chron["kind"].tolist() == ["incident", "event", "incident", "incident"]
    assert chron.loc[1, "when"] == "January 2018"  # month precision shown as a month
    first = chron.loc[0, "sources"]
    assert first.startswith("Report A, Pub A, 31 July 2018") and first.endswith("gtd-release")
    assert chron.loc[1, "sources"] == "Report <B>, Pub B, date not stated"
    assert chron.loc[0, "deaths"] == "3 (2-5)" and chron.loc[3, "deaths"] == "no figure"
    assert chron.loc[2, "deaths"] == "at least 4"


def test_chronology_markdown_escapes_data(incidents: pd.DataFrame) -> None:
    md = chronology_markdown(brief.chronology(incidents, EVENTS, SOURCES))
    assert "<img" not in md and "<B>" not in md and "&lt;img" in md
    assert "**bold**" not in md and "[link](" not in md
    assert md.count("*Sources:*") == 4


def test_notable_incidents_by_reason(incidents: pd.DataFrame) -> None:
    notable = brief.notable_incidents(incidents, n=5)
    deadliest = notable[notable["reason"] == "deadliest"]
    assert deadliest["deaths_best"].tolist() == [4, 3]  # unknown tolls are not ranked
    assert notable.loc[notable["reason"] == "claimed", "incident_id"].tolist() == ["test-0"]
    assert notable.loc[notable["reason"] == "suicide", "incident_id"].tolist() == ["test-1"]
    assert brief.notable_incidents(incidents.iloc[:0]).empty
    # symptom: "0 suicide attack(s)" where suicide is blank (unknown) for most incidents
    text = notable_markdown(notable[notable["reason"] != "suicide"])
    assert "none known in the period (2 incident(s): not known whether a suicide attack)" in text
    assert "none in the period" not in text


def test_period_chart_bars_are_the_table(incidents: pd.DataFrame) -> None:
    comp = brief.period_comparison(incidents, incidents.iloc[:1])
    fig = plots_brief.plot_period_comparison(comp, current_label="2018", previous_label="2017")
    ax_i, ax_d = fig.axes
    assert [p.get_height() for p in ax_i.patches] == [1, 3]
    assert [p.get_height() for p in ax_d.patches] == [3, 7]
    plt.close(fig)
    none = brief.period_comparison(incidents.iloc[:0], incidents.iloc[:0])
    fig = plots_brief.plot_period_comparison(none, current_label="a", previous_label="b")
    assert fig.get_label() == "no-data"
    plt.close(fig)


def test_a_half_year_file_is_not_compared_with_the_half_year_it_does_not_hold(incidents: pd.DataFrame) -> None:
    """Symptom: a brief compared a file's half year with the empty half year before it ("191 against 0, +191")."""
    from incidentkit.charts.style import svg_values
    from incidentkit.data.coverage import Coverage, attach_coverage

    cov = Coverage("gtd", "x.csv", "GTD export x.csv", pd.Timestamp("2018-01-01"), pd.Timestamp("2018-06-30"),
                   (("RUS", "Russia", 3),))
    current = attach_coverage(incidents.copy(), cov)
    earlier = attach_coverage(incidents.iloc[:0].copy(), cov)
    comp = brief.period_comparison(current, earlier, current_period=("2018-01-01", "2018-06-30"),
                                   previous_period=("2017-07-01", "2017-12-31"), theatres=["North Caucasus"])
    assert comp.attrs["comparable"] is False and comp.attrs["why"] == "the GTD export x.csv does not cover the period before"
    assert comp["previous"].isna().all() and comp["change"].isna().all()  # not covered: unknown, never 0
    text = brief_text_of(comp)
    assert "2017-07-01 to 2017-12-31: not covered by the source" in text and "against 0" not in text
    fig = plots_brief.plot_period_comparison(comp, current_label="H1 2018", previous_label="H2 2017")
    path = Path(tempfile.mkdtemp()) / "c.svg"
    fig.savefig(path)
    plt.close(fig)
    values = svg_values(path)
    assert [label for label, _ in values["not_covered"]] == ["previous", "previous"]  # both panels
    assert [label for label, _ in values["incidents"]] == ["current"]


def brief_text_of(comp: pd.DataFrame) -> str:
    from incidentkit.analysis.text import comparison_text

    return comparison_text(comp, "2018-01-01 to 2018-06-30", "2017-07-01 to 2017-12-31").replace("\\", "")
