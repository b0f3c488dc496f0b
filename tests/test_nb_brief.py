"""Papermill runs of notebooks/40-theatre-brief.ipynb with non-default parameters; the summary is checked against
plain pandas on the curated tables (tests/plain_pandas.py), not against the library the notebook calls."""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import papermill
import plain_pandas as plain
import pytest
from conftest import execute_notebook, outputs_text

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
    # symptom: changes between documented incidents (not a count, e.g. +900 %): no change is computed
    assert summary["incidents_change"] is None and summary["comparable"] is False
    assert summary["comparison_note"] == "documented incidents are not a count"
    events = plain.events(theatres=["Syria: Badia"], start="2023-01-01", end="2023-12-31")
    assert summary["events"] == len(events) and summary["chronology_entries"] == len(rows) + len(events)
    assert summary["claimed"] == int((rows["claim_status"] == "claimed").sum())
    assert summary["suicide"] == int((rows["suicide"] == "true").sum())
    assert summary["suicide_unknown"] == int((rows["suicide"] == "").sum())
    deadliest = [r for r in summary["notable"] if r["reason"] == "deadliest"]
    assert deadliest[0]["deaths_best"] == int(rows["killed_be"].max())


def test_country_brief_without_theatre(tmp_path: Path) -> None:
    summary = run(tmp_path, theatre="", countries=["Syria"], start="2022-01-01", end="2022-06-30")
    rows = plain.incidents(iso3=["SYR"], start="2022-01-01", end="2022-06-30")
    before = plain.incidents(iso3=["SYR"], start="2021-07-01", end="2021-12-31")
    assert summary["incidents"] == len(rows) > 0
    assert len(before) == 0 and plain.covered_share(["Syria: Badia", "Syria: Daraa", "Syria: North-east",
                                                     "Syria: other"], "2021-07-01", "2021-12-31") == 0
    assert summary["previous_incidents"] is None  # no document covers Syria in H2 2021: unknown, not 0
    assert summary["comparison_note"].endswith("does not cover the period before")


def test_empty_selection_completes(tmp_path: Path) -> None:
    summary = run(tmp_path, theatre="Iraq", start="2020-01-01", end="2020-12-31")
    assert summary["incidents"] == 0 and summary["deaths_best"] is None and summary["notable"] == []  # no figure


def test_a_theatre_with_no_toll_has_no_figure_not_zero(tmp_path: Path) -> None:
    """Symptoms: Iran and Turkey (Kerman, Istanbul: no toll in the documents) drawn as zero deaths; "0 suicide
    attack(s)" where suicide is unknown; "Wounded: 0 (range 0 to 0)" where no incident has a wounded figure."""
    from incidentkit.charts.style import svg_values

    summary, out, nb = execute_notebook(NOTEBOOK.name, tmp_path, theatre="Iran", start="2024-01-01",
                                        end="2024-12-31")
    rows = plain.incidents(theatres=["Iran"], start="2024-01-01", end="2024-12-31")
    assert summary["incidents"] == len(rows) == 1 and rows["killed_be"].isna().all()
    assert summary["deaths_best"] is None and summary["wounded_best"] is None
    assert summary["suicide"] == 0 and summary["suicide_unknown"] == 1
    text = outputs_text(nb)
    dd = "</strong></dt><dd>"  # the key-figure panel: a term and its value
    assert f"Deaths{dd}no figure (1 incident(s) with no death figure (not counted))" in text
    assert f"Wounded{dd}no figure" in text and f"Wounded{dd}0" not in text
    assert f"Suicide attacks{dd}not known for the one incident (unknown, not none)" in text
    assert f"Suicide attacks{dd}0" not in text
    assert f"Claimed{dd}0 of" not in text
    assert "deaths_best" not in svg_values(out / "figures" / "period-comparison.svg")  # no zero bar
    assert 'id="no-figure"' in (out / "figures" / "period-comparison.svg").read_text()


@pytest.mark.real_samples
def test_acled_export(tmp_path: Path, real_samples: Path) -> None:
    source = str(real_samples / ACLED)
    summary = run(tmp_path, source=source, theatre="Iraq", start="2022-01-01", end="2022-06-30")
    # the rows come through the reader (tested on its own in test_readers_*); the arithmetic is plain pandas
    df = plain.figures(ik.load_incidents(source, theatres="Iraq", start="2022-01-01", end="2022-06-30"))
    assert summary["incidents"] == len(df) > 0
    assert {k: summary[k] for k in plain.headline(df)} == plain.headline(df)
    # symptom: "191 against 0, +191": the file's half year against the half year it does not hold
    assert summary["previous_incidents"] is None and summary["incidents_change"] is None
    assert summary["comparison_note"].endswith("does not cover the period before")
    assert summary["claimed"] is None  # ACLED does not code claims: unknown, not 0


@pytest.mark.real_samples
def test_a_brief_on_a_period_the_file_does_not_cover_says_what_it_covers(tmp_path: Path, real_samples: Path) -> None:
    """Defaults follow the source: a brief asked for a period the file does not cover says what it does cover."""
    source = str(real_samples / ACLED)
    summary, _, nb = execute_notebook(NOTEBOOK.name, tmp_path, source=source, theatre="North Caucasus",
                                      start="2019-01-01", end="2019-12-31")
    assert summary["incidents"] == 0
    statement = summary["coverage_statement"]
    assert "its events run from 1 January 2022 to 30 June 2022" in statement
    assert "runs beyond it: only 1 January 2022 to 30 June 2022 is covered" in statement
    assert "its events run from 1 January 2022" in outputs_text(nb)


def test_the_comparison_chart_the_notebook_saved_holds_the_summary_numbers(tmp_path: Path) -> None:
    """Figure read-back (audit of issue 5, item 6): plot_period_comparison tags each bar with its value (SVG group id,
    see ``incidentkit.charts.style.tag_value``); the bars of the SVG this run saved must equal the run's summary.json."""
    from incidentkit.charts.style import svg_values

    summary, out, _ = execute_notebook(NOTEBOOK.name, tmp_path, theatre="North Caucasus", start="2022-01-01",
                                       end="2023-12-31")
    values = svg_values(out / "figures" / "period-comparison.svg")
    assert summary["comparison_note"] == "documented incidents are not a count"
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
