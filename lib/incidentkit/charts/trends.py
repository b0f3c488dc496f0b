"""Charts of the Trends notebook: incidents and deaths per period with rolling means and timeline events.

Every function takes the tables computed by :mod:`incidentkit.analysis.trends` (it plots aggregates, it does not
aggregate behind the caller's back), draws in the house style and returns the :class:`~matplotlib.figure.Figure`.
An empty table gives the "no data" figure of :func:`incidentkit.charts.base.no_data_figure`. What the source cannot
tell is drawn as such (:mod:`incidentkit.charts.gaps`): periods it does not cover are shaded and the series has a gap
there, never a zero; incidents dated less precisely than the period are counted apart, not in its first period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..analysis.trends import rolling_mean
from .base import group_colors, no_data_figure, no_death_figure_text, open_high_note, period_ticks
from .events import event_caption, mark_events
from .gaps import coverage_caption, mark_apart, mark_no_figure, shade_coverage
from .multiples import MAX_LINES, plot_group_panels
from .style import RANGE_COLOR, SERIES_COLORS, add_caption, finish, integer_ticks, tag_value

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Bar width per period, in days.
BAR_WIDTH_DAYS: dict[str, float] = {"month": 24.0, "quarter": 75.0, "year": 300.0}


def _groups(counts: pd.DataFrame, by: str) -> list[str]:
    """Groups of a per-group count table in their order of appearance (counts_by_period keeps category order)."""
    return [str(g) for g in dict.fromkeys(counts[by].astype(object))]


def _mid(counts: pd.DataFrame) -> pd.Series:
    """Middle of each period, where bars and lines are drawn."""
    start = counts["period"].dt.start_time
    end = counts["period"].dt.end_time
    return start + (end - start) / 2


def _dots(ax: Axes, x: pd.Series, values: pd.Series, colour: str, series: str, periods: pd.Series) -> None:
    """Dots for the periods whose value is known but whose rolling mean is not (a window over a period the source
    does not cover): a documented count is still shown, the line is not drawn across the gap."""
    known = values.notna().to_numpy()
    if known.any():
        dots = ax.plot(x[known], values[known], linestyle="none", marker="o", markersize=3.5, color=colour)[0]
        tag_value(dots, series, ";".join(str(p) for p in periods[known]), float(values[known].sum()))


def _empty(counts: pd.DataFrame) -> bool:
    return len(counts) == 0 or int(counts["incidents"].fillna(0).sum()) == 0


def _nothing_covered(counts: pd.DataFrame) -> bool:
    return len(counts) > 0 and "covered" in counts and bool((counts["covered"] <= 0).all())


def _empty_figure(counts: pd.DataFrame, title: str, caption: str) -> Figure:
    """The "no data" figure, saying whether the source does not cover the selection or nothing matches in it."""
    cov = counts.attrs.get("coverage")
    if _nothing_covered(counts) and cov is not None:
        return no_data_figure(title, caption=caption,
                              text=f"The {cov.label} does not cover this place and period: nothing is known of it")
    return no_data_figure(title, caption=caption)


def _values(counts: pd.DataFrame, column: str) -> np.ndarray:
    """A column of a count table as floats, missing values as NaN (gaps, never 0)."""
    return counts[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def _periods_per_group(counts: pd.DataFrame, by: str | None) -> int:
    if by is None:
        return int(len(counts))
    return int(counts.groupby(counts[by].astype(object), sort=False).size().min())


def rolling_label(rolling: int, period: str, periods: int) -> str | None:
    """Legend text of a trailing rolling mean, or ``None`` when none is drawn (``rolling`` 1, or a series of
    fewer ``periods`` than the window: a mean over fewer periods would not be what the label says)."""
    if rolling <= 1 or periods < rolling:
        return None
    return f"{rolling}-{period} rolling mean"


def _rolling_note(rolling: int, period: str, periods: int) -> str:
    if rolling > 1 and periods < rolling:
        return (f" The series has {periods} {period}(s), fewer than the {rolling}-{period} window of the rolling mean:"
                " none is drawn.")
    if rolling > 1:
        return (f" Rolling mean: trailing, over {rolling} {period}s; the first {rolling - 1} average the {period}s "
                "available.")
    return ""


def _finish_period_figure(
    fig: Figure,
    ax: Axes,
    counts: pd.DataFrame,
    *,
    period: str,
    title: str,
    ylabel: str,
    legend_title: str | None,
    events: pd.DataFrame | None,
    caption: str,
    by: str | None = None,
    no_figure: int = 0,
) -> None:
    """The common end of the per-period charts: the coverage bands and the incidents left apart, axes from zero on
    whole-number ticks, period ticks, title and labels, the legend outside the axes, the timeline events marked, and
    the caption with what the bands and marks mean and the events' key."""
    shaded = shade_coverage(ax, counts, by=by)
    apart = mark_apart(ax, counts.attrs.get("apart"))
    ax.set_ylim(bottom=0)
    integer_ticks(ax.yaxis)
    period_ticks(ax, counts["period"], period)
    finish(ax, title=title, xlabel="", ylabel=ylabel)
    handles, _ = ax.get_legend_handles_labels()
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.07), title=legend_title,
              ncol=min(2 if apart else 3, max(1, len(handles))))
    fig.tight_layout()
    key = mark_events(ax, events)
    notes = " ".join(t for t in (coverage_caption(counts, shaded, no_figure), apart) if t)
    add_caption(fig, f"{caption} {notes}{event_caption(key)}".strip(), key)


def plot_incidents(
    counts: pd.DataFrame,
    *,
    period: str = "month",
    rolling: int = 3,
    by: str | None = None,
    events: pd.DataFrame | None = None,
    title: str | None = None,
    caption: str = "",
) -> Figure:
    """Plot incidents per period from :func:`incidentkit.counts_by_period` (every period, zeros included).

    Without ``by``: bars of incidents per period (each tagged with its value, series ``incidents``, see
    :func:`incidentkit.charts.style.tag_value`) and a line of the trailing ``rolling``-period mean. With ``by`` (the group
    column of ``counts``): one line per group of the rolling mean (``rolling=1`` plots the raw counts), theatres in
    their fixed colours, other groups in the category colours. A series shorter than the window gets no rolling mean
    (grouped: the raw counts), and the caption says so. More than :data:`~incidentkit.charts.multiples.MAX_LINES`
    groups are drawn as small multiples, one panel per group (:func:`~incidentkit.charts.multiples.plot_group_panels`).
    ``events`` (from :func:`incidentkit.timeline_events`) are marked. Counts are on whole-number ticks. ``title`` defaults to "Incidents per <period>".
    """
    title = f"Incidents per {period}" if title is None else title
    if _empty(counts):
        return _empty_figure(counts, title, caption)
    n_periods = _periods_per_group(counts, by)
    roll = rolling_label(rolling, period, n_periods)
    if by is not None and len(_groups(counts, by)) > MAX_LINES:
        return plot_group_panels(counts, by=by, column="incidents", period=period, rolling=rolling, rolling_text=roll,
                                 events=events, title=title, ylabel=f"incidents per {period}",
                                 caption=f"{caption}{_rolling_note(rolling, period, n_periods)}")
    fig, ax = plt.subplots()
    x = _mid(counts)
    fill, line = SERIES_COLORS["incidents"]
    if by is None:
        values = _values(counts, "incidents")
        known = ~np.isnan(values)
        bars = ax.bar(x[known], values[known], width=BAR_WIDTH_DAYS[period], color=fill, edgecolor=line,
                      linewidth=0.4, label=f"incidents per {period}")
        for bar, p, v in zip(bars.patches, counts["period"][known], values[known], strict=True):
            tag_value(bar, "incidents", p, v)
        if roll:
            ax.plot(x, rolling_mean(counts, "incidents", rolling), color=line, linewidth=2, label=roll)
    else:
        groups = _groups(counts, by)
        colours = group_colors(by, groups)
        smooth = rolling_mean(counts, "incidents", rolling if roll else 1, by=by)
        raw = pd.Series(_values(counts, "incidents"), index=counts.index)
        keys = counts[by].astype(object).astype(str)
        for g in groups:
            m = keys == g
            ax.plot(x[m], smooth[m], color=colours[g], linewidth=1.8, label=g)
            _dots(ax, x[m], raw[m].where(smooth[m].isna()), colours[g], f"incidents:{g}", counts["period"][m])
    _finish_period_figure(fig, ax, counts, period=period, title=title, ylabel=f"incidents per {period}",
                          legend_title=(roll or f"incidents per {period}") if by else None, events=events,
                          caption=f"{caption}{_rolling_note(rolling, period, n_periods)}", by=by)
    return fig


def plot_deaths(
    counts: pd.DataFrame,
    *,
    period: str = "month",
    rolling: int = 3,
    by: str | None = None,
    events: pd.DataFrame | None = None,
    title: str | None = None,
    caption: str = "",
) -> Figure:
    """Plot deaths per period (best figure) with the low-high range, from :func:`incidentkit.counts_by_period`.

    Without ``by``: bars of the best figure (tagged, series ``deaths_best``), a grey band from the low to the high
    total, and the rolling mean of the best figure. With ``by``: per group, the rolling mean of the best figure as
    a line inside a light band of the rolling low and high (more than two groups: one panel per group). The caption states how many incidents had no death
    figure (not counted as zero) and how many give no upper bound (the high is then a floor). When no incident has
    a death figure the figure says so instead of drawing an empty axis. ``title`` defaults to "Deaths per <period>".
    """
    title = f"Deaths per {period}" if title is None else title
    unknown = int(counts["deaths_unknown"].fillna(0).sum()) if len(counts) else 0
    total = int(counts["incidents"].fillna(0).sum()) if len(counts) else 0
    open_high = int(counts["deaths_open_high"].fillna(0).sum()) if len(counts) and "deaths_open_high" in counts else 0
    note = (f"{unknown} of {total} incident(s) in the selection have no death figure and are not counted. "
            f"{open_high_note(open_high)}")
    if _empty(counts):
        return _empty_figure(counts, title, caption)
    if unknown == total:
        return no_data_figure(title, caption=f"{caption} {note}".strip(), text=no_death_figure_text(total))
    n_periods = _periods_per_group(counts, by)
    roll = rolling_label(rolling, period, n_periods)
    if by is not None and len(_groups(counts, by)) > MAX_LINES:
        return plot_group_panels(counts, by=by, column="deaths_best", period=period, rolling=rolling,
                                 rolling_text=roll, events=events, title=title,
                                 ylabel=f"deaths per {period} (persons)",
                                 caption=f"{caption} {note}{_rolling_note(rolling, period, n_periods)}")
    fig, ax = plt.subplots()
    x = _mid(counts)
    fill, line = SERIES_COLORS["deaths"]
    no_figure = 0
    if by is None:
        ax.fill_between(x, _values(counts, "deaths_low"), _values(counts, "deaths_high"), step="mid",
                        color=RANGE_COLOR, alpha=0.35, linewidth=0, label="low-high range")
        values = _values(counts, "deaths_best")
        known = ~np.isnan(values)
        bars = ax.bar(x[known], values[known], width=BAR_WIDTH_DAYS[period], color=fill, edgecolor=line,
                      linewidth=0.4, label=f"deaths per {period} (best)")
        for bar, p, v in zip(bars.patches, counts["period"][known], values[known], strict=True):
            tag_value(bar, "deaths_best", p, v)
        no_figure = mark_no_figure(ax, x, counts)
        if roll:
            ax.plot(x, rolling_mean(counts, "deaths_best", rolling), color=line, linewidth=2, label=roll)
    else:
        groups = _groups(counts, by)
        colours = group_colors(by, groups)
        keys = counts[by].astype(object).astype(str)
        window = rolling if roll else 1
        best = rolling_mean(counts, "deaths_best", window, by=by)
        low = rolling_mean(counts, "deaths_low", window, by=by)
        high = rolling_mean(counts, "deaths_high", window, by=by)
        raw = pd.Series(_values(counts, "deaths_best"), index=counts.index)
        for g in groups:
            m = keys == g
            ax.fill_between(x[m], low[m], high[m], color=colours[g], alpha=0.15, linewidth=0)
            ax.plot(x[m], best[m], color=colours[g], linewidth=1.8, label=g)
            _dots(ax, x[m], raw[m].where(best[m].isna()), colours[g], f"deaths_best:{g}", counts["period"][m])
    _finish_period_figure(fig, ax, counts, period=period, title=title, ylabel=f"deaths per {period} (persons)",
                          legend_title=f"{roll or f'deaths per {period}'}\n(band: low-high)" if by else None,
                          events=events, caption=f"{caption} {note}{_rolling_note(rolling, period, n_periods)}",
                          by=by, no_figure=no_figure)
    return fig
