"""Charts of the regional comparison: theatres side by side, attack/target mix, small multiples of the series.

Every function returns a matplotlib Figure. An empty table gives the shared "no data" figure of
:func:`incidentkit.charts.base.no_data_figure` ("No incidents match the selection", figure label "no-data"), so a
notebook cell can save and show it the same way as any other figure.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..analysis.periods import apart_text
from .base import no_data_figure, no_death_figure_text, open_high_note
from .gaps import coverage_caption, mark_no_figure, shade_coverage
from .style import (
    NEUTRAL_COLOR,
    RANGE_COLOR,
    add_caption,
    amount_ticks,
    category_colors,
    integer_ticks,
    tag_value,
    theatre_colors,
    wrap_title,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def plot_theatre_comparison(
    comp: pd.DataFrame, *, title: str = "Theatres side by side", caption: str = ""
) -> Figure:
    """Draw three bar panels per theatre: incidents, deaths (best, with a low-high error bar) and deaths per incident
    (best, with low-high error bar), from :func:`incidentkit.theatre_comparison`. Theatres run top to bottom in the
    fixed order with their fixed colours; count axes have whole-number ticks. A theatre none of whose incidents has
    a death figure gets no death bar but the words "no death figure" (not a zero bar); when that is every theatre,
    the death panels say "No death figure for any of the N incidents". The caption gives the incidents with no
    figure and those with no stated upper bound. Bars are tagged (series ``incidents``, ``deaths_best``,
    ``per_incident_best``; see :func:`incidentkit.charts.style.tag_value`)."""
    if comp.empty or int(comp["incidents"].sum()) == 0:
        return no_data_figure(title, caption)
    colors = theatre_colors()
    names = [str(t) for t in comp.index]
    y = np.arange(len(names))
    col = [colors.get(t, NEUTRAL_COLOR) for t in names]
    incidents = comp["incidents"].to_numpy(dtype=int)
    unknown = comp["deaths_unknown"].to_numpy(dtype=int)
    has_figure = incidents > unknown
    fig, axes = plt.subplots(1, 3, figsize=(10.0, 0.45 * len(names) + 1.8), sharey=True)
    bars = axes[0].barh(y, incidents.astype(float), color=col)
    for bar, name, v in zip(bars.patches, names, incidents, strict=True):
        tag_value(bar, "incidents", name, v)
    axes[0].set_xlabel("incidents")
    integer_ticks(axes[0].xaxis)
    total, total_unknown = int(incidents.sum()), int(unknown.sum())
    if not has_figure.any():
        for ax, what in ((axes[1], "deaths (persons)"), (axes[2], "deaths per incident (persons)")):
            ax.set_xticks([])
            ax.set_xlabel(what)
            ax.text(0.5, 0.5, no_death_figure_text(total), ha="center", va="center", wrap=True,
                    transform=ax.transAxes, fontsize=9, color="#333333", gid="no-figure-panel")
    else:
        best, low, high = (comp[f"deaths_{k}"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
                           for k in ("best", "low", "high"))
        err = np.nan_to_num(np.vstack([best - low, high - best]))
        ok = has_figure
        dbars = axes[1].barh(y[ok], best[ok], color=np.array(col)[ok].tolist(), xerr=err[:, ok], ecolor=RANGE_COLOR,
                             capsize=3)
        for bar, name, v in zip(dbars.patches, np.array(names)[ok], best[ok], strict=True):
            tag_value(bar, "deaths_best", name, v)
        axes[1].set_xlabel("deaths (persons; bar best, whisker low-high)")
        integer_ticks(axes[1].xaxis)
        axes[1].set_xlim(left=0)
        pib = comp["per_incident_best"].astype("float64").to_numpy()
        pil = comp["per_incident_low"].astype("float64").to_numpy()
        pih = comp["per_incident_high"].astype("float64").to_numpy()
        ok = ~np.isnan(pib)
        pbars = axes[2].barh(y[ok], pib[ok], color=np.array(col)[ok].tolist(),
                             xerr=np.vstack([pib[ok] - pil[ok], pih[ok] - pib[ok]]), ecolor=RANGE_COLOR, capsize=3)
        for bar, name, v in zip(pbars.patches, np.array(names)[ok], pib[ok], strict=True):
            tag_value(bar, "per_incident_best", name, v)
        axes[2].set_xlabel("deaths per incident (persons)")
        axes[2].set_xlim(left=0)
        amount_ticks(axes[2].xaxis)
        for i in np.flatnonzero(~has_figure & (incidents > 0)):
            for ax in (axes[1], axes[2]):
                ax.annotate("no death figure", (0, y[i]), xytext=(3, 0), textcoords="offset points", va="center",
                            fontsize=7, color="#333333")
    axes[0].set_yticks(y, names)
    axes[0].invert_yaxis()
    for ax in axes:
        ax.grid(axis="y", visible=False)
    axes[0].set_title(wrap_title(fig, title))
    fig.tight_layout()
    open_high = int(comp["deaths_open_high"].sum()) if "deaths_open_high" in comp else 0
    note = (f"{total_unknown} of {total} incident(s) have no death figure (not counted as zero). "
            f"{open_high_note(open_high)}")
    add_caption(fig, f"{caption} {note}".strip())
    return fig


def plot_mix(
    shares: pd.DataFrame,
    *,
    incidents: dict[str, int] | pd.Series | None = None,
    xlabel: str = "share of the theatre's incidents (%)",
    title: str = "Mix per theatre",
    caption: str = "",
) -> Figure:
    """Draw the category mix per theatre as 100 % stacked horizontal bars from :func:`incidentkit.mix_shares`
    (one segment per category, in the table's column order, in the category colours; theatres in the table's
    order). Each theatre's label gives its number of incidents ``n`` (from ``incidents``, else from the table's
    ``attrs["incidents"]`` that :func:`~incidentkit.mix_shares` sets), so a 100 % bar over one incident reads as
    such; the caption names the theatres with fewer than 5 incidents."""
    counts = dict(incidents) if incidents is not None else dict(shares.attrs.get("incidents", {}))
    data = shares.dropna(how="all")
    if data.empty:
        return no_data_figure(title, caption)
    names = [str(t) for t in data.index]
    labels = [f"{t} (n={counts[t]})" if t in counts else t for t in names]
    y = np.arange(len(names))
    colors = category_colors([str(c) for c in data.columns])
    fig, ax = plt.subplots(figsize=(10.0, 0.45 * len(names) + 2.6))
    left = np.zeros(len(names))
    for c in data.columns:
        width = data[c].fillna(0).to_numpy(dtype=float) * 100
        bars = ax.barh(y, width, left=left, color=colors[str(c)], label=str(c), edgecolor="white", linewidth=0.5)
        for bar, name, v in zip(bars.patches, names, width, strict=True):
            tag_value(bar, f"share:{c}", name, v)
        left += width
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.set_title(wrap_title(fig, title))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=min(3, len(data.columns)), fontsize=10)
    fig.tight_layout()
    few = [f"{t} (n={counts[t]})" for t in names if t in counts and counts[t] < 5]
    note = f"n = incidents per theatre. Few incidents, read shares with care: {', '.join(few)}." if few else (
        "n = incidents per theatre." if counts else "")
    text = f"{caption} {note}".strip()
    if text:
        add_caption(fig, text)
    return fig


def plot_small_multiples(
    series: pd.DataFrame,
    *,
    measure: str = "incidents",
    ylabel: str = "incidents per month",
    ncols: int = 3,
    title: str = "",
    caption: str = "",
) -> Figure:
    """Draw one panel per theatre of a per-period series (:func:`incidentkit.monthly_by_theatre`), all panels on
    shared x and y axes, each in its theatre's colour. ``measure`` "incidents" draws the incident counts;
    "deaths" draws deaths (best) with the low-high band; when no incident has a death figure the "no data" figure
    says so, a theatre none of whose incidents has one says "no death figure" (never a flat zero line), and the
    caption counts the incidents without a figure and those with no stated upper bound. Periods the source does not
    cover for a theatre are shaded in its panel and the line has a gap there; incidents too imprecise for the period
    are counted in the panel's corner. The y axis has whole-number ticks."""
    if measure not in ("incidents", "deaths"):
        raise ValueError(f"measure {measure!r}: expected 'incidents' or 'deaths'")
    if series.empty or int(series["incidents"].fillna(0).sum()) == 0:
        return no_data_figure(title or "Series per theatre", caption)
    total = int(series["incidents"].fillna(0).sum())
    if measure == "deaths":
        unknown = int(series["deaths_unknown"].fillna(0).sum())
        open_high = int(series["deaths_open_high"].fillna(0).sum()) if "deaths_open_high" in series else 0
        note = (f"{unknown} of {total} incident(s) have no death figure (not counted as zero). "
                f"{open_high_note(open_high)}")
        caption = f"{caption} {note}".strip()
        if unknown == total:
            return no_data_figure(title or "Series per theatre", caption, text=no_death_figure_text(total))
    colors = theatre_colors()
    names = list(dict.fromkeys(series["theatre"].astype(object)))
    ncols = max(1, min(ncols, len(names)))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(10.0, 2.2 * nrows + 0.8), sharex=True, sharey=True,
                             squeeze=False)
    shaded = {"not_covered": 0, "partly_covered": 0}
    no_figure = 0
    apart = (series.attrs.get("apart") or {}).get("by_group", {})
    for i, name in enumerate(names):
        ax = axes[i // ncols][i % ncols]
        part = series[series["theatre"].astype(object) == name]
        x = part["period_start"]
        color = colors.get(name, NEUTRAL_COLOR)
        for k, v in shade_coverage(ax, part).items():
            shaded[k] += v
        if measure == "incidents":
            values = _floats(part["incidents"])
            line = ax.plot(x, values, color=color, linewidth=1.2, drawstyle="steps-mid")[0]
            tag_value(line, "incidents", name, np.nansum(values))
        elif int(part["incidents"].fillna(0).sum()) and int(part["incidents"].fillna(0).sum()) == int(
                part["deaths_unknown"].fillna(0).sum()):
            ax.text(0.5, 0.5, "no death figure", transform=ax.transAxes, ha="center", va="center", fontsize=8,
                    color="#333333", gid="no-figure-panel")
        else:
            ax.fill_between(x, _floats(part["deaths_low"]), _floats(part["deaths_high"]), color=color, alpha=0.25,
                            linewidth=0, step="mid")
            values = _floats(part["deaths_best"])
            line = ax.plot(x, values, color=color, linewidth=1.2, drawstyle="steps-mid")[0]
            tag_value(line, "deaths_best", name, np.nansum(values))
            no_figure += mark_no_figure(ax, x, part)
        if apart.get(name):
            ax.text(0.98, 0.95, f"+{apart[name]} in no {series.attrs['apart']['period']}", transform=ax.transAxes,
                    ha="right", va="top", fontsize=7, color="#333333", gid="apart-note")
        # the panel's name inside it (cheaper to lay out than 12 axes titles, and closer to the line)
        ax.text(0.02, 0.95, name, transform=ax.transAxes, ha="left", va="top", fontsize=10, fontweight="bold",
                color="#222222", gid="panel-title", zorder=6,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        if i % ncols == 0:
            ax.set_ylabel(ylabel)
    for j in range(len(names), nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
        if j - ncols >= 0:  # the panel above an empty cell is the last of its column: label its dates
            axes[(j - ncols) // ncols][j % ncols].xaxis.set_tick_params(labelbottom=True)
    if title:
        fig.suptitle(wrap_title(fig, title), x=0.01, ha="left", fontweight="bold")
    integer_ticks(axes[0][0].yaxis)
    dtype = str(series["period"].dtype) if "period" in series else ""  # e.g. "period[Y-DEC]"
    if dtype.startswith(("period[Y", "period[A", "period[Q")):  # yearly or quarterly series: year ticks, never "2022-05"
        years = int(series["period_start"].dt.year.max() - series["period_start"].dt.year.min()) + 1
        year_locator = mdates.YearLocator(base=max(1, math.ceil(years / 5)))
        axes[0][0].xaxis.set_major_locator(year_locator)
        axes[0][0].xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=5)
        axes[0][0].xaxis.set_major_locator(locator)
        axes[0][0].xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.08, top=0.92 if title else 0.96, hspace=0.45, wspace=0.08)
    notes = " ".join(t for t in (coverage_caption(series, shaded, no_figure),
                                 apart_text(series.attrs.get("apart"))) if t)
    caption = f"{caption} {notes}".strip()
    if caption:
        add_caption(fig, caption)
    return fig


def _floats(s: pd.Series) -> np.ndarray:
    """A nullable column as floats, missing as NaN (a gap in the line, never 0)."""
    return s.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
