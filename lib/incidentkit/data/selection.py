"""A notebook's selection: ``check_parameters`` (the validation cell after ``parameters``) checks every parameter
with the one rules table of :mod:`incidentkit.data.parameters` and returns a :class:`Selection`, which
``load_incidents(sel)`` loads without checking it again and whose labels name it in titles and captions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ParameterError
from .parameters import CURATED, RULES, Context, check_values, raise_issues
from .readers.detect import detect_dataset, is_incident_table
from .readers.registry import dataset_name
from .vocabulary import DATE_PRECISIONS, country_code, valid_values

__all__ = ["CURATED", "DATE_PRECISIONS", "Selection", "check_parameters", "describe_source", "valid_values"]

#: Parameters that make up the selection itself (the others are the notebook's options).
SELECTION_PARAMETERS = ("source", "theatres", "theatre", "countries", "branches", "start", "end", "only_is",
                        "attack_types", "target_types", "claim_status", "min_date_precision")


def describe_source(source: str | PathLike[str]) -> str:
    """Return a short label of a data source for titles and captions ("curated table", "GTD export x.csv")."""
    if isinstance(source, str) and source == CURATED:
        return dataset_name(CURATED)
    name = Path(source).name
    if Path(source).is_dir():
        return f"curated tables in {name}"
    if is_incident_table(source):
        return f"incident table {name}"
    try:
        dataset = detect_dataset(Path(source))
    except Exception:  # noqa: BLE001 - the label is cosmetic; loading reports the real error
        return f"export {name}"
    return f"{dataset_name(dataset)} export {name}"


@dataclass(frozen=True)
class Selection:
    """A checked selection: what to load, and how to name it in titles and captions.

    Made by :func:`check_parameters`; ``load_incidents(sel)`` trusts it and does not check it again. Theatres,
    countries and branches are spelled as the reference tables spell them ("north caucasus" was checked into
    "North Caucasus", "ISK" into "is-khorasan").
    """

    source: str
    theatres: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    only_is: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    attack_types: list[str] = field(default_factory=list)
    target_types: list[str] = field(default_factory=list)
    claim_status: list[str] = field(default_factory=list)
    min_date_precision: str | None = None

    @property
    def country_codes(self) -> list[str]:
        """ISO3 codes of :attr:`countries`."""
        return [(country_code(c) or (c, c))[1] for c in self.countries]

    @property
    def filters(self) -> dict[str, Any]:
        """The selection as keyword arguments of :func:`incidentkit.load_incidents` (``load_incidents(sel)`` is the
        same and skips checking them again)."""
        return {
            "theatres": self.theatres or None,
            "countries": self.countries or None,
            "branches": self.branches or None,
            "start": self.start,
            "end": self.end,
            "attack_types": self.attack_types or None,
            "target_types": self.target_types or None,
            "claim_status": self.claim_status or None,
            "min_date_precision": self.min_date_precision,
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


def selection_of(checked: dict[str, Any]) -> Selection:
    """The :class:`Selection` of values :func:`incidentkit.data.parameters.check_values` has checked."""
    theatres = list(checked.get("theatres") or [])
    if checked.get("theatre"):
        theatres = [checked["theatre"], *(t for t in theatres if t != checked["theatre"])]

    def timestamp(value: Any) -> pd.Timestamp | None:
        return pd.Timestamp(value) if value is not None else None

    options = {k: v for k, v in checked.items() if k not in SELECTION_PARAMETERS}
    return Selection(
        source=checked.get("source", CURATED),
        theatres=theatres,
        countries=list(checked.get("countries") or []),
        branches=list(checked.get("branches") or []),
        start=timestamp(checked.get("start")),
        end=timestamp(checked.get("end")),
        only_is=checked.get("only_is", True),
        options=options,
        attack_types=list(checked.get("attack_types") or []),
        target_types=list(checked.get("target_types") or []),
        claim_status=list(checked.get("claim_status") or []),
        min_date_precision=checked.get("min_date_precision") or None,
    )


def check_parameters(**parameters: Any) -> Selection:
    """Check a notebook's parameters and return the :class:`Selection` to load and describe.

    Every parameter is checked by its rule in :data:`incidentkit.data.parameters.RULES`, the same rules the report
    plan is checked with, so a bad value gives the same message here and in ``incidentkit-reports check``: an
    unknown theatre suggests the closest ones and lists the valid ones, a start after the end says so, a ``source``
    that is neither "curated" nor an export file in an allowed folder says so. Filter values are matched case- and
    accent-insensitively and through the alias tables. Raises :class:`ParameterError` naming every bad value, one
    per line. The notebook's own options (``period``, ``top_n``, ...) come back checked in ``options``.
    """
    unknown = [name for name in parameters if name not in RULES or RULES[name].runner]
    if unknown:
        known = ", ".join(sorted(n for n, r in RULES.items() if not r.runner))
        raise ParameterError(f"unknown parameter {unknown[0]!r}; known parameters: {known}")
    checked, issues = check_values({"source": CURATED, **parameters}, Context())
    raise_issues(issues)
    return selection_of(checked)

