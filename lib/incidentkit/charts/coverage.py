"""Charts of the data coverage notebook: blank values per field, and incident sums against reported figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

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

#: Colours of the reported figure and of the incident rows' sum (no theatre's colours: these are not theatres).
REPORTED_COLOR = NEUTRAL_COLOR
INCIDENTS_COLOR = SERIES_COLORS["incidents"][1]


def plot_missing_fields(
    missing: pd.DataFrame, *, title: str = "Blank values per field", caption: str = ""
) -> Figure:
    """Draw the share of blank values of each field (:func:`incidentkit.missing_fields`) as horizontal
    bars in the schema's field order."""
    if missing.empty or missing["blank_share"].isna().all():
        return no_data_figure(title, caption)
    y = np.arange(len(missing))
    fig, ax = plt.subplots(figsize=(10.0, 0.24 * len(missing) + 1.5))
    uncoded = (missing["coded"] == "no").to_numpy() if "coded" in missing else np.zeros(len(missing), bool)
    bars = ax.barh(y, missing["blank_share"].to_numpy(dtype=float) * 100, color=INCIDENTS_COLOR)
    for bar, name, no in zip(bars.patches, missing.index, uncoded, strict=True):
        if no:  # blank because the source does not code the field: unknown, not empty
            bar.set_facecolor("#eeeeee")
            bar.set_hatch("///")
            bar.set_edgecolor("#b5b5b5")
            tag_value(bar, "not_coded", name, bar.get_width())
    ax.set_yticks(y, list(missing.index), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("blank values (% of incident rows)")
    ax.grid(axis="y", visible=False)
    ax.set_title(wrap_title(fig, title))
    fig.tight_layout()
    names = [str(n) for n, no in zip(missing.index, uncoded, strict=True) if no]
    note = (f"Hatched: fields the source does not code at all ({', '.join(names)}): blank because unknown, not "
            "because empty." if names else "")
    text = f"{caption} {note}".strip()
    if text:
        add_caption(fig, text)
    return fig


#: Panels of :func:`plot_reported_vs_incidents`: one per measure, never two measures on one axis.
MEASURE_PANELS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("deaths", ("deaths", "deaths_security_forces", "deaths_civilians", "deaths_militants"), "deaths (persons)"),
    ("wounded", ("wounded",), "wounded (persons)"),
    ("events", ("attacks", "incidents"), "attacks or incidents (events)"),
)


def plot_reported_vs_incidents(
    table: pd.DataFrame, *, title: str = "Reported figures and incident sums", caption: str = ""
) -> Figure:
    """Draw, for each statistic of :func:`incidentkit.reported_vs_incidents` that the rows can be set beside, the
    reported figure (grey bar at the low figure, whisker to the high figure when one is stated; "no upper bound"
    written when the statement has none) beside the incident rows' sum (best, whisker low-high). One panel per
    measure (deaths, wounded, events): different measures are never put on one axis. A statistic that counts one
    category of deaths gets no incident bar (the rows do not split deaths: another measure), and one whose period
    the source does not cover says "not covered" (never a zero bar). Non-comparable statistics are left out (the
    table lists them). Bars are tagged (series ``reported`` and ``incidents``, labelled by ``stat_id``; see
    :func:`incidentkit.charts.style.tag_value`)."""
    shown = table[~table["compared_with"].isin(["not comparable", "roles not loaded"])]
    panels = [(name, shown[shown["metric"].isin(metrics)], unit) for name, metrics, unit in MEASURE_PANELS]
    panels = [(name, data, unit) for name, data, unit in panels if len(data)]
    if not panels:
        return no_data_figure(title, caption, text="No reported figure to compare in the selection")
    heights = [len(d) for _, d, _ in panels]
    fig, axes = plt.subplots(len(panels), 1, figsize=(10.0, 0.6 * sum(heights) + 1.2 * len(panels) + 0.6),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    h = 0.38
    for ax, (_name, data, unit) in zip(axes[:, 0], panels, strict=True):
        n = len(data)
        y = np.arange(n)
        rep_low = data["reported_low"].to_numpy(dtype=float)
        rep_high = data["reported_high"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        err_hi = np.where(np.isnan(rep_high), 0.0, rep_high - rep_low)
        bars = ax.barh(y - h / 2, rep_low, height=h, color=REPORTED_COLOR, label="reported (low; whisker to high)",
                       xerr=np.vstack([np.zeros(n), err_hi]), ecolor="#555555", capsize=3)
        for patch, sid, v in zip(bars.patches, data["stat_id"], rep_low, strict=True):
            tag_value(patch, "reported", sid, v)
        best, low, high = (data[f"incident_{k}"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
                           for k in ("best", "low", "high"))
        same = data["compared_with"].isin(["all deaths", "wounded", "incident rows"]).to_numpy()
        ok = same & ~np.isnan(best)
        ibars = ax.barh((y + h / 2)[ok], best[ok], height=h, color=INCIDENTS_COLOR,
                        label="this table (best; whisker low-high)",
                        xerr=np.nan_to_num(np.vstack([best - low, high - best])[:, ok]), ecolor=RANGE_COLOR, capsize=3)
        for patch, sid, v in zip(ibars.patches, data["stat_id"][ok], best[ok], strict=True):
            tag_value(patch, "incidents", sid, v)
        for i, r in enumerate(data.itertuples()):
            if r.upper_bound == "none stated":
                ax.annotate("no upper bound", (rep_low[i], y[i] - h / 2), xytext=(4, 0), textcoords="offset points",
                            va="center", fontsize=7, color="#333333")
            if not ok[i]:
                why = {"not covered": "not covered by the source (unknown, not 0)"}.get(
                    r.compared_with, "no figure" if same[i] else "rows do not split deaths by category")
                ax.annotate(why, (0, y[i] + h / 2), xytext=(3, 0), textcoords="offset points", va="center",
                            fontsize=7, color="#333333", gid="no-incident-bar")
        ax.set_yticks(y, [f"{r.stat_id}\n({r.metric}, {r.qualifier})" for r in data.itertuples()], fontsize=7)
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
        values = np.concatenate([rep_low, np.nan_to_num(best)])
        positive = values[values > 0]
        if len(positive) and positive.max() > 100 * np.median(positive):  # "tens of thousands" beside dozens
            ax.set_xscale("symlog", linthresh=1)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
            unit += ", symlog scale"
        else:
            integer_ticks(ax.xaxis)
        ax.set_xlabel(unit)
        ax.set_xlim(left=0)
    axes[0, 0].legend(loc="lower right", fontsize=8)
    axes[0, 0].set_title(wrap_title(fig, title))
    fig.tight_layout()
    unknown = int(shown["incidents_unknown"].fillna(0).sum())
    open_ = int((shown["upper_bound"] == "none stated").sum())
    note = (f"One panel per measure. Incident rows with no figure inside the compared statistics: {unknown} (not "
            f"counted as zero). {open_} reported statistic(s) state no upper bound (the reported figure is a floor).")
    add_caption(fig, f"{caption} {note}".strip())
    return fig
