"""What every chart shares beyond the house style: the "no data" figure that replaces an empty axis, the colours of
a chart's groups, the caption sentences on missing and open-ended death figures, and period ticks on a time axis.

Empty selections: a chart with nothing to show is never an empty axis. It is a small figure whose only content is
the title and a message such as "No incidents match the selection" (:func:`no_data_figure`, figure label
``"no-data"``), so a notebook cell can save and show it unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.font_manager import FontProperties

from ..analysis.trends import PERIODS
from .style import NEUTRAL_COLOR, add_caption, category_colors, theatre_colors, wrap_title

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
    fig, ax = plt.subplots(figsize=(10.0, 2.2))
    ax.set_axis_off()
    ax.set_gid(NO_DATA_LABEL)  # the SVG group of the axes gets id "no-data": tests find it in saved figures
    ax.set_title(wrap_title(fig, title))
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


#: Steps (in years) between labelled years on a long time axis.
YEAR_STEPS: tuple[int, ...] = (1, 2, 5, 10, 20, 50)


def _labels_that_fit(ax: Axes, chars: int) -> int:
    """How many labels of ``chars`` characters fit side by side on the x axis (at the tick label font size, with
    two characters' room between them)."""
    fig = ax.get_figure()
    width_in = ax.get_position().width * fig.get_figwidth()  # type: ignore[union-attr]
    size = FontProperties(size=plt.rcParams["xtick.labelsize"]).get_size_in_points()
    return max(1, int(width_in * 72 / ((chars + 2) * 0.62 * size)))


def _year_ticks(ax: Axes, first: int, last: int, *, at_mid: bool) -> None:
    """Label years, every ``step`` years so that the labels fit: at mid-year (yearly bars) or at the year's start
    (a quarterly or monthly axis, with a minor tick per year)."""
    room = _labels_that_fit(ax, 4)
    step = next((s for s in YEAR_STEPS if -(-(last - first + 1) // s) <= room), YEAR_STEPS[-1])
    years = [y for y in range(first, last + 2) if y % step == 0 or step == 1]
    if at_mid:
        years = [y for y in years if y <= last]
        ax.set_xticks([pd.Timestamp(y, 7, 2) for y in years], [str(y) for y in years])
    else:
        ax.xaxis.set_major_locator(mdates.YearLocator(base=step))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.xaxis.set_minor_locator(mdates.YearLocator(base=1) if step > 1 else mdates.MonthLocator((1, 4, 7, 10)))


def period_ticks(ax: Axes, periods: pd.Series, period: str) -> None:
    """Label a time axis by the periods drawn, so that labels never crowd whatever the span (a month to decades)
    and the figure's width: yearly bars "2022" at mid-year (every 2, 5, 10... years when they do not fit);
    quarters "2022 Q2" each when they fit, else the years at their start with a minor tick per quarter; months
    through matplotlib's concise date labels ("Feb", "Mar", "2023") when they fit, else the years.
    :func:`~incidentkit.charts.style.declutter_ticks` then blanks any label that would still touch another."""
    if len(periods) == 0:
        return
    unique = pd.PeriodIndex(pd.unique(periods), freq=PERIODS[period]).sort_values()
    first, last = int(unique[0].year), int(unique[-1].year)
    if period == "year":
        _year_ticks(ax, first, last, at_mid=True)
    elif period == "quarter" and len(unique) <= _labels_that_fit(ax, 7):
        mids = unique.start_time + (unique.end_time - unique.start_time) / 2
        ax.set_xticks(list(mids), [f"{p.year} Q{p.quarter}" for p in unique])
    elif period == "month" and last - first <= 3:
        locator = mdates.AutoDateLocator(minticks=2, maxticks=max(2, _labels_that_fit(ax, 4)))
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    else:
        _year_ticks(ax, first, last, at_mid=False)
