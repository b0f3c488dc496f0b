"""Validation of notebook parameters: one call in the cell after ``parameters`` fails early with a clear message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ParameterError
from .load import CURATED, describe_source, parse_date, resolve_countries, valid_values


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
        return f"{area}, {self.period_label}"

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
    (``period``, ``rolling``, ``top_n``, ``theatre``, ...) are checked by :data:`OPTION_CHECKS`.
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
    src = source if source == CURATED else str(Path(source).expanduser().resolve())
    return Selection(src, sel_theatres, sel_countries, sel_branches, lo, hi, only_is, checked)
