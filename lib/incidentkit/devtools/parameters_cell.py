"""The rules of a notebook's ``parameters`` cell, as papermill reads it and as the parameter rules check it.

Papermill (:mod:`incidentkit.reports.notebook_params`) is the only reader of the cell: what it cannot read, it cannot
inject, so every statement of the cell must be a parameter papermill reads, written ``name: type = literal  # help``
on one line with a single ``=``. Each parameter needs its annotation, a literal default and a help comment; its
name must have a rule in :data:`incidentkit.data.parameters.RULES`, whose annotation the cell must use; and the
defaults must pass the rules (the same check as the validation cell and the report plan).
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..data.parameters import RULES, Context, check_values, rule_for
from ..reports.notebook_params import inspect_parameters


def parameters_problems(path: Path | str, cell: ast.Module | None) -> tuple[list[str], list[str]]:
    """Return (parameter names, problems) of a notebook's parameters cell; ``cell`` is its syntax tree, used only to
    name the statements papermill does not read as parameters."""
    found = inspect_parameters(path)
    if found.error:
        return [], [found.error]
    problems = [f"{_skipped(message)}" for message in found.skipped]
    skipped_lines = {_line_of(message) for message in found.skipped}
    for node in cell.body if cell is not None else []:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if node.lineno in skipped_lines:
            continue
        if not isinstance(target, ast.Name) or target.id not in found.specs:
            problems.append(f"line {node.lineno}: not a parameter papermill reads; the cell may only hold "
                            "parameters written name: type = literal  # help, one per line")
    defaults = {}
    for name, spec in found.specs.items():
        if spec.annotation is None:
            problems.append(f"parameter {name!r}: no annotation (name: type = literal  # help)")
        if not spec.help:
            problems.append(f"parameter {name!r}: no trailing help comment (name: type = value  # help)")
        if not spec.literal_default:
            problems.append(f"parameter {name!r}: default must be a literal, not {spec.default_text!r}")
            continue
        if name not in RULES:
            problems.append(f"parameter {name!r}: no rule in incidentkit.data.parameters.RULES; reuse a parameter "
                            "name of that table or add its row (annotation, what the values are, its check)")
            continue
        if spec.annotation is not None and spec.annotation != RULES[name].annotation:
            problems.append(f"parameter {name!r}: annotation {spec.annotation!r}, but its rule in "
                            f"incidentkit.data.parameters.RULES says {RULES[name].annotation!r}")
            continue
        defaults[name] = spec.default
    _checked, issues = check_values(defaults, Context(base=Path(path).resolve().parent),
                                    {n: rule_for(n) for n in defaults})
    problems += [f"parameter {issue.name!r}: its default breaks its rule: {issue.message}" for issue in issues]
    if not found.specs and not problems:
        problems.append("parameters cell defines no parameter")
    return list(found.specs), problems


def _line_of(message: str) -> int | None:
    """The line number in papermill's "Unable to parse line 3 '...'." message."""
    words = message.split()
    return int(words[4]) if len(words) > 4 and words[4].isdigit() else None


def _skipped(message: str) -> str:
    line = _line_of(message)
    where = f"line {line}: " if line is not None else ""
    return (f"{where}papermill cannot read this parameter (more than one '=' on the line, in the default or the help "
            "comment): papermill would neither list nor inject it")
