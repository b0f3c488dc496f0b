"""One kernel everywhere: the project kernel "Python (incidentkit)" is what the notebooks name, what the report runner,
nbval and the tests' papermill runs start, what ``make lab`` selects, and what ``make venv`` installs (from the one
kernelspec file, ``share/jupyter/kernels/incidentkit/kernel.json``, that a wheel carries too)."""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from incidentkit.paths import KERNEL_DISPLAY_NAME, KERNEL_NAME
from incidentkit.reports import kernels as execute
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

REPO = Path(__file__).resolve().parents[1]
SPEC_DIR = REPO / "share" / "jupyter" / "kernels" / KERNEL_NAME
MAKEFILE = (REPO / "Makefile").read_text(encoding="utf-8")


def _make_rule(target: str) -> str:
    """The recipe of a Makefile target (its lines up to the next blank line)."""
    match = re.search(rf"^{re.escape(target)}:.*?(?=^\s*$)", MAKEFILE, flags=re.M | re.S)
    assert match, f"no {target} target in the Makefile"
    return match.group(0)


def test_the_kernelspec_file_defines_the_project_kernel() -> None:
    spec = json.loads((SPEC_DIR / "kernel.json").read_text(encoding="utf-8"))
    assert spec["display_name"] == KERNEL_DISPLAY_NAME == "Python (incidentkit)"
    assert spec["language"] == "python"
    # "python" is replaced by the Python the Jupyter server runs on: the kernel runs in the project's environment
    assert spec["argv"] == ["python", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"]


def test_the_makefile_installs_and_uses_that_kernel() -> None:
    assert re.search(rf"^KERNEL_NAME := {KERNEL_NAME}$", MAKEFILE, flags=re.M)
    venv = _make_rule("$(STAMP)")
    assert "kernelspec install --log-level=WARN --sys-prefix --name $(KERNEL_NAME) share/jupyter/kernels/$(KERNEL_NAME)" in venv
    assert "share/jupyter/kernels/$(KERNEL_NAME)/kernel.json" in venv.splitlines()[0]  # a change reinstalls it
    test = _make_rule("test")
    assert "--nbval-kernel-name $(KERNEL_NAME)" in test and "--nbval-current-env" not in test
    lab = _make_rule("lab")
    assert "--MappingKernelManager.default_kernel_name=$(KERNEL_NAME)" in lab
    assert '--ServerApp.root_dir="$(CURDIR)"' in lab and "notebook-dir" not in lab  # the project root, not notebooks/


def test_the_wheel_installs_the_same_kernelspec() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = pyproject["tool"]["setuptools"]["data-files"]
    assert data_files == {f"share/jupyter/kernels/{KERNEL_NAME}": [f"share/jupyter/kernels/{KERNEL_NAME}/kernel.json"]}


def test_the_report_runner_starts_the_project_kernel() -> None:
    assert execute.KERNEL_NAME == KERNEL_NAME


@pytest.mark.parametrize("path", sorted((REPO / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_notebook_names_the_project_kernel(path: Path) -> None:
    spec = nbformat.read(path, as_version=4).metadata["kernelspec"]
    assert (spec["name"], spec["display_name"]) == (KERNEL_NAME, KERNEL_DISPLAY_NAME)


def test_this_environment_finds_the_kernel_and_runs_it_on_its_own_python() -> None:
    """What papermill, nbval and ``make lab`` ask jupyter_client: the spec ``make venv`` installed in this
    environment (not one of the user's), started with this environment's Python."""
    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert spec.display_name == KERNEL_DISPLAY_NAME
    assert Path(spec.resource_dir).resolve().is_relative_to(Path(sys.prefix).resolve()), spec.resource_dir
    assert KernelManager(kernel_name=KERNEL_NAME).format_kernel_cmd()[0] == sys.executable
