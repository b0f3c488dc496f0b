"""Values written out for a reader: casualty figures as the sources state them ("at least 12", "about 500", "no
figure"), totals with what they rest on, dates at their precision, places, source labels, and Markdown escaping.

These are the words every text of the library is made of (:mod:`incidentkit.analysis.text` and
:mod:`incidentkit.analysis.statements` build sentences and tables from them; the notebooks reach the public ones as
``ik.text``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def escape_markdown(text: object) -> str:
    """Return ``text`` safe to place in Markdown: HTML special characters become entities (no raw HTML reaches the
    page) and Markdown punctuation is backslash-escaped (no emphasis, links or headings from data strings)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    s = _MD_SPECIAL.sub(r"\\\1", str(text))
    s = html.escape(s, quote=False)  # after the backslashes: "&lt;" must not be touched again
    return " ".join(s.split())  # no line breaks from data: they could start a heading or a list


def date_text(date: object, precision: object) -> str:
    """Return a date as precisely as it is known: "2015", "June 2015", "week of 3 June 2015", "23 June 2015"."""
    if date is None or pd.isna(date):
        return "date unknown"
    ts = pd.Timestamp(date)
    if precision == "year":
        return f"{ts.year}"
    if precision == "month":
        return ts.strftime("%B %Y")
    if precision == "week":
        return f"week of {ts.day} {ts:%B %Y}"
    return f"{ts.day} {ts:%B %Y}"


def figure_text(low: object, best: object, high: object, open_high: bool, approx: bool = False,
                open_low: bool = False) -> str:
    """Return one incident's casualty figure as the sources state it (from :func:`incidentkit.incident_figures`):
    "12"; "12 (10-15)" for a range; "at least 12" (or "12 (at least 10)") when no upper bound is stated; "about 12"
    for an approximate figure; "12 (up to 15)" when only an upper bound is; "no figure" when there is none."""
    if best is None or pd.isna(best):
        return "no figure"
    lo, be, hi = int(low), int(best), int(high)  # type: ignore[call-overload]
    if approx:
        return f"about {be:,}"
    if open_high:
        return f"{be:,} (at least {lo:,})" if lo != be else f"at least {be:,}"
    if open_low:
        return f"{be:,} (up to {hi:,})" if hi != be else f"up to {be:,}"
    if lo == be == hi:
        return f"{be:,}"
    return f"{be:,} ({lo:,}-{hi:,})"


def total_text(t: Mapping[str, object]) -> str:
    """Return a total of deaths or wounded (a row of :func:`incidentkit.casualty_totals`) compactly: "no figure"
    when no incident has one; "at least 940" or "940 (at least 932)" when some incident states no upper bound (the
    high total is then a floor, not a ceiling); "about 500" when the only figures without bounds are approximate;
    "940 (range 932-950)"; "940"."""
    if not int(t["with_figure"]):  # type: ignore[call-overload]
        return "no figure"
    lo, be, hi = (int(t[k]) for k in ("low", "best", "high"))  # type: ignore[call-overload]
    open_high, approx = int(t["open_high"]), int(t.get("approx", 0) or 0)  # type: ignore[call-overload]
    if open_high and open_high == approx:  # open only because figures are approximate ("about N")
        return f"about {be:,}"
    if open_high:
        return f"at least {be:,}" if lo == be else f"{be:,} (at least {lo:,})"
    if lo == be == hi:
        return f"{be:,}"
    return f"{be:,} (range {lo:,}-{hi:,})"


def total_notes(t: Mapping[str, object], what: str = "death", *, unknown_too: bool = True) -> str:
    """Return what a total rests on, each said once: incidents without a figure (not counted; left out with
    ``unknown_too=False``, when the coverage statement says it), with no upper bound, approximate, and ACLED's zeros
    that mean none or unknown ("" when there is nothing to say)."""
    notes = []
    unknown, open_high, approx = (int(t.get(k, 0) or 0) for k in ("unknown", "open_high", "approx"))  # type: ignore
    zeros = int(t.get("zero_or_unknown", 0) or 0)  # type: ignore[call-overload]
    if unknown and unknown_too:
        zero_text = f", {zeros:,} of them zeros the source uses for both none and unknown" if zeros else ""
        notes.append(f"{unknown:,} incident(s) with no {what} figure (not counted{zero_text})")
    if open_high:
        notes.append(f"{open_high:,} state no upper bound, so the total is a floor")
    if approx:
        notes.append(f"{approx:,} figure(s) approximate (\"about\")")
    return "; ".join(notes)


def format_range(low: object, best: object, high: object) -> str:
    """Return a casualty figure from its raw ``low``, ``best`` and ``high`` as the sources state it: "12", "12 (10-15)",
    "at least 12" (no upper bound), "about 12" (best only), "up to 15", "10-15" (bounds only), "no figure"."""
    def given(v: object) -> bool:
        return v is not None and not pd.isna(v)  # type: ignore[arg-type]

    lo, be, hi = (int(v) if given(v) else None for v in (low, best, high))  # type: ignore[call-overload]
    if be is None:
        if lo is None and hi is None:
            return "no figure"
        if hi is None:
            return f"at least {lo:,}"
        return f"up to {hi:,}" if lo is None else f"{lo:,}-{hi:,}"
    return figure_text(lo if lo is not None else be, be, hi if hi is not None else be, hi is None and lo is not None,
                       approx=lo is None and hi is None, open_low=lo is None and hi is not None)


def place_text(row: pd.Series) -> str:
    """Return "location, admin1, country" of a row, blank parts left out."""
    parts = [row.get(c) for c in ("location", "admin1", "country")]
    return ", ".join(str(p) for p in parts if isinstance(p, str) and p.strip())


def source_labels(source_ids: object, sources: pd.DataFrame | None) -> list[str]:
    """Return one label per ``;``-separated source id: "title, publisher, published date" from the sources table;
    an id that is not in the table (external datasets name their release) is returned as it is."""
    if source_ids is None or (not isinstance(source_ids, str) and pd.isna(source_ids)):
        return []
    table = {} if sources is None else sources.set_index("source_id").to_dict(orient="index")
    labels = []
    for sid in (s.strip() for s in str(source_ids).split(";")):
        if not sid:
            continue
        row = table.get(sid)
        if row is None:
            labels.append(sid)
            continue
        published = row.get("published")
        date = date_text(published, row.get("date_precision")) if published is not None and not pd.isna(
            published) else "date not stated"
        labels.append(f"{row['title']}, {row['publisher']}, {date}")
    return labels
