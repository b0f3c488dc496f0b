"""Tables of the theatre brief: headline figures, a chronology of incidents and timeline events with their sources,
notable incidents, and how the period compares with the one before.

The brief is written in the manner of the analysts' briefs the curated data come from (one dated entry per
incident, what happened, who claimed it, the source). The tables hold plain text; the ``*_markdown`` renderers of
:mod:`incidentkit.analysis.text` escape every data string, so none injects HTML or Markdown into the brief.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from ..data.load import load_events
from ..data.parameters import one_place_message, period_message
from ..data.readers.registry import dataset_name
from ..data.selection import Selection
from ..errors import ParameterError
from .measures import casualty_totals, headline_figures, incident_figures
from .text import date_text, figure_text, place_text, source_labels


def previous_period(start: object, end: object) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Return the period of the same length that ends the day before ``start``.

    A period of whole calendar months (``start`` the first of a month, ``end`` the last day of a month) is shifted by
    its number of months (2024 -> 2023, Q2 -> Q1); any other period by its number of days, both ends included.
    """
    lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    wrong = period_message(lo.date(), hi.date())
    if wrong:
        raise ParameterError(wrong)
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
    lacking = one_place_message(sel.theatres, sel.countries, sel.start, sel.end)
    if lacking:
        raise ParameterError(lacking)
    lo, hi = previous_period(sel.start, sel.end)
    return dataclasses.replace(sel, start=lo, end=hi)


def selection_events(sel: Selection, *, folder: object = None) -> pd.DataFrame:
    """Return the timeline events (``data/events.csv``) in the selection's area and period."""
    return load_events(sel, folder=folder)  # type: ignore[arg-type]


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


def _incident_sources(row: pd.Series, sources: pd.DataFrame | None) -> str:
    dataset = row.get("source_dataset", "curated")
    labels = source_labels(row["source_ids"], sources)
    if isinstance(dataset, str) and dataset != "curated":
        labels = [f"{dataset_name(dataset)} event {row.get('source_event_id')}", *labels]
    return "; ".join(labels)


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
            "date": r["date"], "when": date_text(r["date"], r["date_precision"]), "kind": "incident",
            "id": r["incident_id"], "place": place_text(r),
            "what": f"{r['attack_type']} on {r['target_type']}",
            "deaths": figure_text(f["low"], f["best"], f["high"], bool(f["open_high"])),
            "claim": str(r["claim_status"]), "summary": r["summary"] if isinstance(r["summary"], str) else "",
            "sources": _incident_sources(r, sources),
        })
    if events is not None:
        for _, r in events.iterrows():
            rows.append({
                "date": r["date"], "when": date_text(r["date"], r["date_precision"]), "kind": "event",
                "id": r["event_id"], "place": place_text(r), "what": r["title"], "deaths": "", "claim": "",
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
        "place": [place_text(r) for _, r in incidents.iterrows()],
        "attack_type": incidents["attack_type"].astype(object),
        "deaths": [figure_text(f.low, f.best, f.high, bool(f.open_high)) for f in fig.itertuples()],
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


