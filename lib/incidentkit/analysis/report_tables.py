"""The reports' own tables as formatted HTML (:mod:`incidentkit.analysis.tables`): the incident tables (deadliest,
chronology, notable: class ``ik-incidents``, one row per incident, made sortable by the site), the brief's comparison
with the period before, and the timeline events. Every data string is escaped."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from .tables import Column, html_table, table_html
from .wording import total_text

__all__ = ["chronology_html", "comparison_html", "deadliest_html", "notable_html", "theatres_html", "timeline_html"]

#: The measures of :func:`incidentkit.period_comparison`, in words.
MEASURE_WORDS: dict[str, str] = {
    "incidents": "incidents",
    "deaths_low": "deaths, low",
    "deaths_best": "deaths, best",
    "deaths_high": "deaths, high",
    "deaths_unknown": "incidents with no death figure",
}
#: The reasons of :func:`incidentkit.notable_incidents`, in words.
REASON_WORDS: dict[str, str] = {"deadliest": "deadliest", "claimed": "claimed", "suicide": "suicide attack"}


def deadliest_html(table: pd.DataFrame) -> HTML:
    """The deadliest incidents (:func:`incidentkit.text.deadliest_table`) as an incident table; a note says how many
    aggregate rows (a dataset's totals over a period or country) were left out."""
    left_out = int(table.attrs.get("aggregates_left_out", 0) or 0)
    note = (f"{left_out:,} aggregate row(s) (totals over a period or a country, not single incidents) left out."
            if left_out else "")
    return table_html(table, incidents=True, note=note, empty="No incident in the selection has a death figure.")


def chronology_html(chron: pd.DataFrame) -> HTML:
    """A chronology (:func:`incidentkit.chronology`) as an incident table: when (at the precision known), place,
    what happened (timeline events marked as such), deaths and claim as stated, summary and sources."""
    if chron.empty:
        return table_html(chron, empty="No incidents or timeline events in the period.")
    work = chron.assign(
        what=[f"{w} (timeline event)" if k != "incident" else w for w, k in zip(chron["what"], chron["kind"],
                                                                               strict=True)],
        sources=chron["sources"].where(chron["sources"].astype(str).str.strip() != "", "none recorded"),
    )
    cols = {"when": "when", "place": "place", "what": "what", "deaths": "deaths (persons)", "claim": "claim",
            "summary": "summary", "sources": "sources"}
    return HTML(html_table(work, cols, index=False, incidents=True))  # one row per entry


def notable_html(notable: pd.DataFrame) -> HTML:
    """The notable incidents (:func:`incidentkit.notable_incidents`) as one incident table (``listed as``: deadliest,
    claimed, suicide attack), with a note for each reason the source does not code (unknown, not none) or that no
    incident is known to have."""
    notes = []
    for reason in ("claimed", "suicide"):
        if reason in notable.attrs.get("not_coded", ()):
            notes.append(f"{REASON_WORDS[reason].capitalize()}: not coded by the source (unknown, not none).")
        elif notable.empty or not (notable["reason"] == reason).any():
            unknown = notable.attrs.get("unknown", {}).get(reason, 0)
            what = "no word on a claim" if reason == "claimed" else "not known whether a suicide attack"
            notes.append(f"{REASON_WORDS[reason].capitalize()}: none known in the period"
                         + (f" ({unknown:,} incident(s): {what})." if unknown else "."))
    if notable.empty:
        return HTML(table_html(notable, empty="No incidents match the selection.").data
                    + "".join(f'<p class="ik-table-note">{n}</p>' for n in notes))
    work = notable.assign(reason=notable["reason"].map(lambda r: REASON_WORDS.get(str(r), str(r))),
                          date=pd.to_datetime(notable["date"]).dt.date.astype(str))
    cols = {"reason": "listed as", "date": "date", "place": "place", "attack_type": "attack type",
            "deaths": "deaths (persons)", "claim_status": "claim", "incident_id": "incident id"}
    return HTML(html_table(work, cols, index=False, incidents=True, note=" ".join(notes)))


def comparison_html(comp: pd.DataFrame, current_label: str, previous_label: str) -> HTML:
    """The brief's comparison with the period before (:func:`incidentkit.period_comparison`): one row per measure,
    the two periods (headed by their dates), the change and the change in %; where no change is computed the dash's
    note says why."""
    why = str(comp.attrs.get("why", "") or "")
    work = comp.rename(index=lambda m: MEASURE_WORDS.get(str(m), str(m))).rename_axis("measure")
    cols: dict[str, Column | str] = {"measure": Column("measure"), "current": Column(current_label, "count"),
                                     "previous": Column(previous_label, "count"), "change": Column("change", "change"),
                                     "change_pct": Column("change (%)", "change_pct", 1)}
    dash = (f"– no change computed: {why}." if not comp.attrs.get("comparable", True) and why
            else "– not known: a period with no figure, or a change from 0 (no percentage).")
    return HTML(html_table(work, cols, index=True, dash_note=dash))


def timeline_html(events: pd.DataFrame) -> HTML:
    """The timeline events marked on the charts (:func:`incidentkit.timeline_events`), numbered as on the charts."""
    if events.empty:
        return table_html(events, empty="No timeline event in the selection's area and period.")
    work = events.assign(event_type=events["event_type"].astype(str).str.replace("_", " "))
    cols = {"marker": "no.", "when": "when", "label": "event", "event_type": "type of event"}
    return HTML(html_table(work.rename_axis("marker"), cols, index=True))


def theatres_html(comp: pd.DataFrame) -> HTML:
    """The theatres side by side (:func:`incidentkit.theatre_comparison`) as a table a page holds: per theatre the
    incidents, the deaths in words as the sources allow ("at least 61", "202 (range 194-202)", "no figure"), the
    incidents with no death figure, deaths per incident (best), claims and suicide attacks with those not known."""
    if comp.empty:
        return table_html(comp, empty="No incidents match the selection.")

    def deaths(r: pd.Series) -> str:
        n, unknown = int(r["incidents"]), int(r["deaths_unknown"])
        return total_text({"with_figure": n - unknown, "unknown": unknown, "low": r["deaths_low"],
                           "best": r["deaths_best"], "high": r["deaths_high"],
                           "open_high": int(r["deaths_open_high"]), "approx": 0})

    work = comp.assign(deaths=[deaths(r) for _, r in comp.iterrows()])
    cols: dict[str, Column | str] = {
        "theatre": "theatre", "incidents": "incidents", "deaths": Column("deaths (persons)"),
        "deaths_unknown": "no death figure (incidents)", "per_incident_best": "deaths per incident (best)",
        "claimed": "claimed (incidents)", "claimed_share": "claimed (% of known)", "claims_unknown": "no word on a claim",
        "suicide": "suicide attacks", "suicide_unknown": "not known whether suicide",
    }
    return HTML(html_table(work, cols, index=True))
