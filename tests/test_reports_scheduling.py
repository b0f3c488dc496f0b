"""The documented schedules keep the runner's exit codes and the CI cache survives a failed report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "reports.yml"
SCHEDULING = REPO / "docs" / "scheduling.md"
CACHED = {"reports/runs", "reports/latest"}  # file hashes are remembered by inode: useless on a fresh checkout


def steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return workflow["jobs"]["render"]["steps"]


def test_workflow_saves_the_cache_even_when_the_job_fails() -> None:
    uses = [s.get("uses", "") for s in steps()]
    assert not any(u.startswith("actions/cache@") for u in uses)  # saves only when the job succeeds
    (restore,) = [s for s in steps() if s.get("uses", "").startswith("actions/cache/restore@")]
    (save,) = [s for s in steps() if s.get("uses", "").startswith("actions/cache/save@")]
    assert save.get("if") == "always()"
    assert set(restore["with"]["path"].split()) == set(save["with"]["path"].split()) == CACHED
    assert restore["with"]["key"] == save["with"]["key"] and "run_attempt" in save["with"]["key"]
    names = [s.get("id") or s.get("uses") for s in steps()]
    assert names.index("render") < names.index(save["uses"])


def test_workflow_calls_the_runner_directly_after_make_venv() -> None:
    runs = [s.get("run", "") for s in steps()]
    assert not any(re.search(r"\bmake\b(?!\s+(-s\s+)?venv)", r) for r in runs), runs
    (render,) = [s for s in steps() if s.get("id") == "render"]
    assert ".venv/bin/incidentkit-reports run" in render["run"] and "continue-on-error" not in render
    assert any(r.strip() == "make venv" for r in runs[: runs.index(render["run"])])
    # published only when the runner published a run (0 or 1); the job fails for anything but 0
    (site,) = [s for s in steps() if s.get("id") == "site"]
    assert "code == '0'" in site["if"] and "code == '1'" in site["if"]
    assert any(
        s.get("if") == "steps.render.outputs.code != '0'" and "exit 1" in s.get("run", "") for s in steps()
    )


def test_documented_cron_line_keeps_the_exit_codes() -> None:
    text = SCHEDULING.read_text(encoding="utf-8")
    (cron,) = re.findall(r"```cron\n(.*?)```", text, flags=re.S)
    (line,) = [ln for ln in cron.splitlines() if ln.strip() and not ln.startswith("#")]
    assert ".venv/bin/incidentkit-reports run" in line
    assert "make reports" not in line and "make -s venv" in line
    assert "make turns every failure" in text.replace("`", "").replace("\n", " ")
