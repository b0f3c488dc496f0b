"""Chart of the theatre brief: the period against the one before."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .base import no_data_figure
from .style import (
    NEUTRAL_COLOR,
    RANGE_COLOR,
    SERIES_COLORS,
    add_caption,
    integer_ticks,
    tag_value,
    wrap_title,
)

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
    :func:`incidentkit.period_comparison`. Two panels; bars in the order previous, current. A period the source
    does not cover gets no bar but a hatched "not covered" mark (series ``not_covered``), and deaths with no figure
    the words "no figure" (never a zero bar); when the two periods cannot be compared the caption says why. With no
    incidents in either period the shared "no data" figure is returned."""
    covered = comp.attrs.get("covered", {"current": 1.0, "previous": 1.0})
    n = {w: int(comp.loc["incidents", w]) if not pd.isna(comp.loc["incidents", w]) else 0
         for w in ("previous", "current")}
    if n["current"] == 0 and n["previous"] == 0 and all(v > 0 for v in covered.values()):
        return no_data_figure(title, caption, text="No incidents in the period or in the one before")
    labels = [f"previous\n{previous_label.replace(' to ', chr(10) + 'to ')}",
              f"current\n{current_label.replace(' to ', chr(10) + 'to ')}"]
    colors = [NEUTRAL_COLOR, SERIES_COLORS["incidents"][1]]  # no theatre's colours: these are periods
    fig, (ax_i, ax_d) = plt.subplots(1, 2, figsize=(10.0, 4.0))

    def value(measure: str, which: str) -> float:
        v = comp.loc[measure, which]
        return float("nan") if pd.isna(v) else float(v)

    for ax, measure, unit in ((ax_i, "incidents", "incidents"), (ax_d, "deaths_best", "deaths (persons)")):
        for i, which in enumerate(("previous", "current")):
            if covered.get(which, 1.0) <= 0:  # the whole height hatched: no value, not a bar of some height
                mark = ax.axvspan(i - 0.4, i + 0.4, facecolor="#eeeeee", hatch="///", edgecolor="#b5b5b5",
                                  linewidth=0, zorder=0)
                ax.text(i, 0.5, "not covered\nby the source", transform=ax.get_xaxis_transform(), ha="center",
                        va="center", fontsize=8, color="#333333")
                tag_value(mark, "not_covered", which, None)
                continue
            v = value(measure, which)
            if np.isnan(v):
                ax.annotate("no figure", (i, 0), xytext=(0, 4), textcoords="offset points", ha="center", fontsize=8,
                            color="#333333", gid="no-figure")
                continue
            err = None
            if measure == "deaths_best":
                lo, hi = value("deaths_low", which), value("deaths_high", which)
                err = np.array([[v - lo], [hi - v]])
            bar = ax.bar([i], [v], color=colors[i], yerr=err, ecolor=RANGE_COLOR, capsize=4)[0]
            tag_value(bar, measure, which, v)
        ax.set_ylabel(unit)
        integer_ticks(ax.yaxis)
        ax.set_xticks([0, 1], labels, fontsize=8)
        ax.set_xlim(-0.6, 1.6)
        ax.set_ylim(bottom=0)
        ax.grid(axis="x", visible=False)
    ax_i.set_title(wrap_title(fig, title))
    fig.tight_layout()
    why = comp.attrs.get("why", "")
    note = f"No change is computed: {why}." if why else ""
    add_caption(fig, f"Deaths: bar = best figure, whisker = low-high range. {note} {caption}".strip())
    return fig
