"""Charts of the data coverage notebook: blank values per field, and incident sums against reported figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .plots_trends import no_data_figure
from .style import PALETTE, RANGE_COLOR, add_caption

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Colours of the reported figure and of the incident rows' sum.
REPORTED_COLOR = "#999999"
INCIDENTS_COLOR = PALETTE[0]


def plot_missing_fields(missing: pd.DataFrame, *, title: str = "Blank values per field", caption: str = "") -> Figure:
    """Draw the share of blank values of each field (:func:`incidentkit.coverage.missing_fields`) as horizontal
    bars in the schema's field order."""
    import matplotlib.pyplot as plt

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


def plot_reported_vs_incidents(table: pd.DataFrame, *, title: str = "Reported figures and incident sums",
                               caption: str = "") -> Figure:
    """Draw, for each compared statistic of :func:`incidentkit.coverage.reported_vs_incidents`, the reported figure
    (grey bar at the low figure, whisker to the high figure when one is stated; "no upper bound" written when the
    statement has none) beside the incident rows' sum (best, whisker low-high). Non-comparable statistics are left
    out of the chart (the table lists them)."""
    import matplotlib.pyplot as plt

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
    for patch in bars.patches:
        patch.set_gid("reported")
    best = data["incident_best"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    low = data["incident_low"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    high = data["incident_high"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    ibars = ax.barh(y + h / 2, best, height=h, color=INCIDENTS_COLOR, label="incident rows (best; whisker low-high)",
                    xerr=np.vstack([best - low, high - best]), ecolor=RANGE_COLOR, capsize=3)
    for patch in ibars.patches:
        patch.set_gid("incidents")
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
    ax.set_title(title)
    fig.tight_layout()
    if caption:
        add_caption(fig, caption)
    return fig
