"""papermill runs of notebooks/10-trends.ipynb with non-default parameters, checked against expectations computed
with plain pandas on the curated tables (tests/plain_pandas.py), not with the library the notebook calls."""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import pandas as pd
import papermill as pm
import plain_pandas as plain
import pytest
from conftest import execute_notebook, outputs_text

pytestmark = pytest.mark.notebooks

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "10-trends.ipynb"
FIGURES = ("incidents-per-period", "incidents-per-period-by-group", "deaths-per-period", "deaths-per-period-by-group")
FREQ = {"month": "M", "quarter": "Q", "year": "Y"}


def run(tmp_path: Path, **parameters):
    """Execute the notebook into tmp_path; return (summary.json as read back, output folder, executed notebook)."""
    return execute_notebook(NOTEBOOK.name, tmp_path, **parameters)


def check_summary(summary: dict, rows: pd.DataFrame, *, start: str, end: str, period: str) -> None:
    """Compare the notebook's summary.json with the plain-pandas figures of the same rows: the headline numbers,
    every period of the selection with its count, and the calendar years with their change."""
    assert {k: summary[k] for k in plain.headline(rows)} == plain.headline(rows)
    dates = pd.to_datetime(rows["date"])
    periods = pd.period_range(start, end, freq=FREQ[period])
    counts = dates.dt.to_period(FREQ[period]).value_counts().reindex(periods, fill_value=0)
    assert summary["periods"] == len(periods)
    assert summary["periods_without_incidents"] == int((counts == 0).sum())
    assert summary["peak_value"] == int(counts.max())
    assert summary["peak_period"] == (str(counts.idxmax()) if counts.max() else None)
    known = rows["killed_be"].notna()
    years = range(int(start[:4]), int(end[:4]) + 1)
    by_year = {r["year"]: r for r in summary["year_on_year"]}
    assert sorted(by_year) == list(years)
    for year in years:
        in_year = dates.dt.year == year
        whole = start <= f"{year}-01-01" and f"{year}-12-31" <= end
        assert (by_year[year]["incidents"], by_year[year]["deaths_best"], by_year[year]["deaths_unknown"],
                by_year[year]["partial"]) == (int(in_year.sum()), int(rows.loc[in_year & known, "killed_be"].sum()),
                                              int((in_year & ~known).sum()), not whole)
        before = by_year.get(year - 1)
        if whole and before is not None and not before["partial"]:
            assert by_year[year]["incidents_change"] == by_year[year]["incidents"] - before["incidents"]
        else:
            assert by_year[year]["incidents_change"] is None


def test_another_theatre_by_quarter_grouped_by_branch(tmp_path):
    params = {"theatres": ["North Caucasus"], "start": "2016-01-01", "end": "2021-12-31", "period": "quarter",
              "rolling": 2, "group_by": "branch", "show_events": False}
    summary, out, _ = run(tmp_path, **params)
    rows = plain.incidents(theatres=params["theatres"], start=params["start"], end=params["end"])
    assert summary["incidents"] == len(rows) > 0
    check_summary(summary, rows, start=params["start"], end=params["end"], period="quarter")
    assert (summary["period"], summary["group_by"], summary["rolling"]) == ("quarter", "branch", 2)
    assert summary["periods"] == 24 and summary["events_marked"] == 0
    assert [row["year"] for row in summary["year_on_year"]] == list(range(2016, 2022))
    for name in FIGURES:
        assert (out / "figures" / f"{name}.png").stat().st_size > 0
        assert (out / "figures" / f"{name}.svg").stat().st_size > 0


def test_an_empty_selection_completes_with_a_clear_statement(tmp_path):
    params = {"theatres": ["Iran"], "start": "2015-01-01", "end": "2015-03-31", "period": "month"}
    rows = plain.incidents(theatres=["Iran"], start="2015-01-01", end="2015-03-31")
    assert len(rows) == 0
    summary, out, nb = run(tmp_path, **params)
    check_summary(summary, rows, start="2015-01-01", end="2015-03-31", period="month")
    events = plain.events(theatres=["Iran"], start="2015-01-01", end="2015-03-31")
    assert summary["events_marked"] == len(events) == 0
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
    # the rows come through the reader (tested on its own in test_readers_*); the arithmetic is plain pandas
    rows = plain.figures(ik.load_incidents(str(export), start=params["start"], end=params["end"]))
    check_summary(summary, rows, start=params["start"], end=params["end"], period="year")
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
    assert max(v for _, v in bars) == summary["peak_value"] > 0
    assert next(label for label, v in bars if v == summary["peak_value"]) == summary["peak_period"]
    deaths = svg_values(out / "figures" / "deaths-per-period.svg")["deaths_best"]
    assert sum(v for _, v in deaths) == summary["deaths_best"] > 0
    check_summary(summary, plain.incidents(theatres=params["theatres"], start=params["start"], end=params["end"]),
                  start=params["start"], end=params["end"], period="year")
    events = plain.events(theatres=params["theatres"], start=params["start"], end=params["end"])
    marked = events[events["event_type"].isin(["province_announced", "leader_killed", "operation_declared",
                                               "ct_regime_declared", "ct_regime_lifted", "insurgency_declared_over"])]
    assert summary["events_marked"] == len(marked) > 0
    yoy = {row["year"]: row for row in summary["year_on_year"]}
    assert [(label, v) for label, v in bars] == [(str(y), float(yoy[y]["incidents"])) for y in range(2015, 2024)]
    assert yoy[2023]["partial"] is True and yoy[2023]["incidents_change_pct"] is None
    assert yoy[2023]["note"].startswith("partial year (181 of 365 days)")
    assert "Empty DataFrame" not in outputs_text(nb)
