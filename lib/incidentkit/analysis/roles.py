"""Roles of IS side by side: violence carried out by IS, two-sided fighting and operations against IS as their own
series and tables, never added together (data/README.md "IS's role").

Give these functions a table loaded with every role (``load_incidents(..., roles="all")``): each role is counted
apart, in :data:`incidentkit.data.roles.ROLE_ORDER`.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..data.coverage import coverage
from ..data.roles import ROLE_ORDER, ROLE_WORDS
from .measures import casualty_totals
from .trends import counts_by_period
from .wording import total_text


def counts_by_role(
    df: pd.DataFrame,
    period: str = "month",
    *,
    start: object = None,
    end: object = None,
    theatres: Sequence[str] = (),
    countries: Sequence[str] = (),
) -> pd.DataFrame:
    """Return :func:`incidentkit.counts_by_period` per role (``by="is_role"``): one block per role in
    :data:`~incidentkit.data.roles.ROLE_ORDER` (every role, also those without incidents), each over every period,
    periods the source does not cover missing. ``attrs["roles_loaded"]`` names the roles the table was loaded with
    (a role that was not loaded has no block)."""
    loaded = coverage(df).roles
    groups = [r for r in ROLE_ORDER if loaded is None or r in loaded]
    out = counts_by_period(df, period, start=start, end=end, by="is_role", groups=groups, theatres=theatres,
                           countries=countries)
    out.attrs["roles_loaded"] = groups
    return out


def role_table(df: pd.DataFrame, by: str | None = "theatre") -> pd.DataFrame:
    """Return incidents and deaths per role (columns ``<role>_incidents``, ``<role>_deaths``: the deaths as text
    with their range, "no figure" when none has one) per group of ``by`` (the whole table without it); groups in
    their category order, roles in :data:`~incidentkit.data.roles.ROLE_ORDER`. No total across roles is given: the
    roles count different things (operations against IS are no IS violence)."""
    keys = [by] if by else []
    work = df.assign(_all="all") if not by else df
    key = by or "_all"
    groups = (list(work[key].cat.categories) if isinstance(work[key].dtype, pd.CategoricalDtype)
              else sorted(work[key].dropna().astype(object).unique()))
    present = set(work[key].dropna().astype(object))
    rows = []
    for g in [g for g in groups if g in present]:
        part = work[work[key].astype(object) == g]
        row: dict[str, object] = {key: g}
        for role in ROLE_ORDER:
            sub = part[part["is_role"].astype(object) == role]
            row[f"{role}_incidents"] = int(len(sub))
            row[f"{role}_deaths"] = total_text(casualty_totals(sub, "killed").iloc[0]) if len(sub) else ""
        rows.append(row)
    cols = [key] + [f"{r}_{m}" for r in ROLE_ORDER for m in ("incidents", "deaths")]
    out = pd.DataFrame(rows, columns=cols).set_index(key)
    if not keys:
        out.index.name = "selection"
    out.attrs["roles"] = {r: ROLE_WORDS[r] for r in ROLE_ORDER}
    return out
