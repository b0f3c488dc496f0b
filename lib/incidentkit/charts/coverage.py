"""Charts of the data coverage notebook: blank values per field, and incident sums against reported figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .base import no_data_figure
from .style import NEUTRAL_COLOR, RANGE_COLOR, SERIES_COLORS, add_caption, integer_ticks, tag_value

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
    fig, ax = plt.subplots(figsize=(9.0, 0.22 * len(missing) + 1.5))
    ax.barh(y, missing["blank_share"].to_numpy(dtype=float) * 100, color=INCIDENTS_COLOR)
    ax.set_yticks(y, list(missing.index), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("blank values (% of incident rows)")
    ax.grid(axis="y", visible=False)
    ax.set_title(title)
    fig.tight_layout()
    if caption:
        add_caption(fig, caption)
    return fig


def plot_reported_vs_incidents(
    table: pd.DataFrame, *, title: str = "Reported figures and incident sums", caption: str = ""
) -> Figure:
    """Draw, for each compared statistic of :func:`incidentkit.reported_vs_incidents`, the reported figure
    (grey bar at the low figure, whisker to the high figure when one is stated; "no upper bound" written when the
    statement has none) beside the incident rows' sum (best, whisker low-high). Non-comparable statistics are left
    out of the chart (the table lists them). The caption counts the incident rows with no figure and the statistics
    with no upper bound. Bars are tagged with their values (series ``reported`` and ``incidents``, labelled by
    ``stat_id``; see :func:`incidentkit.charts.style.tag_value`)."""
    data = table[table["compared_with"] != "not comparable"]
    if data.empty:
        return no_data_figure(title, caption, text="No reported figure to compare in the selection")
    n = len(data)
    y = np.arange(n)
    h = 0.38
    fig, ax = plt.subplots(figsize=(10.0, 0.6 * n + 1.6))
    rep_low = data["reported_low"].to_numpy(dtype=float)
    rep_high = data["reported_high"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    err_hi = np.where(np.isnan(rep_high), 0.0, rep_high - rep_low)
    bars = ax.barh(y - h / 2, rep_low, height=h, color=REPORTED_COLOR, label="reported (low; whisker to high)",
                   xerr=np.vstack([np.zeros(n), err_hi]), ecolor="#555555", capsize=3)
    for patch, sid, v in zip(bars.patches, data["stat_id"], rep_low, strict=True):
        tag_value(patch, "reported", sid, v)
    best = data["incident_best"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    low = data["incident_low"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    high = data["incident_high"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    ibars = ax.barh(y + h / 2, best, height=h, color=INCIDENTS_COLOR, label="incident rows (best; whisker low-high)",
                    xerr=np.vstack([best - low, high - best]), ecolor=RANGE_COLOR, capsize=3)
    for patch, sid, v in zip(ibars.patches, data["stat_id"], best, strict=True):
        tag_value(patch, "incidents", sid, None if np.isnan(v) else v)
    for i, (lo, open_) in enumerate(zip(rep_low, data["upper_bound"] == "none stated", strict=True)):
        if open_:
            ax.annotate("no upper bound", (lo, y[i] - h / 2), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=7, color="#333333")
    labels = [f"{r.stat_id}\n({r.metric}, {r.qualifier})" for r in data.itertuples()]
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("count (deaths in persons, or incidents for attack counts)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8)
    integer_ticks(ax.xaxis)
    ax.set_title(title)
    fig.tight_layout()
    unknown = int(data["incidents_unknown"].fillna(0).sum())
    open_ = int((data["upper_bound"] == "none stated").sum())
    note = (f"Incident rows with no figure inside the compared statistics: {unknown} (not counted as zero). "
            f"{open_} reported statistic(s) state no upper bound (the reported figure is a floor).")
    add_caption(fig, f"{caption} {note}".strip())
    return fig
