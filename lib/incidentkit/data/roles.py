"""IS's role in an incident (``is_role``) as a selection: which roles a table counts, and how to name them.

Every count the product prints says which roles it counts. By default it is violence carried out by IS
(:data:`DEFAULT_ROLES`: ``perpetrator``); two-sided fighting (``two_sided``: clashes the sources present neither as
IS's attack nor as an operation against it) and operations against IS (``target``: raids, strikes, arrests) are
counted only when asked for, and then named (data/README.md "IS's role": ``target`` rows are never IS violence).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import ParameterError
from .value_checks import Context, Invalid, Issue

#: The roles, in the order the enum of ``is_role`` gives them (data/datapackage.json).
ROLES: tuple[str, ...] = ("perpetrator", "target", "two_sided")
#: What every notebook counts unless told otherwise: violence carried out by IS.
DEFAULT_ROLES: tuple[str, ...] = ("perpetrator",)
#: What each role is, in words for titles, captions and statements.
ROLE_WORDS: dict[str, str] = {
    "perpetrator": "violence carried out by IS",
    "two_sided": "two-sided fighting involving IS",
    "target": "operations against IS",
}
#: The order roles are named in (violence by IS first).
ROLE_ORDER: tuple[str, ...] = ("perpetrator", "two_sided", "target")
#: The value of ``roles`` that selects every role.
ALL_ROLES = "all"


def check_roles(value: object, name: str = "roles") -> tuple[str, ...]:
    """Return the roles a ``roles`` parameter selects, in :data:`ROLE_ORDER`: one role, a list of roles or "all".

    An empty list is refused (it would select nothing): give "all" for every role. Raises :class:`ParameterError`
    naming the valid values."""
    valid = f"valid values are: {', '.join(ROLE_ORDER)} (or \"{ALL_ROLES}\")"
    if isinstance(value, str):
        items: list[object] = list(ROLE_ORDER) if value.strip().lower() == ALL_ROLES else [value]
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        items = list(value)
    else:
        raise ParameterError(f"{name}: expected a role or a list of roles, got {value!r}; {valid}")
    if not items:
        raise ParameterError(f"{name}: the list is empty and would select no incident; {valid}")
    wanted = [str(v).strip().lower().replace("-", "_").replace(" ", "_") if isinstance(v, str) else v for v in items]
    if ALL_ROLES in wanted:
        wanted = list(ROLE_ORDER)
    unknown = [items[i] for i, v in enumerate(wanted) if v not in ROLES]
    if unknown:
        raise ParameterError(f"{name}: unknown value(s) {unknown}; {valid}")
    return tuple(r for r in ROLE_ORDER if r in wanted)


def roles_label(roles: Sequence[str] | None) -> str:
    """Return what a table of ``roles`` counts, in words: "violence carried out by IS", "violence carried out by IS
    and two-sided fighting involving IS", ..., "every role of IS (...)" for all three; ``None`` = not filtered."""
    if roles is None:
        return "incidents of every role"
    chosen = [r for r in ROLE_ORDER if r in roles]
    if len(chosen) == len(ROLE_ORDER):
        return "every role of IS (violence by IS, two-sided fighting and operations against IS)"
    words = [ROLE_WORDS[r] for r in chosen]
    return " and ".join(words) if len(words) <= 2 else ", ".join(words[:-1]) + " and " + words[-1]


def roles_value(name: str, value: object, ctx: Context) -> tuple[str, ...]:
    """The ``roles`` rule of the parameter contract (:data:`incidentkit.data.parameters.RULES`): the checked roles,
    or :class:`~incidentkit.data.value_checks.Invalid` with the message of :func:`check_roles`."""
    try:
        return check_roles(value, name)
    except ParameterError as err:
        raise Invalid(Issue(name, str(err))) from None
