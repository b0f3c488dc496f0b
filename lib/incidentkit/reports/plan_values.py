"""The parameters of one report of the plan, checked as its notebook's validation cell will check them.

Names come from papermill's reading of the notebook's ``parameters`` cell
(:mod:`incidentkit.reports.notebook_params`); values are checked, together with the notebook's defaults of the
parameters the plan does not set, by the one rules table of :mod:`incidentkit.data.parameters`. So a bad value gets
the message ``ik.check_parameters`` would raise in the kernel, here prefixed by the plan file, the line and column of
the value (of the list item at fault) and the report, and followed by a hint where YAML read the value differently
from how it was probably meant (an unquoted date or code).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import yaml

from ..data.parameters import RULES, Context, Issue, check_values, rule_for, shown
from .notebook_params import NotebookParameters

#: Parameters the runner sets itself; a plan may not set them.
RUNNER_PARAMETERS: tuple[str, ...] = tuple(name for name, rule in RULES.items() if rule.runner)


def mapping_nodes(node: Any) -> dict[str, tuple[Any, Any]]:
    """Map each scalar key of a YAML mapping node to its (key node, value node); the last one of a repeated key,
    as in the loaded data."""
    out: dict[str, tuple[Any, Any]] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                out[str(key.value)] = (key, value)
    return out


def yaml_hint(message: str, value: Any, node: Any) -> str:
    """How to write ``value`` so that it fits, when YAML's reading of the text in the plan is the likely cause."""
    if "expected str" not in message:
        return ""
    if isinstance(value, (date, datetime)):
        return f' (YAML read an unquoted date; write "{value.isoformat()}")'
    if isinstance(value, (bool, int, float)):
        raw = node.value if isinstance(node, yaml.ScalarNode) else None
        quoted = f'write "{raw}"' if raw else "put it in quotes"
        return f" (YAML read an unquoted code or number; {quoted})"
    return ""


def report_parameters_problems(
    parameters: dict[Any, Any],
    node: Any,
    found: NotebookParameters,
    notebook: str,
    ctx: Context,
    at: Callable[[Any], str],
    who: str,
) -> list[str]:
    """Every problem of one report's ``parameters``: names the notebook does not declare (as papermill reads it) or
    the runner sets, and values (with the notebook's defaults) that break a rule.

    ``node`` is the YAML node of the ``parameters`` mapping (for line numbers), ``at(node)`` gives the
    ``<plan>:<line>:<column>`` prefix of a node and ``who`` names the report.
    """
    nodes = mapping_nodes(node)
    problems: list[str] = []
    given: dict[str, Any] = {}
    for name, value in parameters.items():
        key_node = nodes.get(str(name), (node, None))[0]
        if not isinstance(name, str):
            problems.append(f"{at(key_node)}: {who}: parameter name {shown(name)} must be a string")
        elif name in RUNNER_PARAMETERS:
            problems.append(f"{at(key_node)}: {who}: parameter {name!r} is set by the runner; remove it from the plan")
        elif name not in found.specs:
            known = ", ".join(sorted(n for n in found.specs if n not in RUNNER_PARAMETERS)) or "none"
            unread = f" (papermill could not read: {'; '.join(found.skipped)})" if found.skipped else ""
            problems.append(
                f"{at(key_node)}: {who}: unknown parameter {shown(name)} for {notebook}; expected one of: {known}"
                + unread
            )
        else:
            given[name] = value
    values = {
        name: spec.default
        for name, spec in found.specs.items()
        if name not in RUNNER_PARAMETERS and spec.literal_default
    }
    values.update(given)
    rules = {name: rule_for(name, spec.annotation, spec.default) for name, spec in found.specs.items()}
    _checked, issues = check_values(values, ctx, rules)
    for issue in issues:
        problems.append(_locate(issue, given, nodes, node, notebook, at, who))
    return problems


def _locate(
    issue: Issue,
    given: dict[str, Any],
    nodes: dict[str, tuple[Any, Any]],
    node: Any,
    notebook: str,
    at: Callable[[Any], str],
    who: str,
) -> str:
    """The plan's problem line for one issue: where its value (or list item) is written, and a YAML hint."""
    if issue.name not in given:
        other = next((n for n in issue.also if n in given), None)  # a relation: the value the plan sets
        if other is None:
            return f"{at(node)}: {who}: {notebook}'s default: {issue.message}"
        issue = Issue(other, issue.message)
    key_node, value_node = nodes.get(issue.name, (node, None))
    value = given[issue.name]
    where, item_node = key_node, value_node
    if issue.item is not None and isinstance(value_node, yaml.SequenceNode) and issue.item < len(value_node.value):
        where = item_node = value_node.value[issue.item]
        value = value[issue.item]
    return f"{at(where)}: {who}: {issue.message}{yaml_hint(issue.message, value, item_node)}"
