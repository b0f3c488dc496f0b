"""What a per-period chart cannot know, drawn as such: periods the source does not cover (a shaded band, the series
has a gap there, never a zero), periods it covers in part (a lighter band), periods whose incidents have no death
figure (a "?" at the foot of the axis, not a zero bar), and incidents too imprecise for the chart's period (a note
at the right: "+N dated only to a year").

Each mark carries its values for read-back (:func:`incidentkit.charts.style.tag_value`): series ``not_covered`` and
``partly_covered`` (label "<first period>..<last period>", value the number of periods), ``no_figure`` (label the
period, value its incidents) and ``apart`` (label the chart's period, value the incidents left apart).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..analysis.periods import APART_WORDS, apart_text
from .style import tag_value

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Colours of the bands (the band of periods not covered is hatched, so it is never read as a low-high range).
NOT_COVERED_COLOR = "#eeeeee"
NOT_COVERED_HATCH_COLOR = "#b5b5b5"
PARTLY_COVERED_COLOR = "#f4f4f4"
#: Legend labels of the bands.
NOT_COVERED_LABEL = "not covered by the source (unknown, not zero)"
PARTLY_COVERED_LABEL = "covered in part"


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in ``mask``."""
    runs, start = [], None
    for i, v in enumerate(mask):
        if v and start is None:
            start = i
        if not v and start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, len(mask) - 1))
    return runs


def period_coverage(counts: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """One row per period of a :func:`incidentkit.counts_by_period` table: ``period`` and ``covered`` (with ``by``:
    the largest share over the groups, so a band marks a period no group's source covers)."""
    if by is None:
        return counts[["period", "covered"]].reset_index(drop=True)
    table = counts.groupby("period", sort=True)["covered"].max().reset_index()
    return table


def shade_coverage(ax: Axes, counts: pd.DataFrame, *, by: str | None = None) -> dict[str, int]:
    """Shade the periods of ``counts`` that the source does not cover (darker) or covers in part (lighter), behind
    the series, with a legend entry each; return how many periods are in each band."""
    if "covered" not in counts or len(counts) == 0:
        return {"not_covered": 0, "partly_covered": 0}
    table = period_coverage(counts, by)
    share = table["covered"].to_numpy(dtype=float)
    periods = pd.PeriodIndex(table["period"])
    out = {}
    for series, mask, colour, hatch, label in (
        ("not_covered", share <= 0, NOT_COVERED_COLOR, "///", NOT_COVERED_LABEL),
        ("partly_covered", (share > 0) & (share < 1), PARTLY_COVERED_COLOR, None, PARTLY_COVERED_LABEL),
    ):
        runs = _runs(mask)
        for k, (a, b) in enumerate(runs):
            span = ax.axvspan(periods[a].start_time, periods[b].end_time, facecolor=colour, zorder=0, linewidth=0,
                              hatch=hatch, edgecolor=NOT_COVERED_HATCH_COLOR if hatch else colour,
                              label=label if k == 0 else None)
            tag_value(span, series, f"{periods[a]}..{periods[b]}", b - a + 1)
        out[series] = int(mask.sum())
    return out


def mark_no_figure(ax: Axes, x: pd.Series, counts: pd.DataFrame) -> int:
    """Mark periods whose incidents all lack a death figure with a "?" at the foot of the axis (never a zero bar);
    return how many periods are marked."""
    incidents = counts["incidents"].astype("Float64").fillna(0).to_numpy(dtype=float)
    deaths = counts["deaths_best"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    marked = 0
    for xi, n, d, p in zip(x, incidents, deaths, counts["period"], strict=True):
        if n > 0 and np.isnan(d):
            t = ax.annotate("?", (xi, 0), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                            fontsize=8, color="#555555", annotation_clip=True)
            tag_value(t, "no_figure", p, n)
            marked += 1
    return marked


def mark_apart(ax: Axes, apart: dict[str, object] | None, *, at: tuple[float, float] = (1.0, -0.09),
               va: str = "top") -> str:
    """Write "+N dated only to a year" in a box for the incidents a series left apart (its ``attrs["apart"]``),
    its top right corner at ``at`` (axes fraction; by default under the axes at the right, beside the legend, so the
    chart keeps the page's width); return the caption sentence ("" when none)."""
    text = apart_text(apart)
    if not text:
        return ""
    n = int(apart["incidents"])  # type: ignore[index, call-overload]
    kinds = " or ".join(APART_WORDS.get(str(k), str(k)) for k in (apart.get("by_precision") or {}))  # type: ignore[union-attr]
    box = ax.text(*at, f"+{n:,} {kinds or 'dated less precisely'}\n(in no {apart['period']})",  # type: ignore[index]
                  transform=ax.transAxes, ha="right", va=va, fontsize=9, color="#333333", clip_on=False, zorder=6,
                  bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "#999999", "linewidth": 0.6})
    tag_value(box, "apart", apart["period"], n)  # type: ignore[index]
    return text


def coverage_caption(counts: pd.DataFrame, shaded: dict[str, int], no_figure: int = 0) -> str:
    """Caption sentences on the bands and marks drawn (each said once; "" when there is none)."""
    parts = []
    if shaded.get("not_covered"):
        parts.append(f"Hatched: {shaded['not_covered']} period(s) the source does not cover; the series has a gap "
                     "there (unknown, not zero).")
    if shaded.get("partly_covered"):
        parts.append(f"Light grey: {shaded['partly_covered']} period(s) covered only in part.")
    if no_figure:
        parts.append(f"?: {no_figure} period(s) whose incidents have no death figure (not zero).")
    cov = counts.attrs.get("coverage")
    if cov is not None and cov.kind == "documented":
        parts.append("Counts are documented incidents, not a complete count: a zero is the documents' silence.")
    return " ".join(parts)
