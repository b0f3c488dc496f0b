"""papermill runs of notebooks/20-casualties.ipynb with non-default parameters, checked against expectations
computed with plain pandas on the curated tables (tests/plain_pandas.py), not with the library the notebook calls."""

from __future__ import annotations

import re
from pathlib import Path

import incidentkit as ik
import pandas as pd
import plain_pandas as plain
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


def check_summary(summary: dict, rows: pd.DataFrame, top_n: int) -> None:
    """Compare the notebook's summary.json with the plain-pandas figures of the same curated rows."""
    assert {k: summary[k] for k in plain.headline(rows)} == plain.headline(rows)
    killed, wounded = rows["killed_be"].notna(), rows["wounded_be"].notna()
    perps = pd.to_numeric(rows["perpetrators_killed"].replace("", None)).astype("float64")
    both = killed & perps.notna()
    dead = rows.loc[both, "killed_be"].sum()
    assert summary["perpetrator_share_incidents"] == int(both.sum())
    assert summary["perpetrators_killed"] == (int(perps[both].sum()) if both.any() else None)  # no figure, not 0
    assert summary["perpetrator_share_pct"] == (round(perps[both].sum() / dead * 100, 1) if dead else None)
    assert summary["killed_wounded"] == {"both": int((killed & wounded).sum()),
                                         "missing_killed": int((~killed & wounded).sum()),
                                         "missing_wounded": int((killed & ~wounded).sum()),
                                         "missing_both": int((~killed & ~wounded).sum())}
    order = rows[killed].sort_values(["killed_be", "killed_hi", "date", "incident_id"],
                                     ascending=[False, False, True, True])
    assert [r["incident_id"] for r in summary["deadliest"]] == order["incident_id"].head(top_n).tolist()
    lethality = {r["attack_type"]: r for r in summary["lethality_by_attack_type"]}
    for attack_type, part in rows.groupby("attack_type"):
        known = part["killed_be"].notna()
        got = lethality.pop(attack_type)
        assert (got["incidents"], got["with_figure"], got["best"]) == (
            len(part), int(known.sum()), int(part.loc[known, "killed_be"].sum()) if known.any() else None)
        want = part.loc[known, "killed_be"].sum() / known.sum() if known.any() else None
        assert got["per_incident_best"] == (None if want is None else pytest.approx(want))
    assert lethality == {}


def test_another_theatre_and_period_grouped_by_branch(tmp_path):
    params = {"theatres": ["North Caucasus", "Russia (other)"], "start": "2017-01-01", "end": "2024-12-31",
              "group_by": "branch", "top_n": 3, "min_incidents": 1}
    summary, out, nb = run(tmp_path, **params)
    rows = plain.incidents(theatres=params["theatres"], start=params["start"], end=params["end"])
    assert summary["incidents"] == len(rows) > 3
    check_summary(summary, rows, top_n=3)
    assert len(summary["deadliest"]) == min(3, summary["incidents"] - summary["deaths_unknown_incidents"])
    assert sum(summary["killed_wounded"].values()) == summary["incidents"]
    for name in FIGURES:
        assert (out / "figures" / f"{name}.png").stat().st_size > 0
    text = outputs_text(nb)
    assert "without death figure" in text or summary["deaths_unknown_incidents"] == 0
    assert "operations against IS: incidents" in text  # the roles of IS side by side, never added
    assert summary["roles"] == ["perpetrator"] and summary["aggregates_left_out"] == 0


def test_an_empty_selection_completes_with_a_clear_statement(tmp_path):
    params = {"theatres": ["Turkey"], "start": "2016-01-01", "end": "2016-01-31"}
    assert len(plain.incidents(theatres=["Turkey"], start="2016-01-01", end="2016-01-31")) == 0
    summary, out, nb = run(tmp_path, **params)
    check_summary(summary, plain.incidents(theatres=["Turkey"], start="2016-01-01", end="2016-01-31"), top_n=10)
    assert summary["incidents"] == 0 and summary["deadliest"] == [] and summary["perpetrator_share_pct"] is None
    text = outputs_text(nb)
    # the key-figure panel says what was asked for and that nothing matches
    assert "Area and period</strong></dt><dd>Turkey, 2016-01-01 to 2016-01-31</dd>" in text
    assert "violence carried out by IS</dd>" in text and "none match the selection</dd>" in text
    assert all((out / "figures" / f"{name}.png").exists() for name in FIGURES)
    assert "Empty DataFrame" not in text and not re.search(r"<tbody>\s*</tbody>", text)  # no bare empty tables


@pytest.mark.real_samples
def test_an_acled_export_as_source(tmp_path, real_samples):
    export = real_samples / "acled" / "acledR_acled_old_deletion_dummy_2022H1.csv"
    params = {"source": str(export), "start": "2022-01-01", "end": "2022-06-30", "top_n": 5}
    summary, _, nb = run(tmp_path, **params)
    # the rows come through the reader (tested on its own in test_readers_*); the arithmetic is plain pandas
    rows = plain.figures(ik.load_incidents(str(export), start=params["start"], end=params["end"]))
    check_summary(summary, rows, top_n=5)
    assert summary["incidents"] > 0
    assert all(row["sources"].startswith("ACLED ") for row in summary["deadliest"])
    text = outputs_text(nb)
    assert "ACLED export" in text
    # ACLED codes neither wounded nor claims: unknown, not 0 (the totals chart says so instead of a zero panel)
    assert summary["wounded_best"] is None and "ACLED does not code claims, wounded" in text
    assert all(row["killed"].startswith("at least") for row in summary["deadliest"])  # ACLED keeps the lowest


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
    rows = plain.incidents(theatres=params["theatres"], start=params["start"], end=params["end"])
    known = rows[rows["killed_be"].notna()]
    assert killed == known.groupby("theatre")["killed_be"].sum().to_dict()
    assert sum(v for _, v in values["wounded_best"] if v == v) == summary["wounded_best"] > 0


def test_incidents_without_any_death_figure_give_a_clear_statement(tmp_path):
    """Audit of issue 5, item 1 (the auditor's repro): every incident lacks a death figure. Iran and Turkey hold two
    such incidents in the curated data (the Kerman bombings and the Istanbul church attack); if a release gives
    one of them a figure, pick another selection without one here."""
    params = {"theatres": ["Iran", "Turkey"]}
    rows = plain.incidents(theatres=params["theatres"], start="2015-01-01", end="2024-12-31")
    assert rows["incident_id"].tolist() == ["2024-01-01-irn-kerman-twin-bombings",
                                            "2024-01-01-tur-istanbul-church-attack"]
    assert rows["killed_be"].isna().all(), "the selection must hold only incidents without a death figure"
    summary, out, nb = run(tmp_path, **params)
    assert summary["deaths_unknown_incidents"] == summary["incidents"] == 2
    for name in ("casualty-totals", "deaths-per-incident-ccdf", "deaths-per-incident-by-attack-type"):
        svg = (out / "figures" / f"{name}.svg").read_text()
        assert 'id="no-data"' in svg, name
        assert "ikdata" not in svg  # no bar drawn
