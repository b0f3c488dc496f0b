"""Text for a reader: Markdown and sentences from the analysis tables, tables shown in a notebook, the coverage
statement and the figures the sources report (:mod:`incidentkit.analysis.statements`), and values written out
(:mod:`incidentkit.analysis.wording`: casualty figures as the sources state them, dates at their precision, places,
source labels).

Tables a reader sees are formatted HTML (:mod:`incidentkit.analysis.tables`: ``table_html``, and the reports' own
in :mod:`incidentkit.analysis.report_tables`); a report opens with its key figures (:mod:`incidentkit.analysis.
keyfigures`: ``key_figures_html``, and the ``headline`` sentence of the index).

The notebooks reach this module as ``ik.text`` (``ik.text.describe_selection(...)``, ``ik.text.table_or_note(...)``);
:data:`__all__` lists what it offers them. Text taken from the data (summaries, titles, places, source titles) is
escaped by :func:`escape_markdown` wherever it goes into Markdown: a data string never injects HTML or Markdown into a
page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from IPython.display import Markdown

from .keyfigures import headline, key_figures, key_figures_html
from .measures import casualty_totals, headline_figures, incident_figures, single_incidents
from .report_tables import (
    chronology_html,
    comparison_html,
    deadliest_html,
    notable_html,
    theatres_html,
    timeline_html,
)
from .statements import coverage_statement, reported_caption, reported_markdown, reported_sentences
from .tables import html_table, table_html
from .wording import (
    date_text,
    escape_markdown,
    format_range,
    place_text,
    source_table,
    source_titles,
    total_notes,
    total_text,
)

__all__ = [
    "chronology_html",
    "chronology_markdown",
    "comparison_html",
    "comparison_text",
    "coverage_statement",
    "deadliest_html",
    "deadliest_table",
    "describe_selection",
    "escape_markdown",
    "format_range",
    "headline",
    "headline_markdown",
    "html_table",
    "key_figures",
    "key_figures_html",
    "notable_html",
    "notable_markdown",
    "reported_caption",
    "reported_markdown",
    "reported_notes",
    "reported_sentences",
    "table_html",
    "table_or_note",
    "table_text",
    "theatres_html",
    "timeline_html",
    "total_text",
]

#: Reasons an incident is listed as notable, in the order the brief shows them.
NOTABLE_REASONS: tuple[str, ...] = ("deadliest", "claimed", "suicide")


def deadliest_table(df: pd.DataFrame, n: int = 10, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the ``n`` deadliest single incidents formatted for reading: date, place, attack, figures and sources.

    Columns: ``date`` (at its precision), ``place`` ("location, admin1, country", blanks skipped), ``theatre``,
    ``attack_type``, ``killed`` and ``wounded`` (as the sources state them: "12", "12 (10-15)", "at least 12",
    "about 12", "no figure"; :func:`format_range`), ``claim_status``, ``sources``, ``incident_id``. Aggregate rows
    (a reader's totals over a period or a country) are never listed: ``attrs["aggregates_left_out"]`` counts them.
    For curated incidents ``sources`` gives the titles of their ``source_ids`` ("; "-separated) from ``sources``
    (the table of :func:`incidentkit.load_sources`; ids not found are kept as ids); for rows of an export it names
    the dataset and the dataset's own event id.
    """
    fig = incident_figures(df, "killed")
    single = single_incidents(df)
    work = df.assign(fig_best=fig["best"], fig_high=fig["high"])
    known = work["fig_best"].notna()
    work = work[known & single].sort_values(["fig_best", "fig_high", "date", "incident_id"],
                                            ascending=[False, False, True, True], kind="stable").head(n)
    table = source_table(sources)
    rows = []
    for _, r in work.iterrows():
        rows.append({
            "date": date_text(r.date, r.date_precision),
            "place": place_text(r),
            "theatre": "" if pd.isna(r.theatre) else str(r.theatre),
            "attack_type": "" if pd.isna(r.attack_type) else str(r.attack_type),
            "killed": format_range(r.killed_low, r.killed_best, r.killed_high),
            "wounded": format_range(r.wounded_low, r.wounded_best, r.wounded_high),
            "claim_status": "" if pd.isna(r.claim_status) else str(r.claim_status),
            "sources": source_titles(r.source_ids, r.source_dataset, r.source_event_id, table),
            "incident_id": str(r.incident_id),
        })
    cols = ["date", "place", "theatre", "attack_type", "killed", "wounded", "claim_status", "sources", "incident_id"]
    out = pd.DataFrame(rows, columns=cols)
    out.attrs["aggregates_left_out"] = int((known & ~single).sum())
    return out


def describe_selection(df: pd.DataFrame, label: str, source_label: str = "") -> str:
    """Return a one-paragraph Markdown statement of what the selection holds.

    An empty selection says so plainly ("No incidents match ..."), so that a notebook run on it completes with a
    clear statement; otherwise the incident count, the date span and the deaths as the sources allow ("at least
    N" when some incident states no upper bound, "no figure" when none has one) with what they rest on, each said
    once (the incidents with no death figure are in :func:`incidentkit.coverage_statement`, shown beside it).
    ``label`` (e.g. :attr:`Selection.label`) names the roles counted.
    """
    src = f" in the {source_label}" if source_label else ""
    if len(df) == 0:
        return f"**No incidents match** the selection ({label}){src}. The tables and figures below are empty."
    h = headline_figures(df)
    t = casualty_totals(df, "killed").iloc[0]
    notes = total_notes(t, unknown_too=False)  # the incidents with no figure: in the coverage statement
    return (
        f"**{h['incidents']:,} incidents**{src} match the selection ({label}), dated {h['first_date']} to "
        f"{h['last_date']}. Deaths: **{total_text(t)}**" + (f" ({notes})." if notes else ".")
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


def _totals_of(figures: Mapping[str, object], what: str) -> dict[str, object]:
    """The :func:`total_text` fields of ``deaths``/``wounded`` from a :func:`incidentkit.headline_figures` dict."""
    unknown = int(figures[f"{what}_unknown_incidents"])  # type: ignore[call-overload]
    return {
        "with_figure": int(figures["incidents"]) - unknown,  # type: ignore[call-overload]
        "unknown": unknown,
        "low": figures[f"{what}_low"] or 0, "best": figures[f"{what}_best"] or 0, "high": figures[f"{what}_high"] or 0,
        "open_high": figures.get(f"{what}_open_high_incidents", 0) or 0,
        "approx": figures.get(f"{what}_approx_incidents", 0) or 0,
        "zero_or_unknown": figures.get(f"{what}_zero_or_unknown_incidents", 0) or 0,
    }


def count_text(value: object, unknown: object = 0, what: str = "") -> str:
    """Return a count that may be unknown: "not coded by the source" for ``None``; "3" or "3 (12 not known)"."""
    if value is None:
        return f"{what} not coded by the source".strip()
    text = f"{int(value):,} {what}".strip()  # type: ignore[call-overload]
    return f"{text} ({int(unknown):,} not known)" if unknown else text  # type: ignore[call-overload]


def headline_markdown(figures: dict[str, object], label: str) -> str:
    """Render :func:`incidentkit.brief_figures` as a Markdown list (numbers only; the label is escaped): deaths and
    wounded as the sources allow ("at least N", "no figure"), claims and suicide attacks "not coded" when the source
    does not code them, and how many incidents are not known to be suicide attacks."""
    if not figures["incidents"]:
        return f"No incidents match the selection ({escape_markdown(label)}).\n"
    lines = [f"- **{figures['incidents']}** incidents ({figures['first_date']} to {figures['last_date']}): "
             f"{count_text(figures.get('claimed'), 0, 'claimed')}; "
             f"{count_text(figures.get('suicide'), figures.get('suicide_unknown', 0), 'suicide attack(s)')}"]
    for what, name in (("deaths", "Deaths"), ("wounded", "Wounded")):
        t = _totals_of(figures, what)
        notes = total_notes(t, what[:-1] if what == "deaths" else what)
        lines.append(f"- {name}: **{total_text(t)}**" + (f" ({notes})" if notes else ""))
    lines.append(f"- Timeline events in the period: {figures['events']}")
    return _lines(lines)


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
    if notable.empty and not notable.attrs.get("not_coded"):
        return "No incidents match the selection.\n"
    titles = {"deadliest": "Deadliest", "claimed": "Claimed", "suicide": "Suicide attacks"}
    out = []
    for reason in NOTABLE_REASONS:
        part = notable[notable["reason"] == reason]
        out.append(f"**{titles[reason]}**\n")
        if reason in notable.attrs.get("not_coded", ()):
            out.append("- not coded by the source: unknown, not none\n")
            continue
        if part.empty:
            unknown = notable.attrs.get("unknown", {}).get(reason, 0)
            what = {"claimed": "no word on a claim", "suicide": "not known whether a suicide attack"}.get(reason)
            out.append(f"- none known in the period ({unknown} incident(s): {what})\n" if unknown and what
                       else "- none in the period\n")
            continue
        for r in part.itertuples():
            date = pd.Timestamp(r.date).date().isoformat()
            out.append(f"- {date} — {escape_markdown(r.place)}: {escape_markdown(r.attack_type)}, deaths "
                       f"{escape_markdown(r.deaths)}, claim: {escape_markdown(r.claim_status)}")
        out.append("")
    return "\n".join(out) + "\n"


def comparison_text(comp: pd.DataFrame, current_label: str, previous_label: str) -> str:
    """Return one sentence comparing incidents and deaths (best) with the previous period
    (:func:`incidentkit.period_comparison`). When the two cannot be compared (a period the source does not cover, or
    covers in part, or documented incidents that are not a count) it says why instead of printing a change, and it
    never gives a count for a period the source does not cover."""
    cur, prev = escape_markdown(current_label), escape_markdown(previous_label)

    def deaths(col: str) -> str:
        value = comp.loc["deaths_best", col]
        return "no figure" if pd.isna(value) else f"{int(value):,}"

    covered = comp.attrs.get("covered", {"current": 1.0, "previous": 1.0})
    if not comp.attrs.get("comparable", True):
        why = escape_markdown(comp.attrs.get("why", ""))
        parts = []
        for col, label in (("current", cur), ("previous", prev)):
            if covered.get(col, 1.0) <= 0:
                parts.append(f"{label}: not covered by the source")
            else:
                parts.append(f"{label}: {int(comp.loc['incidents', col]):,} incident(s), deaths (best) {deaths(col)}")
        return f"{'; '.join(parts)}. No change is computed: {why}.\n"

    def change(measure: str) -> str:
        row = comp.loc[measure]
        if pd.isna(row["current"]) or pd.isna(row["previous"]):
            return f"{deaths('current')} against {deaths('previous')} (no change: a period has no figure)"
        pct = row["change_pct"]
        pct_text = f", {pct:+.1f} %" if not pd.isna(pct) else ""
        return f"{int(row['current']):,} against {int(row['previous']):,} ({int(row['change']):+,d}{pct_text})"

    return (f"{cur} compared with {prev}: incidents {change('incidents')}; deaths (best) {change('deaths_best')}; "
            f"incidents with no death figure {int(comp.loc['deaths_unknown', 'current'])} against "
            f"{int(comp.loc['deaths_unknown', 'previous'])}.\n")


def reported_notes(table: pd.DataFrame) -> str:
    """Return Markdown notes on a :func:`incidentkit.reported_vs_incidents` table: which statistics state no upper bound
    (at_least / over / blank high: the reported figure is a floor, the share of it an upper limit of coverage),
    which were not comparable (another measure, or no role), which periods the source does not cover, which count
    one category of deaths (no share), and which incident sums exceed the reported figure."""
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
                     "members, another group) or no violence involving IS: listed without sums.")
    uncovered = table[table["compared_with"] == "not covered"]
    if len(uncovered):
        ids = ", ".join(escape_markdown(s) for s in uncovered["stat_id"])
        lines.append(f"- The source does not cover the period and place of: {ids} (no sums: unknown, not 0).")
    missing = table[table["compared_with"] == "roles not loaded"]
    if len(missing):
        lines.append(f"- {len(missing)} statistic(s) count roles of IS the incident rows were not loaded with: load "
                     "every role (roles=\"all\") to compare them.")
    split = table[table["compared_with"].str.contains("do not split", na=False)]
    if len(split):
        lines.append(f"- {len(split)} statistic(s) count one category of deaths; the incident rows' sums are of all "
                     "deaths, a different measure: no share is computed.")
    over = table[table["share_of_reported"].astype("Float64").fillna(0).astype("float64") > 1]
    if len(over):
        ids = ", ".join(escape_markdown(s) for s in over["stat_id"])
        lines.append(f"- The incident rows exceed the reported figure for: {ids} (the source counted fewer, or "
                     "another scope).")
    unknown = int(table["incidents_unknown"].fillna(0).sum())
    lines.append(f"- Incident rows with no figure inside the compared statistics: {unknown} (not counted as zero).")
    return "\n".join(lines) + "\n"
