"""Timeline events on a time axis: a dotted line per event and its number in a small box at the top of the axes,
staggered so that boxes never overlap; the numbers are keyed under the figure (the figure's caption ``key``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import pandas as pd

from .style import EVENT_COLOR

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["EVENT_BOX_PAD", "EVENT_FONT_SIZE", "EVENT_GID", "EVENT_LABEL_GID", "event_caption", "mark_events"]

#: ``gid`` of the vertical lines marking timeline events (tests and readers find them by it).
EVENT_GID = "timeline-event"
#: ``gid`` of the numbered boxes of timeline events.
EVENT_LABEL_GID = "timeline-event-label"
#: Font size (points) of the event numbers, and the pad of their boxes (a fraction of the font size).
EVENT_FONT_SIZE = 8.5
EVENT_BOX_PAD = 0.15


def _event_rows(widths: list[float], lefts: list[float], *, gap: float, max_rows: int) -> list[int]:
    """Assign each box (left edge and width in pixels, in date order) the first row where it clears the previous box
    of that row by ``gap`` pixels; when every row is taken, the row whose last box ends first."""
    ends: list[float] = []
    rows = []
    for left, width in zip(lefts, widths, strict=True):
        row = next((r for r, end in enumerate(ends) if left >= end + gap), None)
        if row is None:
            if len(ends) < max_rows:
                row = len(ends)
                ends.append(float("-inf"))
            else:
                row = min(range(len(ends)), key=lambda r: ends[r])
        ends[row] = left + width
        rows.append(row)
    return rows


def mark_events(ax: Axes, events: pd.DataFrame | None, *, max_rows: int = 8,
                numbers: bool = True) -> list[tuple[int, str]]:
    """Mark timeline events (a table from :func:`incidentkit.timeline_events`) on a time axis.

    Each event inside the axis' date range gets a dotted vertical line (gid :data:`EVENT_GID`) and, at the top of
    the axes, its marker number (the table's index, 1 for the first event) in a small box (gid
    :data:`EVENT_LABEL_GID`). Boxes of close events are staggered on as many rows as they need (at most
    ``max_rows``) so that they do not overlap, and the y axis gets the headroom for those rows. Call it after the
    figure's layout is final (after ``tight_layout``): the rows are computed from the boxes' sizes on screen.
    ``numbers=False`` draws the lines only (the lower panels of a small-multiple chart). Returns the key, one
    ``(n, "<when> <label>")`` pair per event marked, for the numbered key under the figure.
    """
    if events is None or len(events) == 0:
        return []
    lo, hi = (mdates.num2date(v).replace(tzinfo=None) for v in ax.get_xlim())
    inside = events[(events["date"] >= pd.Timestamp(lo)) & (events["date"] <= pd.Timestamp(hi))]
    if len(inside) == 0:
        return []
    fig = ax.get_figure()
    renderer = fig.canvas.get_renderer()  # type: ignore[union-attr]
    trans = ax.get_xaxis_transform()
    texts = []
    key = []
    for number, ev in inside.iterrows():
        ax.axvline(ev["date"], color=EVENT_COLOR, linestyle=":", linewidth=1.0, gid=EVENT_GID, zorder=1)
        when = ev["when"] if "when" in ev.index else f"{ev['date']:%Y-%m-%d}"
        key.append((int(number), f"{when} {ev['label']}"))
        if not numbers:
            continue
        texts.append(ax.text(ev["date"], 0.985, str(number), transform=trans, fontsize=EVENT_FONT_SIZE, ha="center",
                             va="top", color=EVENT_COLOR, clip_on=True, gid=EVENT_LABEL_GID, zorder=5,
                             bbox={"boxstyle": f"round,pad={EVENT_BOX_PAD}", "facecolor": "white",
                                   "edgecolor": EVENT_COLOR, "linewidth": 0.5}))
    if not texts:
        return key
    boxes = [t.get_window_extent(renderer) for t in texts]  # the text only: add the box's pad on each side
    pad = EVENT_BOX_PAD * EVENT_FONT_SIZE * fig.dpi / 72.0  # type: ignore[union-attr]
    height_px = max(b.height for b in boxes) + 2 * pad
    ax_px = max(ax.get_window_extent(renderer).height, 1.0)
    step = (height_px + 2.0) / ax_px  # one row of boxes, in axes fraction
    fit = max(1, min(max_rows, int(0.45 / step)))  # rows take at most the top 45 % of the axes
    rows = _event_rows([b.width + 2 * pad for b in boxes], [b.x0 - pad for b in boxes], gap=2.0, max_rows=fit)
    for text, row in zip(texts, rows, strict=True):
        text.set_y(0.985 - row * step)
    used = max(rows) + 1
    bottom, top = ax.get_ylim()
    room = 1.0 - (0.015 + used * step + 0.01)  # share of the axes left under the lowest row
    ax.set_ylim(bottom, bottom + (top - bottom) / max(room, 0.3))
    return key


def event_caption(key: list[tuple[int, str]]) -> str:
    """The caption sentence on the numbered timeline events (listed in the key under the figure)."""
    return " Dotted lines: the timeline events numbered in the key below." if key else ""


