"""The checks behind the parameter rules of :mod:`incidentkit.data.parameters`: how a value is quoted in a message,
the limits every value is held to, types, and the check of each kind of value (a member of a vocabulary, a country,
a choice, a whole number, a date, a ``source``). Each check turns a value as given into the checked one or raises
:class:`Invalid` with the :class:`Issue` (the message) of every thing wrong with it.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..paths import data_dir, project_root
from .vocabulary import country_code, vocabulary, world_suggestions

#: The ``source`` of the curated tables in ``data/`` (any other source is the path of an export).
CURATED = "curated"
#: File name endings of the exports a ``source`` may name (GTD, ACLED and UCDP GED ship CSV or Excel files).
EXPORT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
#: Environment variable listing more folders a ``source`` may come from (separated by ``os.pathsep``).
SOURCE_DIRS_ENV = "INCIDENTKIT_SOURCE_DIRS"
#: Most characters in one string value (a path included).
MAX_TEXT = 2000
#: Most items in one value, counted at every level of nesting.
MAX_ITEMS = 500
#: Python types of the values each annotation accepts (``bool`` is never an ``int`` or a ``float`` here).
TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
}
_MARKUP = re.compile(r"<[A-Za-z/!?]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Issue:
    """One thing wrong with one parameter's value: the parameter, the message, and the list item at fault (0-based;
    ``None`` for the value as a whole)."""

    name: str
    message: str
    item: int | None = None
    #: the other parameters a relation between parameters read (the plan points at the first one it sets)
    also: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Context:
    """Where values are checked: the folder a relative ``source`` is read from (the kernel's working directory; the
    current one by default), folders a ``source`` may come from besides the data folder, the project folder and
    ``$INCIDENTKIT_SOURCE_DIRS`` (a plan's ``allowed_sources``), whether ``source`` is held to those folders at all
    (``False`` only for a path an analyst passes to ``load_incidents`` in code), and the data folder."""

    base: Path | None = None
    source_dirs: tuple[Path, ...] = ()
    restrict_sources: bool = True
    folder: Path | None = None


class Invalid(Exception):
    """A value breaks its rule: ``issues`` says how (one :class:`Issue` per item at fault)."""

    def __init__(self, *issues: Issue) -> None:
        super().__init__(issues[0].message)
        self.issues = list(issues)


Check = Callable[[str, Any, Context], Any]


@dataclass(frozen=True)
class Rule:
    """A parameter's annotation, the item annotation of a list, what the values are, its check (value as given ->
    checked value, or :class:`Invalid`), and whether the report runner sets it (a plan may not)."""

    annotation: str
    meaning: str
    check: Check | None = None
    items: str | None = None
    runner: bool = False


# --------------------------------------------------------------------------------------------------------------
# How values are quoted in messages, and the messages every rule shares
# --------------------------------------------------------------------------------------------------------------


def shown(value: Any, limit: int = 80) -> str:
    """``repr`` of a value (control characters escaped), cut in the middle to ``limit`` characters, so that a message
    never echoes a whole 10 MB string but still shows both ends of a long path."""
    text = repr(value)
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    return text[:half] + "..." + text[len(text) - half :]


def describe(value: Any) -> str:
    """The kind and value of a value for a message: ``str '3'``, ``date datetime.date(2015, 1, 1)``, ``None``."""
    if value is None:
        return "None"
    return f"{type(value).__name__} {shown(value)}"


def _alternatives(values: list[str]) -> str:
    quoted = [repr(v) for v in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def unknown_value(name: str, value: Any, suggestions: list[str], valid: str) -> str:
    """``<name>: unknown value 'x' (did you mean 'y'?); <what is valid>``."""
    guess = f" (did you mean {_alternatives(suggestions)}?)" if suggestions else ""
    return f"{name}: unknown value {shown(value)}{guess}; {valid}"


# --------------------------------------------------------------------------------------------------------------
# Limits every value is held to, and types
# --------------------------------------------------------------------------------------------------------------


def limit_issues(name: str, value: Any) -> list[Issue]:
    """Problems of size and content any value may have: too long a text, too many items, a control character, markup.

    Items of a top-level list are named by their position. At most :data:`MAX_ITEMS` items are looked at in all.
    """
    if isinstance(value, (list, tuple)) and len(value) > MAX_ITEMS:
        return [Issue(name, f"{name}: a list of {len(value):,} items; at most {MAX_ITEMS} are allowed")]
    seen = 0
    issues: list[Issue] = []

    def walk(item: Any, index: int | None) -> None:
        nonlocal seen
        seen += 1
        if seen > MAX_ITEMS:
            return
        where = f"{name}: item {index + 1}:" if index is not None else f"{name}:"
        if isinstance(item, str):
            problem = _text_problem(item)
            if problem:
                issues.append(Issue(name, f"{where} {problem}", index))
        elif isinstance(item, dict):
            for key, sub in item.items():
                walk(key, index)
                walk(sub, index)
        elif isinstance(item, (list, tuple)):
            for sub in item:
                walk(sub, index)

    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            walk(item, i)
    else:
        walk(value, None)
    if seen > MAX_ITEMS:
        issues.append(Issue(name, f"{name}: holds more than {MAX_ITEMS} items in all; at most {MAX_ITEMS} are allowed"))
    return issues


def _text_problem(text: str) -> str | None:
    if len(text) > MAX_TEXT:
        return f"a text of {len(text):,} characters; at most {MAX_TEXT:,} are allowed"
    control = next((ch for ch in text if ord(ch) < 32 or 127 <= ord(ch) < 160), None)
    if control is not None:
        return (f"{shown(text)} holds a control character (U+{ord(control):04X}); parameter values are plain text "
                "on one line")
    markup = _MARKUP.search(text)
    if markup:
        return (f"{shown(text)} holds markup ({shown(text[markup.start():markup.start() + 8], 20)}); parameter "
                "values are plain text, without HTML tags")
    return None


def is_of(value: Any, annotation: str) -> bool:
    """Whether ``value`` has one of the Python types of ``annotation`` (:data:`TYPES`; other annotations: any value)."""
    types = TYPES.get(annotation)
    if types is None:
        return True
    return isinstance(value, types) and not (isinstance(value, bool) and annotation in ("int", "float"))


def type_issues(name: str, rule: Rule, value: Any) -> list[Issue]:
    """The value, or the items of a list, not of the rule's annotation."""
    if not is_of(value, rule.annotation):
        hint = f" (write a list: [{shown(value)}])" if rule.annotation == "list" and isinstance(value, str) else ""
        return [Issue(name, f"{name}: expected {rule.annotation}, found {describe(value)}{hint}")]
    if rule.annotation == "list" and rule.items:
        return [
            Issue(name, f"{name}: item {i + 1}: expected {rule.items}, found {describe(item)}", i)
            for i, item in enumerate(value)
            if not is_of(item, rule.items)
        ]
    return []


# --------------------------------------------------------------------------------------------------------------
# The checks of the rules
# --------------------------------------------------------------------------------------------------------------


def members(vocab: str) -> Check:
    """Every item one of a filter's valid values (spelling-blind, through the aliases); duplicates dropped."""

    def check(name: str, value: Any, ctx: Context) -> list[str]:
        words = vocabulary(vocab, ctx.folder)
        out: list[str] = []
        bad: list[Issue] = []
        for i, item in enumerate(value):
            hit = words.match(item)
            if hit is None:
                valid = f"valid values are: {', '.join(words.values)}"
                bad.append(Issue(name, unknown_value(name, item, words.suggest(item), valid), i))
            elif hit not in out:
                out.append(hit)
        if bad:
            raise Invalid(*bad)
        return out

    return check


def member_or_blank(vocab: str) -> Check:
    """One valid value of a filter, or "" for none."""
    one_of = members(vocab)

    def check(name: str, value: Any, ctx: Context) -> str:
        if not value.strip():
            return ""
        try:
            return one_of(name, [value], ctx)[0]
        except Invalid as bad:
            raise Invalid(*(Issue(name, i.message) for i in bad.issues)) from None

    return check


def countries(name: str, value: Any, ctx: Context) -> list[str]:
    """Country names or ISO3 codes, spelled as the reference tables spell them."""
    out: list[str] = []
    bad: list[Issue] = []
    for i, item in enumerate(value):
        hit = country_code(item, ctx.folder)
        if hit is None:
            words = vocabulary("countries", ctx.folder)
            guesses = list(dict.fromkeys([*words.suggest(item), *world_suggestions(item)]))[:4]
            valid = f"give ISO3 codes or English country names, e.g. {', '.join(words.values)}"
            bad.append(Issue(name, unknown_value(name, item, guesses, valid), i))
        elif hit[0] not in out:
            out.append(hit[0])
    if bad:
        raise Invalid(*bad)
    return out


def choice(*allowed: str) -> Check:
    """Exactly one of ``allowed`` (kept as ``check.allowed``)."""

    def check(name: str, value: Any, ctx: Context) -> str:
        if value not in allowed:
            guesses = difflib.get_close_matches(value, allowed, n=3) or [a for a in allowed if a == value.lower()]
            raise Invalid(Issue(name, unknown_value(name, value, guesses, f"valid values are: {', '.join(allowed)}")))
        return value

    check.allowed = allowed  # type: ignore[attr-defined]
    return check


def at_least(low: int) -> Check:
    def check(name: str, value: Any, ctx: Context) -> int:
        if value < low:
            raise Invalid(Issue(name, f"{name}: expected a whole number >= {low}, found {shown(value)}"))
        return value

    return check


def parse_date(name: str, value: Any) -> date | None:
    """A date parameter: ``"YYYY-MM-DD"``, or a ``date``/``datetime`` (what ``load_incidents`` takes in code); blank
    gives ``None``. Raises :class:`Invalid` with the rule's message otherwise."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or not value.strip():
        return None
    try:
        if not _ISO_DATE.fullmatch(value.strip()):
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(Issue(name, f"{name}: {shown(value)} is not a date; expected YYYY-MM-DD")) from None


def date_value(name: str, value: Any, ctx: Context) -> date | None:
    return parse_date(name, value)


def source_folders(ctx: Context) -> list[Path]:
    """The folders a ``source`` may come from: the data folder, the project folder, the folders of
    ``$INCIDENTKIT_SOURCE_DIRS`` and those of the context (a plan's ``allowed_sources``)."""
    listed = [p for p in os.environ.get(SOURCE_DIRS_ENV, "").split(os.pathsep) if p.strip()]
    folders = [ctx.folder or data_dir(), project_root(), *map(Path, listed), *ctx.source_dirs]
    return list(dict.fromkeys(Path(f).expanduser().resolve() for f in folders))


def source(name: str, value: Any, ctx: Context) -> str:
    """"curated", or an export file (.csv, .xlsx) in one of :func:`source_folders`; gives the resolved path.

    The folder is checked before the file is looked at, so nothing is learnt of files elsewhere. With
    ``ctx.restrict_sources`` off (a path an analyst passes to ``load_incidents`` in code) the file need only exist.
    """
    if value == CURATED:
        return value
    if not value.strip():
        raise Invalid(Issue(name, f"{name}: expected 'curated' or the path of a GTD/ACLED/UCDP export, found ''"))
    path = Path(value).expanduser()
    path = (path if path.is_absolute() else (ctx.base or Path.cwd()) / path).resolve()
    if ctx.restrict_sources:
        folders = source_folders(ctx)
        if not any(path.is_relative_to(f) for f in folders):
            raise Invalid(Issue(name, (
                f"{name}: {shown(value)} is outside the folders a source may come from "
                f"({', '.join(str(f) for f in folders)}); put the export in one of them, or name its folder in the "
                f"plan's allowed_sources or in ${SOURCE_DIRS_ENV}"
            )))
    if not path.exists():
        raise Invalid(Issue(name, f"{name}: {shown(value)} is neither 'curated' nor an existing file"))
    if not ctx.restrict_sources:
        return str(path)  # a path passed in code: its reader says what it is
    if path.is_dir() and (path / "datapackage.json").is_file():
        return str(path)  # a folder of curated tables like data/
    if not path.is_file() or path.suffix.lower() not in EXPORT_SUFFIXES:
        raise Invalid(Issue(name, (
            f"{name}: {shown(value)} is not an export file; expected a GTD, ACLED or UCDP GED export "
            f"({', '.join(EXPORT_SUFFIXES)}), a table in the incident schema (.csv) or a folder holding a "
            "datapackage.json"
        )))
    return str(path)


