"""Values written out for a reader: casualty figures as the sources state them ("at least 12", "about 500", "no
figure"), totals with what they rest on, dates at their precision, places, how sources are named and cited (titles,
labels, full citations, an export's event), and Markdown escaping.

These are the words every text of the library is made of (:mod:`incidentkit.analysis.text` and
:mod:`incidentkit.analysis.statements` build sentences and tables from them; the notebooks reach the public ones as
``ik.text``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..data.readers.registry import dataset_name, datasets

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


def figure_texts(figures: pd.DataFrame) -> list[str]:
    """Return :func:`figure_text` of each row of :func:`incidentkit.incident_figures` (one incident's figure each:
    "12 (10-15)", "at least 27", "about 500", "no figure")."""
    return [figure_text(f.low, f.best, f.high, bool(f.open_high), bool(f.approx), bool(f.open_low))
            for f in figures.itertuples(index=False)]


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


#: The sources table by ``source_id`` (:func:`source_table`): each id's row as a dict (title, publisher, published,
#: date_precision, author, url, ...).
SourceTable = Mapping[str, Mapping[str, object]]


def source_table(sources: pd.DataFrame | SourceTable | None) -> SourceTable:
    """Return the sources table (:func:`incidentkit.load_sources`) by ``source_id``; a table already made is returned
    as it is, ``None`` gives an empty one. Make it once for many rows."""
    if sources is None:
        return {}
    if not isinstance(sources, pd.DataFrame):
        return sources
    if sources.empty:
        return {}
    return {str(k): v for k, v in sources.set_index("source_id").to_dict(orient="index").items()}


def _blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))  # type: ignore[arg-type]


def _str(value: object) -> str:
    return "" if _blank(value) else str(value).strip()


def _ids(source_ids: object) -> list[str]:
    return [s.strip() for s in _str(source_ids).split(";") if s.strip()]


def _published(row: Mapping[str, object]) -> str:
    published = row.get("published")
    return "date not stated" if _blank(published) else date_text(published, row.get("date_precision"))


def export_event(dataset: object, event_id: object) -> str:
    """Return how a row of an export is referred to: "GTD event 201501010001" (the dataset's display name and its own
    event id); "" for a curated row."""
    name = _str(dataset)
    if not name or name == "curated":
        return ""
    return f"{dataset_name(name)} event {_str(event_id)}"


def source_titles(source_ids: object, dataset: object, event_id: object,
                  sources: pd.DataFrame | SourceTable | None) -> str:
    """Return the sources of one incident in a table cell: the titles of its ``source_ids`` ("; "-joined; an id not in
    the sources table is kept as it is), or, for a row of an export, the dataset and its event id
    (:func:`export_event`)."""
    export = export_event(dataset, event_id)
    if export:
        return export
    table = source_table(sources)
    return "; ".join(_str(table[s]["title"]) if s in table else s for s in _ids(source_ids))


def source_labels(source_ids: object, sources: pd.DataFrame | SourceTable | None) -> list[str]:
    """Return one label per ``;``-separated source id: "title, publisher, published date" from the sources table;
    an id that is not in the table (external datasets name their release) is returned as it is."""
    table = source_table(sources)
    labels = []
    for sid in _ids(source_ids):
        row = table.get(sid)
        labels.append(sid if row is None else f"{row['title']}, {row['publisher']}, {_published(row)}")
    return labels


def citations(source_ids: object, dataset: object, event_id: object, sources: pd.DataFrame | SourceTable | None,
              *, file: str = "") -> list[str]:
    """Return the full citation of each source of one incident, plain text: "Title. Publisher (author), date. URL"
    from the sources table (data/sources.csv; "(no URL)", "date not stated" where it has none; an id it lacks is
    named as such); for a row of an export, the dataset with its full title and publisher, the event id and, when
    given, the ``file`` it was read from."""
    if export_event(dataset, event_id):
        spec = datasets().get(_str(dataset))
        title = f"{dataset_name(_str(dataset))}: {spec.title}" if spec else dataset_name(_str(dataset))
        read_from = f", file {Path(file).name}" if file else ""
        return [f"{title}, event {_str(event_id)}{read_from}."]
    table = source_table(sources)
    out = []
    for sid in _ids(source_ids):
        src = table.get(sid)
        if src is None:
            out.append(f"{sid} (not in data/sources.csv)")
            continue
        author = f" ({_str(src.get('author'))})" if _str(src.get("author")) else ""
        url = f" {_str(src.get('url'))}" if _str(src.get("url")) else " (no URL)"
        out.append(f"{_str(src['title'])}. {_str(src['publisher'])}{author}, {_published(src)}.{url}")
    return out
