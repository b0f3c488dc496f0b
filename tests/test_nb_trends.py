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
                     period="month", rolling=3, group_by="theatre", show_events=True) -> dict:
    """What the notebook should write, computed in-process with the library, round-tripped through JSON."""
    sel = ik.check_parameters(source=source, theatres=list(theatres), start=start, end=end)
    incidents = ik.load_incidents(sel.source, **sel.filters)
    timeline = ik.timeline_events(ik.load_events(theatres=sel.theatres or None, start=sel.start, end=sel.end))
    assert timeline.equals(ik.timeline_events(ik.selection_events(sel)))
    counts = ik.counts_by_period(incidents, period, start=sel.start, end=sel.end)
    summary = {**ik.headline_figures(incidents), **ik.period_stats(counts), "period": period, "group_by": group_by,
               "rolling": rolling, "events_marked": len(timeline) if show_events else 0,
               "year_on_year": ik.year_on_year(incidents, start=sel.start, end=sel.end)}
    folder = tmp_path / "expected"
    ik.charts.write_summary(summary, folder)
    return ik.charts.read_summary(folder)




def test_another_theatre_by_quarter_grouped_by_branch(tmp_path):
    params = {"theatres": ["North Caucasus"], "start": "2016-01-01", "end": "2021-12-31", "period": "quarter",
              "rolling": 2, "group_by": "branch", "show_events": False}
    summary, out, _ = run(tmp_path, **params)
    expected = expected_summary(tmp_path, **params)
    assert summary == expected
    assert summary["periods"] == 24 and summary["events_marked"] == 0
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
    assert summary["periods"] == 3 and summary["periods_without_incidents"] == 3
    text = outputs_text(nb)
    assert "**No incidents match** the selection (Iran, 2015-01-01 to 2015-03-31)" in text
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
    assert "UCDP GED export" in outputs_text(nb)


def test_a_bad_parameter_fails_with_a_clear_message(tmp_path):
    with pytest.raises(pm.PapermillExecutionError, match="is after end"):
        run(tmp_path, start="2020-01-01", end="2019-01-01")
    with pytest.raises(pm.PapermillExecutionError, match="valid values are: month, quarter, year"):
        run(tmp_path, period="week")


def test_the_charts_the_notebook_saved_hold_the_summary_numbers(tmp_path):
    """Figure read-back (audit of issue 5, item 6): the plotting functions tag every bar with the value it draws
    (``incidentkit.charts.style.tag_value`` -> the bar's ``gid`` -> its SVG group ``id``); this reads the SVG files the
    notebook run saved and compares them with the same run's summary.json. A part-year end (2023-06-30) and a
    rolling window longer than the series are part of the run (audit item 2)."""
    from incidentkit.charts.style import svg_values

    params = {"theatres": ["Syria: Badia", "North Caucasus"], "start": "2015-01-01", "end": "2023-06-30",
              "period": "year", "rolling": 12}
    summary, out, nb = run(tmp_path, **params)
    bars = svg_values(out / "figures" / "incidents-per-period.svg")["incidents"]
    assert [label for label, _ in bars] == [str(y) for y in range(2015, 2024)]
    assert len(bars) == summary["periods"]
    assert sum(v for _, v in bars) == summary["incidents"]
    assert sum(v == 0 for _, v in bars) == summary["periods_without_incidents"]
    if summary["peak_period"] is not None:
        assert max(v for _, v in bars) == summary["peak_value"]
        assert next(label for label, v in bars if v == summary["peak_value"]) == summary["peak_period"]
    deaths = svg_values(out / "figures" / "deaths-per-period.svg").get("deaths_best", [])
    assert sum(v for _, v in deaths) == summary["deaths_best"]
    yoy = {row["year"]: row for row in summary["year_on_year"]}
    assert [(label, v) for label, v in bars] == [(str(y), float(yoy[y]["incidents"])) for y in range(2015, 2024)]
    assert yoy[2023]["partial"] is True and yoy[2023]["incidents_change_pct"] is None
    assert yoy[2023]["note"].startswith("partial year (181 of 365 days)")
    assert "Empty DataFrame" not in outputs_text(nb)
