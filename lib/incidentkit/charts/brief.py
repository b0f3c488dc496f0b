"""Chart of the theatre brief: the period against the one before."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .base import no_data_figure
from .style import NEUTRAL_COLOR, RANGE_COLOR, SERIES_COLORS, add_caption, integer_ticks, tag_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def plot_period_comparison(
    comp: pd.DataFrame,
    *,
    current_label: str,
    previous_label: str,
    title: str = "The period against the one before",
    caption: str = "",
) -> Figure:
    """Draw incidents and deaths (best, whisker low-high) of the previous period beside the current one, from
    :func:`incidentkit.period_comparison`. Two panels; bars in the order previous, current. With no incidents in
    either period the shared "no data" figure is returned."""
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
    add_caption(fig, f"Deaths: bar = best figure, whisker = low-high range. {caption}".strip())
    return fig
