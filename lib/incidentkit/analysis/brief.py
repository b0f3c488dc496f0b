"""Tables of the theatre brief: headline figures, a chronology of incidents and timeline events with their sources,
notable incidents, and how the period compares with the one before.

The brief is written in the manner of the analysts' briefs the curated data come from (one dated entry per
incident, what happened, who claimed it, the source). The tables hold plain text; the ``*_markdown`` renderers of
:mod:`incidentkit.analysis.text` escape every data string, so none injects HTML or Markdown into the brief.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from ..data.coverage import coverage
from ..data.load import load_events, load_incidents
from ..data.parameters import one_place_message, period_message
from ..data.roles import INCIDENT_ROLE_WORDS, ROLE_ORDER
from ..data.selection import Selection
from ..errors import ParameterError
from .measures import casualty_totals, headline_figures, incident_figures, single_incidents
from .wording import (
    SourceTable,
    date_text,
    export_event,
    figure_texts,
    place_text,
    source_labels,
    source_table,
)

#: How the chronology names an incident that is not violence carried out by IS (its ``what`` starts with it):
#: "Operation against IS: ", "Two-sided fighting: " (the words of :data:`incidentkit.data.roles.INCIDENT_ROLE_WORDS`).
ROLE_PREFIX: dict[str, str] = {role: f"{words[0].upper()}{words[1:]}: " for role, words in INCIDENT_ROLE_WORDS.items()
                               if role != "perpetrator"}


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
    low/best/high, incidents with no figure, first and last date) plus ``claimed`` incidents (``None`` when the
    source does not code claims: UCDP, ACLED), ``suicide`` attacks (``None`` when the source does not code them) and
    ``suicide_unknown`` (incidents not known to be or not to be suicide attacks), and the number of timeline
    ``events`` in the period."""
    cov = coverage(incidents)
    out: dict[str, object] = dict(headline_figures(incidents))
    claimed = int((incidents["claim_status"].astype(object) == "claimed").sum())
    out["claimed"] = claimed if cov.codes("claims") else None
    suicide = incidents["suicide"].astype("boolean")
    out["suicide"] = int(suicide.fillna(False).astype(bool).sum()) if cov.codes("suicide") else None
    out["suicide_unknown"] = int(suicide.isna().sum()) if cov.codes("suicide") else None
    out["events"] = int(len(events)) if events is not None else 0
    return out


def period_comparison(current: pd.DataFrame, previous: pd.DataFrame, *, current_period: tuple[object, object] |
                      None = None, previous_period: tuple[object, object] | None = None,
                      theatres: Sequence[str] = (), countries: Sequence[str] = ()) -> pd.DataFrame:
    """Return incidents and deaths (low/best/high, unknown) in the period and the one before, with the change
    (absolute, and in % of the previous figure; missing when the previous figure is 0).

    The change is computed only when both periods are fully covered by a complete source (an export whose span holds
    both, for the place): a period the source does not cover, or covers in part, is not compared ("191 against 0"
    would compare a file's half year with the half year it does not hold), and documented incidents (the curated
    table) are not a count, so no change is computed between them. Give the periods (first and last day) and the
    place to check it; ``attrs`` holds ``comparable`` (bool), ``why`` (the reason when not) and each period's
    ``covered`` share. Deaths are missing (not 0) in a period whose incidents all lack a figure, and every value of
    a period the source does not cover is missing."""
    rows = {}
    for label, df in (("current", current), ("previous", previous)):
        tot = casualty_totals(df, "killed").iloc[0]
        known = int(tot["with_figure"]) > 0
        empty = len(df) == 0  # no incident: no death (a period not covered is marked by ``covered``, below)
        rows[label] = {"incidents": int(len(df)), "deaths_unknown": int(tot["unknown"]),
                       **{f"deaths_{k}": int(tot[k]) if known else (0 if empty else None)
                          for k in ("low", "best", "high")}}
    out = pd.DataFrame(rows).astype("Int64").reindex(["incidents", "deaths_low", "deaths_best", "deaths_high",
                                                      "deaths_unknown"])
    out.index.name = "measure"
    cov = coverage(current)
    shares = {}
    for label, period in (("current", current_period), ("previous", previous_period)):
        shares[label] = 1.0 if period is None else cov.covered_share(*period, theatres=theatres, countries=countries)
    for label in ("current", "previous"):
        if shares[label] <= 0 and out.loc["incidents", label] == 0:  # not covered: unknown, never 0
            out[label] = pd.array([pd.NA] * len(out), dtype="Int64")
    why = ""
    if shares["previous"] <= 0:
        why = f"the {cov.label} does not cover the period before"
    elif shares["current"] <= 0:
        why = f"the {cov.label} does not cover the period"
    elif not cov.complete and cov.kind != "unknown":
        why = "documented incidents are not a count"
    elif min(shares.values()) < 1:
        which = "previous" if shares["previous"] < 1 else "current"
        words = {"previous": "period before", "current": "period"}[which]
        why = f"the {cov.label} covers only {shares[which]:.0%} of the {words}"
    comparable = not why
    if comparable:
        out["change"] = out["current"] - out["previous"]
        prev = out["previous"].astype("Float64")
        out["change_pct"] = (out["change"] / prev.where(prev > 0) * 100).round(1).astype("Float64")
    else:
        out["change"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["change_pct"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out.attrs.update(comparable=comparable, why=why, covered=shares)
    return out


def _incident_sources(row: pd.Series, sources: SourceTable) -> str:
    export = export_event(row.get("source_dataset", "curated"), row.get("source_event_id"))
    return "; ".join([export, *source_labels(row["source_ids"], sources)] if export else
                     source_labels(row["source_ids"], sources))


def chronology(incidents: pd.DataFrame, events: pd.DataFrame | None, sources: pd.DataFrame | None) -> pd.DataFrame:
    """Return incidents and timeline events in date order, one row each: ``date``, ``when`` (the date at its
    precision), ``kind`` ("incident" or "event"), ``id``, ``place``, ``what`` (incident: attack type on target
    type, after "Operation against IS: " or "Two-sided fighting: " when IS did not carry it out; event: its title), ``deaths`` (best with the low-high range, "unknown" when no figure; blank for events),
    ``claim`` (incidents), ``summary`` and ``sources`` (labels from the sources table, "; "-joined)."""
    cols = ["date", "when", "kind", "id", "place", "what", "deaths", "claim", "summary", "sources"]
    rows: list[dict[str, object]] = []
    deaths = figure_texts(incident_figures(incidents, "killed"))
    table = source_table(sources)
    for (_, r), death in zip(incidents.iterrows(), deaths, strict=True):
        rows.append({
            "date": r["date"], "when": date_text(r["date"], r["date_precision"]), "kind": "incident",
            "id": r["incident_id"], "place": place_text(r),
            "what": ROLE_PREFIX.get(str(r.get("is_role")), "") + f"{r['attack_type']} on {r['target_type']}",
            "deaths": death,
            "claim": str(r["claim_status"]), "summary": r["summary"] if isinstance(r["summary"], str) else "",
            "sources": _incident_sources(r, table),
        })
    if events is not None:
        for _, r in events.iterrows():
            rows.append({
                "date": r["date"], "when": date_text(r["date"], r["date_precision"]), "kind": "event",
                "id": r["event_id"], "place": place_text(r), "what": r["title"], "deaths": "", "claim": "",
                "summary": r["summary"], "sources": "; ".join(source_labels(r["source_ids"], table)),
            })
    out = pd.DataFrame(rows, columns=cols)
    if out.empty:
        return out
    out["date"] = pd.to_datetime(out["date"])
    return out.sort_values(["date", "kind", "id"], kind="stable").reset_index(drop=True)


def notable_incidents(incidents: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """Return the notable incidents: the ``n`` deadliest (best figure, then high), and up to ``n`` claimed and ``n``
    suicide attacks (deadliest first, unknown tolls last); aggregate rows (totals over a period or a country) are
    never listed as the deadliest; ``attrs["not_coded"]`` names the reasons the source does not code ("claimed" for
    UCDP and ACLED, "suicide" for UCDP). Columns: ``reason``, ``incident_id``, ``date``, ``place``,
    ``attack_type``, ``deaths`` (text with range), ``deaths_best``, ``claim_status``, ``suicide``, ``summary``.
    An incident can be listed under several reasons."""
    cols = ["reason", "incident_id", "date", "place", "attack_type", "deaths", "deaths_best", "claim_status",
            "suicide", "summary"]
    if incidents.empty:
        empty = pd.DataFrame(columns=cols)
        empty.attrs["not_coded"] = []
        return empty
    fig = incident_figures(incidents, "killed")
    base = pd.DataFrame({
        "incident_id": incidents["incident_id"].astype(object),
        "date": incidents["date"],
        "place": [place_text(r) for _, r in incidents.iterrows()],
        "attack_type": incidents["attack_type"].astype(object),
        "deaths": figure_texts(fig),
        "deaths_best": fig["best"],
        "claim_status": incidents["claim_status"].astype(object),
        "suicide": incidents["suicide"].astype("boolean"),
        "summary": incidents["summary"].astype(object),
        "_high": fig["high"],
    }, index=incidents.index)
    ranked = base.sort_values(["deaths_best", "_high", "date", "incident_id"], ascending=[False, False, True, True],
                              na_position="last", kind="stable")
    single = single_incidents(incidents).reindex(ranked.index)
    parts = {
        "deadliest": ranked[ranked["deaths_best"].notna() & single],  # an aggregate row is no single incident
        "claimed": ranked[ranked["claim_status"] == "claimed"],
        "suicide": ranked[ranked["suicide"].fillna(False).astype(bool)],
    }
    cov = coverage(incidents)
    not_coded = [r for r, item in (("claimed", "claims"), ("suicide", "suicide")) if not cov.codes(item)]
    frames = [part.head(n).assign(reason=reason) for reason, part in parts.items() if len(part)]
    out = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    out.attrs["not_coded"] = not_coded
    out.attrs["unknown"] = {"claimed": int((incidents["claim_status"].astype(object) == "unknown").sum()),
                            "suicide": int(incidents["suicide"].astype("boolean").isna().sum())}
    return out


def other_roles_chronology(sel: Selection, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the :func:`chronology` of the incidents of the selection's place and period whose role of IS the
    selection does not count (by default: two-sided fighting and operations against IS, leadership losses among
    them), so that a brief shows them apart instead of adding them; an empty chronology when it counts every
    role."""
    others = [r for r in ROLE_ORDER if r not in sel.roles]
    if not others:
        return pd.DataFrame(columns=["date", "when", "kind", "id", "place", "what", "deaths", "claim", "summary",
                                     "sources"])
    rows = load_incidents(sel.source, **sel.with_roles(others).filters)
    return chronology(rows, None, sources)
