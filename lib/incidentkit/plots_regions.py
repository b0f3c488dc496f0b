"""Charts of the regional comparison: theatres side by side, attack/target mix, small multiples of the series.

Every function returns a matplotlib Figure. An empty table gives the shared "no data" figure of
:func:`incidentkit.plots_trends.no_data_figure` ("No incidents match the selection", figure label "no-data"), so a
notebook cell can save and show it the same way as any other figure.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .plots_trends import no_data_figure
from .style import PALETTE, RANGE_COLOR, add_caption, category_colors, theatre_colors

if TYPE_CHECKING:
    from matplotlib.figure import Figure

def plot_theatre_comparison(comp: pd.DataFrame, *, title: str = "Theatres side by side", caption: str = "") -> Figure:
    """Draw three bar panels per theatre: incidents, deaths (best, with a low-high error bar) and deaths per incident
    (best, with low-high error bar), from :func:`incidentkit.theatre_comparison`. Theatres run top to bottom in the
    fixed order with their fixed colours; a theatre without a per-incident figure gets no bar there."""
    import matplotlib.pyplot as plt

    if comp.empty or int(comp["incidents"].sum()) == 0:
        return no_data_figure(title, caption)
    colors = theatre_colors()
    names = list(comp.index)
    y = np.arange(len(names))
    col = [colors.get(t, PALETTE[-1]) for t in names]
    fig, axes = plt.subplots(1, 3, figsize=(12.0, 0.45 * len(names) + 1.8), sharey=True)
    axes[0].barh(y, comp["incidents"].to_numpy(dtype=float), color=col)
    axes[0].set_xlabel("incidents")
    best = comp["deaths_best"].to_numpy(dtype=float)
    err = np.vstack([best - comp["deaths_low"].to_numpy(dtype=float), comp["deaths_high"].to_numpy(dtype=float) - best])
    axes[1].barh(y, best, color=col, xerr=err, ecolor=RANGE_COLOR, capsize=3)
    axes[1].set_xlabel("deaths (persons; bar best, whisker low-high)")
    pib = comp["per_incident_best"].astype("float64").to_numpy()
    pil = comp["per_incident_low"].astype("float64").to_numpy()
    pih = comp["per_incident_high"].astype("float64").to_numpy()
    ok = ~np.isnan(pib)
    axes[2].barh(y[ok], pib[ok], color=np.array(col)[ok].tolist(), xerr=np.vstack([pib[ok] - pil[ok], pih[ok] - pib[ok]]),
                 ecolor=RANGE_COLOR, capsize=3)
    axes[2].set_xlabel("deaths per incident (persons)")
    axes[0].set_yticks(y, names)
    axes[0].invert_yaxis()
    for ax in axes:
        ax.grid(axis="y", visible=False)
    axes[0].set_title(title)
    fig.tight_layout()
    if caption:
        add_caption(fig, caption)
    return fig


def plot_mix(shares: pd.DataFrame, *, title: str, xlabel: str = "share of the theatre's incidents (%)",
             caption: str = "") -> Figure:
    """Draw the category mix per theatre as 100 % stacked horizontal bars from :func:`incidentkit.mix_shares`
    (one segment per category, in the table's column order; theatres in the table's order)."""
    import matplotlib.pyplot as plt

    data = shares.dropna(how="all")
    if data.empty:
        return no_data_figure(title, caption)
    names = list(data.index)
    y = np.arange(len(names))
    colors = category_colors([str(c) for c in data.columns])
    fig, ax = plt.subplots(figsize=(11.0, 0.45 * len(names) + 2.2))
    left = np.zeros(len(names))
    for c in data.columns:
        width = data[c].fillna(0).to_numpy(dtype=float) * 100
        ax.barh(y, width, left=left, color=colors[str(c)], label=str(c), edgecolor="white", linewidth=0.5)
        left += width
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(4, len(data.columns)), fontsize=8)
    fig.tight_layout()
    if caption:
        add_caption(fig, caption)
    return fig


def plot_small_multiples(
    series: pd.DataFrame,
    *,
    measure: str = "incidents",
    title: str = "",
    ylabel: str = "incidents per month",
    caption: str = "",
    ncols: int = 3,
) -> Figure:
    """Draw one panel per theatre of a per-period series (:func:`incidentkit.monthly_by_theatre`), all panels on
    shared x and y axes, each in its theatre's colour. ``measure`` "incidents" draws the incident counts;
    "deaths" draws deaths (best) with the low-high band."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    if measure not in ("incidents", "deaths"):
        raise ValueError(f"measure {measure!r}: expected 'incidents' or 'deaths'")
    if series.empty or int(series["incidents"].sum()) == 0:
        return no_data_figure(title or "Series per theatre", caption)
    colors = theatre_colors()
    names = list(dict.fromkeys(series["theatre"].astype(object)))
    ncols = max(1, min(ncols, len(names)))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.0 * ncols, 2.4 * nrows + 0.8), sharex=True, sharey=True,
                             squeeze=False)
    for i, name in enumerate(names):
        ax = axes[i // ncols][i % ncols]
        part = series[series["theatre"].astype(object) == name]
        x = part["period_start"]
        color = colors.get(name, PALETTE[-1])
        if measure == "incidents":
            ax.plot(x, part["incidents"].to_numpy(dtype=float), color=color, linewidth=1.2, drawstyle="steps-mid")
        else:
            ax.fill_between(x, part["deaths_low"].to_numpy(dtype=float), part["deaths_high"].to_numpy(dtype=float),
                            color=color, alpha=0.25, linewidth=0, step="mid")
            ax.plot(x, part["deaths_best"].to_numpy(dtype=float), color=color, linewidth=1.2, drawstyle="steps-mid")
        # the panel's name inside it (cheaper to lay out than 12 axes titles, and closer to the line)
        ax.text(0.02, 0.95, name, transform=ax.transAxes, ha="left", va="top", fontsize=9, fontweight="bold",
                color=color, gid="panel-title")
        if i % ncols == 0:
            ax.set_ylabel(ylabel)
    for j in range(len(names), nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
        if j - ncols >= 0:  # the panel above an empty cell is the last of its column: label its dates
            axes[(j - ncols) // ncols][j % ncols].xaxis.set_tick_params(labelbottom=True)
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    locator = mdates.AutoDateLocator(minticks=3, maxticks=5)
    axes[0][0].xaxis.set_major_locator(locator)
    axes[0][0].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.08, top=0.92 if title else 0.96, hspace=0.45, wspace=0.08)
    if caption:
        add_caption(fig, caption)
    return fig
