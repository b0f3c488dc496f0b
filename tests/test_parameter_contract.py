"""One parameter contract: ``incidentkit-reports check`` and a notebook's own validation cell give the same message for
the same bad value, because both check it with the one rules table (``incidentkit.data.parameters.RULES``).

The plan side is ``load_plan`` on a one-report plan. The notebook side is the notebook itself: its imports cell, its
``parameters`` cell, the cell papermill injects for the plan's values (``papermill.parameterize_notebook``, the
same translation of YAML values into Python the runner's kernels get) and its validation cell, executed in order;
one case also runs in a real kernel through papermill.
"""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import pytest
import yaml
from conftest import execute_notebook
from incidentkit.reports.plan import PlanError, load_plan
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"

#: (notebook, the plan's parameters as YAML): one bad value each (or two that break a relation).
CASES = [
    ("10-trends.ipynb", '{theatres: ["Narnia"]}'),
    ("10-trends.ipynb", '{theatres: ["north caucasus", "Badia"]}'),
    ("10-trends.ipynb", '{theatres: ["syria"]}'),
    ("10-trends.ipynb", '{start: "2020-01-01", end: "2019-01-01"}'),
    ("10-trends.ipynb", '{start: "2025-06-01"}'),  # after the notebook's default end
    ("10-trends.ipynb", '{start: "2024-13-01"}'),
    ("10-trends.ipynb", '{rolling: "3"}'),
    ("10-trends.ipynb", "{rolling: 0}"),
    ("10-trends.ipynb", '{period: "week"}'),
    ("10-trends.ipynb", '{period: "Quarter"}'),
    ("10-trends.ipynb", '{show_events: "yes"}'),
    ("10-trends.ipynb", '{theatres: "North Caucasus"}'),
    ("10-trends.ipynb", '{branches: ["ISK", "is-mars"]}'),
    ("10-trends.ipynb", '{countries: ["Atlantis"]}'),
    ("10-trends.ipynb", '{source: "/etc/shadow"}'),
    ("10-trends.ipynb", '{theatres: ["<script>alert(1)</script>"]}'),
    ("20-casualties.ipynb", "{min_incidents: -1}"),
    ("20-casualties.ipynb", '{group_by: "region"}'),
    ("40-theatre-brief.ipynb", '{theatre: "Mars"}'),
    ("40-theatre-brief.ipynb", '{theatre: ""}'),
    ("40-theatre-brief.ipynb", '{theatre: "Libya", end: ""}'),
    ("40-theatre-brief.ipynb", "{top_n: 0}"),
]


def plan_problem(tmp_path: Path, notebook: str, parameters: str) -> str:
    """The problem ``reports check`` finds in a one-report plan, without its ``<plan>:<line>:<column>: report 'x': ``."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"- name: x\n  notebook: {notebook}\n  parameters: {parameters}\n", encoding="utf-8")
    with pytest.raises(PlanError) as err:
        load_plan(plan, NOTEBOOKS)
    (problem,) = err.value.problems
    prefix = problem.index(": report 'x': ")
    assert problem[:prefix].removeprefix(str(plan)).count(":") == 2  # <plan>:<line>:<column>
    return problem[prefix + len(": report 'x': ") :]


def validation_cell_message(notebook: str, parameters: dict) -> str:
    """What the notebook's validation cell raises when papermill injects ``parameters``."""
    nb = parameterize_notebook(load_notebook_node(str(NOTEBOOKS / notebook)), parameters)
    code = [c for c in nb.cells if c.cell_type == "code"]
    injected = next(i for i, c in enumerate(code) if "injected-parameters" in c.metadata.get("tags", []))
    namespace: dict = {}
    with pytest.raises(ik.ParameterError) as err:
        for cell in code[: injected + 2]:  # imports, parameters, injected parameters, validation
            exec(compile(cell.source, f"{notebook}[{code.index(cell)}]", "exec"), namespace)
    return str(err.value)


@pytest.mark.parametrize(("notebook", "parameters"), CASES, ids=[f"{n[:2]}-{p}" for n, p in CASES])
def test_reports_check_and_the_validation_cell_give_the_same_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, notebook: str, parameters: str
) -> None:
    monkeypatch.chdir(NOTEBOOKS)  # the kernels' working directory
    monkeypatch.delenv("INCIDENTKIT_SOURCE_DIRS", raising=False)
    from_plan = plan_problem(tmp_path, notebook, parameters)
    in_notebook = validation_cell_message(notebook, yaml.safe_load(parameters))
    assert from_plan == in_notebook


def test_the_messages_say_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(NOTEBOOKS)
    assert plan_problem(tmp_path, "10-trends.ipynb", '{start: "2025-06-01"}') == (
        "start (2025-06-01) is after end (2024-12-31); choose a start on or before the end")
    assert plan_problem(tmp_path, "10-trends.ipynb", '{theatres: ["north caucasus", "Badia"]}').startswith(
        "theatres: unknown value 'Badia' (did you mean 'Syria: Badia'?); valid values are: North Caucasus, ")
    assert plan_problem(tmp_path, "10-trends.ipynb", '{branches: ["ISK", "is-mars"]}').startswith(
        "branches: unknown value 'is-mars'; valid values are: is-central, ")


@pytest.mark.notebooks
def test_the_same_message_from_a_real_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import papermill as pm

    monkeypatch.chdir(NOTEBOOKS)
    expected = plan_problem(tmp_path, "10-trends.ipynb", '{theatres: ["Badia"]}')
    with pytest.raises(pm.PapermillExecutionError) as err:
        execute_notebook("10-trends.ipynb", tmp_path, theatres=["Badia"])
    assert err.value.ename == "ParameterError"
    assert err.value.evalue == expected
