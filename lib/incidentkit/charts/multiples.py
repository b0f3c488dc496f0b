"""Small multiples of a grouped per-period series: one panel per group on shared axes, drawn by the trends charts
instead of more than :data:`MAX_LINES` overlapping lines (eleven rolling means of 0-2 incidents read as spaghetti,
and three lines of the same few incidents hide one another).

Each panel shows its group's values per period as bars in the group's colour (theatres in their fixed colours,
other groups in the category colours), its rolling mean as a line, the periods its source does not cover shaded, and
the timeline events as dotted lines (numbered in the top row, listed in the key under the figure).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..analysis.trends import rolling_mean
from .base import group_colors, period_ticks
from .events import mark_events
from .gaps import coverage_caption, mark_no_figure, shade_coverage
from .style import add_caption, integer_ticks, tag_value, wrap_title

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Most lines one chart overlays; more groups are drawn as small multiples. Two lines compare at a glance; the
#: sparse series of documented incidents coincide so often that a third line is hidden more often than not.
MAX_LINES = 2
#: Panels per row of the small multiples.
PANEL_COLUMNS = 3
#: Bar width per period, in days.
BAR_WIDTH_DAYS: dict[str, float] = {"month": 24.0, "quarter": 75.0, "year": 300.0}


def _floats(s: pd.Series) -> np.ndarray:
    return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _panel_total(part: pd.DataFrame, column: str, values: np.ndarray) -> str:
    """A panel's total in words: "3 incidents"; deaths as a floor of the known figures when some incidents have
    none ("at least 12 deaths (best), 2 incidents with no figure"), "no death figure" when none has one."""
    total = int(np.nansum(values))
    if column == "incidents":
        return f"{total:,} incident" + ("" if total == 1 else "s")
    incidents = int(part["incidents"].fillna(0).sum())
    unknown = int(part["deaths_unknown"].fillna(0).sum()) if "deaths_unknown" in part else 0
    if incidents and unknown >= incidents:
        return "no death figure"
    if unknown:
        return f"at least {total:,} deaths (best), {unknown:,} with no figure"
    return f"{total:,} deaths (best)"


def plot_group_panels(
    counts: pd.DataFrame,
    *,
    by: str,
    column: str,
    period: str,
    rolling: int,
    rolling_text: str | None,
    events: pd.DataFrame | None,
    title: str,
    ylabel: str,
    caption: str,
) -> Figure:
    """Draw ``column`` ("incidents" or "deaths_best") of a grouped :func:`incidentkit.counts_by_period` table as one
    panel per group of ``by`` (in the table's order), shared x and y axes. Bars are tagged (series
    ``<column>:<group>``); the rolling mean (``rolling`` periods, none when ``rolling_text`` is None) is a line. The
    caption (``caption`` and what the bands and marks mean) and the events' key are attached for the page."""
    groups = [str(g) for g in dict.fromkeys(counts[by].astype(object))]
    colours = group_colors(by, groups)
    keys = counts[by].astype(object).astype(str)
    ncols = min(PANEL_COLUMNS, len(groups))
    nrows = math.ceil(len(groups) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(10.0, 1.9 * nrows + 1.2), sharex=True, sharey=True,
                             squeeze=False)
    shaded = {"not_covered": 0, "partly_covered": 0}
    no_figure = 0
    smooth = rolling_mean(counts, column, rolling, by=by) if rolling_text else None
    for i, g in enumerate(groups):
        ax = axes[i // ncols][i % ncols]
        m = (keys == g).to_numpy()
        part = counts[m]
        x = part["period"].dt.start_time + (part["period"].dt.end_time - part["period"].dt.start_time) / 2
        for k, v in shade_coverage(ax, part).items():
            shaded[k] = max(shaded[k], v)
        values = _floats(part[column])
        known = ~np.isnan(values)
        bars = ax.bar(x[known], values[known], width=BAR_WIDTH_DAYS[period], color=colours[g], alpha=0.55,
                      linewidth=0)
        for bar, p, v in zip(bars.patches, part["period"][known], values[known], strict=True):
            tag_value(bar, f"{column}:{g}", p, v)
        if smooth is not None:
            ax.plot(x, smooth[m].to_numpy(dtype=float), color=colours[g], linewidth=1.8)
        if column == "deaths_best":
            no_figure += mark_no_figure(ax, x, part)
        ax.set_title(f"{g}: {_panel_total(part, column, values)}", loc="left", fontsize=10, fontweight="bold",
                     color="#222222", gid="panel-title")
        if i % ncols == 0:
            ax.set_ylabel(ylabel, fontsize=9)
    for j in range(len(groups), nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
        if j - ncols >= 0:  # the panel above an empty cell is the last of its column: label its dates
            axes[(j - ncols) // ncols][j % ncols].xaxis.set_tick_params(labelbottom=True)
    axes[0][0].set_ylim(bottom=0)
    integer_ticks(axes[0][0].yaxis)
    period_ticks(axes[-1][0], counts["period"], period)
    fig.suptitle(wrap_title(fig, title), x=0.01, ha="left", fontweight="bold", fontsize=13)
    fig.tight_layout()
    key: list[tuple[int, str]] = []
    for j in range(len(groups)):
        marked = mark_events(axes[j // ncols][j % ncols], events, numbers=j == 0, max_rows=4)
        key = key or marked
    roll = f" Line: the {rolling_text}." if rolling_text else ""
    ev = " Dotted lines: the timeline events numbered in the key below." if key else ""
    notes = coverage_caption(counts, shaded, no_figure)
    add_caption(fig, f"One panel per {by.replace('_', ' ')}, all on the same axes; bars: {column.replace('_', ' ')} "
                     f"per {period}.{roll} {caption} {notes}{ev}".strip(), key)
    return fig
