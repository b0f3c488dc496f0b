"""The house plot style: one colour-blind-safe palette, fixed theatre order and colours, captions.

Colours are Okabe & Ito's colour-blind-safe set, extended with Paul Tol's muted scheme for the theatres beyond
eight; the theatre -> colour assignment follows ``data/theatres.csv``'s ``sort_order``, so a theatre has the same
colour in every notebook and report.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .reference import theatre_order

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: The palette, in the order colours are handed out (theatres take them by sort_order).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue (Okabe-Ito)
    "#56B4E9",  # sky blue (Okabe-Ito)
    "#D55E00",  # vermillion (Okabe-Ito)
    "#E69F00",  # orange (Okabe-Ito)
    "#CC79A7",  # reddish purple (Okabe-Ito)
    "#882255",  # wine (Tol muted)
    "#009E73",  # bluish green (Okabe-Ito)
    "#332288",  # indigo (Tol muted)
    "#44AA99",  # teal (Tol muted)
    "#999933",  # olive (Tol muted)
    "#000000",  # black (Okabe-Ito)
    "#AA4499",  # purple (Tol muted)
    "#BBBBBB",  # grey: "Elsewhere" and "other"
)
#: Colours for the low/best/high band of casualty figures.
RANGE_COLOR = "#999999"
#: Colour of timeline event markers.
EVENT_COLOR = "#555555"
FIGSIZE = (9.0, 4.8)


def apply_style() -> None:
    """Apply the house style to matplotlib/seaborn (white grid, palette, fonts, deterministic rendering)."""
    import seaborn as sns

    sns.set_theme(
        context="notebook",
        style="whitegrid",
        palette=list(PALETTE),
        font="DejaVu Sans",
        rc={
            "figure.figsize": FIGSIZE,
            "figure.dpi": 100,
            "savefig.dpi": 120,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 10,
            "legend.fontsize": 9,
            "legend.frameon": False,
            "svg.hashsalt": "incidentkit",
            "svg.fonttype": "path",
            "path.simplify": True,
        },
    )


def theatre_colors() -> dict[str, str]:
    """Return ``{theatre: colour}`` in the fixed theatre order."""
    order = theatre_order()
    return {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(order)}


def category_colors(values: Iterable[str]) -> dict[str, str]:
    """Return a colour for each value of a non-theatre category (branches, attack types), in the given order."""
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}


def add_caption(fig: Figure, text: str) -> None:
    """Write a caption under the figure (selection, data source, unknown-figure counts)."""
    import textwrap

    wrapped = "\n".join(textwrap.wrap(text, width=130))
    fig.text(0.01, -0.02, wrapped, ha="left", va="top", fontsize=8, color="#333333")


def finish(ax: Axes, *, title: str, xlabel: str, ylabel: str) -> None:
    """Set a figure's title and axis labels (with units) in the house manner."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
