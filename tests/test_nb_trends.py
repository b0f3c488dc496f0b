"""papermill runs of notebooks/10-trends.ipynb with non-default parameters, checked against the library."""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import papermill as pm
import pytest
from conftest import execute_notebook, outputs_text

pytestmark = pytest.mark.notebooks

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "10-trends.ipynb"
FIGURES = ("incidents-per-period", "incidents-per-period-by-group", "deaths-per-period", "deaths-per-period-by-group")


def run(tmp_path: Path, **parameters):
    """Execute the notebook into tmp_path; return (summary.json as read back, output folder, executed notebook)."""
    return execute_notebook(NOTEBOOK.name, tmp_path, **parameters)


def expected_summary(tmp_path: Path, *, source="curated", theatres=(), start="2015-01-01", end="2024-12-31",
                     period="month", rolling=3, group_by="theatre", show_events=True, roles=("perpetrator",)) -> dict:
    """What the notebook should write, computed in-process with the library, round-tripped through JSON."""
    sel = ik.check_parameters(source=source, theatres=list(theatres), start=start, end=end, roles=list(roles))
    incidents = ik.load_incidents(sel.source, **sel.filters)
    timeline = ik.timeline_events(ik.load_events(theatres=sel.theatres or None, start=sel.start, end=sel.end))
    assert timeline.equals(ik.timeline_events(ik.selection_events(sel)))
    place = {"theatres": sel.theatres, "countries": sel.countries}
    counts = ik.counts_by_period(incidents, period, start=sel.start, end=sel.end, **place)
    everyone = ik.load_incidents(sel.source, **sel.with_roles("all").filters)
    summary = {**ik.headline_figures(incidents), **ik.period_stats(counts), "period": period, "group_by": group_by,
               "rolling": rolling, "events_marked": len(timeline) if show_events else 0,
               "year_on_year": ik.year_on_year(incidents, start=sel.start, end=sel.end, **place),
               "roles": list(sel.roles), "coverage_statement": ik.coverage_statement(incidents, sel, markdown=False),
               "incidents_by_role": everyone["is_role"].value_counts().to_dict(),
               "reported": ik.reported_sentences(ik.reported_context(sel), roles=sel.roles)}
    folder = tmp_path / "expected"
    ik.write_summary(summary, folder)
    return ik.read_summary(folder)


def test_another_theatre_by_quarter_grouped_by_branch(tmp_path):
    params = {"theatres": ["North Caucasus"], "start": "2016-01-01", "end": "2021-12-31", "period": "quarter",
              "rolling": 2, "group_by": "branch", "show_events": False}
    summary, out, _ = run(tmp_path, **params)
    expected = expected_summary(tmp_path, **params)
    assert summary == expected
    assert summary["periods"] == 24 and summary["events_marked"] == 0 and summary["roles"] == ["perpetrator"]
    assert [row["year"] for row in summary["year_on_year"]] == list(range(2016, 2022))
    for name in FIGURES:
        assert (out / "figures" / f"{name}.png").stat().st_size > 0
        assert (out / "figures" / f"{name}.svg").stat().st_size > 0


def test_an_empty_selection_completes_with_a_clear_statement(tmp_path):
    params = {"theatres": ["Iran"], "start": "2015-01-01", "end": "2015-03-31", "period": "month"}
    assert len(ik.load_incidents(theatres=["Iran"], start="2015-01-01", end="2015-03-31")) == 0
    summary, out, nb = run(tmp_path, **params)
    assert summary == expected_summary(tmp_path, **params)
    assert summary["incidents"] == 0 and summary["first_date"] is None and summary["peak_period"] is None
    assert summary["periods"] == 3 and summary["periods_not_covered"] == 3  # no document covers Iran in 2015
    text = outputs_text(nb)
    assert "**No incidents match** the selection (Iran, 2015-01-01 to 2015-03-31; violence carried out by IS)" in text
    assert "they report or list incidents for 0% of" in text
    assert all((out / "figures" / f"{name}.png").exists() for name in FIGURES)
    assert all('id="no-data"' in (out / "figures" / f"{name}.svg").read_text() for name in FIGURES)
    assert "Empty DataFrame" not in text and "<table" not in text  # no bare empty tables (audit item 9)


@pytest.mark.real_samples
def test_a_ucdp_export_as_source_by_year(tmp_path, real_samples):
    export = real_samples / "ucdp" / "ged231_random-sample-1000_uncertainUCDP.csv"
    params = {"source": str(export), "start": "2005-01-01", "end": "2022-12-31", "period": "year", "rolling": 1}
    summary, _, nb = run(tmp_path, **params)
    assert summary == expected_summary(tmp_path, **params)
    assert summary["incidents"] > 0
    text = outputs_text(nb)
    assert "UCDP GED export" in text
    assert "UCDP GED does not code claims, suicide attacks" in text  # unknown, not 0
    assert summary["coverage_statement"].startswith("An export of UCDP GED")


def test_a_bad_parameter_fails_with_a_clear_message(tmp_path):
    with pytest.raises(pm.PapermillExecutionError, match="is after end"):
        run(tmp_path, start="2020-01-01", end="2019-01-01")
    with pytest.raises(pm.PapermillExecutionError, match="valid values are: month, quarter, year"):
        run(tmp_path, period="week")


def test_the_charts_the_notebook_saved_hold_the_summary_numbers(tmp_path):
    """Figure read-back (audit of issue 5, item 6): the plotting functions tag every bar with the value it draws
    (``incidentkit.charts.style.tag_value`` -> the bar's ``gid`` -> its SVG group ``id``); this reads the SVG files the
    notebook run saved and compares them with the same run's summary.json. A part-year end (2023-06-30) and a
    rolling window longer than the series are part of the run (audit item 2). Issue 10: a year no document covers
    has no bar but a hatched band (never a zero bar), and the role split is drawn in panels that are never added."""
    from incidentkit.charts.style import svg_values

    params = {"theatres": ["Syria: Badia", "North Caucasus"], "start": "2015-01-01", "end": "2023-06-30",
              "period": "year", "rolling": 12}
    summary, out, nb = run(tmp_path, **params)
    values = svg_values(out / "figures" / "incidents-per-period.svg")
    bars = values["incidents"]
    yoy = {row["year"]: row for row in summary["year_on_year"]}
    uncovered = [y for y in range(2015, 2024) if yoy[y]["incidents"] is None]
    assert uncovered == [2016, 2017]  # no document covers them for these theatres: unknown, not zero
    assert [label for label, _ in bars] == [str(y) for y in range(2015, 2024) if y not in uncovered]
    assert [label for label, _ in values["not_covered"]] == ["2016..2017"]
    assert len(bars) + sum(v for _, v in values["not_covered"]) == summary["periods"]
    assert summary["periods_not_covered"] == len(uncovered)
    assert sum(v for _, v in bars) == summary["incidents"] - summary["incidents_apart"]
    assert sum(v == 0 for _, v in bars) == summary["periods_without_incidents"]
    if summary["peak_period"] is not None:
        assert max(v for _, v in bars) == summary["peak_value"]
        assert next(label for label, v in bars if v == summary["peak_value"]) == summary["peak_period"]
    deaths = svg_values(out / "figures" / "deaths-per-period.svg").get("deaths_best", [])
    assert sum(v for _, v in deaths) == summary["deaths_best"]
    assert [(label, v) for label, v in bars] == [(str(y), float(yoy[y]["incidents"])) for y in range(2015, 2024)
                                                 if y not in uncovered]
    assert yoy[2023]["partial"] is True and yoy[2023]["incidents_change_pct"] is None
    assert {row["note"] for row in summary["year_on_year"]} == {"documented incidents, not a count: no change computed"}
    roles = svg_values(out / "figures" / "incidents-by-role.svg")
    for role, n in summary["incidents_by_role"].items():  # each role in its own panel, never added
        assert sum(v for _, v in roles.get(f"incidents:{role}", [])) <= n
    assert sum(v for _, v in roles["incidents:perpetrator"]) == summary["incidents"] - summary["incidents_apart"]
    assert "Empty DataFrame" not in outputs_text(nb)
