"""What a loaded incident table covers: :class:`Coverage`, attached by ``load_incidents`` and read by
:func:`coverage` (``ik.coverage(df)``).

Two kinds of table, two kinds of coverage:

- an **export** (GTD, ACLED, UCDP GED) is a complete export of its dataset over the file's own span (its first to
  last date) for the countries present in the file (any row, IS or not): a period outside that span, or a country
  absent from the file, is *not covered* (nothing can be said of it), never zero; inside it, counts are the
  dataset's counts. What the dataset does not code (UCDP claims, ACLED wounded) is unknown, never 0 (``coded``).
- the **curated** table is a set of documented incidents, not a count: it holds what a few documents happen to
  describe. ``data/coverage.csv`` says which documents stand behind each theatre and which periods they cover. A
  period counts as covered for incident counts only where a document reports or lists incidents (coverage types
  :data:`COUNTING_TYPES`); summaries and mentions in passing name a few incidents and say nothing of the rest. Even a
  covered period holds documented incidents, a floor, not a count.

The coverage object is small and immutable (copying a frame shares it). Its ``roles`` say which roles of IS the table
was filtered to (``None``: not filtered).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .countries import iso3_for_name
from .readers import read_export
from .readers.detect import detect_dataset, is_incident_table
from .readers.registry import dataset_name
from .reference import load_theatre_map
from .tables import read_table, table_path

#: The ``source`` of the curated tables.
CURATED = "curated"
#: Kinds of ``data/coverage.csv`` rows that make a period covered for incident counts: the document lists or
#: reports the incidents of the period (``summary`` and ``mentions`` rows name a few in passing).
COUNTING_TYPES: tuple[str, ...] = ("chronology", "reporting")
#: The items every dataset may code (incidentkit.data.readers.extent.CODABLE): the curated table codes them all
#: (a blank value there is unknown for that incident).
CURATED_CODED: dict[str, dict[str, str]] = {
    k: {"coded": "yes", "note": ""}
    for k in ("killed", "killed_range", "wounded", "perpetrators_killed", "hostages", "claims", "suicide",
              "attack_type", "target_type", "roles")
}


class Document(NamedTuple):
    """One row of ``data/coverage.csv``: a document covering a theatre over a period, and how."""

    theatre: str
    source_id: str
    start: pd.Timestamp
    end: pd.Timestamp
    coverage_type: str


@dataclasses.dataclass(frozen=True)
class Coverage:
    """What an incident table covers (see the module docstring). Made by :func:`source_coverage`; attached to the
    frames ``load_incidents`` returns (``df.attrs["coverage"]``); read with :func:`coverage`."""

    dataset: str
    source: str
    label: str
    first_date: pd.Timestamp | None = None
    last_date: pd.Timestamp | None = None
    countries: tuple[tuple[str, str, int], ...] = ()
    coded: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    documents: tuple[Document, ...] = ()
    roles: tuple[str, ...] | None = None
    rows_without_role: int = 0

    def __deepcopy__(self, memo: dict[int, Any]) -> Coverage:  # immutable: pandas copies attrs on every operation
        return self

    @property
    def kind(self) -> str:
        """"export" (a complete export of a dataset over its span), "documented" (the curated table: documented
        incidents, not a count) or "unknown" (a table built in code: what it covers is not known)."""
        return {"curated": "documented", "unknown": "unknown"}.get(self.dataset, "export")

    @property
    def complete(self) -> bool:
        """True when counts inside the coverage are counts (an export), False for documented incidents."""
        return self.kind == "export"

    def coded_value(self, item: str) -> str:
        """"yes", "partly" or "no": whether the source codes ``item`` (a key of readers.extent.CODABLE) at all;
        "yes" when not declared (a table built in code)."""
        entry = self.coded.get(item)
        return str(entry["coded"]) if entry else "yes"

    def codes(self, item: str) -> bool:
        """Whether the source codes ``item`` at all (fully or in part)."""
        return self.coded_value(item) != "no"

    def with_roles(self, roles: Sequence[str] | None, rows_without_role: int = 0) -> Coverage:
        """The same coverage for a table filtered to ``roles``."""
        return dataclasses.replace(self, roles=None if roles is None else tuple(roles),
                                   rows_without_role=rows_without_role)

    def country_codes(self) -> set[str]:
        """ISO3 codes of the countries an export's rows hold (empty for other kinds)."""
        return {c[0] for c in self.countries}

    def covers_place(self, theatres: Iterable[str] = (), countries: Iterable[str] = ()) -> bool:
        """Whether the source says anything of the place: an export holds a row of one of its countries; the curated
        table has a document for one of its theatres. No place given: True when the source covers anything."""
        if self.kind == "unknown":
            return True
        if self.kind == "export":
            wanted = _place_countries(theatres, countries)
            return bool(self.countries) if wanted is None else bool(wanted & self.country_codes())
        return bool(self.documents_for(theatres, countries))

    def documents_for(self, theatres: Iterable[str] = (), countries: Iterable[str] = (),
                      types: Sequence[str] | None = None) -> list[Document]:
        """The curated documents covering the place (its theatres, or the theatres of its countries; all for
        neither), optionally of the given coverage ``types``."""
        wanted = _place_theatres(theatres, countries)
        return [d for d in self.documents
                if (wanted is None or d.theatre in wanted) and (types is None or d.coverage_type in types)]

    def windows(self, theatres: Iterable[str] = (), countries: Iterable[str] = ()) -> list[tuple[pd.Timestamp,
                                                                                                 pd.Timestamp]]:
        """The periods in which counts of the place are covered: an export's span (if the file holds the place's
        countries), the curated documents of :data:`COUNTING_TYPES`; everything for an unknown table."""
        if self.kind == "unknown":
            return [(pd.Timestamp("1000-01-01"), pd.Timestamp("2999-12-31"))]
        if self.kind == "export":
            if self.first_date is None or self.last_date is None or not self.covers_place(theatres, countries):
                return []
            return [(self.first_date, self.last_date)]
        return [(d.start, d.end) for d in self.documents_for(theatres, countries, COUNTING_TYPES)]

    def span(self, theatres: Iterable[str] = (), countries: Iterable[str] = ()) -> tuple[pd.Timestamp,
                                                                                         pd.Timestamp] | None:
        """The period the source speaks of for the place: an export's first to last date, the curated documents'
        earliest start to latest end (every kind of coverage); ``None`` when it says nothing of the place."""
        if self.kind == "documented":
            docs = self.documents_for(theatres, countries)
            return (min(d.start for d in docs), max(d.end for d in docs)) if docs else None
        if self.kind == "export" and self.covers_place(theatres, countries) and self.first_date is not None:
            return (self.first_date, self.last_date)  # type: ignore[return-value]
        return None

    def covered_share(self, start: object, end: object, theatres: Iterable[str] = (),
                      countries: Iterable[str] = ()) -> float:
        """The share (0 to 1) of the days from ``start`` to ``end`` that :meth:`windows` cover."""
        return float(self.period_shares([(pd.Timestamp(start), pd.Timestamp(end))], theatres, countries)[0])

    def period_shares(self, periods: Sequence[tuple[pd.Timestamp, pd.Timestamp]] | pd.PeriodIndex,
                      theatres: Iterable[str] = (), countries: Iterable[str] = ()) -> np.ndarray:
        """The covered share of each period (pairs of first and last day, or a PeriodIndex)."""
        if isinstance(periods, pd.PeriodIndex):
            pairs = list(zip(periods.start_time.normalize(), periods.end_time.normalize(), strict=True))
        else:
            pairs = [(pd.Timestamp(a).normalize(), pd.Timestamp(b).normalize()) for a, b in periods]
        merged = _merge(self.windows(theatres, countries))
        out = np.zeros(len(pairs))
        for i, (lo, hi) in enumerate(pairs):
            days = (hi - lo).days + 1
            if days <= 0:
                continue
            got = sum(max(0, (min(hi, b) - max(lo, a)).days + 1) for a, b in merged if a <= hi and b >= lo)
            out[i] = min(1.0, got / days)
        return out


def _merge(windows: list[tuple[pd.Timestamp, pd.Timestamp]]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    out: list[list[pd.Timestamp]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1] + pd.Timedelta(days=1):
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _place_theatres(theatres: Iterable[str], countries: Iterable[str]) -> set[str] | None:
    """Theatres of a place: the theatres given, plus those of the countries given (names or ISO3); None for all."""
    t, c = set(theatres or ()), set(countries or ())
    if not t and not c:
        return None
    if c:
        tmap = load_theatre_map()
        rows = tmap[tmap["iso3"].isin(c) | tmap["country"].isin(c)]
        t |= set(rows["theatre"])
    return t


def _place_countries(theatres: Iterable[str], countries: Iterable[str]) -> set[str] | None:
    """ISO3 codes of a place: the countries given (names or ISO3) and the countries of the theatres; None for all."""
    t, c = set(theatres or ()), set(countries or ())
    if not t and not c:
        return None
    tmap = load_theatre_map()
    names = dict(zip(tmap["country"], tmap["iso3"], strict=True))
    codes = {names.get(x, x) for x in c}
    if t:
        codes |= set(tmap.loc[tmap["theatre"].isin(t), "iso3"])
    if c:  # a country not in the theatre map (e.g. 'France'): its ISO3 code as given or from the ISO tables
        codes |= {iso3_for_name(x) or x for x in c if x not in names and len(x) != 3}
    return codes


def source_label(source: str | PathLike[str], dataset: str | None = None) -> str:
    """A short label of a data source for titles and captions ("incidentkit curated table", "GTD export x.csv",
    "incident table x.csv", "curated tables in <folder>")."""
    if isinstance(source, str) and source == CURATED:
        return dataset_name(CURATED)
    name = Path(source).name
    if dataset is None:
        if Path(source).is_dir():
            return f"curated tables in {name}"
        if is_incident_table(source):
            return f"incident table {name}"
        try:
            dataset = detect_dataset(Path(source))
        except Exception:  # noqa: BLE001 - the label is cosmetic; loading reports the real error
            return f"export {name}"
    return f"{dataset_name(dataset)} export {name}"


def curated_coverage(folder: Path | None = None) -> Coverage:
    """The coverage of the curated table: its documents and their periods per theatre (``data/coverage.csv``)."""
    table = read_table("coverage", folder)
    docs = tuple(
        Document(str(r.theatre), str(r.source_id), pd.Timestamp(r.period_start), pd.Timestamp(r.period_end),
                 str(r.coverage_type))
        for r in table.itertuples(index=False)
    )
    first = min((d.start for d in docs), default=None)
    last = max((d.end for d in docs), default=None)
    return Coverage(CURATED, CURATED, source_label(CURATED), first, last, coded=CURATED_CODED, documents=docs)


def export_coverage(path: str | PathLike[str], report: Mapping[str, Any]) -> Coverage:
    """The coverage of an export from its read report (``df.attrs["read_report"]["coverage"]``)."""
    cov = report.get("coverage") or {}
    dataset = str(report.get("dataset", "unknown"))

    def ts(v: object) -> pd.Timestamp | None:
        return pd.Timestamp(v) if v else None  # type: ignore[arg-type]

    countries = tuple((str(c["iso3"]), str(c.get("country") or c["iso3"]), int(c["rows"]))
                      for c in cov.get("countries", []))
    return Coverage(dataset, str(path), source_label(path, dataset), ts(cov.get("first_date")),
                    ts(cov.get("last_date")), countries, dict(cov.get("coded", {})))


def path_coverage(path: Path, report: Mapping[str, Any] | None) -> Coverage:
    """The coverage of a source given by its path: a folder of curated tables (its own ``coverage.csv``; unknown
    without one), a table in the incident schema (unknown: nothing says what it covers), or an export (from its read
    report)."""
    label = source_label(path)
    if path.is_dir():
        if not table_path("coverage", path).is_file():
            return unknown_coverage(label)
        return dataclasses.replace(curated_coverage(path), source=str(path), label=label)
    if is_incident_table(path):
        return unknown_coverage(label)
    return export_coverage(path, report or {})


def source_coverage(source: str | PathLike[str], *, folder: Path | None = None) -> Coverage:
    """The coverage of a ``source`` ("curated", a folder of curated tables, an incident table or an export's path;
    an export is read, from the cache if it can)."""
    if isinstance(source, str) and source == CURATED:
        return curated_coverage(folder)
    path = Path(source)
    if path.is_dir() or is_incident_table(path):
        return path_coverage(path, None)
    return export_coverage(source, read_export(Path(source)).attrs.get("read_report", {}))


def unknown_coverage(label: str = "a table built in code") -> Coverage:
    """The coverage of a table whose source is not known: every period counts as covered, every field as coded."""
    return Coverage("unknown", "", label)


def coverage(df: pd.DataFrame) -> Coverage:
    """Return what an incident table covers (:class:`Coverage`): attached by ``load_incidents``; a table built in
    code (``incident_frame``, a concatenation of different sources) gets an unknown coverage."""
    cov = df.attrs.get("coverage")
    return cov if isinstance(cov, Coverage) else unknown_coverage()


def attach_coverage(df: pd.DataFrame, cov: Coverage) -> pd.DataFrame:
    """Attach ``cov`` to ``df`` (in place) and return ``df``."""
    df.attrs["coverage"] = cov
    return df


def fill_window(source: str | PathLike[str], start: pd.Timestamp | None, end: pd.Timestamp | None, *,
                theatres: Iterable[str] = (), countries: Iterable[str] = (),
                folder: Path | None = None) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Fill a blank ``start`` or ``end`` of an export from what the file covers: its own first or last date (the
    default window follows the source). The curated table's blank bounds stay blank: they are its first and last
    incident. A filled bound never crosses the given one (a start after the file's last date leaves the end
    open)."""
    if (start is not None and end is not None) or (isinstance(source, str) and source == CURATED):
        return start, end
    if Path(source).is_dir() or is_incident_table(source):  # the project's own schema: like the curated table
        return start, end
    cov = source_coverage(source, folder=folder)
    span = cov.span(theatres, countries) or cov.span()
    if span is None:
        return start, end
    lo = start if start is not None else span[0]
    hi = end if end is not None else span[1]
    if start is None and end is not None and lo > end:
        lo = None
    if end is None and start is not None and hi < start:
        hi = None
    return lo, hi
