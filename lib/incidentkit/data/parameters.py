"""The parameter contract: one table of rules (:data:`RULES`) and one checker (:func:`check_values`).

A notebook parameter, a value a report plan sets and a filter of ``load_incidents`` are the same thing, so the same
code checks them and a bad value gets the same message wherever it is given:

- the notebooks' validation cell, ``ik.check_parameters(...)`` (:mod:`incidentkit.data.selection`);
- ``incidentkit-reports check`` and ``run``, on the whole plan before anything runs (:mod:`incidentkit.reports.plan`);
- the notebook style checker, on the annotation and default of every parameter (:mod:`incidentkit.devtools.check`);
- ``load_incidents`` and ``load_events``, on the filter values an analyst passes them directly.

A rule gives a parameter's type (the annotation its notebook's ``parameters`` cell must use), what its values are,
and the check that turns a value as given into the checked one ("north caucasus" -> "North Caucasus", "ISK" ->
"is-khorasan", "2024-01-31" -> a date) or says in one message what is wrong. Before its rule, every value is held to
the same limits (:func:`limit_issues`): strings of at most :data:`MAX_TEXT` characters without control characters or
markup, at most :data:`MAX_ITEMS` items in all. A parameter without a rule (a notebook from outside the project) is
checked against its annotation only. Relations between parameters (:data:`RELATIONS`) are checked last.

To give a notebook a new parameter: reuse a name of :data:`RULES` (no other edit), or add its row here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import ParameterError
from .value_checks import (
    CURATED,
    MAX_ITEMS,
    MAX_TEXT,
    SOURCE_DIRS_ENV,
    TYPES,
    Context,
    Invalid,
    Issue,
    Rule,
    at_least,
    choice,
    countries,
    date_value,
    limit_issues,
    member_or_blank,
    members,
    shown,
    source,
    type_issues,
)

__all__ = ["CURATED", "MAX_ITEMS", "MAX_TEXT", "RELATIONS", "RULES", "SOURCE_DIRS_ENV", "TYPES", "Context", "Issue",
           "Rule", "check_value", "check_values", "limit_issues", "literal", "one_place_message", "period_message",
           "raise_issues", "rule_for", "shown"]


def period_message(start: date, end: date) -> str | None:
    """The message for a start after the end, or ``None``."""
    if start > end:
        return f"start ({start.isoformat()}) is after end ({end.isoformat()}); choose a start on or before the end"
    return None


def one_place_message(theatres: Any, countries: Any, start: Any, end: Any) -> str | None:
    """What a brief (one place, one closed period, compared with the period before) lacks, or ``None``."""
    if not theatres and not countries:
        return ("theatre and countries: both are empty; the brief is on one place: give one theatre or countries "
                "(see data/theatres.csv)")
    if start is None or end is None:
        return "start and end: the brief compares the period with the one before, so both must be set"
    return None


# --------------------------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------------------------

#: Every parameter of the project's notebooks and every selection filter, by name.
RULES: dict[str, Rule] = {
    "source": Rule("str", '"curated" or the path of a GTD/ACLED/UCDP export (.csv, .xlsx)', source),
    "theatres": Rule("list", "theatre names (data/theatres.csv); empty: all", members("theatres"), items="str"),
    "theatre": Rule("str", 'one theatre (data/theatres.csv), or "" for a brief on countries', member_or_blank("theatres")),
    "countries": Rule("list", "country names or ISO3 codes; empty: all", countries, items="str"),
    "branches": Rule("list", "IS branch ids (data/branches.csv) or names (ISK, ISKP...)", members("branches"),
                     items="str"),
    "attack_types": Rule("list", "attack types (incidents.attack_type)", members("attack_types"), items="str"),
    "target_types": Rule("list", "target types (incidents.target_type)", members("target_types"), items="str"),
    "claim_status": Rule("list", "claim statuses (incidents.claim_status)", members("claim_status"), items="str"),
    "min_date_precision": Rule("str", "day, week, month or year; blank: any", member_or_blank("min_date_precision")),
    "start": Rule("str", "first day included (YYYY-MM-DD); blank: start of data", date_value),
    "end": Rule("str", "last day included (YYYY-MM-DD); blank: end of data", date_value),
    "only_is": Rule("bool", "keep only incidents of an IS branch (exports)"),
    "period": Rule("str", "month, quarter or year", choice("month", "quarter", "year")),
    "group_by": Rule("str", "theatre, branch, country or none", choice("theatre", "branch", "country", "none")),
    "rolling": Rule("int", "window of the rolling mean, in periods", at_least(1)),
    "top_n": Rule("int", "number of rows or categories shown", at_least(1)),
    "min_incidents": Rule("int", "fewest incidents with a figure for a category to be drawn", at_least(0)),
    "show_events": Rule("bool", "mark timeline events on the time axis"),
    "output_dir": Rule("str", "folder for figures and summary.json (set by the report runner)", runner=True),
}


@dataclass(frozen=True)
class Relation:
    """A rule between parameters: checked when all of ``when`` are given and none of ``reads`` has a problem."""

    when: tuple[str, ...]
    reads: tuple[str, ...]
    check: Callable[[Mapping[str, Any]], str | None]
    blame: str


#: Rules between parameters, checked after each value.
RELATIONS: tuple[Relation, ...] = (
    Relation(("start", "end"), ("start", "end"),
             lambda v: period_message(v["start"], v["end"]) if v["start"] and v["end"] else None, "start"),
    Relation(("theatre",), ("theatre", "countries", "start", "end"),
             lambda v: one_place_message(v.get("theatre"), v.get("countries"), v.get("start"), v.get("end")),
             "theatre"),
)


def raise_issues(issues: list[Issue]) -> None:
    """Raise :class:`~incidentkit.errors.ParameterError` with the message of each issue (one per line), if any."""
    if issues:
        raise ParameterError("\n".join(i.message for i in issues))


def rule_for(name: str, annotation: str | None = None, default: Any = None) -> Rule:
    """The rule of a parameter: its row of :data:`RULES`, or one made from its annotation (or, without one, from the
    type of its default) for a parameter the table does not hold. ``list`` items are strings unless the default is
    a list of numbers or booleans; ``list[int]`` names its item type."""
    if name in RULES:
        return RULES[name]
    text = (annotation or "").strip()
    if text in ("", "None"):
        text = {bool: "bool", int: "int", float: "float", str: "str", list: "list", tuple: "list",
                dict: "dict"}.get(type(default), "")
    generic = re.fullmatch(r"(?:list|List|tuple|Tuple)\[(\w+)(?:, *\.\.\.)?\]", text)
    if generic:
        return Rule("list", "", items=generic[1])
    if text in ("list", "tuple", "List", "Tuple"):
        kinds = {type(v).__name__ for v in default} if isinstance(default, (list, tuple)) else set()
        return Rule("list", "", items=kinds.pop() if len(kinds) == 1 and kinds <= {"int", "float", "bool"} else "str")
    return Rule(text, "")


def literal(text: str) -> tuple[bool, Any]:
    """``(True, value)`` for a default written as a Python literal (papermill gives defaults as text), else
    ``(False, None)``."""
    try:
        return True, ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None


def check_value(name: str, value: Any, rule: Rule, ctx: Context | None = None) -> tuple[Any, list[Issue]]:
    """Check one value against the limits, the rule's type and the rule's check: ``(checked value, [])`` or
    ``(None, issues)``."""
    issues = limit_issues(name, value) or type_issues(name, rule, value)
    if issues:
        return None, issues
    if rule.check is None:
        return value, []
    try:
        return rule.check(name, value, ctx or Context()), []
    except Invalid as bad:
        return None, bad.issues


def check_values(
    values: Mapping[str, Any], ctx: Context | None = None, rules: Mapping[str, Rule] | None = None
) -> tuple[dict[str, Any], list[Issue]]:
    """Check every value by its rule (``rules``, else :func:`rule_for` its name), then the :data:`RELATIONS`.

    Returns the checked values and every issue found, values in the order given, relations last.
    """
    ctx = ctx or Context()
    checked: dict[str, Any] = {}
    issues: list[Issue] = []
    for name, value in values.items():
        rule = (rules or {}).get(name) or rule_for(name)
        value_checked, found = check_value(name, value, rule, ctx)
        issues.extend(found)
        if not found:
            checked[name] = value_checked
    faulty = {i.name for i in issues}
    for relation in RELATIONS:
        if all(n in values for n in relation.when) and not faulty & set(relation.reads):
            message = relation.check(checked)
            if message:
                issues.append(Issue(relation.blame, message, also=relation.reads))
    return checked, issues
