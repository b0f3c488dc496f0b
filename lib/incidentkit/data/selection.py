"""What a selection parameter may be: the valid theatres, branches, countries and dates, the label of a data source,
and the validation of notebook parameters (one call in the cell after ``parameters`` fails early with a clear
message)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ParameterError
from .coverage import fill_window, source_label
from .readers.countries import iso3_for_name, iso_names
from .reference import load_branches, load_theatre_map, load_theatres
from .roles import DEFAULT_ROLES, check_roles, roles_label
from .schema import enum_values

#: The ``source`` of the curated tables in ``data/`` (any other source is the path of an export).
CURATED = "curated"
#: Order of date precisions from the finest to the coarsest.
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")


def parse_date(value: object, name: str) -> pd.Timestamp | None:
    """Parse an ISO date parameter (``"2015-01-01"``, a ``date`` or a ``Timestamp``); ``None``/``""`` give None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ParameterError(f"{name}: {value!r} is not a date; expected YYYY-MM-DD") from None
    if pd.isna(ts):
        raise ParameterError(f"{name}: {value!r} is not a date; expected YYYY-MM-DD")
    return ts.normalize()


def resolve_countries(
    values: Sequence[str], names: dict[object, object] | None = None, *, folder: Path | None = None
) -> list[str]:
    """Return the ISO3 codes of country parameters given as ISO3 codes or English names.

    Names are looked up in ``names`` (a frame's own country -> iso3 pairs), the theatre map and the ISO 3166 tables
    (with GTD/ACLED/UCDP spellings). A value none of them knows raises :class:`ParameterError`; a known country with
    no incident simply selects nothing.
    """
    tmap = load_theatre_map(folder)
    lookup = {**dict(zip(tmap["country"], tmap["iso3"], strict=True)), **(names or {})}
    codes = set(iso_names().values()) | set(tmap["iso3"]) | {v for v in lookup.values() if isinstance(v, str)}
    out, unknown = [], []
    for value in values:
        code = value if value in codes else lookup.get(value) or iso3_for_name(value)
        (out if code else unknown).append(code or value)
    if unknown:
        examples = ", ".join(sorted(_reference_countries(folder)))
        raise ParameterError(
            f"countries: unknown value(s) {unknown}; give ISO3 codes or English country names, e.g. {examples}"
        )
    return out


def _reference_countries(folder: Path | None) -> set[str]:
    tmap = load_theatre_map(folder)
    return set(tmap["country"].dropna()) | set(tmap["iso3"].dropna())


def valid_values(name: str, *, folder: Path | None = None) -> list[Any]:
    """Return the valid values of a selection parameter (theatres, branches, countries, attack_types, ...)."""
    if name == "theatres":
        return load_theatres(folder)["theatre"].tolist()
    if name == "branches":
        return load_branches(folder)["branch_id"].tolist()
    if name == "countries":
        return sorted(_reference_countries(folder))
    if name in ("attack_types", "target_types", "claim_status"):
        column = {"attack_types": "attack_type", "target_types": "target_type"}.get(name, name)
        return enum_values("incidents", column)
    if name == "min_date_precision":
        return list(DATE_PRECISIONS)
    raise ParameterError(f"no selection parameter {name!r}")


def describe_source(source: str | PathLike[str]) -> str:
    """Return a short label of a data source for titles and captions ("curated table", "GTD export x.csv")."""
    return source_label(source)


def _list_param(name: str, value: object) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, (list, tuple)):
        raise ParameterError(f"{name}: expected a list of strings, got {value!r} ({type(value).__name__})")
    bad = [v for v in value if not isinstance(v, str)]
    if bad:
        raise ParameterError(f"{name}: expected strings (quote codes and names in YAML), got {bad!r}")
    return list(value)


def _choice(*allowed: str) -> Callable[[str, object], object]:
    def check(name: str, value: object) -> object:
        if value not in allowed:
            raise ParameterError(f"{name}: {value!r} is not valid; valid values are: {', '.join(allowed)}")
        return value

    return check


def _positive_int(name: str, value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterError(f"{name}: expected a whole number >= 1, got {value!r}")
    return value


def _non_negative_int(name: str, value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ParameterError(f"{name}: expected a whole number >= 0, got {value!r}")
    return value


def _bool(name: str, value: object) -> object:
    if not isinstance(value, bool):
        raise ParameterError(f"{name}: expected True or False, got {value!r}")
    return value


def _theatre(name: str, value: object) -> object:
    if not isinstance(value, str) or value not in valid_values("theatres"):
        raise ParameterError(
            f"{name}: unknown theatre {value!r}; valid theatres are: {', '.join(valid_values('theatres'))}"
        )
    return value


def _string(name: str, value: object) -> object:
    if not isinstance(value, str):
        raise ParameterError(f"{name}: expected a string, got {value!r}")
    return value


#: Validators of the notebook-specific options ``check_parameters`` accepts.
OPTION_CHECKS: dict[str, Callable[[str, object], object]] = {
    "period": _choice("month", "quarter", "year"),
    "group_by": _choice("theatre", "branch", "country", "none"),
    "rolling": _positive_int,
    "top_n": _positive_int,
    "min_incidents": _non_negative_int,
    "only_is": _bool,
    "show_events": _bool,
    "log_scale": _bool,
    "theatre": _theatre,
    "output_dir": _string,
    "measure": _choice("incidents", "deaths"),
    "roles": lambda name, value: check_roles(value, name),
}


@dataclass(frozen=True)
class Selection:
    """A validated notebook selection: what to load, and how to name it in titles and captions."""

    source: str
    theatres: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    only_is: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    roles: tuple[str, ...] = DEFAULT_ROLES

    @property
    def filters(self) -> dict[str, Any]:
        """Keyword arguments for :func:`incidentkit.load_incidents`."""
        return {
            "theatres": self.theatres or None,
            "countries": self.countries or None,
            "branches": self.branches or None,
            "start": self.start,
            "end": self.end,
            "only_is": self.only_is,
            "roles": self.roles,
        }

    @property
    def source_label(self) -> str:
        """Name of the data source for captions."""
        return describe_source(self.source)

    @property
    def period_label(self) -> str:
        """``2015-01-01 to 2024-12-31`` (open ends say "start of data"/"end of data")."""
        lo = self.start.date().isoformat() if self.start is not None else "start of data"
        hi = self.end.date().isoformat() if self.end is not None else "end of data"
        return f"{lo} to {hi}"

    @property
    def label(self) -> str:
        """Human-readable selection for titles: areas and branches, then the period."""
        parts = []
        if self.theatres:
            parts.append(", ".join(self.theatres))
        if self.countries:
            parts.append(", ".join(self.countries))
        if self.branches:
            parts.append("branches: " + ", ".join(self.branches))
        area = "; ".join(parts) if parts else "all theatres"
        return f"{area}, {self.period_label}; {self.roles_label}"

    def with_roles(self, roles: object) -> Selection:
        """The same selection counting other roles of IS ("all", one role or a list; see
        :func:`incidentkit.data.roles.check_roles`): for the series and tables of operations against IS."""
        return dataclasses.replace(self, roles=check_roles(roles))

    @property
    def roles_label(self) -> str:
        """What the selection counts: "violence carried out by IS" unless other roles were chosen."""
        return roles_label(self.roles)

    def caption(self, extra: str = "") -> str:
        """Caption naming the selection and the data source, with optional extra text."""
        text = f"Selection: {self.label}. Source: {self.source_label}."
        return f"{text} {extra}".strip()


def check_parameters(
    *,
    source: str,
    theatres: object = (),
    countries: object = (),
    branches: object = (),
    start: object = "",
    end: object = "",
    **options: object,
) -> Selection:
    """Validate a notebook's parameters and return the :class:`Selection` to load and describe.

    Raises :class:`ParameterError` with a clear message: an unknown theatre lists the valid ones, a start after the
    end says so, a ``source`` that is neither "curated" nor an existing file says so. Notebook-specific options
    (``period``, ``rolling``, ``top_n``, ``theatre``, ...) are checked by :data:`OPTION_CHECKS`; ``roles`` (default
    violence carried out by IS) by :func:`incidentkit.data.roles.check_roles`. A blank ``start`` or ``end`` is the
    source's own: an export's first or last date, the curated documents' period for the place.
    """
    if not isinstance(source, str) or not source.strip():
        raise ParameterError(f"source: expected 'curated' or the path of a GTD/ACLED/UCDP export, got {source!r}")
    if source != CURATED and not Path(source).expanduser().is_file():
        raise ParameterError(f"source: {source!r} is neither 'curated' nor an existing file")
    sel_theatres = _list_param("theatres", theatres)
    sel_countries = _list_param("countries", countries)
    sel_branches = _list_param("branches", branches)
    for name, values in (("theatres", sel_theatres), ("branches", sel_branches)):
        valid = valid_values(name)
        unknown = [v for v in values if v not in valid]
        if unknown:
            raise ParameterError(f"{name}: unknown value(s) {unknown}; valid values are: {', '.join(valid)}")
    resolve_countries(sel_countries)
    lo, hi = parse_date(start, "start"), parse_date(end, "end")
    if lo is not None and hi is not None and lo > hi:
        raise ParameterError(f"start ({lo.date()}) is after end ({hi.date()}); choose a start on or before the end")
    checked: dict[str, Any] = {}
    for name, value in options.items():
        if name not in OPTION_CHECKS:
            raise ParameterError(f"unknown parameter {name!r}; known options: {', '.join(sorted(OPTION_CHECKS))}")
        checked[name] = OPTION_CHECKS[name](name, value)
    only_is = bool(checked.pop("only_is", True))
    roles = checked.pop("roles", DEFAULT_ROLES)
    src = source if source == CURATED else str(Path(source).expanduser().resolve())
    lo, hi = fill_window(src, lo, hi, theatres=sel_theatres, countries=sel_countries)
    return Selection(src, sel_theatres, sel_countries, sel_branches, lo, hi, only_is, checked, roles)
