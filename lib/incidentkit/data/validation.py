"""Validation of the curated tables and of incident frames against the data contract.

:func:`validate` checks everything ``datapackage.json`` states (columns, types, required fields, enums, patterns,
minimum/maximum, primary and foreign keys) plus the domain rules of the incident schema, and reports **every**
problem at once, each naming the table, the line and id of the row, the column, the bad value and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataValidationError, Problem
from .reference import assign_theatre, country_theatres, known_admin1, load_theatre_map
from .schema import EXTRA_INCIDENT_COLUMNS, coerce_with_problems, fields, primary_key, resource
from .tables import read_table

#: Quality flag that lets a row of an external dataset break low <= best <= high (the source's own figures).
FLAG_RANGE_AS_REPORTED = "killed_range_as_reported"
#: Reader flag of a row naming an IS actor whose role the dataset's fields do not tell (it may lack ``is_role``).
FLAG_ROLE_UNKNOWN = "is_role_unknown"
_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3}
_ALLOWED_EXTRA = {"incidents": set(EXTRA_INCIDENT_COLUMNS)}


class ValidationReport(list[Problem]):
    """The problems found by :func:`validate`: a list of :class:`Problem` with a readable summary."""

    def __init__(self, problems: Iterable[Problem] = (), *, table: str = "", source: str = "") -> None:
        super().__init__(problems)
        self.table = table
        self.source = source

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self

    def raise_if_failed(self) -> None:
        """Raise :class:`DataValidationError` with the full report when any problem was found."""
        if self:
            raise DataValidationError(list(self), source=self.source or self.table)

    def to_frame(self) -> pd.DataFrame:
        """Return the problems as a DataFrame (one row per problem)."""
        cols = ["table", "check", "column", "expected", "value", "line", "row_id"]
        return pd.DataFrame([p.as_dict() for p in self], columns=cols)

    def __str__(self) -> str:
        if not self:
            return f"{self.source or self.table}: no problems"
        return str(DataValidationError(list(self), source=self.source or self.table))


def _iter_positions(mask: np.ndarray) -> Iterator[int]:
    yield from (int(i) for i in np.flatnonzero(mask))


class _Checker:
    def __init__(self, df: pd.DataFrame, table: str, lines: np.ndarray | None) -> None:
        self.df = df
        self.table = table
        self.lines = lines
        pk = primary_key(table)
        self.id_col = pk[0] if len(pk) == 1 and pk[0] in df.columns else None
        self.problems: list[Problem] = []

    def add(self, mask: np.ndarray, check: str, column: str | None, expected: str, values: object = None) -> None:
        vals = self.df[column] if values is None and column in self.df.columns else values
        for pos in _iter_positions(np.asarray(mask, dtype=bool)):
            value = None if vals is None else vals.iloc[pos] if isinstance(vals, pd.Series) else vals[pos]
            if value is not None and not isinstance(value, str) and pd.isna(value):
                value = None
            if isinstance(value, pd.Timestamp):
                value = value.date().isoformat()
            elif isinstance(value, np.generic):
                value = value.item()
            rid = None
            if self.id_col is not None:
                raw = self.df[self.id_col].iloc[pos]
                rid = None if pd.isna(raw) else str(raw)
            line = None if self.lines is None else int(self.lines[pos])
            self.problems.append(Problem(self.table, check, column, expected, value, line, rid))


def _present(s: pd.Series) -> np.ndarray:
    """True where a cell holds a value (blank and whitespace-only text count as missing)."""
    out = s.notna().to_numpy(dtype=bool).copy()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        out &= (s.astype("str").str.strip().str.len() > 0).fillna(False).to_numpy(dtype=bool)
    return out


def _has_flag(d: pd.DataFrame, flag: str) -> np.ndarray:
    """Return True for rows whose ``flags`` hold ``flag`` (False without a ``flags`` column)."""
    if "flags" not in d.columns:
        return np.zeros(len(d), dtype=bool)
    return d["flags"].astype(object).map(lambda v: flag in _split_ids(v)).to_numpy(bool)


def _split_ids(value: object) -> list[str]:
    if not isinstance(value, str):
        return []
    return [v.strip() for v in value.split(";") if v.strip()]


def _context_table(context: Mapping[str, pd.DataFrame] | None, name: str, folder: Path | None) -> pd.DataFrame | None:
    if context is not None and name in context:
        return context[name]
    # A missing or broken reference table raises here, naming its file: foreign keys are never skipped silently.
    return read_table(name, folder)


def validate(
    df: pd.DataFrame,
    table: str = "incidents",
    *,
    lines: np.ndarray | None = None,
    context: Mapping[str, pd.DataFrame] | None = None,
    folder: Path | None = None,
    strict_columns: bool = False,
    today: date | None = None,
) -> ValidationReport:
    """Check a table against the data contract and return every problem found (an empty report when valid).

    Checks: missing/undocumented columns, types, required fields, enum values, patterns, minimum/maximum, duplicate
    primary keys, foreign keys (including each id of ``source_ids`` lists) and, for incidents and events, the domain
    rules: killed/wounded ``low <= best <= high`` (unless flagged ``killed_range_as_reported`` by a reader),
    perpetrators killed not above the killed figure, ``date`` not after ``date_end`` nor in the future, a date of
    month/year precision on the first day of its period, latitude and longitude given together, and a theatre for
    every curated country/admin1.

    ``lines`` gives the file line of each row (for messages); ``context`` supplies the tables that foreign keys
    point to (by default they are read from ``data/``). Rows of external datasets (``source_dataset`` other than
    "curated") are exempt from the sources foreign key, the theatre check and the required ``summary``; they need an
    ``is_role`` where they name an IS actor (``is_branch``), unless flagged ``is_role_unknown`` by the reader, and
    none where they do not.
    """
    today = today or date.today()
    report_source = resource(table, folder)["path"]
    chk = _Checker(df.reset_index(drop=True), table, lines)
    documented = [f["name"] for f in fields(table, folder)]
    extra_ok = _ALLOWED_EXTRA.get(table, set())
    if strict_columns:
        for col in df.columns:
            if col not in documented and col not in extra_ok:
                chk.problems.append(
                    Problem(table, "undocumented-column", col, "a column described in datapackage.json")
                )
    coerced, problems = coerce_with_problems(chk.df, table, lines=lines, folder=folder)
    chk.problems.extend(problems)
    missing_cols = {p.column for p in problems if p.check == "missing-column"}
    chk.df = coerced
    d = coerced

    external = np.zeros(len(d), dtype=bool)
    if "source_dataset" in d.columns:
        sd = d["source_dataset"].astype(object)
        external = (sd.notna() & (sd != "curated")).to_numpy(dtype=bool)

    for f in fields(table, folder):
        col = f["name"]
        if col in missing_cols:
            continue
        cons = f.get("constraints", {})
        s = d[col]
        present = _present(s)
        if cons.get("required"):
            mask = ~present
            if table == "incidents" and col == "summary":  # exports may have none
                mask &= ~external
            if table == "incidents" and col == "is_role":  # exports: only rows naming an IS actor have a role
                mask &= ~external | (_present(d["is_branch"]) & ~_has_flag(d, FLAG_ROLE_UNKNOWN))
            chk.add(mask, "required", col, "a value (the field is required)")
        if "pattern" in cons and f["type"] == "string":
            rx = re.compile(cons["pattern"])
            text = s.astype(object)
            bad = np.array([p and not rx.fullmatch(str(v)) for v, p in zip(text, present, strict=True)], dtype=bool)
            chk.add(bad, "pattern", col, f"text matching {cons['pattern']}")
        for key, op, word in (("minimum", np.less, ">="), ("maximum", np.greater, "<=")):
            if key in cons and f["type"] in ("integer", "number"):
                arr = s.astype("float64").to_numpy(na_value=np.nan)
                with np.errstate(invalid="ignore"):
                    bad = present & op(arr, cons[key])
                chk.add(bad, key, col, f"a value {word} {cons[key]}")
        if cons.get("unique") and len(primary_key(table, folder)) != 1:
            dup = s.duplicated(keep=False).to_numpy() & present
            chk.add(dup, "unique", col, "a value used by no other row")

    pk = [c for c in primary_key(table, folder) if c not in missing_cols]
    if pk:
        dup = d.duplicated(subset=pk, keep="first").to_numpy()
        chk.add(dup, "duplicate-id", pk[0], f"a unique value of the primary key ({', '.join(pk)})")

    _check_foreign_keys(chk, table, context, folder, external)
    if table in ("incidents", "events", "reported_statistics"):
        _check_sources(chk, table, context, folder, external)
    if table in ("incidents", "events"):
        _check_dates(chk, d, today)
        _check_places(chk, d, folder, external)
    if table == "incidents":
        _check_incident_rules(chk, d, context, folder, external)
    if table == "sources":
        late = (d["published"] > pd.Timestamp(today)).fillna(False).to_numpy(dtype=bool)
        chk.add(late, "future-date", "published", f"a date not after {today}")
    if table == "reported_statistics":
        lo, hi = d["value_low"], d["value_high"]
        chk.add((lo > hi).fillna(False).to_numpy(dtype=bool), "range-order", "value_high", "value_high >= value_low")
        chk.add(
            (d["period_start"] > d["period_end"]).fillna(False).to_numpy(dtype=bool),
            "date-order",
            "period_end",
            "period_end on or after period_start",
        )
        chk.add(
            (d["period_start"] > pd.Timestamp(today)).fillna(False).to_numpy(dtype=bool),
            "future-date",
            "period_start",
            f"a date not after {today}",
        )
    return ValidationReport(chk.problems, table=table, source=report_source)


def _check_foreign_keys(
    chk: _Checker, table: str, context: Mapping[str, pd.DataFrame] | None, folder: Path | None, external: np.ndarray
) -> None:
    d = chk.df
    for fk in resource(table, folder)["schema"].get("foreignKeys", []):
        cols = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk["reference"]
        ref_cols = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        if len(cols) != 1 or cols[0] not in d.columns:
            continue
        # Frictionless: an empty resource name refers to the table itself
        target = d if ref["resource"] == "" else _context_table(context, ref["resource"], folder)
        if target is None or ref_cols[0] not in target.columns:
            continue
        valid = set(target[ref_cols[0]].dropna().astype(str))
        s = d[cols[0]]
        present = _present(s)
        bad = present & ~s.astype(object).isin(valid).to_numpy(dtype=bool)
        chk.add(bad, "foreign-key", cols[0], f"a value of {ref['resource'] or table}.{ref_cols[0]}")


def _check_sources(
    chk: _Checker, table: str, context: Mapping[str, pd.DataFrame] | None, folder: Path | None, external: np.ndarray
) -> None:
    if len(external) and external.all():
        return  # rows of external datasets cite their dataset release, not sources.csv
    sources = _context_table(context, "sources", folder)
    if sources is None or "source_ids" not in chk.df.columns:
        return
    valid = set(sources["source_id"].dropna().astype(str))
    for pos, value in enumerate(chk.df["source_ids"].astype(object)):
        if external[pos]:
            continue
        for sid in _split_ids(value):
            if sid not in valid:
                mask = np.zeros(len(chk.df), dtype=bool)
                mask[pos] = True
                chk.add(mask, "foreign-key", "source_ids", "every id to be a source_id of sources.csv", [sid] * len(mask))


def _check_dates(chk: _Checker, d: pd.DataFrame, today: date) -> None:
    start, end = d["date"], d["date_end"]
    chk.add((start > end).fillna(False).to_numpy(dtype=bool), "date-order", "date_end", "date_end on or after date")
    limit = pd.Timestamp(today)
    chk.add((start > limit).fillna(False).to_numpy(dtype=bool), "future-date", "date", f"a date not after {today}")
    # date_end of a week/month/year-precise row is the end of the window within which the incident happened: for
    # the current period it lies ahead (ACLED's month-precise events, say); only a day-precise end is checked.
    day_precise = (d["date_precision"].astype(object) == "day").to_numpy(dtype=bool)
    chk.add(
        (end > limit).fillna(False).to_numpy(dtype=bool) & day_precise,
        "future-date",
        "date_end",
        f"a date not after {today} (for a day-precise incident)",
    )
    prec = d["date_precision"].astype(object)
    month_bad = (prec == "month").to_numpy() & (start.dt.day != 1).fillna(False).to_numpy(dtype=bool)
    chk.add(month_bad, "date-precision", "date", "the first day of the month for date_precision 'month'")
    year_bad = (prec == "year").to_numpy() & ~(
        (start.dt.day == 1) & (start.dt.month == 1)
    ).fillna(True).to_numpy(dtype=bool)
    chk.add(year_bad, "date-precision", "date", "1 January for date_precision 'year'")


def _check_incident_rules(
    chk: _Checker, d: pd.DataFrame, context: Mapping[str, pd.DataFrame] | None, folder: Path | None, external: np.ndarray
) -> None:
    flagged = np.zeros(len(d), dtype=bool)
    if "flags" in d.columns:
        flagged = _has_flag(d, FLAG_RANGE_AS_REPORTED)
    for what in ("killed", "wounded"):
        lo, best, hi = (d[f"{what}_{k}"].astype("float64") for k in ("low", "best", "high"))
        for a, b, name_a, name_b in ((lo, best, "low", "best"), (best, hi, "best", "high"), (lo, hi, "low", "high")):
            bad = (a > b).fillna(False).to_numpy(dtype=bool) & ~flagged
            chk.add(bad, "range-order", f"{what}_{name_b}", f"{what}_{name_a} <= {what}_{name_b} (found {what}_{name_a} larger)")
    perp = d["perpetrators_killed"].astype("float64")
    ceiling = d["killed_high"].astype("float64").fillna(d["killed_best"].astype("float64"))
    ceiling = ceiling.fillna(d["killed_low"].astype("float64"))
    chk.add(
        (perp > ceiling).fillna(False).to_numpy(dtype=bool),
        "perpetrators-killed",
        "perpetrators_killed",
        "at most the killed figure (killed counts include perpetrators)",
    )
    stray = external & _present(d["is_role"]) & ~_present(d["is_branch"])
    chk.add(stray, "is-role", "is_role", "no is_role in an export's row that names no IS actor (blank is_branch)")
    has_lat, has_lon = d["latitude"].notna().to_numpy(), d["longitude"].notna().to_numpy()
    chk.add(has_lat ^ has_lon, "coordinates", "latitude", "latitude and longitude given together")
    geo = d["geo_precision"].astype(object)
    fine = geo.isin(["point", "locality"]).to_numpy(dtype=bool)
    chk.add(fine & ~has_lat & ~external, "coordinates", "latitude",
            "coordinates for geo_precision 'point' or 'locality' (code an unplaceable place at admin1 or country)")


def _check_places(chk: _Checker, d: pd.DataFrame, folder: Path | None, external: np.ndarray) -> None:
    """Curated rows: the country name matches its ISO3 code, admin1 is a name the project knows, the row has a
    theatre, and an explicit ``theatre`` is one the theatre map gives to the row's country."""
    curated = ~external
    if not curated.any():
        return  # every check here concerns curated rows
    tmap = load_theatre_map(folder)
    names = dict(zip(tmap["iso3"], tmap["country"], strict=True))
    iso3 = d["iso3"].astype(object)
    country = d["country"].astype(object)
    expected_name = iso3.map(names)
    bad_country = (expected_name.notna() & country.notna() & (country != expected_name)).to_numpy(dtype=bool)
    chk.add(bad_country & curated, "country", "country",
            "the country name data/theatre_map.csv gives to the row's iso3 code", country + " / " + iso3.fillna(""))
    known = known_admin1(folder)
    admin1 = d["admin1"].astype(object)
    unknown = np.array(
        [isinstance(a, str) and a.strip() != "" and a not in known.get(c, set()) for c, a in zip(iso3, admin1, strict=True)],
        dtype=bool,
    )
    chk.add(unknown & curated, "admin1", "admin1",
            "an admin1 name known for the country (data/theatre_map.csv, data/admin1_aliases.csv or data/gazetteer.csv)")
    explicit = d["theatre"].astype(object) if "theatre" in d.columns else pd.Series(None, index=d.index, dtype=object)
    allowed = country_theatres(folder)
    wrong = np.array(
        [isinstance(t, str) and t != "" and t not in allowed.get(c, set()) for c, t in zip(iso3, explicit, strict=True)],
        dtype=bool,
    )
    chk.add(wrong & curated, "theatre", "theatre", "a theatre that data/theatre_map.csv gives to the row's country")
    theatre = assign_theatre(d["iso3"], d["admin1"], explicit=explicit.where(~wrong, None), folder=folder)
    missing = theatre.isna().to_numpy() & curated & iso3.notna().to_numpy()
    pairs = iso3.fillna("") + "/" + admin1.fillna("(no admin1)")
    chk.add(missing, "theatre", "admin1", "a country/admin1 listed in data/theatre_map.csv", pairs)
