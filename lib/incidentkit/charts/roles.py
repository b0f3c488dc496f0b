"""Chart of IS's roles side by side: violence carried out by IS, two-sided fighting and operations against IS, each in
its own panel (never stacked or added: they count different things), from :func:`incidentkit.counts_by_role`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..data.roles import ROLE_WORDS
from .base import no_data_figure, period_ticks
from .gaps import coverage_caption, mark_apart, shade_coverage
from .style import CATEGORY_COLORS, NEUTRAL_COLOR, add_caption, integer_ticks, tag_value, wrap_title

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Bar colour of each role: the roles' colours of the house's one category map (never a theatre's).
ROLE_COLORS: dict[str, str] = {r: CATEGORY_COLORS[r] for r in ("perpetrator", "two_sided", "target")}
#: Bar width per period, in days.
WIDTH_DAYS: dict[str, float] = {"month": 24.0, "quarter": 75.0, "year": 300.0}


def plot_roles(
    counts: pd.DataFrame,
    *,
    period: str = "month",
    measure: str = "incidents",
    title: str = "Violence by IS and operations against IS",
    caption: str = "",
) -> Figure:
    """Draw one panel per role of a :func:`incidentkit.counts_by_role` table (``measure``: "incidents" or
    "deaths_best"), on a shared time axis and a shared value axis, periods the source does not cover shaded and
    without bars. Bars are tagged (series ``<measure>:<role>``, labelled by period). The panels are never added: an
    operation against IS is not IS violence."""
    if measure not in ("incidents", "deaths_best"):
        raise ValueError(f"measure {measure!r}: expected 'incidents' or 'deaths_best'")
    roles = [str(r) for r in dict.fromkeys(counts["is_role"].astype(object))] if len(counts) else []
    if not roles or int(counts["incidents"].fillna(0).sum()) == 0:
        return no_data_figure(title, caption)
    fig, axes = plt.subplots(len(roles), 1, figsize=(10.0, 1.9 * len(roles) + 1.0), sharex=True, sharey=True,
                             squeeze=False)
    shaded = {"not_covered": 0, "partly_covered": 0}
    for ax, role in zip(axes[:, 0], roles, strict=True):
        part = counts[counts["is_role"].astype(object) == role]
        mid = part["period"].dt.start_time + (part["period"].dt.end_time - part["period"].dt.start_time) / 2
        values = part[measure].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        known = ~np.isnan(values)
        bars = ax.bar(mid[known], values[known], width=WIDTH_DAYS[period], color=ROLE_COLORS.get(role, NEUTRAL_COLOR))
        for bar, p, v in zip(bars.patches, part["period"][known], values[known], strict=True):
            tag_value(bar, f"{measure}:{role}", p, v)
        for k, v in shade_coverage(ax, part).items():
            shaded[k] = max(shaded[k], v)
        total = int(np.nansum(values))
        ax.text(0.01, 0.95, f"{ROLE_WORDS.get(role, role)}: {total:,}", transform=ax.transAxes, ha="left", va="top",
                fontsize=9, fontweight="bold", color="#222222", gid="panel-title")
        ax.set_ylim(bottom=0)
        integer_ticks(ax.yaxis)
        ax.set_ylabel(f"{'incidents' if measure == 'incidents' else 'deaths'} per {period}", fontsize=8)
    apart = mark_apart(axes[0, 0], counts.attrs.get("apart"), at=(0.995, 0.95))
    period_ticks(axes[-1, 0], counts["period"], period)
    fig.suptitle(wrap_title(fig, title, 12), x=0.01, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout()
    notes = " ".join(t for t in (coverage_caption(counts, shaded), apart) if t)
    add_caption(fig, f"One panel per role of IS, never added together. {caption} {notes}".strip())
    return fig
