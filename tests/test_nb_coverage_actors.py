"""notebooks/50-data-coverage.ipynb lists, for an export, the actor names taken as IS only by rule and the
IS-looking names left out, each with its rows (issue 11, item 2): run with papermill on a crafted ACLED export."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import execute_notebook, outputs_text
from export_files import craft

pytestmark = pytest.mark.notebooks


def test_coverage_notebook_lists_names_taken_by_rule_and_left_out(tmp_path: Path, monkeypatch) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    monkeypatch.setenv("INCIDENTKIT_SOURCE_DIRS", str(exports))  # a source outside the project is named
    path = craft(exports, "acled_2020.csv", [
        {"event_id_cnty": "N1", "iso3": "NER", "iso": "", "country": "Niger", "admin1": "Tillaberi",
         "actor1": "Islamic State (Greater Sahara)", "event_date": "2022-03-01"},
        {"event_id_cnty": "N2", "actor1": "Global Coalition Against Daesh", "actor2": "Islamic State (Iraq)",
         "event_date": "2022-03-02", "event_type": "Explosions/Remote violence"},
    ], "acled_rule_names.csv")
    _, _, nb = execute_notebook("50-data-coverage.ipynb", tmp_path, source=str(path), start="2022-01-01",
                                end="2022-12-31")
    text = outputs_text(nb)
    assert "Islamic State (Greater Sahara)" in text and "is-sahel (1)" in text
    assert "Global Coalition Against Daesh" in text and "names a force opposing IS" in text
