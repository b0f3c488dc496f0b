"""Text for a reader: Markdown and sentences from the analysis tables, tables shown in a notebook, and values written
out (casualty figures with their range, dates at their precision, places, source labels).

The notebooks reach this module as ``ik.text`` (``ik.text.describe_selection(...)``, ``ik.text.table_or_note(...)``);
:data:`__all__` lists what it offers them. Text taken from the data (summaries, titles, places, source titles) is
escaped by :func:`escape_markdown` wherever it goes into Markdown: a data string never injects HTML or Markdown into a
page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import pandas as pd
from IPython.display import Markdown

from ..data.readers.registry import dataset_name
from .measures import headline_figures, incident_figures

__all__ = [
    "chronology_markdown",
    "comparison_text",
    "deadliest_table",
    "describe_selection",
    "escape_markdown",
    "format_range",
    "headline_markdown",
    "notable_markdown",
    "reported_notes",
    "table_or_note",
    "table_text",
]

#: Reasons an incident is listed as notable, in the order the brief shows them.
NOTABLE_REASONS: tuple[str, ...] = ("deadliest", "claimed", "suicide")
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


def figure_text(low: object, best: object, high: object, open_high: bool) -> str:
    """Return a casualty figure with its range: "12", "12 (10-15)", "at least 12" when no upper bound is stated,
    "unknown" when there is no figure."""
    if pd.isna(best):
        return "unknown"
    lo, be, hi = int(low), int(best), int(high)
    if open_high:
        return f"{be} (at least {lo})" if lo != be else f"at least {be}"
    if lo == be == hi:
        return f"{be}"
    return f"{be} ({lo}-{hi})"


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


def format_range(low: object, best: object, high: object) -> str:
    """Return ``best (low-high)`` for a casualty figure, ``best`` when the range is a single value, "unknown" when
    there is no figure."""
    if best is None or pd.isna(best):
        return "unknown"
    b, lo, hi = int(best), (int(low) if pd.notna(low) else int(best)), (int(high) if pd.notna(high) else int(best))
    return f"{b}" if lo == b == hi else f"{b} ({lo}-{hi})"


def _source_text(ids: object, dataset: object, event_id: object, titles: dict[str, str]) -> str:
    """Source column of :func:`deadliest_table` for one incident."""
    if dataset != "curated":
        return f"{dataset_name(dataset)} {event_id}"
    parts = [p.strip() for p in str(ids if ids is not None and not pd.isna(ids) else "").split(";") if p.strip()]
    return "; ".join(titles.get(p, p) for p in parts)


def deadliest_table(df: pd.DataFrame, n: int = 10, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the ``n`` deadliest incidents formatted for reading: date, place, attack, figures and sources.

    Columns: ``date`` (ISO), ``place`` ("location, admin1, country", blanks skipped), ``theatre``, ``attack_type``,
    ``killed`` and ``wounded`` (``best (low-high)``), ``claim_status``, ``sources``, ``incident_id``. For curated
    incidents ``sources`` gives the titles of their ``source_ids`` ("; "-separated) from ``sources`` (the table of
    :func:`incidentkit.load_sources`; ids not found are kept as ids); for rows of an export it names the dataset and
    the dataset's own event id.
    """
    fig = incident_figures(df, "killed")
    wnd = incident_figures(df, "wounded")
    work = df.assign(fig_best=fig["best"], fig_high=fig["high"], fig_low=fig["low"],
                     fig_wbest=wnd["best"], fig_wlow=wnd["low"], fig_whigh=wnd["high"])
    work = work[work["fig_best"].notna()].sort_values(["fig_best", "fig_high", "date", "incident_id"],
                                                   ascending=[False, False, True, True], kind="stable").head(n)
    titles: dict[str, str] = {}
    if sources is not None and len(sources):
        titles = {str(sid): str(title) for sid, title in zip(sources["source_id"], sources["title"], strict=True)}
    rows = []
    for r in work.itertuples(index=False):
        place = ", ".join(str(p) for p in (r.location, r.admin1, r.country) if isinstance(p, str) and p)
        rows.append({
            "date": r.date.date().isoformat() if pd.notna(r.date) else "",
            "place": place,
            "theatre": "" if pd.isna(r.theatre) else str(r.theatre),
            "attack_type": "" if pd.isna(r.attack_type) else str(r.attack_type),
            "killed": format_range(r.fig_low, r.fig_best, r.fig_high),
            "wounded": format_range(r.fig_wlow, r.fig_wbest, r.fig_whigh),
            "claim_status": "" if pd.isna(r.claim_status) else str(r.claim_status),
            "sources": _source_text(r.source_ids, r.source_dataset, r.source_event_id, titles),
            "incident_id": str(r.incident_id),
        })
    cols = ["date", "place", "theatre", "attack_type", "killed", "wounded", "claim_status", "sources", "incident_id"]
    return pd.DataFrame(rows, columns=cols)


def describe_selection(df: pd.DataFrame, label: str, source_label: str = "") -> str:
    """Return a one-paragraph Markdown statement of what the selection holds.

    An empty selection says so plainly ("No incidents match ..."), so that a notebook run on it completes with a
    clear statement; otherwise the incident count, the date span and the deaths with their range and unknowns.
    """
    src = f" in the {source_label}" if source_label else ""
    if len(df) == 0:
        return f"**No incidents match** the selection ({label}){src}. The tables and figures below are empty."
    h = headline_figures(df)
    return (
        f"**{h['incidents']:,} incidents**{src} match the selection ({label}), dated {h['first_date']} to "
        f"{h['last_date']}. Deaths: **{h['deaths_best']:,}** (range {h['deaths_low']:,}-{h['deaths_high']:,}); "
        f"{h['deaths_unknown_incidents']:,} incidents have no death figure"
        + (
            f" ({h['deaths_zero_or_unknown_incidents']:,} of them zeros that the source uses for both none and "
            "unknown)."
            if h["deaths_zero_or_unknown_incidents"]
            else "."
        )
    )


#: What :func:`table_or_note` and :func:`table_text` show instead of an empty table.
NOTHING_TO_SHOW = "Nothing to show: no incidents match the selection."


def table_or_note(table: object, note: str = NOTHING_TO_SHOW) -> object:
    """Return ``table`` to display, or, when it has no rows, a one-line Markdown ``note`` (an empty selection shows
    a sentence, not the bare header of an empty table)."""
    if getattr(table, "empty", False) or len(table) == 0:  # type: ignore[arg-type]
        return Markdown(f"*{note}*")
    return table


def table_text(table: object, note: str = NOTHING_TO_SHOW, **to_string: object) -> str:
    """Return ``table.to_string(**to_string)`` for printing in a checked cell, or ``note`` when it has no rows (no
    "Empty DataFrame / Columns: [...]" under an empty selection)."""
    if getattr(table, "empty", False) or len(table) == 0:  # type: ignore[arg-type]
        return note
    return str(table.to_string(**to_string))  # type: ignore[attr-defined]


def _lines(items: Iterable[str]) -> str:
    return "\n".join(items) + "\n"


def headline_markdown(figures: dict[str, object], label: str) -> str:
    """Render :func:`incidentkit.brief_figures` as a Markdown list (numbers only; the label is escaped)."""
    if not figures["incidents"]:
        return f"No incidents match the selection ({escape_markdown(label)}).\n"
    deaths = (f"**{figures['deaths_best']}** (range {figures['deaths_low']} to {figures['deaths_high']}; "
              f"{figures['deaths_open_high_incidents']} incident(s) with no stated upper bound, "
              f"{figures['deaths_unknown_incidents']} with no figure)")
    wounded = (f"**{figures['wounded_best']}** (range {figures['wounded_low']} to {figures['wounded_high']}; "
               f"{figures['wounded_unknown_incidents']} incident(s) with no figure)")
    return _lines([
        f"- **{figures['incidents']}** incidents ({figures['first_date']} to {figures['last_date']}), "
        f"{figures['claimed']} claimed, {figures['suicide']} suicide attack(s)",
        f"- Deaths: {deaths}",
        f"- Wounded: {wounded}",
        f"- Timeline events in the period: {figures['events']}",
    ])


def chronology_markdown(chron: pd.DataFrame) -> str:
    """Render :func:`incidentkit.chronology` as Markdown entries in the manner of an analysts' brief: a bold dated heading line,
    the summary, deaths and claim for incidents, and the sources. Every data string is escaped."""
    if chron.empty:
        return "No incidents or timeline events in the period.\n"
    out = []
    for r in chron.itertuples():
        where = f" — {escape_markdown(r.place)}" if r.place else ""
        if r.kind == "incident":
            head = f"**{escape_markdown(r.when)}{where}: {escape_markdown(r.what)}**"
            facts = f"Deaths: {escape_markdown(r.deaths)}. Claim: {escape_markdown(r.claim)}."
        else:
            head = f"**{escape_markdown(r.when)}{where}: {escape_markdown(r.what)}** (timeline event)"
            facts = ""
        body = " ".join(x for x in (escape_markdown(r.summary), facts) if x)
        src = f"<br>*Sources:* {escape_markdown(r.sources)}" if r.sources else "<br>*Sources:* none recorded"
        out.append(f"{head}<br>{body}{src}\n")
    return "\n".join(out)


def notable_markdown(notable: pd.DataFrame) -> str:
    """Render :func:`incidentkit.notable_incidents` as a Markdown list per reason (data strings escaped)."""
    if notable.empty:
        return "No incidents match the selection.\n"
    titles = {"deadliest": "Deadliest", "claimed": "Claimed", "suicide": "Suicide attacks"}
    out = []
    for reason in NOTABLE_REASONS:
        part = notable[notable["reason"] == reason]
        out.append(f"**{titles[reason]}**\n")
        if part.empty:
            out.append("- none in the period\n")
            continue
        for r in part.itertuples():
            date = pd.Timestamp(r.date).date().isoformat()
            out.append(f"- {date} — {escape_markdown(r.place)}: {escape_markdown(r.attack_type)}, deaths "
                       f"{escape_markdown(r.deaths)}, claim: {escape_markdown(r.claim_status)}")
        out.append("")
    return "\n".join(out) + "\n"


def comparison_text(comp: pd.DataFrame, current_label: str, previous_label: str) -> str:
    """Return one sentence comparing incidents and deaths (best) with the previous period."""
    def change(measure: str) -> str:
        row = comp.loc[measure]
        pct = row["change_pct"]
        pct_text = f", {pct:+.1f} %" if not pd.isna(pct) else ""
        return f"{int(row['current'])} against {int(row['previous'])} ({int(row['change']):+d}{pct_text})"

    return (f"{escape_markdown(current_label)} compared with {escape_markdown(previous_label)}: incidents "
            f"{change('incidents')}; deaths (best) {change('deaths_best')}; incidents with no death figure "
            f"{int(comp.loc['deaths_unknown', 'current'])} against {int(comp.loc['deaths_unknown', 'previous'])}.\n")


def reported_notes(table: pd.DataFrame) -> str:
    """Return Markdown notes on a :func:`incidentkit.reported_vs_incidents` table: which statistics state no upper bound
    (at_least / over / blank high: the reported figure is a floor, the share of it an upper limit of coverage),
    which were not comparable, and which incident sums exceed the reported figure."""
    if table.empty:
        return "No reported statistic overlaps the selection.\n"
    lines = []
    open_ = table[table["upper_bound"] == "none stated"]
    if len(open_):
        ids = ", ".join(escape_markdown(f"{r.stat_id} ({r.qualifier} {r.reported_low})") for r in open_.itertuples())
        lines.append(f"- No upper bound stated (the figure is a floor, so the share is at most what is shown): {ids}.")
    other = table[table["compared_with"] == "not comparable"]
    if len(other):
        lines.append(f"- {len(other)} statistic(s) count something the incident rows do not (arrests, fighters, "
                     "other): listed without sums.")
    split = table[table["compared_with"].str.contains("do not split", na=False)]
    if len(split):
        lines.append(f"- {len(split)} statistic(s) count one category of deaths; the incident rows' sums are of all "
                     "deaths, so their share is an upper limit.")
    over = table[table["share_of_reported"].astype("float64") > 1]
    if len(over):
        ids = ", ".join(escape_markdown(s) for s in over["stat_id"])
        lines.append(f"- The incident rows exceed the reported figure for: {ids} (the source counted fewer, or "
                     "another scope).")
    unknown = int(table["incidents_unknown"].fillna(0).sum())
    lines.append(f"- Incident rows with no figure inside the compared statistics: {unknown} (not counted as zero).")
    return "\n".join(lines) + "\n"
