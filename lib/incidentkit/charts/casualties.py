"""Charts of the Casualties notebook: totals with ranges, deaths per incident, the distribution of deaths per
incident, killed against wounded.

Each function takes an incident table, computes what it draws with :mod:`incidentkit.analysis.measures` (so the
numbers on the chart are the library's numbers), and returns the Figure. An empty selection gives the "no data"
figure of :func:`incidentkit.charts.base.no_data_figure`. Every chart's caption says how many incidents had no figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from ..analysis.measures import (
    casualty_totals,
    deaths_distribution,
    incident_figures,
    killed_wounded_pairs,
    lethality,
)
from ..data.coverage import coverage
from ..data.reference import theatre_order
from .base import group_colors, no_data_figure, no_death_figure_text, open_high_note
from .style import (
    RANGE_COLOR,
    SERIES_COLORS,
    add_caption,
    amount_ticks,
    finish,
    integer_ticks,
    tag_value,
    wrap_title,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _ordered_index(table: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Rows of a per-group table in the fixed theatre order when grouped by theatre."""
    if by != "theatre":
        return table
    keys = {str(i): i for i in table.index}
    return table.loc[[keys[t] for t in theatre_order() if t in keys]]


def _no_figure_panel(ax: object, text: str) -> None:
    """Turn a panel without any figure to draw into a short statement (no empty 0-0.05 axis)."""
    ax.set_xticks([])  # type: ignore[attr-defined]
    ax.grid(False)  # type: ignore[attr-defined]
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, transform=ax.transAxes,  # type: ignore[attr-defined]
            fontsize=10, color="#333333", gid="no-figure-panel")


def plot_totals(
    df: pd.DataFrame,
    *,
    by: str | None = "theatre",
    title: str = "Deaths and wounded, best figure with low-high range",
    caption: str = "",
) -> Figure:
    """Plot total deaths and wounded (best figure, error bars from the low to the high total) per group of ``by``.

    Two panels side by side (killed, wounded) sharing the group axis; each group's tick label gives its number of
    incidents, and the caption the number of incidents with no figure for each measure and the number whose
    sources give no upper bound. Bars are tagged with their values (series ``killed_best``/``wounded_best``, see
    :func:`incidentkit.charts.style.tag_value`). A measure that no incident has a figure for is a one-line statement
    in its panel; with neither figure anywhere, the "no data" figure says so.
    """
    if len(df) == 0:
        return no_data_figure(title, caption=caption)
    killed = _ordered_index(casualty_totals(df, "killed", by), by)
    wounded = casualty_totals(df, "wounded", by).reindex(killed.index)
    ku, wu = int(killed["unknown"].sum()), int(wounded["unknown"].sum())
    ko, wo = int(killed["open_high"].sum()), int(wounded["open_high"].sum())
    note = (f"Incidents with no death figure: {ku} of {len(df)}; with no wounded figure: {wu} (not counted as zero). "
            f"Deaths: {open_high_note(ko)} Wounded: {open_high_note(wo)}")
    if ku == len(df) and wu == len(df):
        return no_data_figure(title, caption=f"{caption} {note}".strip(),
                              text=f"No death or wounded figure for any of the {len(df)} incident(s) in the selection")
    names = [f"{i} (n={n}" + (f", {u} without death figure)" if u else ")")
             for i, n, u in zip(killed.index.astype(str), killed["incidents"], killed["unknown"], strict=True)]
    ypos = np.arange(len(names))[::-1]
    fig, axes = plt.subplots(1, 2, sharey=True, figsize=(10.0, max(3.2, 1.2 + 0.45 * len(names))))
    for ax, table, what in ((axes[0], killed, "killed"), (axes[1], wounded, "wounded")):
        fill, line = SERIES_COLORS["deaths" if what == "killed" else "wounded"]
        finish(ax, title=what, xlabel=f"{what} (persons)", ylabel="")
        if int(table["with_figure"].sum()) == 0:
            cov = coverage(df)
            if not cov.codes(what):
                _no_figure_panel(ax, f"The {cov.label} does not code {what}: unknown, not 0")
                continue
            _no_figure_panel(ax, no_death_figure_text(len(df)) if what == "killed"
                             else f"No wounded figure for any of the {len(df)} incident(s)")
            continue
        best, low, high = (table[k].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
                           for k in ("best", "low", "high"))
        err = np.nan_to_num(np.vstack([best - low, high - best]))
        best = np.nan_to_num(best)  # a group with no figure: no bar (its label says "no figure")
        bars = ax.barh(ypos, best, color=fill, edgecolor=line, linewidth=0.6, label=f"{what} (best)")
        for bar, name, v, known in zip(bars.patches, table.index.astype(str), best, table["with_figure"], strict=True):
            tag_value(bar, f"{what}_best", name, v if known else None)
        ax.errorbar(best, ypos, xerr=err, fmt="none", ecolor="#333333", capsize=3, linewidth=1, label="low-high")
        for y, known in zip(ypos, table["with_figure"], strict=True):
            if not known:  # no figure for the group: words, never a zero bar
                ax.annotate("no figure", (0, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7,
                            color="#333333", gid="no-figure")
        ax.set_xlim(left=0)
        integer_ticks(ax.xaxis)
    axes[0].set_yticks(ypos, names)
    fig.suptitle(wrap_title(fig, title, 12), x=0.01, ha="left", fontweight="bold", fontsize=12)
    fig.tight_layout()
    add_caption(fig, f"{caption} {note}".strip())
    return fig


def plot_lethality(
    df: pd.DataFrame,
    *,
    by: str = "attack_type",
    min_incidents: int = 1,
    title: str | None = None,
    caption: str = "",
) -> Figure:
    """Plot deaths per incident (best, error bar from low to high) per category of ``by``, with ``n`` per bar.

    ``n`` is the number of incidents with a death figure (the denominator). Categories with fewer than
    ``min_incidents`` such incidents are not drawn; the caption names them, and counts the incidents with no figure.
    Bars are sorted by the best figure, largest at the top. ``title`` defaults to "Deaths per incident by <by>".
    """
    title = f"Deaths per incident by {by.replace('_', ' ')}" if title is None else title
    if len(df) == 0:
        return no_data_figure(title, caption=caption)
    table = lethality(df, by=by)
    if int(table["with_figure"].sum()) == 0:
        return no_data_figure(title, text=no_death_figure_text(len(df)),
                              caption=f"{caption} {len(df)} incident(s) with no death figure.".strip())
    shown = table[table["with_figure"] >= max(min_incidents, 1)]
    hidden = [str(i) for i in table.index if i not in set(shown.index)]
    unknown = int(table["unknown"].sum())
    note = (f"n = incidents with a death figure; {unknown} incident(s) with no figure are left out. "
            f"{open_high_note(int(table['open_high'].sum()))}")
    if hidden:
        need = "no incident" if min_incidents <= 1 else f"fewer than {min_incidents} incidents"
        note += f" Not shown ({need} with a death figure): {', '.join(hidden)}."
    if len(shown) == 0:
        return no_data_figure(title, text="No category has enough incidents with a death figure.",
                              caption=f"{caption} {note}".strip())
    shown = shown.sort_values(["per_incident_best", "with_figure"], ascending=[True, True], kind="stable")
    best = shown["per_incident_best"].to_numpy(dtype=float)
    low = shown["per_incident_low"].to_numpy(dtype=float)
    high = shown["per_incident_high"].to_numpy(dtype=float)
    ypos = np.arange(len(shown))
    fig, ax = plt.subplots(figsize=(10.0, max(3.2, 1.4 + 0.42 * len(shown))))
    fill, line = SERIES_COLORS["deaths"]
    ax.barh(ypos, best, color=fill, edgecolor=line, linewidth=0.6, label="best")
    ax.errorbar(best, ypos, xerr=np.vstack([best - low, high - best]), fmt="none", ecolor="#333333", capsize=3,
                linewidth=1, label="low-high")
    for y, x, n in zip(ypos, high, shown["with_figure"], strict=True):
        ax.text(x, y, f"  n={int(n)}", va="center", ha="left", fontsize=8, color="#333333")
    ax.set_yticks(ypos, [str(i) for i in shown.index])
    ax.set_xlim(0, max(float(np.nanmax(high)), 1.0) * 1.18)
    finish(ax, title=title, xlabel="deaths per incident (persons)", ylabel="")
    amount_ticks(ax.xaxis)
    ax.legend(loc="lower right")
    fig.tight_layout()
    add_caption(fig, f"{caption} {note}".strip())
    return fig


def plot_deaths_ccdf(
    df: pd.DataFrame,
    *,
    by: str | None = None,
    title: str = "Deaths per incident, share with at least x",
    caption: str = "",
) -> Figure:
    """Plot the complementary cumulative distribution of deaths per incident on log-log axes.

    y is the share of incidents with a death figure that had at least x deaths (from
    :func:`incidentkit.deaths_distribution`); incidents with zero deaths are in the shares but cannot be drawn on a
    log axis, so the caption counts them, and the incidents with no figure. With ``by``, one line per group.
    """
    if len(df) == 0:
        return no_data_figure(title, caption=caption)
    fig_known = incident_figures(df, "killed")
    zero = int((fig_known["best"] == 0).fillna(False).sum())
    unknown = int((~fig_known["known"]).sum())
    counted = (f"{len(df)} incident(s): {zero} with zero deaths, {unknown} with no death figure (left out, not "
               "counted as zero).")
    if unknown == len(df):
        return no_data_figure(title, text=no_death_figure_text(len(df)), caption=f"{caption} {counted}".strip())
    if not bool((fig_known["best"].fillna(0) > 0).any()):
        return no_data_figure(title, text=f"No incident has one or more deaths recorded ({zero} with zero deaths, "
                              f"{unknown} with no death figure)", caption=f"{caption} {counted}".strip())
    fig, ax = plt.subplots()
    if by is None:
        parts = [("all incidents", df)]
        colours = {"all incidents": SERIES_COLORS["deaths"][1]}
    else:
        parts = [(str(k), g) for k, g in df.groupby(by, observed=True, sort=True)]
        colours = group_colors(by, [k for k, _ in parts])
    for name, part in parts:
        dist = deaths_distribution(part)
        dist = dist[dist["deaths"] >= 1]
        if len(dist):
            ax.plot(dist["deaths"], dist["share_at_least"], drawstyle="steps-pre", marker="o", markersize=3,
                    color=colours[name], label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 1 else f"{v:g}"))
    finish(ax, title=title, xlabel="deaths in the incident (persons, log scale)",
           ylabel="share of incidents with at least x deaths")
    ax.legend(loc="lower left", bbox_to_anchor=(1.01, 0.0) if by else None)
    fig.tight_layout()
    add_caption(fig, f"{caption} Shares are over incidents with a death figure; {zero} incident(s) with zero deaths "
                     f"are counted in them but not drawn (log axis); {unknown} incident(s) with no figure are left "
                     "out.".strip())
    return fig


def plot_killed_wounded(
    df: pd.DataFrame, *, title: str = "Killed against wounded per incident", caption: str = ""
) -> Figure:
    """Scatter killed against wounded (best figures), one point per incident, on symlog axes, coloured by theatre.

    Only incidents with both figures can be drawn; the caption counts those missing one or both. The dashed diagonal
    marks as many wounded as killed.
    """
    if len(df) == 0:
        return no_data_figure(title, caption=caption)
    pairs, counts = killed_wounded_pairs(df)
    note = (f"{counts['both']} incident(s) with both figures drawn; missing the killed figure: "
            f"{counts['missing_killed']}, the wounded figure: {counts['missing_wounded']}, both: "
            f"{counts['missing_both']}.")
    if len(pairs) == 0:
        return no_data_figure(title, text="No incident has both a killed and a wounded figure.",
                              caption=f"{caption} {note}".strip())
    fig, ax = plt.subplots(figsize=(8.5, 6.5))
    groups = [t for t in theatre_order() if t in set(pairs["theatre"].astype(object))]
    colours = group_colors("theatre", groups)
    for g in groups:
        part = pairs[pairs["theatre"].astype(object) == g]
        ax.scatter(part["killed"], part["wounded"], s=22, alpha=0.7, color=colours[g], label=g, edgecolors="none")
    top = max(int(pairs["killed"].max()), int(pairs["wounded"].max()), 1)
    ax.plot([0, top], [0, top], linestyle="--", color=RANGE_COLOR, linewidth=1, label="as many wounded as killed")
    ax.set_xscale("symlog", linthresh=1)
    ax.set_yscale("symlog", linthresh=1)
    plain = FuncFormatter(lambda v, _pos: f"{v:,.0f}" if abs(v) >= 1 else f"{v:g}")
    ax.xaxis.set_major_formatter(plain)
    ax.yaxis.set_major_formatter(plain)
    ax.set_xlim(left=-0.2)
    ax.set_ylim(bottom=-0.2)
    finish(ax, title=title, xlabel="killed (persons, symlog scale)", ylabel="wounded (persons, symlog scale)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    add_caption(fig, f"{caption} {note}".strip())
    return fig
