"""Packaging a user can rely on: the version written once, an SPDX licence with its files, every package folder in
the wheel, the ``incidentkit`` command line, and a wheel that works installed outside the repository (it carries
the curated tables; without them, the error says how to point the library at the data).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import incidentkit as ik
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "lib" / "incidentkit"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_version_is_written_in_one_place() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "incidentkit.__version__"}
    assigned = [p for p in PACKAGE.rglob("*.py") if re.search(r"^__version__\s*=", p.read_text("utf-8"), re.M)]
    assert assigned == [PACKAGE / "__init__.py"]
    literal = re.compile(rf"(?<![\d.]){re.escape(ik.__version__)}(?![\d.])")
    places = [p for p in [REPO / "pyproject.toml", *PACKAGE.rglob("*.py")] if literal.search(p.read_text("utf-8"))]
    assert places == [PACKAGE / "__init__.py"], f"the version {ik.__version__} is written in {places}"


def test_the_licence_is_an_spdx_expression_with_its_files() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT AND CC-BY-4.0 AND ISC"
    for name in project["license-files"]:
        assert (REPO / name).is_file(), name
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 incidentkit contributors\n")
    assert "CC-BY-4.0" in (REPO / "data" / "LICENSE.md").read_text(encoding="utf-8")


def test_every_package_folder_is_listed() -> None:
    """setuptools ships only the listed packages: a new folder under lib/incidentkit must be added to pyproject."""
    folders = {
        ".".join(("incidentkit", *d.relative_to(PACKAGE).parts)).rstrip(".")
        for d in [PACKAGE, *PACKAGE.rglob("*")]
        if d.is_dir() and d.name != "__pycache__" and any(f.is_file() for f in d.iterdir())
    }
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert listed == folders | {"incidentkit.data.curated"}
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"": "lib", "incidentkit.data.curated": "data"}


def _cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "incidentkit", *args], capture_output=True, text=True, **kwargs)


def test_the_command_line_lists_its_commands() -> None:
    out = _cli()
    assert out.returncode == 0, out.stderr
    for command in ("reports", "notebooks", "data", "--version"):
        assert command in out.stdout
    assert PYPROJECT["project"]["scripts"]["incidentkit"] == "incidentkit.__main__:main"


def test_the_version_option() -> None:
    out = _cli("--version")
    assert (out.returncode, out.stdout) == (0, f"incidentkit {ik.__version__}\n")


def test_an_unknown_command_is_an_error() -> None:
    out = _cli("render")
    assert out.returncode == 2 and "invalid choice: 'render'" in out.stderr


def test_the_commands_are_delegated() -> None:
    reports = _cli("reports", "--help")
    assert reports.returncode == 0 and "{run,check}" in reports.stdout
    notebooks = _cli("notebooks", str(REPO / "notebooks" / "_template.ipynb"))
    assert notebooks.returncode == 0 and "1 notebook(s) follow the style rules" in notebooks.stdout
    data = _cli("data")
    assert data.returncode == 0, data.stderr
    assert f"data folder: {REPO / 'data'} (the data/ folder of this checkout)" in data.stdout
    assert "  incidents: " in data.stdout and "valid" in data.stdout


def test_the_data_command_says_how_to_point_at_the_data(tmp_path: Path) -> None:
    out = _cli("data", env={**os.environ, "INCIDENTKIT_DATA_DIR": str(tmp_path / "nowhere")})
    assert out.returncode == 1
    assert "cannot read the data dictionary" in out.stderr and "Set INCIDENTKIT_DATA_DIR to a folder" in out.stderr


def _curated_rows() -> int:
    with open(REPO / "data" / "incidents.csv", encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the wheel from a copy of the sources (offline: no build isolation, no index) and install it, without
    dependencies, into a throwaway environment that borrows the project environment's packages."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(REPO / "lib", src / "lib", ignore=ignore)
    shutil.copytree(REPO / "data", src / "data", ignore=ignore)
    shutil.copytree(REPO / "share", src / "share", ignore=ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(root / "dist"),
                    str(src)], check=True, capture_output=True, text=True)
    (wheel,) = (root / "dist").glob("incidentkit-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, capture_output=True, text=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # the dependencies (pandas, matplotlib, ...) come from the project environment, after the wheel's own package
    (site / "project-env.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return {"wheel": wheel, "python": python, "bin": venv / "bin", "site": site, "work": root / "work"}


def _run_installed(installed: dict[str, Path], *cmd: str, env: dict[str, str] | None = None):
    work = installed["work"]
    work.mkdir(exist_ok=True)
    base = {k: v for k, v in os.environ.items() if not k.startswith("INCIDENTKIT_") and k != "PYTHONPATH"}
    base["XDG_CACHE_HOME"] = str(work / "user-cache")  # the installed copy's default cache, kept in the test
    return subprocess.run(list(cmd), cwd=work, capture_output=True, text=True, env={**base, **(env or {})})


@pytest.mark.wheel
def test_the_wheel_holds_the_code_the_data_and_the_licences(installed: dict[str, Path]) -> None:
    with zipfile.ZipFile(installed["wheel"]) as whl:
        names = set(whl.namelist())
        meta = whl.read(f"incidentkit-{ik.__version__}.dist-info/METADATA").decode("utf-8")
        entry_points = whl.read(f"incidentkit-{ik.__version__}.dist-info/entry_points.txt").decode("utf-8")
    for path in (REPO / "data").iterdir():
        if path.suffix in (".csv", ".json", ".md"):
            assert f"incidentkit/data/curated/{path.name}" in names, path.name
    for path in PACKAGE.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert f"incidentkit/{path.relative_to(PACKAGE).as_posix()}" in names, path
    assert f"Version: {ik.__version__}\n" in meta
    assert "License-Expression: MIT AND CC-BY-4.0 AND ISC\n" in meta
    for name in PYPROJECT["project"]["license-files"]:
        assert f"License-File: {name}\n" in meta
        assert f"incidentkit-{ik.__version__}.dist-info/licenses/{name}" in names
    assert "incidentkit = incidentkit.__main__:main" in entry_points


@pytest.mark.wheel
def test_the_installed_wheel_reads_its_curated_tables_outside_the_repository(installed: dict[str, Path]) -> None:
    code = ("import incidentkit as ik, incidentkit.paths as p; print(len(ik.load_incidents(roles=None))); "
            "print(p.data_origin()); print(ik.__file__); print(p.cache_dir())")
    out = _run_installed(installed, str(installed["python"]), "-c", code)
    assert out.returncode == 0, out.stderr
    rows, origin, module, cache = out.stdout.splitlines()
    assert int(rows) == _curated_rows() > 0
    assert origin == "package" and Path(module).is_relative_to(installed["site"])
    assert Path(cache) == installed["work"] / "user-cache" / "incidentkit"
    version = _run_installed(installed, str(installed["bin"] / "incidentkit"), "--version")
    assert version.stdout == f"incidentkit {ik.__version__}\n"
    data = _run_installed(installed, str(installed["bin"] / "incidentkit"), "data")
    assert data.returncode == 0, data.stderr
    assert "(the copy shipped in the installed package)" in data.stdout
    assert f"incidents: {_curated_rows()} rows, valid" in data.stdout


@pytest.mark.wheel
def test_an_installed_copy_without_its_tables_names_the_variable_to_set(installed: dict[str, Path]) -> None:
    curated = installed["site"] / "incidentkit" / "data" / "curated"
    kept = installed["work"].parent / "curated-kept"
    shutil.move(curated, kept)
    try:
        code = "import incidentkit as ik; ik.load_incidents()"
        out = _run_installed(installed, str(installed["python"]), "-c", code)
        assert out.returncode == 1
        assert "cannot read the data dictionary" in out.stderr and "Set INCIDENTKIT_DATA_DIR" in out.stderr
        code = "import incidentkit as ik; print(len(ik.load_incidents(roles=None)))"
        pointed = _run_installed(installed, str(installed["python"]), "-c", code,
                                 env={"INCIDENTKIT_DATA_DIR": str(REPO / "data")})
        assert pointed.returncode == 0 and int(pointed.stdout) == _curated_rows()
    finally:
        shutil.move(kept, curated)


@pytest.mark.wheel
def test_the_installed_wheel_brings_the_project_kernel(installed: dict[str, Path]) -> None:
    """The wheel installs "Python (incidentkit)" into its environment's share/jupyter/kernels, where that
    environment's Jupyter (and papermill, the report runner) finds it, started with that environment's Python."""
    code = ("import sys; from jupyter_client.kernelspec import KernelSpecManager; "
            "from jupyter_client.manager import KernelManager; "
            "spec = KernelSpecManager().get_kernel_spec('incidentkit'); "
            "print(spec.display_name); print(spec.resource_dir); "
            "print(KernelManager(kernel_name='incidentkit').format_kernel_cmd()[0] == sys.executable)")
    out = _run_installed(installed, str(installed["python"]), "-c", code)
    assert out.returncode == 0, out.stderr
    display, folder, own_python = out.stdout.splitlines()
    assert display == "Python (incidentkit)"
    assert Path(folder).is_relative_to(installed["python"].parent.parent), folder
    assert own_python == "True"
