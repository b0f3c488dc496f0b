"""Loading the curated tables and external exports, validated, with the selection filters notebooks use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataValidationError, ParameterError
from .coverage import attach_coverage, curated_coverage, export_coverage
from .readers import read_export
from .reference import FALLBACK_THEATRE, assign_theatre, load_branches, load_theatres, theatre_order
from .roles import DEFAULT_ROLES, check_roles, role_mask
from .schema import EXTRA_INCIDENT_COLUMNS, coerce_frame, enum_values, field_names
from .selection import CURATED, DATE_PRECISIONS, parse_date, resolve_countries
from .tables import read_csv_raw, table_path
from .validation import validate

Selection = str | Iterable[str] | None


def _as_list(value: Selection, name: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    try:
        items = list(value)
    except TypeError:
        raise ParameterError(f"{name}: expected a string or a list of strings, got {value!r}") from None
    for item in items:
        if not isinstance(item, str):
            raise ParameterError(f"{name}: expected strings, got {item!r} ({type(item).__name__})")
    return items or None


def _check_known(name: str, values: list[str], valid: Sequence[str]) -> None:
    unknown = [v for v in values if v not in valid]
    if unknown:
        raise ParameterError(
            f"{name}: unknown value(s) {unknown}; valid values are: {', '.join(map(str, valid))}"
        )




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
    *,
    theatres: Selection = None,
    countries: Selection = None,
    branches: Selection = None,
    start: object = None,
    end: object = None,
    folder: Path | None = None,
) -> pd.DataFrame:
    """Return the timeline events (provinces announced, pledges, leaders killed, ...), validated and filtered.

    ``theatre`` is attached from the theatre map (events with no country/admin1 in it get "Elsewhere").
    """
    df = _read_validated("events", folder)
    df["theatre"] = assign_theatre(
        df["iso3"], df["admin1"], fallback=FALLBACK_THEATRE, explicit=df["theatre"], folder=folder
    )
    df = _filter(df, theatres=theatres, countries=countries, branches=branches, start=start, end=end, folder=folder)
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
    df = read_export(path)
    if only_is:
        df = df[df["is_branch"].notna()].copy()
    df["theatre"] = assign_theatre(
        df["iso3"], df["admin1"], fallback=FALLBACK_THEATRE, explicit=df["theatre"], folder=folder
    )
    report = validate(df, "incidents", folder=folder)
    if report:
        raise DataValidationError(list(report), source=str(path))
    return df


def _filter(
    df: pd.DataFrame,
    *,
    theatres: Selection = None,
    countries: Selection = None,
    branches: Selection = None,
    start: object = None,
    end: object = None,
    attack_types: Selection = None,
    target_types: Selection = None,
    claim_status: Selection = None,
    min_date_precision: str | None = None,
    folder: Path | None = None,
) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    t = _as_list(theatres, "theatres")
    if t:
        _check_known("theatres", t, load_theatres(folder)["theatre"].tolist())
        mask &= df["theatre"].astype(object).isin(t)
    c = _as_list(countries, "countries")
    if c:
        names = dict(zip(df["country"].astype(object), df["iso3"].astype(object), strict=True))
        mask &= df["iso3"].astype(object).isin(resolve_countries(c, names, folder=folder))
    b = _as_list(branches, "branches")
    if b:
        _check_known("branches", b, load_branches(folder)["branch_id"].tolist())
        mask &= df["is_branch"].astype(object).isin(b)
    for name, value, column in (
        ("attack_types", attack_types, "attack_type"),
        ("target_types", target_types, "target_type"),
        ("claim_status", claim_status, "claim_status"),
    ):
        items = _as_list(value, name)
        if items:
            _check_known(name, items, enum_values("incidents", column))
            mask &= df[column].astype(object).isin(items)
    if min_date_precision is not None:
        _check_known("min_date_precision", [min_date_precision], DATE_PRECISIONS)
        allowed = DATE_PRECISIONS[: DATE_PRECISIONS.index(min_date_precision) + 1]
        mask &= df["date_precision"].astype(object).isin(allowed)
    lo, hi = parse_date(start, "start"), parse_date(end, "end")
    if lo is not None and hi is not None and lo > hi:
        raise ParameterError(f"start ({lo.date()}) is after end ({hi.date()}); the period would be empty")
    if lo is not None:
        mask &= df["date"] >= lo
    if hi is not None:
        mask &= df["date"] <= hi
    return df[mask.fillna(False).astype(bool)]




def load_incidents(
    source: str | PathLike[str] = CURATED,
    *,
    theatres: Selection = None,
    countries: Selection = None,
    branches: Selection = None,
    start: object = None,
    end: object = None,
    attack_types: Selection = None,
    target_types: Selection = None,
    claim_status: Selection = None,
    min_date_precision: str | None = None,
    only_is: bool = True,
    roles: str | Sequence[str] | None = DEFAULT_ROLES,
    folder: Path | None = None,
) -> pd.DataFrame:
    """Return incidents in the incident schema, validated, with ``theatre`` attached, filtered by the selection.

    ``roles`` says which roles of IS are counted (``is_role``; :mod:`incidentkit.data.roles`): by default
    violence carried out by IS ("perpetrator"); add "two_sided" (fighting with no initiator stated) or "target"
    (operations against IS), or give "all"; ``None`` does not filter. Export rows naming no IS actor have no role:
    they are kept only with ``only_is=False``. What the table covers (the source's span, places, coded fields,
    documents; the roles) is attached: ``incidentkit.coverage(df)``.

    ``source`` is ``"curated"`` (the tables in ``data/``) or the path of a GTD (.csv/.xlsx), ACLED or UCDP GED export;
    the dataset is detected from the header, and only IS incidents are kept unless ``only_is=False``.

    Every filter accepts one value or a list; ``None`` or an empty list means no filter. An unknown value raises
    :class:`ParameterError` listing the valid values. ``countries`` takes country names or ISO3 codes;
    ``start``/``end`` are ISO dates (inclusive, compared with ``date``, the first day of the incident's known
    period); ``min_date_precision`` keeps incidents dated at least that precisely ("day" keeps day-precise ones).
    A table that fails validation raises :class:`DataValidationError` with every problem; nothing is dropped.
    """
    chosen = None if roles is None else check_roles(roles)
    if isinstance(source, str) and source == CURATED:
        df = _curated_incidents(folder)
        cov = curated_coverage(folder)
    else:
        path = Path(source)
        if not path.exists():
            raise ParameterError(f"source: {str(source)!r} is neither 'curated' nor an existing file")
        df = _external_incidents(path, only_is, folder)
        cov = export_coverage(path, df.attrs.get("read_report", {}))
    in_roles = role_mask(df, chosen, keep_without_role=not only_is)
    unknown_role = int((~in_roles & df["is_role"].isna() & df["is_branch"].notna()).sum())
    df = df[in_roles]
    df = _filter(
        df,
        theatres=theatres,
        countries=countries,
        branches=branches,
        start=start,
        end=end,
        attack_types=attack_types,
        target_types=target_types,
        claim_status=claim_status,
        min_date_precision=min_date_precision,
        folder=folder,
    )
    ordered = [*field_names("incidents", folder), *EXTRA_INCIDENT_COLUMNS]
    out = df[ordered].sort_values(["date", "incident_id"], kind="stable").reset_index(drop=True)
    return attach_coverage(out, cov.with_roles(chosen, unknown_role))


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
