"""reports/README.md says what the runner really does: its error example and its speed figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from incidentkit.reports.__main__ import main

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
REPORTS_README = REPO / "reports" / "README.md"


def test_error_example_is_the_real_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = REPORTS_README.read_text(encoding="utf-8")
    plan_text = re.search(r"this plan \(in `([^`]+)`\):\n\n```yaml\n(.*?)```", text, flags=re.S)
    shown = re.search(
        r"```\n\$ \.venv/bin/incidentkit-reports check --plan (\S+)\n(.*?)```", text, flags=re.S
    )
    assert plan_text and shown, "the README's plan example and its output"
    documented_path, yaml_text = plan_text.groups()
    assert shown.group(1) == documented_path
    plan = tmp_path / "my-plan.yaml"
    plan.write_text(yaml_text, encoding="utf-8")
    assert main(["check", "--plan", str(plan)]) == 2
    real = capsys.readouterr().err.replace(str(plan), documented_path).splitlines()
    expected = shown.group(2).splitlines()
    assert len(real) == len(expected)
    for got, want in zip(real, expected, strict=True):
        # the notebooks' parameter lists may grow: compare up to the list of expected names
        assert got.split("expected one of:")[0] == want.split("expected one of:")[0]


def _runner_figures(text: str) -> list[str]:
    return [f.replace("×", "x") for f in re.findall(r"(\d+\.\d+ s|\d+\.\d+×|\d+\.\d+x)", text)]


def test_speed_figures_match_the_project_readme() -> None:
    main_text = README.read_text(encoding="utf-8")
    section = main_text[main_text.index("**Report runner**") :]
    section = section[: section.index("\n\n", section.index("| unchanged"))]
    ours = REPORTS_README.read_text(encoding="utf-8")
    speed = ours[ours.index("## Speed") :]
    table = speed[speed.index("| default plan") : speed.index("\n\n", speed.index("| default plan"))]
    assert _runner_figures(table) == _runner_figures(section)
    assert "**medians**" in speed
