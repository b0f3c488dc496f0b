"""What every chart shares beyond the house style: the "no data" figure that replaces an empty axis, the colours of
a chart's groups, the caption sentences on missing and open-ended death figures, and period ticks on a time axis.

Empty selections: a chart with nothing to show is never an empty axis. It is a small figure whose only content is
the title and a message such as "No incidents match the selection" (:func:`no_data_figure`, figure label
``"no-data"``), so a notebook cell can save and show it unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import pandas as pd

from ..analysis.trends import PERIODS
from .style import NEUTRAL_COLOR, add_caption, category_colors, theatre_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Figure label of the placeholder drawn for an empty selection.
NO_DATA_LABEL = "no-data"
#: The message of the placeholder.
NO_DATA_TEXT = "No incidents match the selection"


def no_data_figure(title: str, caption: str = "", text: str = NO_DATA_TEXT) -> Figure:
    """Return a small figure with a title and a clear "no data" message instead of an empty axis.

    Its label (``fig.get_label()``) is :data:`NO_DATA_LABEL`, so code and tests can tell it from a chart.
    """
    fig, ax = plt.subplots(figsize=(9.0, 2.2))
    ax.set_axis_off()
    ax.set_gid(NO_DATA_LABEL)  # the SVG group of the axes gets id "no-data": tests find it in saved figures
    ax.set_title(title)
    ax.text(0.5, 0.45, text, ha="center", va="center", transform=ax.transAxes, fontsize=12, color="#333333")
    fig.set_label(NO_DATA_LABEL)
    if caption:
        add_caption(fig, caption)
    return fig


def group_colors(by: str | None, groups: list[str]) -> dict[str, str]:
    """Return the colour of each group: the fixed theatre colours for ``theatre`` (a name that is no theatre gets the
    neutral grey), else the category colours in order (never a theatre colour)."""
    if by == "theatre":
        colours = theatre_colors()
        return {g: colours.get(g, NEUTRAL_COLOR) for g in groups}
    return category_colors(groups)


def no_death_figure_text(incidents: int) -> str:
    """The message of a casualty chart whose incidents all lack a death figure."""
    return f"No death figure for any of the {incidents} incident(s) in the selection"


def open_high_note(open_high: int) -> str:
    """Caption sentence on incidents whose sources give no upper bound ("at least N"): the high total is a floor."""
    if open_high <= 0:
        return "Every incident with a death figure gives an upper bound."
    return f"{open_high} incident(s) give no upper bound: the high is a floor."


def period_ticks(ax: Axes, periods: pd.Series, period: str, *, most: int = 12) -> None:
    """Label a time axis by the periods drawn: years as "2022", quarters as "2022 Q2" (at most ``most`` labels,
    evenly thinned); months keep matplotlib's date ticks."""
    if period == "month" or len(periods) == 0:
        return
    unique = pd.PeriodIndex(pd.unique(periods), freq=PERIODS[period])
    step = max(1, -(-len(unique) // most))
    shown = unique[::step]
    mids = shown.start_time + (shown.end_time - shown.start_time) / 2
    labels = [str(p.year) if period == "year" else f"{p.year} Q{p.quarter}" for p in shown]
    ax.set_xticks(list(mids), labels)
