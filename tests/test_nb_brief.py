"""Papermill runs of notebooks/40-theatre-brief.ipynb with non-default parameters; the summary is checked against
plain pandas on the curated tables (tests/plain_pandas.py), not against the library the notebook calls."""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import papermill
import plain_pandas as plain
import pytest
from conftest import execute_notebook

pytestmark = pytest.mark.notebooks
REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "40-theatre-brief.ipynb"
ACLED = "acled/acledR_acled_old_deletion_dummy_2022H1.csv"


def run(tmp_path: Path, **parameters: object) -> dict:
    """Execute the notebook into tmp_path; return its summary.json as read back."""
    return execute_notebook(NOTEBOOK.name, tmp_path, **parameters)[0]


def test_another_theatre_and_year(tmp_path: Path) -> None:
    summary = run(tmp_path, theatre="Syria: Badia", start="2023-01-01", end="2023-12-31")
    rows = plain.incidents(theatres=["Syria: Badia"], start="2023-01-01", end="2023-12-31")
    before = plain.incidents(theatres=["Syria: Badia"], start="2022-01-01", end="2022-12-31")
    assert summary["incidents"] == len(rows) > 0
    assert {k: summary[k] for k in plain.headline(rows)} == plain.headline(rows)
    assert (summary["previous_start"], summary["previous_end"]) == ("2022-01-01", "2022-12-31")
    assert summary["previous_incidents"] == len(before)
    assert summary["previous_deaths_best"] == plain.headline(before)["deaths_best"]
    assert summary["incidents_change"] == len(rows) - len(before)
    events = plain.events(theatres=["Syria: Badia"], start="2023-01-01", end="2023-12-31")
    assert summary["events"] == len(events) and summary["chronology_entries"] == len(rows) + len(events)
    assert summary["claimed"] == int((rows["claim_status"] == "claimed").sum())
    assert summary["suicide"] == int((rows["suicide"] == "true").sum())
    deadliest = [r for r in summary["notable"] if r["reason"] == "deadliest"]
    assert deadliest[0]["deaths_best"] == int(rows["killed_be"].max())


def test_country_brief_without_theatre(tmp_path: Path) -> None:
    summary = run(tmp_path, theatre="", countries=["Syria"], start="2022-01-01", end="2022-06-30")
    rows = plain.incidents(iso3=["SYR"], start="2022-01-01", end="2022-06-30")
    before = plain.incidents(iso3=["SYR"], start="2021-07-01", end="2021-12-31")
    assert summary["incidents"] == len(rows) > 0
    assert summary["previous_incidents"] == len(before)


def test_empty_selection_completes(tmp_path: Path) -> None:
    summary = run(tmp_path, theatre="Iraq", start="2020-01-01", end="2020-12-31")
    assert summary["incidents"] == 0 and summary["deaths_best"] == 0 and summary["notable"] == []


@pytest.mark.real_samples
def test_acled_export(tmp_path: Path, real_samples: Path) -> None:
    source = str(real_samples / ACLED)
    summary = run(tmp_path, source=source, theatre="Iraq", start="2022-01-01", end="2022-06-30")
    # the rows come through the reader (tested on its own in test_readers_*); the arithmetic is plain pandas
    df = plain.figures(ik.load_incidents(source, theatres="Iraq", start="2022-01-01", end="2022-06-30"))
    assert summary["incidents"] == len(df) > 0
    assert {k: summary[k] for k in plain.headline(df)} == plain.headline(df)
    assert summary["previous_incidents"] == 0  # the sample starts in 2022


def test_the_comparison_chart_the_notebook_saved_holds_the_summary_numbers(tmp_path: Path) -> None:
    """Figure read-back (audit of issue 5, item 6): plot_period_comparison tags each bar with its value (SVG group id,
    see ``incidentkit.charts.style.tag_value``); the bars of the SVG this run saved must equal the run's summary.json."""
    from incidentkit.charts.style import svg_values

    summary, out, _ = execute_notebook(NOTEBOOK.name, tmp_path, theatre="North Caucasus", start="2022-01-01",
                                       end="2023-12-31")
    values = svg_values(out / "figures" / "period-comparison.svg")
    assert dict(values["incidents"]) == {"previous": summary["previous_incidents"], "current": summary["incidents"]}
    assert dict(values["deaths_best"]) == {"previous": summary["previous_deaths_best"],
                                           "current": summary["deaths_best"]}
    assert summary["incidents"] + summary["previous_incidents"] > 0


def test_a_brief_without_a_place_fails_in_the_validation_cell(tmp_path: Path) -> None:
    """Audit of issue 5, item 8: theatre "" and countries [] must not run an "all theatres" brief."""
    with pytest.raises(papermill.PapermillExecutionError, match="give one theatre or countries") as err:
        run(tmp_path, theatre="", countries=[])
    assert "ik.check_parameters(" in err.value.source  # the validation cell, before anything is loaded
    assert not (tmp_path / "out" / "summary.json").exists()
