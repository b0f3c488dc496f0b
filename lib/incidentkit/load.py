"""Loading the curated tables and external exports, validated, with the selection filters notebooks use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataValidationError, ParameterError
from .reference import FALLBACK_THEATRE, assign_theatre, load_branches, load_theatres
from .schema import EXTRA_INCIDENT_COLUMNS, coerce_frame, enum_values, field_names
from .tables import read_csv_raw, table_path
from .validation import validate

#: Order of date precisions from the finest to the coarsest.
DATE_PRECISIONS: tuple[str, ...] = ("day", "week", "month", "year")
CURATED = "curated"

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
    from .readers import read_export

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


def resolve_countries(
    values: Sequence[str], names: dict[object, object] | None = None, *, folder: Path | None = None
) -> list[str]:
    """Return the ISO3 codes of country parameters given as ISO3 codes or English names.

    Names are looked up in ``names`` (a frame's own country -> iso3 pairs), the theatre map and the ISO 3166 tables
    (with GTD/ACLED/UCDP spellings). A value none of them knows raises :class:`ParameterError`; a known country with
    no incident simply selects nothing.
    """
    from .readers.countries import iso3_for_name, iso_names
    from .reference import load_theatre_map

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
    from .reference import load_theatre_map

    tmap = load_theatre_map(folder)
    return set(tmap["country"].dropna()) | set(tmap["iso3"].dropna())


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
    folder: Path | None = None,
) -> pd.DataFrame:
    """Return incidents in the incident schema, validated, with ``theatre`` attached, filtered by the selection.

    ``source`` is ``"curated"`` (the tables in ``data/``) or the path of a GTD (.csv/.xlsx), ACLED or UCDP GED export;
    the dataset is detected from the header, and only IS incidents are kept unless ``only_is=False``.

    Every filter accepts one value or a list; ``None`` or an empty list means no filter. An unknown value raises
    :class:`ParameterError` listing the valid values. ``countries`` takes country names or ISO3 codes;
    ``start``/``end`` are ISO dates (inclusive, compared with ``date``, the first day of the incident's known
    period); ``min_date_precision`` keeps incidents dated at least that precisely ("day" keeps day-precise ones).
    A table that fails validation raises :class:`DataValidationError` with every problem; nothing is dropped.
    """
    if isinstance(source, str) and source == CURATED:
        df = _curated_incidents(folder)
    else:
        path = Path(source)
        if not path.exists():
            raise ParameterError(f"source: {str(source)!r} is neither 'curated' nor an existing file")
        df = _external_incidents(path, only_is, folder)
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
    return df[ordered].sort_values(["date", "incident_id"], kind="stable").reset_index(drop=True)


def describe_source(source: str | PathLike[str]) -> str:
    """Return a short label of a data source for titles and captions ("curated table", "GTD export x.csv")."""
    if isinstance(source, str) and source == CURATED:
        return "incidentkit curated table"
    from .readers import detect_dataset

    name = Path(source).name
    try:
        dataset = detect_dataset(Path(source))
    except Exception:  # noqa: BLE001 - the label is cosmetic; loading reports the real error
        return f"export {name}"
    return {"gtd": "GTD", "acled": "ACLED", "ucdp": "UCDP GED"}.get(dataset, dataset) + f" export {name}"


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
