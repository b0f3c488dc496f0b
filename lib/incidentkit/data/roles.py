"""IS's role in an incident (``is_role``) as a selection: which roles a table counts, and how to name them.

Every count the product prints says which roles it counts. By default it is violence carried out by IS
(:data:`DEFAULT_ROLES`: ``perpetrator``); two-sided fighting (``two_sided``: clashes the sources present neither as
IS's attack nor as an operation against it) and operations against IS (``target``: raids, strikes, arrests) are
counted only when asked for, and then named (data/README.md "IS's role": ``target`` rows are never IS violence).

A ``roles`` value is matched as every filter of the parameter contract is (:mod:`incidentkit.data.vocabulary`):
case-, accent- and punctuation-blind, and through the words the product names the roles with ("two-sided",
"operations against IS", "violence by IS"); an unknown value names the closest valid ones.

A row whose source codes no role (an export row that names no IS actor, a table in the incident schema that leaves
``is_role`` blank) is not a role and cannot be selected as one: ``load_incidents`` keeps such rows only with
``only_is=False`` and otherwise counts them in the coverage statement as left out. Where one is shown, it is named
:data:`NO_ROLE_WORDS`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..errors import ParameterError
from .value_checks import Context, Invalid, Issue, unknown_value
from .vocabulary import Vocabulary, fold

#: The roles, in the order the enum of ``is_role`` gives them (data/datapackage.json).
ROLES: tuple[str, ...] = ("perpetrator", "target", "two_sided")
#: What every notebook counts unless told otherwise: violence carried out by IS.
DEFAULT_ROLES: tuple[str, ...] = ("perpetrator",)
#: What each role is, in words for titles, captions, statements and the options of a role control.
ROLE_WORDS: dict[str, str] = {
    "perpetrator": "violence carried out by IS",
    "two_sided": "two-sided fighting involving IS",
    "target": "operations against IS",
}
#: What one incident of each role is, in words for a row of a table, a chronology entry or a map's hover text.
INCIDENT_ROLE_WORDS: dict[str, str] = {
    "perpetrator": "violence by IS",
    "two_sided": "two-sided fighting",
    "target": "operation against IS",
}
#: How a row whose source codes no role is named (never one of the roles, never counted as violence by IS).
NO_ROLE_WORDS = "no role of IS coded"
#: The order roles are named in (violence by IS first).
ROLE_ORDER: tuple[str, ...] = ("perpetrator", "two_sided", "target")
#: The value of ``roles`` that selects every role.
ALL_ROLES = "all"
#: Every spelling of a role that ``roles`` understands: its id and the words of :data:`ROLE_WORDS` and
#: :data:`INCIDENT_ROLE_WORDS`, folded (:func:`incidentkit.data.vocabulary.fold`).
VOCABULARY = Vocabulary(
    "roles",
    ROLE_ORDER,
    {fold(spelling): role for role in ROLE_ORDER for spelling in (role, ROLE_WORDS[role], INCIDENT_ROLE_WORDS[role])},
)
#: What a message about ``roles`` says is valid.
VALID = f"valid values are: {', '.join(ROLE_ORDER)} (or \"{ALL_ROLES}\")"


def roles_value(name: str, value: object, ctx: Context | None = None) -> tuple[str, ...]:
    """The ``roles`` rule of the parameter contract (:data:`incidentkit.data.parameters.RULES`): the roles a value
    selects (one role, a list of roles, or "all"), in :data:`ROLE_ORDER`, duplicates dropped; or
    :class:`~incidentkit.data.value_checks.Invalid` with one issue per unknown item, naming the closest roles.

    An empty list is refused (it would select nothing): give "all" for every role."""
    if isinstance(value, str):
        items: list[object] = [value]
    elif isinstance(value, Iterable) and not isinstance(value, (bytes, dict)):
        items = list(value)
    else:
        raise Invalid(Issue(name, f"{name}: expected a role or a list of roles, got {value!r}; {VALID}"))
    if not items:
        raise Invalid(Issue(name, f"{name}: the list is empty and would select no incident; {VALID}"))
    chosen: set[str] = set()
    bad: list[Issue] = []
    for i, item in enumerate(items):
        text = item if isinstance(item, str) else ""
        if fold(text) == ALL_ROLES:
            chosen.update(ROLE_ORDER)
            continue
        hit = VOCABULARY.match(text) if text else None
        if hit is None:
            bad.append(Issue(name, unknown_value(name, item, VOCABULARY.suggest(text) if text else [], VALID), i))
        else:
            chosen.add(hit)
    if bad:
        raise Invalid(*bad)
    return tuple(r for r in ROLE_ORDER if r in chosen)


def check_roles(value: object, name: str = "roles") -> tuple[str, ...]:
    """Return the roles a ``roles`` value selects (:func:`roles_value`); raises :class:`ParameterError` with every
    unknown item, the closest valid roles and the valid values."""
    try:
        return roles_value(name, value)
    except Invalid as bad:
        raise ParameterError("\n".join(i.message for i in bad.issues)) from None


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


def incident_role_text(value: object) -> str:
    """What one incident's ``is_role`` is, in words (:data:`INCIDENT_ROLE_WORDS`); a blank or unknown value is
    :data:`NO_ROLE_WORDS`."""
    return INCIDENT_ROLE_WORDS.get(value if isinstance(value, str) else "", NO_ROLE_WORDS)
