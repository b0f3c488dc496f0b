"""The report plan (``reports/plan.yaml``): reading it and validating every entry before anything runs.

A plan is a YAML list of reports::

    - name: trends-north-caucasus
      notebook: 10-trends.ipynb          # relative to notebooks/
      timeout: 900                       # optional: seconds the whole report may run (default 1800)
      cell_timeout: 300                  # optional: seconds any one cell may run (default: no limit per cell)
      parameters:
        theatres: ["north_caucasus"]
        start: "2010-01-01"              # quote dates and codes: YAML would turn them into dates/booleans
        end: "2024-12-31"

Each parameter is checked against the notebook's ``parameters`` cell, read statically with :mod:`ast` (no kernel,
no papermill import): the names it assigns, their annotations (``start: str = "2015-01-01"  # first day``) and, when
a name has no annotation, the type of its literal default. ``output_dir`` belongs to the runner and may not be set.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..errors import IncidentkitError
from .plan_yaml import compose_and_load, mark
from .slug import slugify

#: Seconds a whole report (kernel start to last cell) may run when the plan and the command line do not say otherwise.
DEFAULT_TIMEOUT = 1800
#: Seconds any one cell may run by default (``None``: no limit per cell; the report's ``timeout`` still applies).
DEFAULT_CELL_TIMEOUT: int | None = None
#: Parameters the runner sets itself; a plan may not set them.
RUNNER_PARAMETERS = ("output_dir",)
_REPORT_KEYS = ("name", "notebook", "parameters", "timeout", "cell_timeout")


class PlanError(IncidentkitError, ValueError):
    """The plan is unusable. ``problems`` lists every problem found (file, line, report, what was expected)."""

    def __init__(self, problems: list[str], *, source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        head = f"{len(self.problems)} problem(s) in {source or 'the plan'}; nothing was run"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass(frozen=True)
class ParamSpec:
    """One name assigned in a notebook's ``parameters`` cell."""

    name: str
    annotation: str | None
    default: Any = None
    has_default: bool = False
    literal_default: bool = True
    comment: str = ""
    line: int = 0

    def expected(self) -> str:
        """Describe the accepted values, e.g. ``list`` or ``str | None``."""
        if self.annotation:
            return self.annotation
        if self.has_default and self.literal_default and self.default is not None:
            return _default_kind(self.default)
        return "any value"


@dataclass(frozen=True)
class Report:
    """One validated entry of the plan. ``slug`` names its folder; ``notebook`` is relative to the notebooks dir."""

    name: str
    slug: str
    notebook: str
    parameters: dict[str, Any] = field(default_factory=dict)
    timeout: int = DEFAULT_TIMEOUT  # seconds for the whole report (enforced by the runner)
    cell_timeout: int | None = DEFAULT_CELL_TIMEOUT  # seconds per cell (papermill's execution_timeout)
    line: int = 0


# --------------------------------------------------------------------------------------------------------------
# The notebook side: what the parameters cell declares
# --------------------------------------------------------------------------------------------------------------


def notebook_parameters(path: Path | str) -> dict[str, ParamSpec]:
    """Return the names declared in the notebook's cell tagged ``parameters``, in order.

    Raises :class:`PlanError` naming the notebook when it has no such cell or the cell does not parse.
    Results are cached per (path, modification time, size).
    """
    path = Path(path)
    stat = path.stat()
    return dict(_notebook_parameters(str(path), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=64)
def _notebook_parameters(path: str, _mtime_ns: int, _size: int) -> tuple[tuple[str, ParamSpec], ...]:
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanError([f"{path}: not a readable notebook ({exc})"], source=path) from exc
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    for index, cell in enumerate(cells):
        tags = (cell.get("metadata") or {}).get("tags") or []
        if cell.get("cell_type") == "code" and "parameters" in tags:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            return tuple((spec.name, spec) for spec in _parse_parameters_cell(source, path, index))
    raise PlanError(
        [f"{path}: no code cell tagged 'parameters' (expected one holding the notebook's defaults)"]
    )


def _parse_parameters_cell(source: str, path: str, cell_index: int) -> list[ParamSpec]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise PlanError(
            [f"{path}: cell {cell_index + 1} (parameters), line {exc.lineno}, column {exc.offset}: {exc.msg}"]
        ) from exc
    lines = source.splitlines()
    specs: list[ParamSpec] = []
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, annotation, value = node.target.id, ast.unparse(node.annotation), node.value
        elif (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            target, annotation, value = node.targets[0].id, None, node.value
        else:
            continue
        literal, default = True, None
        if value is not None:
            try:
                default = ast.literal_eval(value)
            except ValueError:
                literal = False
        comment = ""
        line_text = lines[node.lineno - 1] if node.lineno - 1 < len(lines) else ""
        if "#" in line_text[node.end_col_offset or 0 :]:
            comment = line_text[(node.end_col_offset or 0) :].split("#", 1)[1].strip()
        specs.append(
            ParamSpec(
                name=target,
                annotation=annotation,
                default=default,
                has_default=value is not None,
                literal_default=literal,
                comment=comment,
                line=node.lineno,
            )
        )
    return specs


# --------------------------------------------------------------------------------------------------------------
# Type checks of plan values against annotations
# --------------------------------------------------------------------------------------------------------------

_SEQUENCES = {"list", "List", "Sequence", "tuple", "Tuple", "Iterable", "Collection"}
_MAPPINGS = {"dict", "Dict", "Mapping"}


def _default_kind(value: Any) -> str:
    return "float" if isinstance(value, float) else type(value).__name__


def _name_of(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # typing.List, t.Optional
        return node.attr
    return None


def _args_of(node: ast.Subscript) -> list[ast.expr]:
    return list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]


def _matches(node: ast.expr, value: Any) -> bool:
    """True if ``value`` (as loaded from YAML) fits the annotation ``node``; unknown annotations accept anything."""
    if isinstance(node, ast.Constant):
        if node.value is None:
            return value is None
        if isinstance(node.value, str):  # a string annotation: "list[str]"
            try:
                return _matches(ast.parse(node.value, mode="eval").body, value)
            except SyntaxError:
                return True
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _matches(node.left, value) or _matches(node.right, value)
    if isinstance(node, ast.Subscript):
        base = _name_of(node.value)
        args = _args_of(node)
        if base in _SEQUENCES:
            if not isinstance(value, list):
                return False
            element = args[0] if args and not (base in {"tuple", "Tuple"} and len(args) != 2) else None
            return element is None or all(_matches(element, item) for item in value)
        if base in _MAPPINGS:
            if not isinstance(value, dict):
                return False
            if len(args) == 2:
                return all(_matches(args[0], k) and _matches(args[1], v) for k, v in value.items())
            return True
        if base == "Optional":
            return value is None or _matches(args[0], value)
        if base == "Union":
            return any(_matches(arg, value) for arg in args)
        if base == "Literal":
            return any(isinstance(arg, ast.Constant) and arg.value == value for arg in args)
        return True
    name = _name_of(node)
    if name is None:
        return True
    if name == "str":
        return isinstance(value, str)
    if name == "bool":
        return isinstance(value, bool)
    if name == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name in _SEQUENCES:
        return isinstance(value, list)
    if name in _MAPPINGS:
        return isinstance(value, dict)
    if name == "None":
        return value is None
    return True  # Any, object, Path, date, ...: not checkable from YAML, accepted


def list_item_type(spec: ParamSpec) -> str | None:
    """The annotation every item of a list parameter must fit, or ``None`` when the parameter takes no list.

    ``list[int]`` gives ``int``. A bare ``list`` (``theatres: list = []``, the notebooks' selection lists) holds
    strings, unless its default is a non-empty list of one other kind (``years: list = [2015, 2016]`` gives ``int``).
    A parameter without annotation whose default is a list is read the same way.
    """
    if spec.annotation:
        try:
            node: ast.expr | None = ast.parse(spec.annotation, mode="eval").body
        except SyntaxError:
            return None
        node = _list_branch(node)
        if node is None:
            return None
        if isinstance(node, ast.Subscript):
            args = _args_of(node)
            if _name_of(node.value) in {"tuple", "Tuple"}:
                if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
                    return ast.unparse(args[0])
                return None  # a fixed-length tuple: not checked item by item
            return ast.unparse(args[0]) if args else _bare_list_items(spec.default)
        return _bare_list_items(spec.default)
    if spec.has_default and spec.literal_default and isinstance(spec.default, (list, tuple)):
        return _bare_list_items(spec.default)
    return None


def _list_branch(node: ast.expr) -> ast.expr | None:
    """The part of an annotation that describes a list (``list[str]`` in ``list[str] | None``), if any."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return _list_branch(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _list_branch(node.left) or _list_branch(node.right)
    if isinstance(node, ast.Subscript):
        base = _name_of(node.value)
        if base in _SEQUENCES:
            return node
        if base in {"Optional", "Union"}:
            for arg in _args_of(node):
                found = _list_branch(arg)
                if found is not None:
                    return found
        return None
    return node if _name_of(node) in _SEQUENCES else None


def _bare_list_items(default: Any) -> str:
    kinds = {_default_kind(item) for item in default} if isinstance(default, (list, tuple)) else set()
    if len(kinds) == 1 and kinds <= {"int", "float", "bool"}:
        return kinds.pop()
    return "str"


def check_value(spec: ParamSpec, value: Any, raw: str | None = None) -> str | None:
    """Return ``None`` if ``value`` fits the parameter, else what was expected and what was found.

    ``raw`` is the value as written in the plan (for the hint when YAML read a code as a boolean or number). The
    items of a list are not looked at here; :func:`check_items` does that, one problem per item.
    """
    if isinstance(value, list) and list_item_type(spec) is not None:
        return None
    if spec.annotation:
        try:
            node = ast.parse(spec.annotation, mode="eval").body
        except SyntaxError:
            return None
        ok = _matches(node, value)
    elif spec.has_default and spec.literal_default and spec.default is not None:
        kind = _default_kind(spec.default)
        ok = (
            _matches(ast.Name(id=kind), value)
            if kind in {"str", "int", "float", "bool", "list", "dict"}
            else True
        )
        if kind == "tuple":
            ok = isinstance(value, list)
    else:
        ok = True
    if ok:
        return None
    expected = spec.expected()
    return f"expected {expected}, found {_yaml_kind(value)} {value!r}{_hint(expected, value, raw)}"


def check_items(spec: ParamSpec, value: Any, raw: list[str | None] | None = None) -> list[tuple[int, str]]:
    """The items of a list value that do not fit the parameter's item type: ``[(index, problem), ...]``.

    ``raw`` holds each item as written in the plan (``NO`` for an item YAML read as ``False``), for the hint.
    """
    item_type = list_item_type(spec)
    if item_type is None or not isinstance(value, list):
        return []
    try:
        node = ast.parse(item_type, mode="eval").body
    except SyntaxError:
        return []
    problems = []
    for index, item in enumerate(value):
        if not _matches(node, item):
            text = raw[index] if raw is not None and index < len(raw) else None
            found = f"{_yaml_kind(item)} {item!r}"
            problems.append((index, f"expected {item_type}, found {found}{_hint(item_type, item, text)}"))
    return problems


def _hint(expected: str, value: Any, raw: str | None) -> str:
    """How to write ``value`` so that it fits ``expected``, when YAML's reading of it is the likely cause."""
    if "str" in expected and isinstance(value, (date, datetime)):
        return f' (YAML read an unquoted date; write "{value.isoformat()}")'
    if "str" in expected and isinstance(value, (bool, int, float)):
        quoted = f'write "{raw}"' if raw else "put it in quotes"
        return f" (YAML read an unquoted code or number; {quoted})"
    if re.search(r"\b(list|List|Sequence)\b", expected) and isinstance(value, str):
        return f" (write a YAML list: [{value!r}])"
    return ""


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, date):
        return "date"
    return type(value).__name__


# --------------------------------------------------------------------------------------------------------------
# The plan side
# --------------------------------------------------------------------------------------------------------------


def _where(node: Any) -> str:
    return mark(node)


def _raw_items(node: Any) -> list[str | None] | None:
    """The items of a YAML sequence node as written (``None`` for items that are not plain scalars)."""
    if not isinstance(node, yaml.SequenceNode):
        return None
    return [item.value if isinstance(item, yaml.ScalarNode) else None for item in node.value]


def _raw_scalar(node: Any) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _mapping_nodes(node: Any) -> dict[str, tuple[Any, Any]]:
    """Map each scalar key of a YAML mapping node to its (key node, value node); the last one of a repeated key,
    as in the loaded data."""
    out: dict[str, tuple[Any, Any]] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                out[str(key.value)] = (key, value)
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
    value of the wrong type, a missing required parameter, ``output_dir`` set by hand, duplicate report names or
    folder slugs, unknown keys, a bad timeout) and raised together as one :class:`PlanError`, each naming the plan
    file, the line and column, the report and what was expected.
    """
    plan_path = Path(plan_path)
    notebooks_dir = Path(notebooks_dir)
    label = str(plan_path)
    try:
        text = plan_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlanError([f"{label}: cannot read the plan ({exc.strerror or exc})"], source=label) from exc
    try:
        root, data, duplicates = compose_and_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "?"
        raise PlanError(
            [f"{label}:{where}: not valid YAML ({getattr(exc, 'problem', exc)})"], source=label
        ) from exc
    if data is None:
        raise PlanError([f"{label}: the plan is empty; expected a list of reports"], source=label)
    if not isinstance(data, list):
        raise PlanError(
            [
                f"{label}:{_where(root)}: expected a YAML list of reports (- name: ...), found {_yaml_kind(data)}"
            ],
            source=label,
        )

    problems: list[str] = [
        f"{label}:{where}: duplicate key {key!r} (first given at {first}); expected each key once in a mapping "
        "(YAML would silently keep the last value)"
        for where, key, first in duplicates
    ]
    reports: list[Report] = []
    names: dict[str, str] = {}
    slugs: dict[str, str] = {}
    notebook_errors: dict[str, str] = {}
    for index, entry in enumerate(data):
        node = root.value[index] if index < len(root.value) else None
        where = f"{label}:{_where(node)}"
        if not isinstance(entry, dict):
            problems.append(
                f"{where}: entry {index + 1}: expected a mapping with name, notebook and parameters"
            )
            continue
        keys = _mapping_nodes(node)
        name = entry.get("name")
        who = f"report {name!r}" if isinstance(name, str) and name else f"entry {index + 1}"

        def at(key: str, _keys: dict = keys, _where_default: str = where) -> str:
            return f"{label}:{_where(_keys[key][1])}" if key in _keys else _where_default

        for key in entry:
            if key not in _REPORT_KEYS:
                problems.append(
                    f"{label}:{_where(keys[str(key)][0]) if str(key) in keys else '?'}: {who}: unknown key {key!r}; "
                    f"expected one of {', '.join(_REPORT_KEYS)}"
                )
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{at('name')}: {who}: 'name' must be a non-empty string, found {name!r}")
            name = None
        else:
            slug = slugify(name)
            if name in names:
                problems.append(f"{at('name')}: {who}: duplicate report name (first used at {names[name]})")
            elif slug in slugs:
                problems.append(
                    f"{at('name')}: {who}: its folder name {slug!r} is the same as report {slugs[slug]!r}'s; "
                    "expected names that differ in letters or digits"
                )
            else:
                names[name] = at("name")
                slugs[slug] = name

        timeout = entry.get("timeout", default_timeout)
        if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
            problems.append(
                f"{at('timeout')}: {who}: 'timeout' must be a positive integer (seconds for the whole report), "
                f"found {timeout!r}"
            )
        cell_timeout = entry.get("cell_timeout", default_cell_timeout)
        if cell_timeout is not None and (
            isinstance(cell_timeout, bool) or not isinstance(cell_timeout, int) or cell_timeout <= 0
        ):
            problems.append(
                f"{at('cell_timeout')}: {who}: 'cell_timeout' must be a positive integer (seconds per cell) or "
                f"null, found {cell_timeout!r}"
            )

        parameters = entry.get("parameters", {})
        if parameters is None:
            parameters = {}
        if not isinstance(parameters, dict):
            problems.append(
                f"{at('parameters')}: {who}: 'parameters' must be a mapping of name: value, "
                f"found {_yaml_kind(parameters)}"
            )
            parameters = {}

        notebook = entry.get("notebook")
        specs: dict[str, ParamSpec] | None = None
        if not isinstance(notebook, str) or not notebook.strip():
            problems.append(
                f"{at('notebook')}: {who}: 'notebook' must be a file name in notebooks/, found {notebook!r}"
            )
        else:
            specs = _resolve_notebook(
                notebook, notebooks_dir, problems, notebook_errors, f"{at('notebook')}: {who}"
            )

        param_nodes = _mapping_nodes(keys["parameters"][1]) if "parameters" in keys else {}
        for pname, value in parameters.items():
            pwhere = (
                f"{label}:{_where(param_nodes[str(pname)][0])}"
                if str(pname) in param_nodes
                else at("parameters")
            )
            if not isinstance(pname, str):
                problems.append(f"{pwhere}: {who}: parameter name {pname!r} must be a string")
                continue
            if pname in RUNNER_PARAMETERS:
                problems.append(
                    f"{pwhere}: {who}: parameter {pname!r} is set by the runner; remove it from the plan"
                )
                continue
            if specs is None:
                continue
            if pname not in specs:
                known = ", ".join(sorted(n for n in specs if n not in RUNNER_PARAMETERS)) or "none"
                problems.append(
                    f"{pwhere}: {who}: unknown parameter {pname!r} for {notebook}; expected one of: {known}"
                )
                continue
            value_node = param_nodes[str(pname)][1] if str(pname) in param_nodes else None
            error = check_value(specs[pname], value, _raw_scalar(value_node))
            if error:
                problems.append(f"{pwhere}: {who}: parameter {pname!r}: {error}")
                continue
            items = getattr(value_node, "value", None) if _raw_items(value_node) is not None else None
            for item, item_error in check_items(specs[pname], value, _raw_items(value_node)):
                iwhere = f"{label}:{_where(items[item])}" if items and item < len(items) else pwhere
                problems.append(f"{iwhere}: {who}: parameter {pname!r}, item {item + 1}: {item_error}")
        if specs is not None:
            for pname, spec in specs.items():
                if not spec.has_default and pname not in parameters and pname not in RUNNER_PARAMETERS:
                    problems.append(
                        f"{at('parameters')}: {who}: parameter {pname!r} has no default in {notebook}; "
                        f"expected a value ({spec.expected()}) in the plan"
                    )

        if (
            name
            and specs is not None
            and isinstance(timeout, int)
            and isinstance(cell_timeout, (int, type(None)))
        ):
            reports.append(
                Report(
                    name=name,
                    slug=slugify(name),
                    notebook=Path(notebook).as_posix(),
                    parameters={k: parameters[k] for k in sorted(parameters)},
                    timeout=int(timeout),
                    cell_timeout=cell_timeout,
                    line=node.start_mark.line + 1 if node is not None else 0,
                )
            )
    if problems:
        raise PlanError(sorted(problems, key=lambda p: _position(p, label)), source=label)
    return reports


def _position(problem: str, label: str) -> tuple[int, int]:
    """(line, column) of a problem that starts with ``<label>:<line>:<column>:``, for listing them in file order."""
    parts = problem[len(label) + 1 :].split(":", 2) if problem.startswith(label + ":") else []
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return int(parts[0]), int(parts[1])
    return (1 << 30, 0)


def _resolve_notebook(
    notebook: str, notebooks_dir: Path, problems: list[str], seen: dict[str, str], where: str
) -> dict[str, ParamSpec] | None:
    rel = Path(notebook)
    if rel.is_absolute() or ".." in rel.parts or rel.suffix != ".ipynb":
        problems.append(
            f"{where}: notebook {notebook!r}: expected a .ipynb file name relative to {notebooks_dir}"
        )
        return None
    path = notebooks_dir / rel
    if not path.is_file():
        available = sorted(p.name for p in notebooks_dir.glob("*.ipynb") if not p.name.startswith("_"))
        problems.append(
            f"{where}: unknown notebook {notebook!r}; expected one of: {', '.join(available) or '(none found)'} "
            f"in {notebooks_dir}"
        )
        return None
    try:
        specs = notebook_parameters(path)
    except PlanError as exc:
        if notebook not in seen:
            seen[notebook] = exc.problems[0]
            problems.append(f"{where}: {exc.problems[0]}")
        return None
    if "output_dir" not in specs:
        if notebook not in seen:
            seen[notebook] = "no output_dir"
            problems.append(
                f"{where}: {path}: the parameters cell has no 'output_dir'; expected output_dir: str = \"\""
            )
        return None
    return specs
