"""Charts of the Trends notebook: incidents and deaths per period with rolling means and timeline events.

Every function takes the tables computed by :mod:`incidentkit.trends` (it plots aggregates, it does not aggregate
behind the caller's back), draws in the house style and returns the :class:`~matplotlib.figure.Figure`.

Empty selections: a chart with nothing to show is never an empty axis. It is a small figure whose only content is
the title and a "No incidents match the selection" message (:func:`no_data_figure`, figure label ``"no-data"``),
so a notebook cell can save and show it unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .style import EVENT_COLOR, PALETTE, RANGE_COLOR, add_caption, category_colors, finish, theatre_colors

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Figure label of the placeholder drawn for an empty selection.
NO_DATA_LABEL = "no-data"
#: The message of the placeholder (the same words as :mod:`incidentkit.plots_regions`).
NO_DATA_TEXT = "No incidents match the selection"
#: ``gid`` of the vertical lines marking timeline events (tests and readers find them by it).
EVENT_GID = "timeline-event"
#: Bar width per period, in days.
BAR_WIDTH_DAYS: dict[str, float] = {"month": 24.0, "quarter": 75.0, "year": 300.0}


def no_data_figure(title: str, caption: str = "", text: str = NO_DATA_TEXT) -> Figure:
    """Return a small figure with a title and a clear "no data" message instead of an empty axis.

    Its label (``fig.get_label()``) is :data:`NO_DATA_LABEL`, so code and tests can tell it from a chart.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9.0, 2.2))
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.45, text, ha="center", va="center", transform=ax.transAxes, fontsize=12, color="#333333")
    fig.set_label(NO_DATA_LABEL)
    if caption:
        add_caption(fig, caption)
    return fig


def group_colors(by: str | None, groups: list[str]) -> dict[str, str]:
    """Return the colour of each group: the fixed theatre colours for ``theatre``, else the palette in order."""
    if by == "theatre":
        colours = theatre_colors()
        return {g: colours.get(g, PALETTE[-1]) for g in groups}
    return category_colors(groups)


def _groups(counts: pd.DataFrame, by: str) -> list[str]:
    """Groups of a per-group count table in their order of appearance (counts_by_period keeps category order)."""
    return [str(g) for g in dict.fromkeys(counts[by].astype(object))]


def _mid(counts: pd.DataFrame) -> pd.Series:
    """Middle of each period, where bars and lines are drawn."""
    start = counts["period"].dt.start_time
    end = counts["period"].dt.end_time
    return start + (end - start) / 2


def mark_events(ax: Axes, events: pd.DataFrame | None, *, rows: int = 3) -> list[str]:
    """Mark timeline events (a table from :func:`incidentkit.trends.timeline_events`) on a time axis.

    Each event inside the axis' date range gets a dotted vertical line (gid :data:`EVENT_GID`) and, at the top of
    the axes, its marker number (the table's index, 1 for the first event), staggered over ``rows`` heights so
    that close events stay readable. Returns the key, one ``"<n> <when> <label>"`` line per event marked, for
    the caption.
    """
    import matplotlib.dates as mdates

    if events is None or len(events) == 0:
        return []
    lo, hi = (mdates.num2date(v).replace(tzinfo=None) for v in ax.get_xlim())
    inside = events[(events["date"] >= pd.Timestamp(lo)) & (events["date"] <= pd.Timestamp(hi))]
    trans = ax.get_xaxis_transform()
    key = []
    for i, (number, ev) in enumerate(inside.iterrows()):
        ax.axvline(ev["date"], color=EVENT_COLOR, linestyle=":", linewidth=1.0, gid=EVENT_GID, zorder=1)
        ax.text(ev["date"], 0.985 - 0.06 * (i % rows), str(number), transform=trans, fontsize=7, ha="center",
                va="top", color=EVENT_COLOR, clip_on=True,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": EVENT_COLOR,
                      "linewidth": 0.5})
        when = ev["when"] if "when" in ev.index else f"{ev['date']:%Y-%m-%d}"
        key.append(f"{number} {when} {ev['label']}")
    if key:
        top = ax.get_ylim()[1]
        ax.set_ylim(top=top * (1.0 + 0.07 * min(len(key), rows)))
    return key


def _event_caption(key: list[str]) -> str:
    return f" Dotted lines, timeline events: {'; '.join(key)}." if key else ""


def _empty(counts: pd.DataFrame) -> bool:
    return len(counts) == 0 or int(counts["incidents"].sum()) == 0


def plot_incidents(
    counts: pd.DataFrame,
    *,
    period: str = "month",
    rolling: int = 3,
    by: str | None = None,
    events: pd.DataFrame | None = None,
    label: str = "",
    caption: str = "",
) -> Figure:
    """Plot incidents per period from :func:`incidentkit.counts_by_period` (every period, zeros included).

    Without ``by``: bars of incidents per period and a line of the trailing ``rolling``-period mean. With ``by``
    (the group column of ``counts``): one line per group of the rolling mean (``rolling=1`` plots the raw counts),
    theatres in their fixed colours. ``events`` (from :func:`incidentkit.trends.timeline_events`) are marked.
    """
    import matplotlib.pyplot as plt

    from .trends import rolling_mean

    title = f"Incidents per {period}" + (f": {label}" if label else "")
    if _empty(counts):
        return no_data_figure(title, caption=caption)
    fig, ax = plt.subplots()
    x = _mid(counts)
    roll_label = f"{rolling}-{period} rolling mean" if rolling > 1 else f"incidents per {period}"
    if by is None:
        ax.bar(x, counts["incidents"], width=BAR_WIDTH_DAYS[period], color=PALETTE[0], alpha=0.45,
               label=f"incidents per {period}")
        if rolling > 1:
            ax.plot(x, rolling_mean(counts, "incidents", rolling), color=PALETTE[0], linewidth=2, label=roll_label)
    else:
        groups = _groups(counts, by)
        colours = group_colors(by, groups)
        smooth = rolling_mean(counts, "incidents", rolling, by=by)
        keys = counts[by].astype(object).astype(str)
        for g in groups:
            m = keys == g
            ax.plot(x[m], smooth[m], color=colours[g], linewidth=1.8, label=g)
    ax.set_ylim(bottom=0)
    key = mark_events(ax, events)
    finish(ax, title=title, xlabel="date", ylabel=f"incidents per {period}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title=(roll_label if by else None))
    fig.tight_layout()
    extra = _event_caption(key)
    add_caption(fig, f"{caption}{extra}".strip())
    return fig


def plot_deaths(
    counts: pd.DataFrame,
    *,
    period: str = "month",
    rolling: int = 3,
    by: str | None = None,
    events: pd.DataFrame | None = None,
    label: str = "",
    caption: str = "",
) -> Figure:
    """Plot deaths per period (best figure) with the low-high range, from :func:`incidentkit.counts_by_period`.

    Without ``by``: bars of the best figure, a grey band from the low to the high total, and the rolling mean of the
    best figure. With ``by``: per group, the rolling mean of the best figure as a line inside a light band of the
    rolling low and high. The caption states how many incidents had no death figure (not counted as zero).
    """
    import matplotlib.pyplot as plt

    from .trends import rolling_mean

    title = f"Deaths per {period}" + (f": {label}" if label else "")
    unknown = int(counts["deaths_unknown"].sum()) if len(counts) else 0
    note = f"{unknown} incident(s) in the selection have no death figure and are not counted."
    if _empty(counts):
        return no_data_figure(title, caption=caption)
    fig, ax = plt.subplots()
    x = _mid(counts)
    roll_label = f"{rolling}-{period} rolling mean" if rolling > 1 else f"deaths per {period}"
    if by is None:
        ax.fill_between(x, counts["deaths_low"], counts["deaths_high"], step="mid", color=RANGE_COLOR, alpha=0.35,
                        linewidth=0, label="low-high range")
        ax.bar(x, counts["deaths_best"], width=BAR_WIDTH_DAYS[period], color=PALETTE[2], alpha=0.55,
               label=f"deaths per {period} (best)")
        if rolling > 1:
            ax.plot(x, rolling_mean(counts, "deaths_best", rolling), color=PALETTE[2], linewidth=2, label=roll_label)
    else:
        groups = _groups(counts, by)
        colours = group_colors(by, groups)
        keys = counts[by].astype(object).astype(str)
        best = rolling_mean(counts, "deaths_best", rolling, by=by)
        low = rolling_mean(counts, "deaths_low", rolling, by=by)
        high = rolling_mean(counts, "deaths_high", rolling, by=by)
        for g in groups:
            m = keys == g
            ax.fill_between(x[m], low[m], high[m], color=colours[g], alpha=0.15, linewidth=0)
            ax.plot(x[m], best[m], color=colours[g], linewidth=1.8, label=g)
    ax.set_ylim(bottom=0)
    key = mark_events(ax, events)
    finish(ax, title=title, xlabel="date", ylabel=f"deaths per {period} (persons)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), title=(f"{roll_label}\n(band: low-high)" if by else None))
    fig.tight_layout()
    extra = _event_caption(key)
    add_caption(fig, f"{caption} {note}{extra}".strip())
    return fig
