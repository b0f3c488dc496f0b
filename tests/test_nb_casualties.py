"""papermill runs of notebooks/20-casualties.ipynb with non-default parameters, checked against the library."""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import pytest
from conftest import execute_notebook, outputs_text

pytestmark = pytest.mark.notebooks

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "20-casualties.ipynb"
FIGURES = ("casualty-totals", "deaths-per-incident-by-attack-type", "deaths-per-incident-by-target-type",
           "deaths-per-incident-ccdf", "killed-vs-wounded")


def run(tmp_path: Path, **parameters):
    """Execute the notebook into tmp_path; return (summary.json as read back, output folder, executed notebook)."""
    return execute_notebook(NOTEBOOK.name, tmp_path, **parameters)


def expected_summary(tmp_path: Path, *, source="curated", theatres=(), branches=(), start="2015-01-01",
                     end="2024-12-31", top_n=10, **_options) -> dict:
    """What the notebook should write, computed in-process with the library, round-tripped through JSON."""
    sel = ik.check_parameters(source=source, theatres=list(theatres), branches=list(branches), start=start, end=end)
    incidents = ik.load_incidents(sel.source, **sel.filters)
    share = ik.perpetrator_share_table(incidents).loc["all"]
    _, missing = ik.killed_wounded_pairs(incidents)
    summary = {**ik.headline_figures(incidents), "perpetrator_share_pct": share["share_pct"],
               "perpetrators_killed": share["perpetrators_killed"],
               "perpetrator_share_incidents": share["incidents_used"], "killed_wounded": missing,
               "lethality_by_attack_type": ik.lethality(incidents, by="attack_type").reset_index(),
               "deadliest": ik.text.deadliest_table(incidents, top_n, ik.load_sources())}
    folder = tmp_path / "expected"
    ik.charts.write_summary(summary, folder)
    return ik.charts.read_summary(folder)




def test_another_theatre_and_period_grouped_by_branch(tmp_path):
    params = {"theatres": ["North Caucasus", "Russia (other)"], "start": "2017-01-01", "end": "2024-12-31",
              "group_by": "branch", "top_n": 3, "min_incidents": 1}
    summary, out, nb = run(tmp_path, **params)
    assert summary == expected_summary(tmp_path, **params)
    assert len(summary["deadliest"]) == min(3, summary["incidents"] - summary["deaths_unknown_incidents"])
    assert sum(summary["killed_wounded"].values()) == summary["incidents"]
    for name in FIGURES:
        assert (out / "figures" / f"{name}.png").stat().st_size > 0
    text = outputs_text(nb)
    assert "without death figure" in text or summary["deaths_unknown_incidents"] == 0


def test_an_empty_selection_completes_with_a_clear_statement(tmp_path):
    params = {"theatres": ["Turkey"], "start": "2016-01-01", "end": "2016-01-31"}
    assert len(ik.load_incidents(theatres=["Turkey"], start="2016-01-01", end="2016-01-31")) == 0
    summary, out, nb = run(tmp_path, **params)
    assert summary == expected_summary(tmp_path, **params)
    assert summary["incidents"] == 0 and summary["deadliest"] == [] and summary["perpetrator_share_pct"] is None
    text = outputs_text(nb)
    assert "**No incidents match** the selection (Turkey, 2016-01-01 to 2016-01-31)" in text
    assert all((out / "figures" / f"{name}.png").exists() for name in FIGURES)
    assert "Empty DataFrame" not in text and "<table" not in text  # no bare empty tables (audit item 9)


@pytest.mark.real_samples
def test_an_acled_export_as_source(tmp_path, real_samples):
    export = real_samples / "acled" / "acledR_acled_old_deletion_dummy_2022H1.csv"
    params = {"source": str(export), "start": "2022-01-01", "end": "2022-06-30", "top_n": 5}
    summary, _, nb = run(tmp_path, **params)
    assert summary == expected_summary(tmp_path, **params)
    assert summary["incidents"] > 0
    assert all(row["sources"].startswith("ACLED ") for row in summary["deadliest"])
    assert "ACLED export" in outputs_text(nb)


def test_the_totals_chart_the_notebook_saved_holds_the_summary_numbers(tmp_path):
    """Figure read-back (audit of issue 5, item 6): plot_totals tags each bar with the value it draws (its SVG group
    id, see ``incidentkit.charts.style.tag_value``); the bars of the SVG this run saved must add up to the run's
    summary.json, and each theatre's bar must be that theatre's total."""
    from incidentkit.charts.style import svg_values

    params = {"theatres": ["North Caucasus", "Syria: Badia"], "start": "2015-01-01", "end": "2024-12-31"}
    summary, out, _ = run(tmp_path, **params)
    values = svg_values(out / "figures" / "casualty-totals.svg")
    killed = dict(values["killed_best"])
    assert sum(v for v in killed.values() if v == v) == summary["deaths_best"]
    assert set(killed) <= {"North Caucasus", "Syria: Badia"}
    incidents = ik.load_incidents(theatres=params["theatres"], start=params["start"], end=params["end"])
    totals = ik.casualty_totals(incidents, "killed", "theatre")
    assert killed == {str(t): float(totals.loc[t, "best"]) for t in totals.index if totals.loc[t, "with_figure"]}
    if "wounded_best" in values:
        assert sum(v for _, v in values["wounded_best"] if v == v) == summary["wounded_best"]


def test_incidents_without_any_death_figure_give_a_clear_statement(tmp_path):
    """Audit of issue 5, item 1 (the auditor's repro): every incident lacks a death figure."""
    params = {"theatres": ["Iran", "Turkey"]}
    incidents = ik.load_incidents(theatres=params["theatres"], start="2015-01-01", end="2024-12-31")
    if len(incidents) == 0 or incidents["killed_best"].notna().any():
        pytest.skip("the curated data no longer has a selection whose incidents all lack a death figure")
    summary, out, nb = run(tmp_path, **params)
    assert summary["deaths_unknown_incidents"] == summary["incidents"] == len(incidents)
    for name in ("casualty-totals", "deaths-per-incident-ccdf", "deaths-per-incident-by-attack-type"):
        svg = (out / "figures" / f"{name}.svg").read_text()
        assert 'id="no-data"' in svg, name
        assert "ikdata" not in svg  # no bar drawn
