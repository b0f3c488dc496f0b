"""Tables of the theatre brief: headline figures, a chronology of incidents and timeline events with their sources,
notable incidents, and how the period compares with the one before.

The brief is written in the manner of the analysts' briefs the curated data come from (one dated entry per
incident, what happened, who claimed it, the source). Text taken from the data (summaries, titles, places, source
titles) is escaped by the ``*_markdown`` renderers: a data string never injects HTML or Markdown into the brief.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .data.selection import Selection
from .errors import ParameterError
from .measures import casualty_totals, headline_figures, incident_figures

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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


def previous_period(start: object, end: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the period of the same length that ends the day before ``start``.

    A period of whole calendar months (``start`` the first of a month, ``end`` the last day of a month) is shifted by
    its number of months (2024 -> 2023, Q2 -> Q1); any other period by its number of days, both ends included.
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if lo > hi:
        raise ParameterError(f"start ({lo.date()}) is after end ({hi.date()})")
    prev_end = lo - pd.Timedelta(days=1)
    if lo.day == 1 and (hi + pd.Timedelta(days=1)).day == 1:
        months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
        return lo - pd.DateOffset(months=months), prev_end
    days = (hi - lo).days + 1
    return prev_end - pd.Timedelta(days=days - 1), prev_end


def previous_selection(sel: Selection) -> Selection:
    """Return the selection with the same area and source over the preceding period of the same length.

    The brief needs a place and a closed period: a selection with neither a theatre nor countries, or with a blank
    ``start`` or ``end``, raises :class:`ParameterError` (the notebook calls this in its validation cell).
    """
    if not sel.theatres and not sel.countries:
        raise ParameterError("theatre and countries: both are empty; the brief is on one place: give one theatre "
                             "or countries (see data/theatres.csv)")
    if sel.start is None or sel.end is None:
        raise ParameterError("start and end: the brief compares the period with the one before, so both must be set")
    lo, hi = previous_period(sel.start, sel.end)
    return dataclasses.replace(sel, start=lo, end=hi)


def selection_events(sel: Selection, *, folder: object = None) -> pd.DataFrame:
    """Return the timeline events (``data/events.csv``) in the selection's area and period."""
    from .data.load import load_events

    return load_events(theatres=sel.theatres or None, countries=sel.countries or None,
                       branches=sel.branches or None, start=sel.start, end=sel.end, folder=folder)  # type: ignore[arg-type]


def brief_figures(incidents: pd.DataFrame, events: pd.DataFrame | None = None) -> dict[str, object]:
    """Return the brief's headline numbers: :func:`incidentkit.headline_figures` (incidents, deaths and wounded
    low/best/high, incidents with no figure, first and last date) plus ``claimed`` and ``suicide`` incidents and the
    number of timeline ``events`` in the period."""
    out: dict[str, object] = dict(headline_figures(incidents))
    out["claimed"] = int((incidents["claim_status"].astype(object) == "claimed").sum())
    out["suicide"] = int(incidents["suicide"].astype("boolean").fillna(False).astype(bool).sum())
    out["events"] = int(len(events)) if events is not None else 0
    return out


def period_comparison(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Return incidents and deaths (low/best/high, unknown) in the period and the one before, with the change
    (absolute, and in % of the previous figure; missing when the previous figure is 0)."""
    rows = {}
    for label, df in (("current", current), ("previous", previous)):
        tot = casualty_totals(df, "killed").iloc[0]
        rows[label] = {"incidents": int(len(df)), "deaths_low": int(tot["low"]), "deaths_best": int(tot["best"]),
                       "deaths_high": int(tot["high"]), "deaths_unknown": int(tot["unknown"])}
    out = pd.DataFrame(rows)
    out.index.name = "measure"
    out["change"] = out["current"] - out["previous"]
    prev = out["previous"].astype("float64")
    out["change_pct"] = (out["change"] / prev.where(prev > 0) * 100).round(1).astype("Float64")
    return out


def _date_text(date: object, precision: object) -> str:
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


def _figure_text(low: object, best: object, high: object, open_high: bool) -> str:
    if pd.isna(best):
        return "unknown"
    lo, be, hi = int(low), int(best), int(high)
    if open_high:
        return f"{be} (at least {lo})" if lo != be else f"at least {be}"
    if lo == be == hi:
        return f"{be}"
    return f"{be} ({lo}-{hi})"


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
        date = _date_text(published, row.get("date_precision")) if published is not None and not pd.isna(
            published) else "date not stated"
        labels.append(f"{row['title']}, {row['publisher']}, {date}")
    return labels


def _incident_sources(row: pd.Series, sources: pd.DataFrame | None) -> str:
    dataset = row.get("source_dataset", "curated")
    labels = source_labels(row["source_ids"], sources)
    if isinstance(dataset, str) and dataset != "curated":
        name = {"gtd": "GTD", "acled": "ACLED", "ucdp": "UCDP GED"}.get(dataset, dataset)
        labels = [f"{name} event {row.get('source_event_id')}", *labels]
    return "; ".join(labels)


def _place(row: pd.Series) -> str:
    parts = [row.get(c) for c in ("location", "admin1", "country")]
    return ", ".join(str(p) for p in parts if isinstance(p, str) and p.strip())


def chronology(incidents: pd.DataFrame, events: pd.DataFrame | None, sources: pd.DataFrame | None) -> pd.DataFrame:
    """Return incidents and timeline events in date order, one row each: ``date``, ``when`` (the date at its
    precision), ``kind`` ("incident" or "event"), ``id``, ``place``, ``what`` (incident: attack type on target
    type; event: its title), ``deaths`` (best with the low-high range, "unknown" when no figure; blank for events),
    ``claim`` (incidents), ``summary`` and ``sources`` (labels from the sources table, "; "-joined)."""
    cols = ["date", "when", "kind", "id", "place", "what", "deaths", "claim", "summary", "sources"]
    rows: list[dict[str, object]] = []
    fig = incident_figures(incidents, "killed")
    for (_, r), (_, f) in zip(incidents.iterrows(), fig.iterrows(), strict=True):
        rows.append({
            "date": r["date"], "when": _date_text(r["date"], r["date_precision"]), "kind": "incident",
            "id": r["incident_id"], "place": _place(r),
            "what": f"{r['attack_type']} on {r['target_type']}",
            "deaths": _figure_text(f["low"], f["best"], f["high"], bool(f["open_high"])),
            "claim": str(r["claim_status"]), "summary": r["summary"] if isinstance(r["summary"], str) else "",
            "sources": _incident_sources(r, sources),
        })
    if events is not None:
        for _, r in events.iterrows():
            rows.append({
                "date": r["date"], "when": _date_text(r["date"], r["date_precision"]), "kind": "event",
                "id": r["event_id"], "place": _place(r), "what": r["title"], "deaths": "", "claim": "",
                "summary": r["summary"], "sources": "; ".join(source_labels(r["source_ids"], sources)),
            })
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out["date"] = pd.to_datetime(out["date"])
    return out.sort_values(["date", "kind", "id"], kind="stable").reset_index(drop=True)


def notable_incidents(incidents: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """Return the notable incidents: the ``n`` deadliest (best figure, then high), and up to ``n`` claimed and ``n``
    suicide attacks (deadliest first, unknown tolls last). Columns: ``reason``, ``incident_id``, ``date``, ``place``,
    ``attack_type``, ``deaths`` (text with range), ``deaths_best``, ``claim_status``, ``suicide``, ``summary``.
    An incident can be listed under several reasons."""
    cols = ["reason", "incident_id", "date", "place", "attack_type", "deaths", "deaths_best", "claim_status",
            "suicide", "summary"]
    if incidents.empty:
        return pd.DataFrame(columns=cols)
    fig = incident_figures(incidents, "killed")
    base = pd.DataFrame({
        "incident_id": incidents["incident_id"].astype(object),
        "date": incidents["date"],
        "place": [_place(r) for _, r in incidents.iterrows()],
        "attack_type": incidents["attack_type"].astype(object),
        "deaths": [_figure_text(f.low, f.best, f.high, bool(f.open_high)) for f in fig.itertuples()],
        "deaths_best": fig["best"],
        "claim_status": incidents["claim_status"].astype(object),
        "suicide": incidents["suicide"].astype("boolean"),
        "summary": incidents["summary"].astype(object),
        "_high": fig["high"],
    }, index=incidents.index)
    ranked = base.sort_values(["deaths_best", "_high", "date", "incident_id"], ascending=[False, False, True, True],
                              na_position="last", kind="stable")
    parts = {
        "deadliest": ranked[ranked["deaths_best"].notna()],
        "claimed": ranked[ranked["claim_status"] == "claimed"],
        "suicide": ranked[ranked["suicide"].fillna(False).astype(bool)],
    }
    frames = [part.head(n).assign(reason=reason) for reason, part in parts.items() if len(part)]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def _lines(items: Iterable[str]) -> str:
    return "\n".join(items) + "\n"


def headline_markdown(figures: dict[str, object], label: str) -> str:
    """Render :func:`brief_figures` as a Markdown list (numbers only; the label is escaped)."""
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
    """Render :func:`chronology` as Markdown entries in the manner of an analysts' brief: a bold dated heading line,
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
    """Render :func:`notable_incidents` as a Markdown list per reason (data strings escaped)."""
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


def plot_period_comparison(comp: pd.DataFrame, *, current_label: str, previous_label: str, title: str = "",
                           caption: str = "") -> Figure:
    """Draw incidents and deaths (best, whisker low-high) of the previous period beside the current one, from
    :func:`period_comparison`. Two panels; bars in the order previous, current. With no incidents in either period
    the shared "no data" figure is returned."""
    import matplotlib.pyplot as plt

    from .plots_trends import no_data_figure
    from .style import NEUTRAL_COLOR, RANGE_COLOR, SERIES_COLORS, integer_ticks, tag_value

    title = title or "The period against the one before"
    if int(comp.loc["incidents", "current"]) == 0 and int(comp.loc["incidents", "previous"]) == 0:
        return no_data_figure(title, caption, text="No incidents in the period or in the one before")
    labels = [f"previous\n{previous_label}", f"current\n{current_label}"]
    colors = [NEUTRAL_COLOR, SERIES_COLORS["incidents"][1]]  # no theatre's colours: these are periods
    fig, (ax_i, ax_d) = plt.subplots(1, 2, figsize=(9.0, 3.8))
    ibars = ax_i.bar([0, 1], [comp.loc["incidents", "previous"], comp.loc["incidents", "current"]], color=colors)
    ax_i.set_ylabel("incidents")
    integer_ticks(ax_i.yaxis)
    best = np.array([comp.loc["deaths_best", "previous"], comp.loc["deaths_best", "current"]], dtype=float)
    low = np.array([comp.loc["deaths_low", "previous"], comp.loc["deaths_low", "current"]], dtype=float)
    high = np.array([comp.loc["deaths_high", "previous"], comp.loc["deaths_high", "current"]], dtype=float)
    dbars = ax_d.bar([0, 1], best, color=colors, yerr=np.vstack([best - low, high - best]), ecolor=RANGE_COLOR,
                     capsize=4)
    ax_d.set_ylabel("deaths (persons)")
    integer_ticks(ax_d.yaxis)
    for i, which in enumerate(("previous", "current")):
        tag_value(ibars.patches[i], "incidents", which, comp.loc["incidents", which])
        tag_value(dbars.patches[i], "deaths_best", which, comp.loc["deaths_best", which])
    for ax in (ax_i, ax_d):
        ax.set_xticks([0, 1], labels, fontsize=8)
        ax.grid(axis="x", visible=False)
    ax_i.set_title(title)
    fig.tight_layout()
    from .style import add_caption

    add_caption(fig, f"Deaths: bar = best figure, whisker = low-high range. {caption}".strip())
    return fig
