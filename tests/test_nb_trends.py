"""papermill runs of notebooks/10-trends.ipynb with non-default parameters, checked against expectations computed
with plain pandas on the curated tables (tests/plain_pandas.py), not with the library the notebook calls."""

from __future__ import annotations

import re
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


def check_summary(summary: dict, rows: pd.DataFrame, *, start: str, end: str, period: str,
                  theatres: list[str] | None = None) -> None:
    """Compare the notebook's summary.json with the plain-pandas figures of the same rows: the headline numbers,
    every period of the selection with its count (a period no document covers and with no incident: missing, not
    0), and the calendar years (no change between documented incidents: the curated table is not a count)."""
    assert {k: summary[k] for k in plain.headline(rows)} == plain.headline(rows)
    dates = pd.to_datetime(rows["date"])
    periods = pd.period_range(start, end, freq=FREQ[period])
    counts = dates.dt.to_period(FREQ[period]).value_counts().reindex(periods, fill_value=0)
    covered = pd.Series([plain.covered_share(theatres or [], max(start, str(p.start_time.date())),
                                             min(end, str(p.end_time.date()))) for p in periods], index=periods)
    assert summary["periods"] == len(periods)
    assert summary["periods_not_covered"] == int((covered == 0).sum())
    assert summary["periods_without_incidents"] == int(((counts == 0) & (covered > 0)).sum())
    assert summary["peak_value"] == (int(counts.max()) if counts.max() else None)
    assert summary["peak_period"] == (str(counts.idxmax()) if counts.max() else None)
    known = rows["killed_be"].notna()
    years = range(int(start[:4]), int(end[:4]) + 1)
    by_year = {r["year"]: r for r in summary["year_on_year"]}
    assert sorted(by_year) == list(years)
    for year in years:
        in_year = dates.dt.year == year
        share = plain.covered_share(theatres or [], max(start, f"{year}-01-01"), min(end, f"{year}-12-31"))
        n = int(in_year.sum())
        deaths = int(rows.loc[in_year & known, "killed_be"].sum()) if (in_year & known).any() else (
            0 if n == 0 and share > 0 else None)
        expected = (n if n or share > 0 else None, deaths, int((in_year & ~known).sum()) if n or share > 0 else None)
        assert (by_year[year]["incidents"], by_year[year]["deaths_best"], by_year[year]["deaths_unknown"]) == expected
        whole = start <= f"{year}-01-01" and f"{year}-12-31" <= end and share == 1
        assert by_year[year]["partial"] is (not whole)
        assert by_year[year]["incidents_change"] is None  # documented incidents: never a change
        assert by_year[year]["note"] == "documented incidents, not a count: no change computed"


def test_another_theatre_by_quarter_grouped_by_branch(tmp_path):
    params = {"theatres": ["North Caucasus"], "start": "2016-01-01", "end": "2021-12-31", "period": "quarter",
              "rolling": 2, "group_by": "branch", "show_events": False}
    summary, out, _ = run(tmp_path, **params)
    rows = plain.incidents(theatres=params["theatres"], start=params["start"], end=params["end"])
    assert summary["incidents"] == len(rows) > 0
    check_summary(summary, rows, start=params["start"], end=params["end"], period="quarter",
                  theatres=params["theatres"])
    assert summary["roles"] == ["perpetrator"]
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
    check_summary(summary, rows, start="2015-01-01", end="2015-03-31", period="month", theatres=["Iran"])
    events = plain.events(theatres=["Iran"], start="2015-01-01", end="2015-03-31")
    assert summary["events_marked"] == len(events) == 0
    assert summary["incidents"] == 0 and summary["first_date"] is None and summary["peak_period"] is None
    assert summary["periods"] == 3 and summary["periods_not_covered"] == 3  # no document covers Iran in 2015
    text = outputs_text(nb)
    assert "Iran, 2015-01-01 to 2015-03-31</dd>" in text and "none match the selection</dd>" in text  # the panel
    assert "they report or list incidents for 0% of" in text
    assert all((out / "figures" / f"{name}.png").exists() for name in FIGURES)
    assert all('id="no-data"' in (out / "figures" / f"{name}.svg").read_text() for name in FIGURES)
    # no bare empty tables (audit item 9): the year-on-year table has its year, with its unknowns as dashes
    assert "Empty DataFrame" not in text and not re.search(r"<tbody>\s*</tbody>", text)


@pytest.mark.real_samples
def test_a_ucdp_export_as_source_by_year(tmp_path, real_samples):
    export = real_samples / "ucdp" / "ged231_random-sample-1000_uncertainUCDP.csv"
    params = {"source": str(export), "start": "2005-01-01", "end": "2022-12-31", "period": "year", "rolling": 1}
    summary, _, nb = run(tmp_path, **params)
    # the rows come through the reader (tested on its own in test_readers_*); the arithmetic is plain pandas
    rows = plain.figures(ik.load_incidents(str(export), start=params["start"], end=params["end"]))
    assert {k: summary[k] for k in plain.headline(rows)} == plain.headline(rows)
    assert summary["incidents"] > 0
    text = outputs_text(nb)
    assert "UCDP GED export" in text
    assert "UCDP GED does not code claims, suicide attacks" in text  # unknown, not 0
    assert summary["coverage_statement"].startswith("An export of UCDP GED")
    # the random sample runs from 1989 to 2022: each year 2005-2022 is whole and covered, so a change is computed
    yoy = {r["year"]: r for r in summary["year_on_year"]}
    assert yoy[2006]["partial"] is False and yoy[2006]["incidents_change"] == yoy[2006]["incidents"] - yoy[2005][
        "incidents"]


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
    values = svg_values(out / "figures" / "incidents-per-period.svg")
    bars = values["incidents"]
    yoy = {row["year"]: row for row in summary["year_on_year"]}
    uncovered = [y for y in range(2015, 2024) if yoy[y]["incidents"] is None]
    assert uncovered == [2016, 2017]  # no document covers them for these theatres: unknown, not zero
    assert [label for label, _ in bars] == [str(y) for y in range(2015, 2024) if y not in uncovered]
    assert [label for label, _ in values["not_covered"]] == ["2016..2017"]  # a hatched band, never a zero bar
    assert len(bars) + sum(v for _, v in values["not_covered"]) == summary["periods"]
    assert sum(v for _, v in bars) == summary["incidents"] - summary["incidents_apart"]
    assert sum(v == 0 for _, v in bars) == summary["periods_without_incidents"]
    assert max(v for _, v in bars) == summary["peak_value"] > 0
    assert next(label for label, v in bars if v == summary["peak_value"]) == summary["peak_period"]
    deaths = svg_values(out / "figures" / "deaths-per-period.svg")["deaths_best"]
    assert sum(v for _, v in deaths) == summary["deaths_best"] > 0
    check_summary(summary, plain.incidents(theatres=params["theatres"], start=params["start"], end=params["end"]),
                  start=params["start"], end=params["end"], period="year", theatres=params["theatres"])
    events = plain.events(theatres=params["theatres"], start=params["start"], end=params["end"])
    marked = events[events["event_type"].isin(["province_announced", "leader_killed", "operation_declared",
                                               "ct_regime_declared", "ct_regime_lifted", "insurgency_declared_over"])]
    assert summary["events_marked"] == len(marked) > 0
    assert [(label, v) for label, v in bars] == [(str(y), float(yoy[y]["incidents"])) for y in range(2015, 2024)
                                                 if y not in uncovered]
    assert yoy[2023]["partial"] is True and yoy[2023]["incidents_change_pct"] is None
    # the role split: each role in its own panel, never added; operations against IS are not IS violence
    roles = svg_values(out / "figures" / "incidents-by-role.svg")
    everyone = plain.incidents(theatres=params["theatres"], start=params["start"], end=params["end"], roles=None)
    assert summary["incidents_by_role"] == everyone["is_role"].value_counts().to_dict()
    assert sum(v for _, v in roles["incidents:perpetrator"]) == summary["incidents"] - summary["incidents_apart"]
    assert sum(v for _, v in roles.get("incidents:target", [])) <= summary["incidents_by_role"].get("target", 0)
    assert "Empty DataFrame" not in outputs_text(nb)
