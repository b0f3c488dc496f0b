"""Loading the curated tables and external exports, validated, with the selection filters notebooks use."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataValidationError, ParameterError
from .checked import remember_validated, validated_before
from .coverage import attach_coverage, curated_coverage, path_coverage
from .parameters import RULES, Context, check_values, raise_issues
from .readers import read_export
from .readers.detect import is_incident_table
from .reference import FALLBACK_THEATRE, assign_theatre, theatre_order
from .roles import DEFAULT_ROLES
from .schema import EXTRA_INCIDENT_COLUMNS, coerce_frame, field_names
from .selection import CURATED, Selection, selection_of
from .tables import read_csv_raw, table_path
from .validation import validate
from .vocabulary import DATE_PRECISIONS, ENUM_FILTERS

#: A filter as an analyst passes it: one value, several, or ``None`` (no filter).
FilterValue = str | Iterable[str] | None


def _checked(source: str | PathLike[str], folder: Path | None, **filters: Any) -> Selection:
    """A :class:`Selection` of filter values passed in code: one value or several (a lone string is a list of one),
    dates as text or ``date``/``Timestamp``, each checked by its rule (the same rules as notebook parameters)."""
    values: dict[str, Any] = {"source": str(source)}
    for name, value in filters.items():
        if value is None:
            continue
        if RULES[name].annotation == "list" and isinstance(value, str):
            value = [value]
        elif RULES[name].annotation == "list" and isinstance(value, Iterable) and not isinstance(value, dict):
            value = list(value)
        elif isinstance(value, date):  # a date, datetime or Timestamp
            value = value.isoformat()[:10]
        values[name] = value
    checked, issues = check_values(values, Context(restrict_sources=False, folder=folder))
    raise_issues(issues)
    return selection_of(checked)


def _read_validated(name: str, folder: Path | None) -> pd.DataFrame:
    path = table_path(name, folder)
    raw, lines = read_csv_raw(path, name)
    report = validate(raw, name, lines=lines, folder=folder, strict_columns=True)
    if report:
        raise DataValidationError(list(report), source=str(path))
    return coerce_frame(raw, name, origin=str(path), folder=folder)


def load_table(name: str, *, folder: Path | None = None) -> pd.DataFrame:
    """Load any curated table by its data-package name, validated; raises :class:`DataValidationError` on problems."""
    return _read_validated(name, folder)


def load_sources(*, folder: Path | None = None) -> pd.DataFrame:
    """Return the sources table (one row per cited document), validated."""
    return _read_validated("sources", folder)


def load_events(
    selection: Selection | None = None,
    *,
    theatres: FilterValue = None,
    countries: FilterValue = None,
    branches: FilterValue = None,
    start: object = None,
    end: object = None,
    folder: Path | None = None,
) -> pd.DataFrame:
    """Return the timeline events (provinces announced, pledges, leaders killed, ...), validated and filtered.

    Filter by a checked :class:`Selection` (its area, branches and period) or by the keyword filters, which are
    checked as :func:`load_incidents` checks them. ``theatre`` is attached from the theatre map (events with no
    country/admin1 in it get "Elsewhere").
    """
    sel = selection if selection is not None else _checked(
        CURATED, folder, theatres=theatres, countries=countries, branches=branches, start=start, end=end
    )
    df = _read_validated("events", folder)
    df["theatre"] = assign_theatre(
        df["iso3"], df["admin1"], fallback=FALLBACK_THEATRE, explicit=df["theatre"], folder=folder
    )
    df = df[_mask(df, sel, enums=False)]
    return df.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)


def load_reported_statistics(*, folder: Path | None = None) -> pd.DataFrame:
    """Return the aggregate figures stated by the sources (totals over a period and area), validated."""
    return _read_validated("reported_statistics", folder)


def _curated_incidents(folder: Path | None) -> pd.DataFrame:
    df = _read_validated("incidents", folder)
    df["source_dataset"] = pd.Series(CURATED, index=df.index, dtype="str")
    df["source_event_id"] = df["incident_id"].astype("str")
    df["theatre"] = assign_theatre(df["iso3"], df["admin1"], explicit=df["theatre"], folder=folder)
    return df


def _external_incidents(path: Path, only_is: bool, folder: Path | None) -> pd.DataFrame:
    if path.is_dir() or is_incident_table(path):
        return _own_incidents(path, folder)
    df = read_export(path, only_is=only_is)  # IS rows selected before converting (readers/candidates.py)
    read_report = df.attrs.get("read_report", {})
    cache_key = df.attrs.get("cache_key")
    df.attrs = {}  # pandas deep-copies attrs on every operation: the report rides again on the result only
    df["theatre"] = assign_theatre(
        df["iso3"], df["admin1"], fallback=FALLBACK_THEATRE, explicit=df["theatre"], folder=folder
    )
    if not validated_before(cache_key, folder):  # the same cached rows against the same tables: checked already
        report = validate(df, "incidents", folder=folder)
        if report:
            raise DataValidationError(list(report), source=str(path))
        remember_validated(cache_key, folder)
    df.attrs["read_report"] = read_report
    return df


def _own_incidents(path: Path, folder: Path | None) -> pd.DataFrame:
    """Incidents in the project's own schema, validated like the curated tables: a folder holding a
    ``datapackage.json`` (like ``data/``: its own reference tables and sources), or one CSV (checked against the
    project's reference tables, and against a ``sources.csv`` beside it when there is one, else the project's)."""
    if path.is_dir():
        if not (path / "datapackage.json").is_file():
            raise ParameterError(f"source: {path} is a folder without a datapackage.json; give an export file, or a "
                                 "folder of curated tables like data/")
        return _curated_incidents(path)
    raw, lines = read_csv_raw(path, "incidents")
    context = None
    beside = path.parent / "sources.csv"
    if beside.is_file() and beside.resolve() != table_path("sources", folder).resolve():
        sources, source_lines = read_csv_raw(beside, "sources")
        problems = validate(sources, "sources", lines=source_lines, folder=folder, strict_columns=True)
        if problems:
            raise DataValidationError(list(problems), source=str(beside))
        context = {"sources": coerce_frame(sources, "sources", origin=str(beside), folder=folder)}
    report = validate(raw, "incidents", lines=lines, folder=folder, strict_columns=True, context=context)
    if report:
        raise DataValidationError(list(report), source=str(path))
    df = coerce_frame(raw, "incidents", origin=str(path), folder=folder)
    df["source_dataset"] = pd.Series(CURATED, index=df.index, dtype="str")
    df["source_event_id"] = df["incident_id"].astype("str")
    df["theatre"] = assign_theatre(df["iso3"], df["admin1"], explicit=df["theatre"], folder=folder)
    return df


def _mask(df: pd.DataFrame, sel: Selection, *, enums: bool = True) -> pd.Series:
    """The rows of ``df`` in a checked selection (nothing is checked here)."""
    mask = pd.Series(True, index=df.index)
    for values, column in ((sel.theatres, "theatre"), (sel.country_codes, "iso3"), (sel.branches, "is_branch")):
        if values:
            mask &= df[column].astype(object).isin(values)
    if enums:
        for name, column in ENUM_FILTERS.items():
            if getattr(sel, name):
                mask &= df[column].astype(object).isin(getattr(sel, name))
        if sel.min_date_precision:
            allowed = DATE_PRECISIONS[: DATE_PRECISIONS.index(sel.min_date_precision) + 1]
            mask &= df["date_precision"].astype(object).isin(allowed)
    if sel.start is not None:
        mask &= df["date"] >= sel.start
    if sel.end is not None:
        mask &= df["date"] <= sel.end
    return mask.fillna(False).astype(bool)


def _role_mask(df: pd.DataFrame, roles: Sequence[str] | None, *, keep_without_role: bool = False) -> pd.Series:
    """Return the rows of ``df`` whose ``is_role`` is one of ``roles`` (all rows for ``None``). Rows without a role
    (an export's rows that name no IS actor) are kept only with ``keep_without_role``."""
    if roles is None:
        return pd.Series(True, index=df.index)
    role = df["is_role"].astype(object)
    mask = role.isin(list(roles))
    if keep_without_role:
        mask |= role.isna()
    return mask.fillna(False).astype(bool)


def load_incidents(
    source: str | PathLike[str] | Selection = CURATED,
    *,
    theatres: FilterValue = None,
    countries: FilterValue = None,
    branches: FilterValue = None,
    start: object = None,
    end: object = None,
    attack_types: FilterValue = None,
    target_types: FilterValue = None,
    claim_status: FilterValue = None,
    min_date_precision: str | None = None,
    only_is: bool = True,
    roles: FilterValue = DEFAULT_ROLES,
    folder: Path | None = None,
) -> pd.DataFrame:
    """Return incidents in the incident schema, validated, with ``theatre`` attached, filtered by the selection.

    ``roles`` says which roles of IS are counted (``is_role``; :mod:`incidentkit.data.roles`): by default
    violence carried out by IS ("perpetrator"); add "two_sided" (fighting with no initiator stated) or "target"
    (operations against IS), or give "all"; ``None`` does not filter. Export rows naming no IS actor have no role:
    they are kept only with ``only_is=False``, which also keeps every role unless ``roles`` is given. What the table covers (the source's span, places, coded fields,
    documents; the roles) is attached: ``incidentkit.coverage(df)``.

    ``source`` is a :class:`Selection` that :func:`incidentkit.check_parameters` checked (``load_incidents(sel)``,
    as the notebooks do: it is not checked again, and no other filter may be given), ``"curated"`` (the tables in
    ``data/``), the path of a GTD (.csv/.xlsx), ACLED or UCDP GED export (the dataset is detected from the header;
    only IS incidents are kept unless ``only_is=False``; ``df.attrs["read_report"]`` says what reading it did), or a
    table in the project's own incident schema: a CSV, or a folder holding a ``datapackage.json`` like ``data/``,
    validated with the same rules and messages as the curated tables.

    Every filter accepts one value or a list; ``None`` or an empty list means no filter. Values are checked by the
    same rules as notebook parameters (:mod:`incidentkit.data.parameters`): matched case- and accent-insensitively
    and through the alias tables ("north caucasus", "ISK"); an unknown value raises :class:`ParameterError` with the
    closest valid values and the list of valid ones. ``countries`` takes country names or ISO3 codes;
    ``start``/``end`` are ISO dates (inclusive, compared with ``date``, the first day of the incident's known
    period); ``min_date_precision`` keeps incidents dated at least that precisely ("day" keeps day-precise ones).
    A table that fails validation raises :class:`DataValidationError` with every problem; nothing is dropped.
    """
    filters = {"theatres": theatres, "countries": countries, "branches": branches, "start": start, "end": end,
               "attack_types": attack_types, "target_types": target_types, "claim_status": claim_status,
               "min_date_precision": min_date_precision}
    if isinstance(source, Selection):
        given = sorted(k for k, v in filters.items() if v is not None) + (["roles"] if roles is not DEFAULT_ROLES
                                                                          else [])
        if given:
            raise ParameterError(f"load_incidents(selection): the selection holds the filters; remove {given}")
        sel = source
    else:
        if not only_is and roles is DEFAULT_ROLES:  # every row of the export was asked for: every role too
            roles = None
        sel = _checked(source, folder, only_is=only_is, roles=roles, **filters)
        if roles is None:  # every row, whatever its role
            sel = dataclasses.replace(sel, roles=None)
    if sel.source == CURATED:
        df = _curated_incidents(folder)
        cov = curated_coverage(folder)
    else:
        df = _external_incidents(Path(sel.source), sel.only_is, folder)
        cov = path_coverage(Path(sel.source), df.attrs.get("read_report"))
    read_report = df.attrs.get("read_report")
    df.attrs = {}
    in_roles = _role_mask(df, sel.roles, keep_without_role=not sel.only_is)
    unknown_role = int((~in_roles & df["is_role"].isna() & df["is_branch"].notna()).sum())
    df = df[_mask(df, sel) & in_roles]
    ordered = [*field_names("incidents", folder), *EXTRA_INCIDENT_COLUMNS]
    out = df[ordered].sort_values(["date", "incident_id"], kind="stable").reset_index(drop=True)
    if read_report is not None:
        out.attrs["read_report"] = read_report  # what reading the export did (rows rejected, names taken by rule)
    return attach_coverage(out, cov.with_roles(sel.roles, unknown_role))


def incident_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Build an incident frame with the contract's columns and dtypes from dicts (fields not given are blank).

    Handy for adding one's own incidents or for tests. ``source_dataset`` defaults to "curated",
    ``source_event_id`` to the ``incident_id``, and ``theatre`` (when given) becomes a categorical in the fixed
    theatre order. Values that do not convert raise :class:`DataValidationError`.
    """
    columns = field_names("incidents")
    raw = pd.DataFrame({c: pd.Series([r.get(c) for r in records], dtype=object) for c in columns})
    out = coerce_frame(raw, "incidents", origin="incident_frame()")
    out["source_dataset"] = pd.Series([r.get("source_dataset", "curated") for r in records], dtype="str")
    out["source_event_id"] = pd.Series([r.get("source_event_id", r.get("incident_id")) for r in records], dtype="str")
    out["theatre"] = pd.Categorical([r.get("theatre") for r in records], categories=theatre_order())
    return out
