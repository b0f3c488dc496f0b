"""The project installs the same way for pip and conda users, from one pinned set: pyproject.toml names the
dependencies, constraints.txt pins every package, and environment.yml takes the compiled and geospatial stack from
conda-forge at those same pins (conda is not needed to check that: the files are compared)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
#: conda-forge package -> the distribution pip sees it as (where the names differ)
CONDA_TO_PIP = {"matplotlib-base": "matplotlib", "geopandas-base": "geopandas"}
#: What conda-forge must provide (compiled code, or GDAL/PROJ/GEOS underneath), named as pip names them.
FROM_CONDA = {"numpy", "pandas", "pyarrow", "matplotlib", "geopandas", "shapely", "pyogrio", "pyproj"}
#: Distribution -> module name, where they differ.
IMPORT_NAMES = {"pyyaml": "yaml", "pytest-xdist": "xdist"}
#: Declared dependencies that no ``import`` names, with the file and text that show what uses them.
USED_WITHOUT_IMPORT = {
    "jupyterlab": ("Makefile", "jupyter lab"),
    "ipykernel": ("share/jupyter/kernels/incidentkit/kernel.json", "ipykernel_launcher"),
    "pyogrio": ("lib/incidentkit/charts/geodata/README.md", "geopandas/pyogrio"),
    "nbval": ("Makefile", "--nbval-lax"),
    "ruff": ("Makefile", "ruff check"),
    "pytest-xdist": ("README.md", "pytest -n 2"),
    "setuptools": ("tests/test_packaging.py", "--no-build-isolation"),
    "anywidget": ("lib/incidentkit/widgets/__init__.py", "anywidget"),
}


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _declared() -> list[str]:
    project = _pyproject()["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["test"]]


def _environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))


def _conda() -> dict[str, str]:
    """pip name -> version of every pinned conda-forge package of environment.yml."""
    out = {}
    for dep in _environment()["dependencies"]:
        if isinstance(dep, str) and "==" in dep:
            name, _, version = dep.partition("==")
            out[CONDA_TO_PIP.get(name, name)] = version
    return out


def _environment_pip() -> list[str]:
    pip = next(d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict) and "pip" in d)
    return [p for p in pip if not p.startswith("-")]


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_name(name)] = version
    return pins


def test_every_dependency_is_in_environment_yml_once() -> None:
    """Each dependency of pyproject.toml comes either from conda-forge (pinned) or from pip (with pyproject's
    specifier), never both, never neither."""
    declared = {_name(r): r for r in _declared()}
    conda = set(_conda())
    pip = {_name(r): r for r in _environment_pip()}
    assert not conda & set(pip), f"from both conda-forge and pip: {sorted(conda & set(pip))}"
    assert set(declared) <= conda | set(pip), f"missing from environment.yml: {sorted(set(declared) - conda - set(pip))}"
    assert set(pip) <= set(declared), f"pip entries pyproject.toml does not declare: {sorted(set(pip) - set(declared))}"
    for name, req in pip.items():
        assert req == declared[name], f"environment.yml says {req!r}, pyproject.toml {declared[name]!r}"


def test_the_compiled_and_geospatial_stack_comes_from_conda_forge_at_the_pinned_versions() -> None:
    conda = _conda()
    assert FROM_CONDA <= set(conda), f"not taken from conda-forge: {sorted(FROM_CONDA - set(conda))}"
    pins = _pins()
    for name, version in conda.items():
        assert name in pins, f"{name} comes from conda-forge but constraints.txt does not pin it"
        assert version == pins[name], f"{name}: environment.yml {version}, constraints.txt {pins[name]}"


def test_environment_yml_installs_the_package_under_the_constraints() -> None:
    env = _environment()
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-c constraints.txt" in pip
    assert any(p.startswith("-e .") for p in pip)
    assert "python=3.11" in env["dependencies"] and env["channels"] == ["conda-forge"]


def test_every_dependency_is_pinned_in_constraints() -> None:
    pins = _pins()
    for req in _declared():
        assert _name(req) in pins, f"{req} is not pinned in constraints.txt"


def test_makefile_and_ci_use_the_constraints_and_make_test() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "-c constraints.txt" in makefile
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make reports" in first_block and "make test" in first_block


def _imported(folder: Path) -> set[str]:
    """Top-level names of every module imported by the Python files under ``folder``."""
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "importorskip" and node.args:
                names.add(ast.literal_eval(node.args[0]).split(".")[0])
    return names


def test_every_declared_dependency_is_used() -> None:
    """A dependency nothing uses is not declared: the library imports each runtime dependency, the tests or the
    library each test dependency, unless a named file shows what else uses it (a command of the Makefile, ...)."""
    project = _pyproject()["project"]
    library = _imported(REPO / "lib")
    tests = _imported(REPO / "tests") | library
    for reqs, used in ((project["dependencies"], library), (project["optional-dependencies"]["test"], tests)):
        for req in reqs:
            name = _name(req)
            if name in USED_WITHOUT_IMPORT:
                path, text = USED_WITHOUT_IMPORT[name]
                assert text in (REPO / path).read_text(encoding="utf-8"), f"{name}: {path} no longer says {text!r}"
                continue
            assert IMPORT_NAMES.get(name, name).replace("-", "_") in used, f"{name} is declared but nothing imports it"
