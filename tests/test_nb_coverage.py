"""Papermill runs of notebooks/50-data-coverage.ipynb with non-default parameters; the summary is checked against
the library's own computation."""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import pandas as pd
import pytest
from conftest import execute_notebook

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
    df = ik.load_incidents(theatres="Syria: Badia", start="2022-01-01", end="2023-12-31")
    table = ik.reported_vs_incidents(ik.load_incidents(), ik.load_reported_statistics(), theatres=["Syria: Badia"],
                                     start="2022-01-01", end="2023-12-31")
    assert summary["incidents"] == len(df) > 0
    assert summary["statistics_overlapping"] == len(table) > 0
    got = {r["stat_id"]: r["incident_best"] for r in summary["reported_vs_incidents"]}
    want = {r.stat_id: None if pd.isna(r.incident_best) else int(r.incident_best) for r in table.itertuples()}
    assert got == want
    assert summary["statistics_without_upper_bound"] == int((table["upper_bound"] == "none stated").sum())


def test_empty_selection_completes(tmp_path: Path) -> None:
    summary = run(tmp_path, theatres=["Iraq"], start="2015-01-01", end="2024-12-31")
    assert summary["incidents"] == 0 and summary["rows_by_source"] == []


@pytest.mark.real_samples
def test_ucdp_export(tmp_path: Path, real_samples: Path) -> None:
    source = str(real_samples / UCDP)
    summary = run(tmp_path, source=source, start="2005-01-01", end="2022-12-31")
    df = ik.load_incidents(source, start="2005-01-01", end="2022-12-31")
    assert summary["incidents"] == len(df) > 0
    assert summary["deaths_unknown_incidents"] == ik.casualty_totals(df).iloc[0]["unknown"]
    blanks = ik.missing_fields(df)
    assert summary["fields_with_blanks"] == int((blanks["blank"] > 0).sum())


@pytest.mark.real_samples
def test_gtd_export_with_no_is_rows(tmp_path: Path, real_samples: Path) -> None:
    summary = run(tmp_path, source=str(real_samples / GTD), start="1970-01-01", end="2017-12-31")
    assert summary["incidents"] == len(ik.load_incidents(str(real_samples / GTD))) == 0
