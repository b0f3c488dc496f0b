"""Papermill runs of notebooks/50-data-coverage.ipynb with non-default parameters; the summary is checked against
plain pandas on the curated tables (tests/plain_pandas.py), not against the library the notebook calls."""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import pandas as pd
import plain_pandas as plain
import pytest
from conftest import execute_notebook, outputs_text

pytestmark = pytest.mark.notebooks
REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "50-data-coverage.ipynb"
UCDP = "ucdp/ged231_random-sample-1000_uncertainUCDP.csv"
GTD = "gtd/globalterrorismdb_0718dist_HEAD-truncated-1MiB.csv"


def run(tmp_path: Path, **parameters: object) -> dict:
    """Execute the notebook into tmp_path; return its summary.json as read back."""
    return execute_notebook(NOTEBOOK.name, tmp_path, **parameters)[0]


def test_one_theatre_against_its_reported_statistics(tmp_path: Path) -> None:
    summary = run(tmp_path, theatres=["Syria: Badia"], start="2022-01-01", end="2023-12-31")
    rows = plain.incidents(theatres=["Syria: Badia"], start="2022-01-01", end="2023-12-31")
    assert summary["incidents"] == len(rows) > 0
    stats = plain.statistics_overlapping(["Syria: Badia"], "2022-01-01", "2023-12-31")
    assert summary["statistics_overlapping"] == len(stats) > 0
    got = {r["stat_id"]: r["incident_best"] for r in summary["reported_vs_incidents"]}
    assert got == {st["stat_id"]: plain.statistic_sum(st) for _, st in stats.iterrows()}
    assert summary["statistics_without_upper_bound"] == int((stats["value_high"] == "").sum()) > 0


def test_empty_selection_completes(tmp_path: Path) -> None:
    summary, _, nb = execute_notebook(NOTEBOOK.name, tmp_path, theatres=["Iraq"], start="2015-01-01",
                                      end="2024-12-31")
    assert summary["incidents"] == 0 and summary["rows_by_source"] == []
    text = outputs_text(nb)
    assert "Empty DataFrame" not in text and "<table" not in text  # no bare empty tables (audit item 9)


@pytest.mark.real_samples
def test_ucdp_export(tmp_path: Path, real_samples: Path) -> None:
    source = str(real_samples / UCDP)
    summary = run(tmp_path, source=source, start="2005-01-01", end="2022-12-31")
    # the rows come through the reader (tested on its own in test_readers_*); the counting is plain pandas
    df = plain.figures(ik.load_incidents(source, start="2005-01-01", end="2022-12-31"))
    assert summary["incidents"] == len(df) > 0
    assert summary["deaths_unknown_incidents"] == int(df["killed_be"].isna().sum())
    fields = [f["name"] for f in plain.resource("incidents")["schema"]["fields"]]
    blank = df[fields].astype(object).map(lambda v: v is None or v is pd.NA or v != v or str(v).strip() == "")
    assert summary["fields_with_blanks"] == int(blank.any().sum())


@pytest.mark.real_samples
def test_gtd_export_with_no_is_rows(tmp_path: Path, real_samples: Path) -> None:
    summary = run(tmp_path, source=str(real_samples / GTD), start="1970-01-01", end="2017-12-31")
    assert summary["incidents"] == len(ik.load_incidents(str(real_samples / GTD))) == 0


def test_the_reported_chart_the_notebook_saved_holds_the_summary_numbers(tmp_path: Path) -> None:
    """Figure read-back (audit of issue 5, item 6): plot_reported_vs_incidents tags each bar with its value and
    statistic id (SVG group id, see ``incidentkit.charts.style.tag_value``); the bars of the SVG this run saved must equal
    the comparable rows of the run's summary.json."""
    from incidentkit.charts.style import svg_values

    summary, out, _ = execute_notebook(NOTEBOOK.name, tmp_path, theatres=["North Caucasus"], start="2016-01-01",
                                       end="2024-12-31")
    rows = [r for r in summary["reported_vs_incidents"] if r["compared_with"] != "not comparable"]
    values = svg_values(out / "figures" / "reported-vs-incidents.svg")
    assert rows, "North Caucasus 2016-2024 has comparable statistics (north-caucasus-is-deaths-2015-2017, ...)"
    assert values["reported"] == [(r["stat_id"], float(r["reported_low"])) for r in rows]
    drawn = dict(values["incidents"])
    assert {k: (None if v != v else v) for k, v in drawn.items()} == {
        r["stat_id"]: (None if r["incident_best"] is None else float(r["incident_best"])) for r in rows}
    assert summary["statistics_compared"] == len(rows)
