"""Sentences the library makes about what a selection can tell: the coverage statement every report and notebook
opens with, and the figures the sources report beside the table's own counts ("recorded vs reported").

The coverage statement says, in one to three sentences, what the selection is (documented incidents from N
documents, or a complete export of a dataset), the period and places it covers, the roles counted, what the source
does not code, and how many incidents lack a death figure. Data strings are escaped (it goes into Markdown).
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..data.coverage import Coverage, coverage
from ..data.load import load_incidents, load_reported_statistics
from ..data.roles import roles_label
from .coverage import reported_vs_incidents
from .measures import casualty_totals
from .wording import date_text, escape_markdown, total_text

#: Words of a reported statistic's metric.
METRIC_WORDS: dict[str, str] = {
    "deaths": "deaths", "deaths_security_forces": "deaths of security forces", "deaths_civilians": "civilian deaths",
    "deaths_militants": "militants killed", "wounded": "wounded", "attacks": "attacks", "incidents": "incidents",
}
#: Words of the vague qualifiers (data/README.md "Vague quantities"): they replace the number.
VAGUE_WORDS: dict[str, str] = {"dozens": "dozens of", "several": "several", "a_number_of": "a number of",
                               "thousands": "thousands of", "tens_of_thousands": "tens of thousands of"}
#: Items a statement names when the source does not code them (readers.extent.CODABLE keys), in words.
UNCODED_WORDS: dict[str, str] = {"claims": "claims", "suicide": "suicide attacks", "wounded": "wounded",
                                 "killed_range": "death ranges", "perpetrators_killed": "perpetrators killed",
                                 "attack_type": "attack types", "hostages": "hostages"}


def stated_figure(qualifier: str, low: object, high: object) -> str:
    """Return a reported figure with the qualifier its source gave: "more than 900" (coded 901), "at least 137",
    "about 3,000", "5,000 to 7,000", "dozens of", "136"."""
    lo = int(low)  # type: ignore[call-overload]
    hi = None if high is None or pd.isna(high) else int(high)  # type: ignore[call-overload]
    if qualifier in VAGUE_WORDS:
        return VAGUE_WORDS[qualifier]
    words = {"at_least": f"at least {lo:,}", "over": f"more than {lo - 1:,}", "about": f"about {lo:,}",
             "up_to": f"up to {(hi or lo):,}", "fewer_than": f"fewer than {(hi + 1 if hi is not None else lo):,}",
             "range": f"{lo:,} to {(hi or lo):,}"}
    return words.get(qualifier, f"{lo:,}")


def period_words(start: object, end: object, precision: object = "day") -> str:
    """Return a period at its precision: "2019 to 2023", "January to March 2022", "2 to 27 February 2023"."""
    a, b = date_text(start, precision), date_text(end, precision)
    return a if a == b else f"{a} to {b}"


#: The measure of each metric: sentences and captions about one measure take only its metrics.
MEASURE_METRICS: dict[str, tuple[str, ...]] = {
    "deaths": ("deaths", "deaths_security_forces", "deaths_civilians", "deaths_militants"),
    "wounded": ("wounded",),
    "events": ("attacks", "incidents"),
}


def _int0(v: object) -> int:
    return 0 if v is None or pd.isna(v) else int(v)  # type: ignore[arg-type, call-overload]


def reported_sentences(table: pd.DataFrame, *, roles: Sequence[str] | None = None, measure: str | None = None,
                       same_measure: bool = False) -> list[str]:
    """Return one sentence per statistic of a :func:`incidentkit.reported_vs_incidents` table that the table's rows
    can be set beside: what the sources report, with its qualifier, role, place and period, then what this table
    records there ("Sources report more than 900 attacks by IS (Syria: Badia, 2019 to 2023); this table records 5
    documented incident(s) there, covering 6% of the period."). Statistics that count something else are left out;
    one whose period the source does not cover says so. ``roles`` keeps statistics of those roles only (a chart of
    violence by IS shows no figure of operations against it), ``measure`` ("deaths", "wounded", "events") those of
    one measure, ``same_measure`` those compared with the same measure (no category of deaths)."""
    if table.empty:
        return []
    cov: Coverage = table.attrs.get("coverage") or coverage(table)
    documented = cov.kind == "documented"
    out = []
    for r in table.itertuples(index=False):
        if r.compared_with in ("not comparable", "roles not loaded"):
            continue
        if roles is not None and r.is_role not in roles:
            continue
        if measure is not None and r.metric not in MEASURE_METRICS[measure]:
            continue
        if same_measure and r.compared_with not in ("all deaths", "wounded", "incident rows", "not covered"):
            continue
        what = METRIC_WORDS.get(r.metric, r.metric.replace("_", " "))
        role = {"perpetrator": " by IS", "target": " against IS", "two_sided": " in fighting involving IS"}.get(
            str(r.is_role), "")
        if r.metric.startswith("deaths") or r.metric == "wounded":
            role = {"perpetrator": " in attacks by IS", "target": " in operations against IS",
                    "two_sided": " in fighting involving IS, all sides"}.get(str(r.is_role), "")
        where = escape_markdown(r.place)
        when = period_words(r.period_start, r.period_end, r.period_precision)
        head = f"Sources report {stated_figure(r.qualifier, r.reported_low, r.reported_high)} {what}{role} ({where}, {when})"
        if r.compared_with == "not covered":
            out.append(f"{head}; the {escape_markdown(cov.label)} does not cover that period there.")
            continue
        unit = "documented incident(s)" if documented else "incident(s)"
        if r.compared_with == "incident rows":
            rec = f"{int(r.incident_rows):,} {unit}"
        else:
            t = {"with_figure": int(r.incident_rows) - int(r.incidents_unknown), "low": _int0(r.incident_low),
                 "best": _int0(r.incident_best), "high": _int0(r.incident_high), "open_high": 0, "approx": 0}
            what_word = "wounded" if r.metric == "wounded" else "death"
            if t["with_figure"] == 0:
                rec = f"{int(r.incident_rows):,} {unit}"
                if int(r.incident_rows):
                    rec += f", none with a {what_word} figure"
            else:
                rec = f"{total_text(t)} {'wounded' if r.metric == 'wounded' else 'deaths'} in {int(r.incident_rows):,} {unit}"
                if int(r.incidents_unknown):
                    rec += f", {int(r.incidents_unknown):,} with no figure"
            if r.compared_with != "all deaths" and r.compared_with != "wounded":
                rec += " (all deaths: the rows do not split them by category)"
        part = "" if r.covered is pd.NA or float(r.covered) >= 1 else f", covering {float(r.covered):.0%} of the period"
        out.append(f"{head}; this table records {rec} there{part}.")
    return out


def reported_markdown(table: pd.DataFrame, *, roles: Sequence[str] | None = None) -> str:
    """Render :func:`reported_sentences` as a Markdown list, or a sentence saying that no source reports a figure
    for the selection."""
    lines = reported_sentences(table, roles=roles)
    if not lines:
        return "No figure that the sources report overlaps the selection's place, period and roles.\n"
    return "".join(f"- {line}\n" for line in lines)


def reported_caption(table: pd.DataFrame, roles: Sequence[str] | None, measure: str) -> str:
    """The sentences of :func:`reported_sentences` for a chart of one ``measure`` and ``roles`` (figures of the same
    measure only), joined for its caption ("" when there is none)."""
    return " ".join(reported_sentences(table, roles=roles, measure=measure, same_measure=True))


def reported_context(sel: Any, *, folder: Any = None) -> pd.DataFrame:
    """The reported statistics that overlap a selection, each compared with the source's incidents of its own area,
    period and role (:func:`incidentkit.reported_vs_incidents`: the source is loaded with every role and without
    the selection's period, the statistics from ``data/reported_statistics.csv``)."""
    incidents = load_incidents(sel.source, roles="all", only_is=getattr(sel, "only_is", True), folder=folder)
    stats = load_reported_statistics(folder=folder)
    return reported_vs_incidents(incidents, stats, theatres=sel.theatres, countries=sel.countries,
                                 branches=sel.branches, start=sel.start, end=sel.end)


@dataclasses.dataclass
class _Place:
    """The place, period and roles of a table loaded without a selection."""

    theatres: list[str]
    start: pd.Timestamp
    end: pd.Timestamp
    roles: tuple[str, ...] | None
    countries: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()


def _place(sel: Any) -> tuple[list[str], list[str], str]:
    theatres = list(getattr(sel, "theatres", []) or [])
    countries = list(getattr(sel, "countries", []) or [])
    branches = list(getattr(sel, "branches", []) or [])
    words = ", ".join(theatres + countries) or "all theatres"
    if branches:
        words += f" (branch {', '.join(branches)})"
    return theatres, countries, escape_markdown(words)


def _share(share: float) -> str:
    """A covered share in words: "69%", "less than 1%" (never "0%" for a share that is not nothing)."""
    return "less than 1%" if 0 < share < 0.005 else f"{share:.0%}"


def coverage_statement(incidents: pd.DataFrame, sel: Any = None, *, markdown: bool = True) -> str:
    """Return the coverage statement of a selection (see the module docstring), from the loaded incidents (their
    :class:`~incidentkit.data.coverage.Coverage`) and the :class:`~incidentkit.data.selection.Selection` (place,
    period and roles; without it the whole table). ``markdown=False`` gives plain text (for ``summary.json``)."""
    text = _statement(incidents, sel)
    return text if markdown else _plain(text)


def _plain(text: str) -> str:
    """Undo :func:`escape_markdown` (plain text for JSON and the index page, which escapes it itself)."""
    return html.unescape(re.sub(r"\\(.)", r"\1", text))


def _statement(incidents: pd.DataFrame, sel: Any) -> str:
    cov = coverage(incidents)
    if sel is None and len(incidents):  # no selection: the table's own theatres and dates
        order = list(incidents["theatre"].cat.categories) if isinstance(incidents["theatre"].dtype,
                                                                        pd.CategoricalDtype) else []
        present = set(incidents["theatre"].dropna().astype(object))
        sel = _Place(theatres=[t for t in order if t in present] or sorted(present),
                     start=incidents["date"].min(), end=incidents["date"].max(), roles=cov.roles)
    theatres, countries, place = _place(sel)
    start = getattr(sel, "start", None) or cov.first_date
    end = getattr(sel, "end", None) or cov.last_date
    roles = getattr(sel, "roles", None) or cov.roles
    counted = f"Counted: {roles_label(roles)}"
    if cov.rows_without_role:
        counted += f" ({cov.rows_without_role:,} IS row(s) whose role the source does not tell are left out)"
    t = casualty_totals(incidents, "killed").iloc[0]
    if len(incidents):
        n = len(incidents)
        every = "the one incident has a death figure" if n == 1 else f"each of the {n:,} incidents has a death figure"
        found = (f"{int(t['unknown']):,} of {n:,} incident(s) have no death figure (not counted as 0)"
                 if int(t["unknown"]) else every)
        if int(t["zero_or_unknown"]):
            found += f", {int(t['zero_or_unknown']):,} of them zeros the source uses for both none and unknown"
    else:
        found = "no incident matches"
    label = escape_markdown(cov.label)
    if cov.kind == "documented":
        docs = cov.documents_for(theatres, countries)
        n_docs = len({d.source_id for d in docs})
        share = cov.covered_share(start, end, theatres, countries) if start is not None and end is not None else 0.0
        span = f"{date_text(start, 'day')} to {date_text(end, 'day')}" if start is not None else "the selection"
        first = (f"Documented incidents, not a count: the {label} holds the incidents that {n_docs} document(s) "
                 f"describe for {place}; they report or list incidents for {_share(share)} of {span}, and the rest is "
                 "not covered (unknown, never zero).")
        return f"{first} {counted}: {found}."
    if cov.kind == "export":
        dataset = escape_markdown(cov.label.split(" export ")[0])
        span = f"{date_text(cov.first_date, 'day')} to {date_text(cov.last_date, 'day')}"
        first = (f"An export of {dataset} ({label}), taken as complete over its span: its events run from {span}, "
                 f"in {len(cov.countries):,} countries; periods and places outside it are not covered.")
        if not cov.covers_place(theatres, countries):
            first += f" It holds no row for {place}: it says nothing of it."
        elif start is not None and end is not None and cov.covered_share(start, end, theatres, countries) < 1:
            first += (f" The selection ({date_text(start, 'day')} to {date_text(end, 'day')}) runs beyond it: only "
                      f"{span} is covered, the rest is not (gaps, not zeros).")
        uncoded = [UNCODED_WORDS[k] for k in UNCODED_WORDS if not cov.codes(k)]
        if uncoded:
            first += f" {dataset} does not code {', '.join(uncoded)}: unknown, not 0."
        return f"{first} {counted}: {found}."
    return f"{escape_markdown(cov.label).capitalize()}: what it covers is not known. {counted}: {found}."


def uncoded_items(cov: Coverage, items: Sequence[str] = tuple(UNCODED_WORDS)) -> list[str]:
    """The items (readers.extent.CODABLE keys) the source does not code at all."""
    return [k for k in items if not cov.codes(k)]
