"""What each report notebook puts on its page (issue 15): the key-figure panel first, formatted tables, figures with
their captions under them, no raw dump outside the cells hidden from the report (``hide-in-report``), a one-sentence
``headline`` in summary.json and the incidents behind the report in ``incidents.csv`` (expectations from plain pandas
on the curated tables, tests/plain_pandas.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import plain_pandas as plain
import pytest
from conftest import execute_notebook

pytestmark = pytest.mark.notebooks

REPO = Path(__file__).resolve().parents[1]
HIDE = "hide-in-report"
REPORTS = {
    "10-trends.ipynb": {"theatres": ["North Caucasus"], "start": "2015-01-01", "end": "2024-12-31",
                        "period": "quarter"},
    "20-casualties.ipynb": {"theatres": ["North Caucasus"], "start": "2015-01-01", "end": "2024-12-31"},
    "30-regional-comparison.ipynb": {"theatres": ["North Caucasus", "Syria: Badia"], "start": "2015-01-01",
                                     "end": "2024-12-31", "period": "year"},
    "40-theatre-brief.ipynb": {"theatre": "North Caucasus", "start": "2024-01-01", "end": "2024-12-31"},
    "50-data-coverage.ipynb": {"theatres": ["North Caucasus"], "start": "2015-01-01", "end": "2024-12-31"},
}


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.mark.parametrize("notebook", sorted(REPORTS))
def test_checked_cells_are_hidden_from_the_report_and_have_a_formatted_twin(notebook):
    cells = json.loads((REPO / "notebooks" / notebook).read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    for cell in code:
        source = _source(cell)
        hidden = HIDE in cell["metadata"].get("tags", [])
        assert hidden == ("# NBVAL_CHECK_OUTPUT" in source), (notebook, source[:80])
        assert hidden or "print(" not in source, (notebook, source[:80])  # no raw printout on the page


def _visible_outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" and HIDE not in c.metadata.get("tags", [])
            for o in c.get("outputs", [])]


@pytest.mark.parametrize("notebook", sorted(REPORTS))
def test_the_page_opens_with_key_figures_and_shows_no_raw_dump(notebook, tmp_path):
    params = REPORTS[notebook]
    summary, out, nb = execute_notebook(notebook, tmp_path, **params)
    visible = _visible_outputs(nb)
    assert not [o for o in visible if o.get("output_type") == "stream" and o.get("name") == "stdout"]
    html = [o["data"].get("text/html", "") for o in visible if "data" in o]
    html = ["".join(h) if isinstance(h, list) else h for h in html]
    assert html and html[0].startswith('<div class="ik-panel">'), html[:1]
    page = "\n".join(html)
    assert "<NA>" not in page and "&lt;NA&gt;" not in page
    assert "Documented incidents, not a count" in html[0]  # the coverage statement opens the panel
    images = [i for i, o in enumerate(visible) if "image/png" in o.get("data", {})]
    assert len(images) == len(list((out / "figures").glob("*.png"))) >= 1  # every figure saved is shown
    for i in images:  # each with its caption right under it, at body size (not small print in the image)
        after = visible[i + 1]["data"].get("text/html", "")
        assert "".join(after).startswith('<div class="ik-caption">'), after

    theatres = params.get("theatres") or [params["theatre"]]
    rows = plain.incidents(theatres=theatres, start=params["start"], end=params["end"])
    n = len(rows)
    headline = summary["headline"]
    assert isinstance(headline, str) and headline.endswith(".") and "\n" not in headline
    assert headline.startswith(f"{n:,} documented incident") and "violence carried out by IS" in headline
    unknown = int(rows["killed_be"].isna().sum())
    assert (f"{unknown:,} incident" in headline) == bool(unknown)

    with (out / "incidents.csv").open(encoding="utf-8", newline="") as fh:
        saved = list(csv.DictReader(fh))
    assert sorted(r["incident_id"] for r in saved) == sorted(rows["incident_id"])
    assert all(r["source_titles"] for r in saved)  # every curated incident names its sources
    if notebook.startswith(("20", "40")):
        assert 'class="ik-table ik-incidents"' in page
