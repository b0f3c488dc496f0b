"""Papermill runs of notebooks/30-regional-comparison.ipynb with non-default parameters; the summary is checked
against plain pandas on the curated tables (tests/plain_pandas.py), not against the library the notebook calls."""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import papermill
import plain_pandas as plain
import pytest
from conftest import execute_notebook, outputs_text
from incidentkit.charts.style import svg_values

pytestmark = pytest.mark.notebooks
REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "30-regional-comparison.ipynb"
UCDP = "ucdp/ged231_random-sample-1000_uncertainUCDP.csv"


def run(tmp_path: Path, **parameters: object) -> dict:
    """Execute the notebook into tmp_path; return its summary.json as read back."""
    return execute_notebook(NOTEBOOK.name, tmp_path, **parameters)[0]


def test_two_theatres_over_another_period(tmp_path: Path) -> None:
    theatres = ["Syria: Badia", "North Caucasus"]
    summary = run(tmp_path, theatres=theatres, start="2018-01-01", end="2023-12-31", period="quarter")
    rows = plain.incidents(theatres=theatres, start="2018-01-01", end="2023-12-31")
    expected = plain.by_theatre(rows)
    assert summary["incidents"] == len(rows) > 0
    assert list(expected) == ["North Caucasus", "Syria: Badia"]  # the fixed order, not the order given
    assert {r["theatre"]: {k: r[k] for k in ("incidents", "deaths_best", "deaths_unknown")}
            for r in summary["comparison"]} == expected
    assert [r["theatre"] for r in summary["comparison"]] == list(expected)
    assert summary["deaths_unknown_incidents"] == sum(t["deaths_unknown"] for t in expected.values())
    assert (summary["mapped"], summary["without_coordinates"]) == (plain.mapped(rows), len(rows) - plain.mapped(rows))
    figures = {p.stem for p in (tmp_path / "out" / "figures").glob("*.png")}
    assert {"theatres-side-by-side", "incident-map", "incidents-per-theatre", "attack-type-mix"} <= figures


def test_empty_selection_completes(tmp_path: Path) -> None:
    summary, out, nb = execute_notebook(NOTEBOOK.name, tmp_path, theatres=["Iraq"], start="2015-01-01",
                                        end="2024-12-31")
    assert summary["incidents"] == 0 and summary["theatres_compared"] == 0 and summary["mapped"] == 0
    assert (tmp_path / "out" / "figures" / "incident-map.png").is_file()
    text = outputs_text(nb)
    assert "Empty DataFrame" not in text and "<table" not in text  # no bare empty tables (audit item 9)


def test_unknown_theatre_fails_with_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(papermill.PapermillExecutionError, match="valid values are"):
        run(tmp_path, theatres=["Atlantis"])


@pytest.mark.real_samples
def test_ucdp_export(tmp_path: Path, real_samples: Path) -> None:
    source = str(real_samples / UCDP)
    summary = run(tmp_path, source=source, start="2005-01-01", end="2022-12-31")
    # the rows come through the reader (tested on its own in test_readers_*); the arithmetic is plain pandas
    rows = plain.figures(ik.load_incidents(source, start="2005-01-01", end="2022-12-31"))
    assert summary["incidents"] == len(rows) > 0
    assert {r["theatre"]: r["deaths_best"] for r in summary["comparison"]} == {
        t: v["deaths_best"] for t, v in plain.by_theatre(rows).items()}
    assert summary["mapped"] == plain.mapped(rows)


def test_the_comparison_chart_the_notebook_saved_holds_the_summary_numbers(tmp_path: Path) -> None:
    """Figure read-back (audit of issue 5, item 6): plot_theatre_comparison tags each bar with its value (SVG group
    id, see ``incidentkit.charts.style.tag_value``); the incidents and deaths bars of the SVG this run saved must equal the
    run's summary.json comparison table, theatre by theatre. Also the auditor's repro of item 1 (Iran and Turkey)
    when its incidents lack a death figure: the death panels say so, no bar is drawn there."""
    summary, out, nb = execute_notebook(NOTEBOOK.name, tmp_path, start="2015-01-01", end="2024-12-31")
    values = svg_values(out / "figures" / "theatres-side-by-side.svg")
    rows = {r["theatre"]: r for r in summary["comparison"]}
    assert values["incidents"] == [(t, float(r["incidents"])) for t, r in rows.items()]
    assert dict(values["deaths_best"]) == {t: float(r["deaths_best"]) for t, r in rows.items()
                                            if r["incidents"] > r["deaths_unknown"]}
    assert sum(v for _, v in values["incidents"]) == summary["incidents"]
    mix = svg_values(out / "figures" / "attack-type-mix.svg")
    for row in summary["attack_mix"]:
        drawn = sum(v for series, pairs in mix.items() for t, v in pairs if t == row["theatre"])
        assert drawn == pytest.approx(100.0)
    for name in ("Iran", "Turkey"):  # incidents, none with a death figure (see the test below): no deaths bar
        assert rows[name]["deaths_unknown"] == rows[name]["incidents"] > 0
        assert name not in dict(values["deaths_best"])


def test_a_selection_without_death_figures_gives_statements(tmp_path: Path) -> None:
    """Iran and Turkey hold two incidents in the curated data, neither with a death figure; if a release gives one
    of them a figure, pick another selection without one here."""
    rows = plain.incidents(theatres=["Iran", "Turkey"], start="2015-01-01", end="2024-12-31")
    assert len(rows) == 2 and rows["killed_be"].isna().all()
    summary, out, _ = execute_notebook(NOTEBOOK.name, tmp_path, theatres=["Iran", "Turkey"])
    values = svg_values(out / "figures" / "theatres-side-by-side.svg")
    assert "deaths_best" not in values and sum(v for _, v in values["incidents"]) == summary["incidents"] == 2
    assert 'id="no-data"' in (out / "figures" / "deaths-per-theatre.svg").read_text()
