"""The report plan (``reports/plan.yaml``): reading it and validating every entry before anything runs.

A plan is a YAML list of reports::

    - name: trends-north-caucasus
      notebook: 10-trends.ipynb          # relative to notebooks/
      timeout: 900                       # optional: seconds the whole report may run (default 1800)
      cell_timeout: 300                  # optional: seconds any one cell may run (default: no limit per cell)
      parameters:
        theatres: ["North Caucasus"]
        start: "2010-01-01"              # quote dates and codes: YAML would turn them into dates/booleans
        end: "2024-12-31"

or a mapping with the list under ``reports`` and the folders its exports come from under ``allowed_sources``::

    allowed_sources: ["/srv/exports/gtd"]    # absolute, or relative to the plan's folder
    reports:
      - name: ...

Each report's parameters are checked against its notebook's ``parameters`` cell as papermill reads it
(:mod:`incidentkit.reports.notebook_params`) and, with the notebook's defaults, by the rules of
:mod:`incidentkit.data.parameters`: the checks the notebook's validation cell makes, with the same messages
(:mod:`incidentkit.reports.plan_values`). ``output_dir`` belongs to the runner and may not be set. The YAML is
read safely and within bounds (:mod:`incidentkit.reports.plan_yaml`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ..data.parameters import SOURCE_DIRS_ENV, Context, limit_issues, shown
from ..errors import IncidentkitError
from .notebook_params import NotebookParameters, ParamSpec, inspect_parameters
from .plan_values import RUNNER_PARAMETERS, mapping_nodes, report_parameters_problems
from .plan_yaml import MAX_PLAN_BYTES, PlanSizeError, compose_and_load, mark
from .slug import slugify

__all__ = ["DEFAULT_CELL_TIMEOUT", "DEFAULT_TIMEOUT", "RUNNER_PARAMETERS", "PlanError", "Report", "load_plan",
           "notebook_parameters"]

#: Seconds a whole report (kernel start to last cell) may run when the plan and the command line do not say otherwise.
DEFAULT_TIMEOUT = 1800
#: Seconds any one cell may run by default (``None``: no limit per cell; the report's ``timeout`` still applies).
DEFAULT_CELL_TIMEOUT: int | None = None
#: Most characters in a report's name, and most reports in a plan.
MAX_NAME = 200
MAX_REPORTS = 1000
_REPORT_KEYS = ("name", "notebook", "parameters", "timeout", "cell_timeout")
_PLAN_KEYS = ("allowed_sources", "reports")
#: Folders a plan's ``allowed_sources`` may not name (nor anything under them), nor any folder above the home folder.
_SYSTEM_FOLDERS = ("/proc", "/sys", "/dev", "/etc", "/boot", "/run", "/var/run")


class PlanError(IncidentkitError, ValueError):
    """The plan is unusable. ``problems`` lists every problem found (file, line, report, what was expected)."""

    def __init__(self, problems: list[str], *, source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{len(self.problems)} problem(s) in {source or 'the plan'}; nothing was run"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass(frozen=True)
class Report:
    """One validated entry of the plan. ``slug`` names its folder; ``notebook`` is relative to the notebooks dir;
    ``source_dirs`` are the plan's ``allowed_sources`` (resolved), which its kernel must allow too."""

    name: str
    slug: str
    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)
    timeout: int = DEFAULT_TIMEOUT  # seconds for the whole report (enforced by the runner)
    cell_timeout: int | None = DEFAULT_CELL_TIMEOUT  # seconds per cell (papermill's execution_timeout)
    line: int = 0
    source_dirs: tuple[str, ...] = ()

    @property
    def environment(self) -> dict[str, str]:
        """Environment variables the report's kernel needs: ``INCIDENTKIT_SOURCE_DIRS`` with the plan's
        ``allowed_sources`` added, so that its validation cell accepts the sources the plan check accepted."""
        if not self.source_dirs:
            return {}
        listed = [p for p in os.environ.get(SOURCE_DIRS_ENV, "").split(os.pathsep) if p.strip()]
        return {SOURCE_DIRS_ENV: os.pathsep.join(dict.fromkeys([*listed, *self.source_dirs]))}


def notebook_parameters(path: Path | str) -> dict[str, ParamSpec]:
    """Return the parameters of the notebook's cell tagged ``parameters``, in order, as papermill reads them.

    Raises :class:`PlanError` naming the notebook when it cannot be read or has no such cell. Cached by the
    notebook's content hash (:mod:`incidentkit.reports.notebook_params`).
    """
    found = inspect_parameters(path)
    if found.error:
        raise PlanError([found.error], source=str(path))
    if not found.tagged:
        raise PlanError([f"{path}: no code cell tagged 'parameters' (expected one holding the notebook's defaults)"],
                        source=str(path))
    return dict(found.specs)


def _read(plan_path: Path, label: str) -> tuple[Any, Any, list[tuple[str, Any, str]]]:
    """The plan's node tree, data and duplicate keys; :class:`PlanError` for a file too big, not YAML or empty."""
    try:
        with open(plan_path, "rb") as fh:
            raw = fh.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise PlanError([f"{label}: cannot read the plan ({exc.strerror or exc})"], source=label) from exc
    if len(raw) > MAX_PLAN_BYTES:
        raise PlanError([f"{label}: the plan is larger than {MAX_PLAN_BYTES:,} bytes; a plan lists reports and their "
                         "parameters, not data"], source=label)
    try:
        return compose_and_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PlanError([f"{label}: not UTF-8 text (byte {exc.start})"], source=label) from None
    except PlanSizeError as exc:
        sep = ":" if str(exc)[:1].isdigit() else ": "  # "<line>:<column>: ..." when the limit is passed at a node
        raise PlanError([f"{label}{sep}{exc}"], source=label) from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        pos = f"{where.line + 1}:{where.column + 1}" if where is not None else "?"
        problem = shown(str(getattr(exc, "problem", None) or exc), 200)
        raise PlanError([f"{label}:{pos}: not valid YAML ({problem})"], source=label) from exc


def _layout(root: Any, data: Any, label: str, base: Path, problems: list[str]) -> tuple[Any, list[Any], list[str]]:
    """The node and entries of the report list, and the plan's ``allowed_sources`` (resolved folders)."""
    if data is None:
        raise PlanError([f"{label}: the plan is empty; expected a list of reports"], source=label)
    if isinstance(data, list):
        return root, data, []
    if not isinstance(data, dict) or not isinstance(data.get("reports"), list):
        kind = "a mapping without a 'reports' list" if isinstance(data, dict) else type(data).__name__
        raise PlanError([f"{label}:{mark(root)}: expected a YAML list of reports (- name: ...), or a mapping with "
                         f"'reports' and 'allowed_sources'; found {kind}"], source=label)
    nodes = mapping_nodes(root)
    for key in data:
        if key not in _PLAN_KEYS:
            where = mark(nodes[str(key)][0]) if str(key) in nodes else "?"
            problems.append(f"{label}:{where}: unknown key {shown(key)}; expected {' or '.join(_PLAN_KEYS)}")
    folders = _allowed_sources(data.get("allowed_sources"), nodes.get("allowed_sources", (root, root))[1], label,
                               base, problems)
    return nodes["reports"][1], data["reports"], folders


def _allowed_sources(value: Any, node: Any, label: str, base: Path, problems: list[str]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{label}:{mark(node)}: 'allowed_sources' must be a list of folder names, found {shown(value)}")
        return []
    home = Path.home().resolve()
    out = []
    for index, text in enumerate(value):
        where = f"{label}:{mark(node.value[index] if isinstance(node, yaml.SequenceNode) else node)}"
        limits = limit_issues("allowed_sources", text)
        folder = (base / Path(text).expanduser()).resolve()
        if limits:
            problems.append(f"{where}: {limits[0].message}")
        elif not folder.is_dir():
            problems.append(f"{where}: allowed_sources: {shown(text)} is not a folder")
        elif folder == Path(folder.anchor) or home.is_relative_to(folder) or any(
            folder.is_relative_to(system) for system in map(Path, _SYSTEM_FOLDERS)
        ):
            problems.append(f"{where}: allowed_sources: {shown(text)} is a system folder or holds the home folder; "
                            "name the folder that holds the exports")
        else:
            out.append(str(folder))
    return out


def load_plan(
    plan_path: Path | str,
    notebooks_dir: Path | str,
    *,
    default_timeout: int = DEFAULT_TIMEOUT,
    default_cell_timeout: int | None = DEFAULT_CELL_TIMEOUT,
) -> list[Report]:
    """Read and validate the whole plan; return its reports in file order.

    Every problem is collected (unknown notebook, a notebook without a parameters cell, unknown parameter name, a
    value that breaks its rule (type, allowed values, size, markup; a ``source`` outside the allowed folders), a
    start after the end, ``output_dir`` set by hand, duplicate report names or folder slugs, unknown keys, a bad
    timeout) and raised together as one :class:`PlanError`, each naming the plan file, the line and column, the
    report and what was expected.
    """
    plan_path = Path(plan_path)
    notebooks_dir = Path(notebooks_dir)
    label = str(plan_path)
    root, data, duplicates = _read(plan_path, label)
    problems: list[str] = [
        f"{label}:{where}: duplicate key {shown(key)} (first given at {first}); expected each key once in a mapping "
        "(YAML would silently keep the last value)"
        for where, key, first in duplicates
    ]
    list_node, entries, folders = _layout(root, data, label, plan_path.parent.resolve(), problems)
    if len(entries) > MAX_REPORTS:
        raise PlanError([f"{label}: {len(entries):,} reports; at most {MAX_REPORTS:,} in one plan"], source=label)
    checker = _Checker(label, notebooks_dir, Context(base=notebooks_dir.resolve(), source_dirs=tuple(map(Path, folders))),
                       (default_timeout, default_cell_timeout), problems)
    reports = [
        replace(report, source_dirs=tuple(folders))
        for index, entry in enumerate(entries)
        if (report := checker.entry(entry, list_node.value[index] if index < len(list_node.value) else None, index))
    ]
    if problems:
        raise PlanError(sorted(problems, key=lambda p: _position(p, label)), source=label)
    return reports


@dataclass
class _Checker:
    """Checks the plan's entries one by one, adding every problem to ``problems``."""

    label: str
    notebooks_dir: Path
    ctx: Context
    defaults: tuple[int, int | None]  # (timeout, cell_timeout) for entries that set none
    problems: list[str]
    names: dict[str, str] = field(default_factory=dict)  # report name -> where it is first given
    slugs: dict[str, str] = field(default_factory=dict)  # folder slug -> report name
    seen_notebooks: set[str] = field(default_factory=set)  # notebooks whose own problem is already reported

    def at(self, node: Any) -> str:
        return f"{self.label}:{mark(node)}"

    def entry(self, entry: Any, node: Any, index: int) -> Report | None:
        """Check one entry of the plan; return its :class:`Report` when it can run."""
        problems = self.problems
        if not isinstance(entry, dict):
            problems.append(f"{self.at(node)}: entry {index + 1}: expected a mapping with name, notebook and parameters")
            return None
        keys = mapping_nodes(node)

        def at(key: str) -> str:
            return self.at(keys[key][1] if key in keys else node)

        name = entry.get("name")
        valid_name = isinstance(name, str) and name.strip() and len(name) <= MAX_NAME and not limit_issues("name", name)
        who = f"report {name!r}" if valid_name else f"entry {index + 1}"
        for key in entry:
            if key not in _REPORT_KEYS:
                pos = self.at(keys[str(key)][0]) if str(key) in keys else self.at(node)
                problems.append(f"{pos}: {who}: unknown key {shown(key)}; expected one of {', '.join(_REPORT_KEYS)}")
        if not valid_name:
            problems.append(f"{at('name')}: {who}: {self.name_problem(name)}")
            name = None
        elif name in self.names:
            problems.append(f"{at('name')}: {who}: duplicate report name (first used at {self.names[name]})")
        elif slugify(name) in self.slugs:
            problems.append(f"{at('name')}: {who}: its folder name {slugify(name)!r} is the same as report "
                            f"{self.slugs[slugify(name)]!r}'s; expected names that differ in letters or digits")
        else:
            self.names[name] = at("name")
            self.slugs[slugify(name)] = name

        timeout = entry.get("timeout", self.defaults[0])
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
            problems.append(f"{at('timeout')}: {who}: 'timeout' must be a positive integer (seconds for the whole "
                            f"report), found {shown(timeout)}")
        cell_timeout = entry.get("cell_timeout", self.defaults[1])
        if cell_timeout is not None and (isinstance(cell_timeout, bool) or not isinstance(cell_timeout, int)
                                         or cell_timeout <= 0):
            problems.append(f"{at('cell_timeout')}: {who}: 'cell_timeout' must be a positive integer (seconds per "
                            f"cell) or null, found {shown(cell_timeout)}")
        parameters = entry.get("parameters") or {}
        if not isinstance(parameters, dict):
            problems.append(f"{at('parameters')}: {who}: 'parameters' must be a mapping of name: value, "
                            f"found {type(parameters).__name__}")
            parameters = {}

        notebook = entry.get("notebook")
        found = None
        if not isinstance(notebook, str) or not notebook.strip() or limit_issues("notebook", notebook):
            problems.append(f"{at('notebook')}: {who}: 'notebook' must be a file name in notebooks/, "
                            f"found {shown(notebook)}")
        else:
            found = self.notebook(notebook, f"{at('notebook')}: {who}")
        if found is None:
            return None
        pnode = keys["parameters"][1] if "parameters" in keys else node
        problems.extend(report_parameters_problems(parameters, pnode, found, notebook, self.ctx, self.at, who))
        if name and isinstance(timeout, int) and isinstance(cell_timeout, (int, type(None))):
            return Report(name=name, slug=slugify(name), notebook=Path(notebook).as_posix(),
                          parameters={k: parameters[k] for k in sorted(parameters)}, timeout=int(timeout),
                          cell_timeout=cell_timeout, line=node.start_mark.line + 1 if node is not None else 0)
        return None

    @staticmethod
    def name_problem(name: Any) -> str:
        if not isinstance(name, str) or not name.strip():
            return f"'name' must be a non-empty string, found {shown(name)}"
        wrong = limit_issues("name", name)
        return wrong[0].message if wrong else f"name: {len(name):,} characters; at most {MAX_NAME} are allowed"

    def notebook(self, notebook: str, where: str) -> NotebookParameters | None:
        """Papermill's reading of the report's notebook, or ``None`` (its problem added once per notebook)."""
        rel = Path(notebook)
        if rel.is_absolute() or ".." in rel.parts or rel.suffix != ".ipynb":
            self.problems.append(f"{where}: notebook {shown(notebook)}: expected a .ipynb file name relative to "
                                 f"{self.notebooks_dir}")
            return None
        path = self.notebooks_dir / rel
        if not path.is_file():
            available = sorted(p.name for p in self.notebooks_dir.glob("*.ipynb") if not p.name.startswith("_"))
            self.problems.append(f"{where}: unknown notebook {shown(notebook)}; expected one of: "
                                 f"{', '.join(available) or '(none found)'} in {self.notebooks_dir}")
            return None
        found = inspect_parameters(path)
        problem = found.error or (None if found.tagged else f"{path}: no code cell tagged 'parameters' (expected "
                                  "one holding the notebook's defaults)")
        if problem is None and "output_dir" not in found.specs:
            problem = f"{path}: the parameters cell has no 'output_dir'; expected output_dir: str = \"\""
        if problem is None:
            return found
        if notebook not in self.seen_notebooks:
            self.seen_notebooks.add(notebook)
            self.problems.append(f"{where}: {problem}")
        return None


def _position(problem: str, label: str) -> tuple[int, int]:
    """(line, column) of a problem that starts with ``<label>:<line>:<column>:``, for listing them in file order."""
    parts = problem[len(label) + 1 :].split(":", 2) if problem.startswith(label + ":") else []
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return int(parts[0]), int(parts[1])
    return (1 << 30, 0)

