"""The key figures a report opens with, in words and numbers: a short HTML panel (class ``ik-panel``) and a
one-sentence headline for the report index (``summary.json``'s ``headline``).

Both say what they count: IS's role (violence carried out by IS unless other roles were chosen), what the source is
(documented incidents are not a count; an export counts inside its span), deaths as the sources allow ("at least
N" when some incident states no upper bound), and how many incidents have no figure (not counted as zero). Data
text is escaped in the panel; the headline is plain text (the index page escapes it).
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from IPython.display import HTML

from ..data.coverage import coverage
from ..data.roles import roles_label
from .measures import casualty_totals
from .statements import coverage_statement
from .wording import total_notes, total_text

__all__ = ["headline", "key_figures", "key_figures_html"]


def _roles(incidents: pd.DataFrame, sel: Any) -> str:
    """The roles counted: the selection's, else those the table was loaded with, else those its rows code."""
    roles = getattr(sel, "roles", None) or coverage(incidents).roles
    if roles is None:
        coded = tuple(str(r) for r in incidents["is_role"].dropna().astype(object).unique())
        return roles_label(coded) if coded else "incidents whose role of IS is not coded"
    return roles_label(roles)


def _area(sel: Any) -> str:
    parts = [", ".join(getattr(sel, k, ()) or ()) for k in ("theatres", "countries")]
    branches = getattr(sel, "branches", ()) or ()
    area = "; ".join(p for p in parts if p) or "all theatres"
    return f"{area} (branches: {', '.join(branches)})" if branches else area


def _what(incidents: pd.DataFrame, n: int) -> str:
    kind = coverage(incidents).kind
    noun = "incident" if n == 1 else "incidents"
    return f"documented {noun}" if kind == "documented" else noun


def _span(incidents: pd.DataFrame, sel: Any) -> str:
    label = getattr(sel, "period_label", "")
    if label:
        return label
    dates = incidents["date"].dropna()
    return f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if len(dates) else ""


def _total(incidents: pd.DataFrame, what: str) -> tuple[str, str]:
    t = casualty_totals(incidents, what).iloc[0]
    return total_text(t), total_notes(t, "death" if what == "killed" else "wounded")


def _all_of(n: int) -> str:
    """"the one incident" or "any of the 12 incidents"."""
    return "the one incident" if n == 1 else f"any of the {n:,} incidents"


def key_figures(incidents: pd.DataFrame, sel: Any = None, *, claims: bool = False) -> list[tuple[str, str]]:
    """Return the key figures of a selection as ``(label, value)`` pairs in words: what is counted, the incidents
    and their dates, deaths and wounded as the sources allow with what they rest on (incidents with no figure, no
    upper bound), and with ``claims`` the claimed incidents and suicide attacks ("not coded by the source" where it
    does not code them: unknown, not none)."""
    n = len(incidents)
    span = _span(incidents, sel)
    rows = [("Counted", _roles(incidents, sel)), ("Area and period", f"{_area(sel)}, {span}" if span else _area(sel))]
    if not n:
        rows.append(("Incidents", "none match the selection"))
        return rows
    dates = incidents["date"].dropna()
    dated = f" (dated {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d})" if len(dates) else ""
    rows.append(("Incidents", f"{n:,} {_what(incidents, n)}{dated}"))
    for what, label in (("killed", "Deaths"), ("wounded", "Wounded")):
        text, notes = _total(incidents, what)
        rows.append((label, f"{text}" + (f" ({notes})" if notes else "")))
    if claims:
        cov = coverage(incidents)
        status = incidents["claim_status"].astype(object)
        claimed = int((status == "claimed").sum())
        no_word = int((status.isna() | (status == "unknown")).sum())
        if not cov.codes("claims"):
            claim_text = "not coded by the source (unknown, not none)"
        elif n and no_word == n:  # nothing known: not "0 of n"
            claim_text = f"no word on a claim for {_all_of(n)} (unknown, not unclaimed)"
        else:
            claim_text = (f"{claimed:,} of {n:,} incidents"
                          + (f" ({no_word:,} with no word on a claim: unknown, not unclaimed)" if no_word else ""))
        rows.append(("Claimed", claim_text))
        if cov.codes("suicide"):
            suicide = incidents["suicide"].astype("boolean")
            unknown = int(suicide.isna().sum())
            if n and unknown == n:  # nothing known: not "0"
                suicide_text = f"not known for {_all_of(n)} (unknown, not none)"
            else:
                suicide_text = (f"{int(suicide.fillna(False).astype(bool).sum()):,}"
                                + (f" ({unknown:,} incident{'' if unknown == 1 else 's'} not known either way)"
                                   if unknown else ""))
            rows.append(("Suicide attacks", suicide_text))
        else:
            rows.append(("Suicide attacks", "not coded by the source (unknown, not none)"))
    return rows


def key_figures_html(incidents: pd.DataFrame, sel: Any = None, *, claims: bool = False,
                     title: str = "Key figures") -> HTML:
    """Return the panel a report opens with: ``title``, the coverage statement
    (:func:`incidentkit.coverage_statement`) and the :func:`key_figures` as a definition list; every text escaped,
    classes ``ik-panel``, ``ik-statement``, ``ik-figures`` (styled by the site; plain elements, legible without it
    and kept by the site's sanitiser)."""
    statement = coverage_statement(incidents, sel, markdown=False)
    items = "".join(f"<dt><strong>{html.escape(k)}</strong></dt><dd>{html.escape(v)}</dd>"
                    for k, v in key_figures(incidents, sel, claims=claims))
    return HTML(f'<div class="ik-panel"><h2 class="ik-panel-title">{html.escape(title)}</h2>'
                f'<p class="ik-statement">{html.escape(statement)}</p><dl class="ik-figures">{items}</dl></div>')


def headline(incidents: pd.DataFrame, sel: Any = None) -> str:
    """Return one plain-text sentence of a report's main finding for the index: how many incidents (documented
    incidents are not a count) of which roles, where and when, and the deaths as the sources allow with the incidents
    that have no figure; e.g. "29 documented incidents of violence carried out by IS in all theatres, 2015-01-01 to
    2024-12-31: at least 881 deaths (5 incidents with no death figure, not counted)."."""
    n = len(incidents)
    span = _span(incidents, sel)
    where = f"in {_area(sel)}, {span}" if span else f"in {_area(sel)}"
    if not n:
        return f"No incidents of {_roles(incidents, sel)} match {where}."
    t = casualty_totals(incidents, "killed").iloc[0]
    deaths = total_text(t)
    deaths = "no death figure" if deaths == "no figure" else f"{deaths} deaths"
    unknown = int(t["unknown"])
    tail = f" ({unknown:,} incident{'s' if unknown != 1 else ''} with no death figure, not counted)" if unknown else ""
    return f"{n:,} {_what(incidents, n)} of {_roles(incidents, sel)} {where}: {deaths}{tail}."
