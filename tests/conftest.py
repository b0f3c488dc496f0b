"""Shared fixtures: a miniature data folder following the real data contract, and the real-samples location."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from incidentkit.paths import KERNEL_NAME

REPO = Path(__file__).resolve().parents[1]
MINI = Path(__file__).resolve().parent / "fixtures" / "mini_data"
#: Real GTD/ACLED/UCDP samples live beside the project, never inside it.
REAL_SAMPLES = REPO.parent / "shared" / "real-samples"


@pytest.fixture
def mini_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/fixtures/mini_data with the project's datapackage.json, set as the library's data folder."""
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder, ignore=shutil.ignore_patterns("README.md"))
    shutil.copy(REPO / "data" / "datapackage.json", folder / "datapackage.json")
    monkeypatch.setenv("INCIDENTKIT_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def real_samples(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder of real dataset samples; the test is skipped when it is absent (as on a user's machine).

    The folder lies outside the project, so it is named in ``INCIDENTKIT_SOURCE_DIRS`` (inherited by the kernels the
    test starts): a notebook's ``source`` may come only from the data folder, the project and the folders listed there.
    """
    if not REAL_SAMPLES.is_dir():
        pytest.skip(f"real samples not present at {REAL_SAMPLES}")
    monkeypatch.setenv("INCIDENTKIT_SOURCE_DIRS", str(REAL_SAMPLES))
    return REAL_SAMPLES


def execute_notebook(notebook: str, tmp_path: Path, **parameters: object):
    """Run ``notebooks/<notebook>`` with papermill (the project kernel) into ``tmp_path``.

    ``output_dir`` defaults to ``tmp_path/out``. Returns ``(summary.json as read back, output folder, executed
    notebook)``. A failing cell raises ``papermill.PapermillExecutionError``.
    """
    import incidentkit as ik
    import papermill as pm

    out = Path(str(parameters.setdefault("output_dir", str(tmp_path / "out"))))
    nb = pm.execute_notebook(
        str(REPO / "notebooks" / notebook),
        str(tmp_path / "executed.ipynb"),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        cwd=str(REPO / "notebooks"),
        progress_bar=False,
    )
    return ik.charts.read_summary(out), out, nb


def make_incidents(rows: list[dict]):
    """A typed incident frame (contract columns and dtypes) from a few fields per row; the rest blank."""
    import incidentkit as ik

    return ik.incident_frame(rows)


def outputs_text(nb) -> str:
    """All text and data outputs of an executed notebook, joined (to look for messages)."""
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            parts.append(o.get("text", "") + "".join(str(v) for v in o.get("data", {}).values()))
    return "\n".join(parts)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every matplotlib figure a test opened."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
