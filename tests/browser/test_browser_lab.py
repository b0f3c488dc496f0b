"""The notebooks as an analyst uses them: JupyterLab from the project's environment, in headless Chromium, offline.

JupyterLab runs on a copy of the project (``lab_root``); the notebook is opened from Lab's URL, run with the menu's
Run > Run All Cells, and saved, so that the errors are read from the notebook itself.
"""

from __future__ import annotations

from typing import Any

from incidentkit.paths import KERNEL_DISPLAY_NAME, KERNEL_NAME

from .browserkit import ConsoleLog, NetworkLog, broken_images
from .labkit import JupyterLab, open_notebook, run_all_cells

TRENDS = "notebooks/10-trends.ipynb"
PROJECT_KERNEL = KERNEL_NAME  # "incidentkit", shown as "Python (incidentkit)" (tests/test_kernel.py: one name)


def test_trends_notebook_runs_in_lab_offline(
    page: Any,
    network: NetworkLog,
    console: ConsoleLog,
    jupyter_lab: JupyterLab,
    shoot: Any,
    record_property: Any,
) -> None:
    open_notebook(page, jupyter_lab, TRENDS)
    run = run_all_cells(page, jupyter_lab, TRENDS)
    record_property("kernel", f"{run.kernel} ({run.kernel_display_name})")
    record_property("run_seconds", round(run.seconds, 1))
    print(f"{TRENDS}: kernel {run.kernel!r} shown as {run.kernel_display_name!r}; ran in {run.seconds:.1f} s")
    assert run.kernel == PROJECT_KERNEL, f"ran on {run.kernel!r}"
    assert run.errors == [], f"cells raised: {run.errors}"
    assert run.not_run == [], f"code cells without an execution count: {run.not_run} (prompts {run.prompts})"
    assert run.images >= 1, "no figure appeared in the outputs"
    assert broken_images(page) == []
    first_figure = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedImage img").first
    first_figure.scroll_into_view_if_needed()
    shoot(page, "first-figure", viewports=("desktop",), full_page=False)
    # Lab and the kernel's outputs need nothing from outside this machine (issue 14: "works with no network").
    assert not network, "Lab asked for:\n" + network.describe()
    errors = console.errors(network)
    assert not errors, "Lab logged errors:\n" + "\n".join(map(str, errors))


def test_lab_opens_the_notebooks_on_the_project_kernel(page: Any, jupyter_lab: JupyterLab) -> None:
    open_notebook(page, jupyter_lab, TRENDS)
    kernel = jupyter_lab.kernel_of(TRENDS) or {}
    assert kernel.get("name") == PROJECT_KERNEL, f"Lab started {kernel.get('name')!r} for {TRENDS}"
    toolbar = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-KernelName").first.inner_text().strip()
    assert toolbar == KERNEL_DISPLAY_NAME, f"the notebook's toolbar shows {toolbar!r}"
