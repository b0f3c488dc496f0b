"""The house plot style: one colour-blind-safe palette, fixed theatre order and colours, captions.

Colours are Okabe & Ito's colour-blind-safe set, extended with Paul Tol's muted scheme for the theatres beyond
eight; the theatre -> colour assignment follows ``data/theatres.csv``'s ``sort_order``, so a theatre has the same
colour in every notebook and report.

The theatre colours (:data:`PALETTE`) belong to theatres only. Everything else takes colours that no theatre has:
other categories (branches, countries, attack and target types) take :data:`CATEGORY_PALETTE` (Paul Tol's "light"
and "dark" schemes, without the colours close to a theatre's); single series (all incidents, all deaths, all
wounded) take the :data:`SERIES_COLORS` pairs (Tol's "pale" fill with the "dark" line of the same hue); legend keys
that stand for no category (marker sizes) take :data:`NEUTRAL_COLOR`. Every one of them is at least
:data:`MIN_THEATRE_DISTANCE` (CIE76 colour difference) from every theatre colour: see :func:`color_difference`.

Figure read-back: :func:`tag_value` writes a plotted value into an artist's ``gid``, which matplotlib saves as the
``id`` of the artist's SVG group; :func:`svg_values` reads them back from the saved SVG, so tests compare what a
notebook drew with what it wrote to ``summary.json``.
"""

from __future__ import annotations

import math
import textwrap
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import seaborn as sns
from matplotlib.colors import to_rgb
from matplotlib.ticker import MaxNLocator

from ..data.reference import theatre_order

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
#: Colours of non-theatre categories (branches, countries, attack/target types), handed out in order: Paul Tol's
#: "light" scheme without light blue, mint and pale grey (too close to theatre colours), then his "dark" scheme and
#: the "pale" green. Colour-blind-safe, and none within MIN_THEATRE_DISTANCE of a theatre colour.
CATEGORY_PALETTE: tuple[str, ...] = (
    "#EE8866",  # orange (Tol light)
    "#EEDD88",  # light yellow (Tol light)
    "#FFAABB",  # pink (Tol light)
    "#99DDFF",  # light cyan (Tol light)
    "#BBCC33",  # pear (Tol light)
    "#222255",  # dark blue (Tol dark)
    "#225555",  # dark cyan (Tol dark)
    "#225522",  # dark green (Tol dark)
    "#663333",  # dark red (Tol dark)
    "#666633",  # dark yellow (Tol dark)
    "#CCDDAA",  # pale green (Tol pale)
)
#: Single series (not a theatre, not a category): ``{measure: (fill, line)}`` — Tol's pale fill for bars and the
#: dark line of the same hue for rolling means and outlines.
SERIES_COLORS: dict[str, tuple[str, str]] = {
    "incidents": ("#BBCCEE", "#222255"),  # pale blue / dark blue
    "deaths": ("#FFCCCC", "#663333"),  # pale red / dark red
    "wounded": ("#EEEEBB", "#666633"),  # pale yellow / dark yellow
}
#: Legend keys that stand for no category (the map's marker sizes): a mid grey that is no theatre's grey.
NEUTRAL_COLOR = "#707070"
#: Smallest CIE76 colour difference between a theatre colour and any non-theatre colour of the house style.
MIN_THEATRE_DISTANCE = 18.0
#: Colours for the low/best/high band of casualty figures.
RANGE_COLOR = "#999999"
#: Colour of timeline event markers.
EVENT_COLOR = "#555555"
FIGSIZE = (9.0, 4.8)


def apply_style() -> None:
    """Apply the house style to matplotlib/seaborn (white grid, palette, fonts, deterministic rendering)."""
    sns.set_theme(
        context="notebook",
        style="whitegrid",
        palette=list(CATEGORY_PALETTE),  # ad hoc plots never borrow a theatre's colour
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
    """Return a colour for each value of a non-theatre category (branches, countries, attack types), in the given
    order, from :data:`CATEGORY_PALETTE` (never a theatre colour; the sequence repeats after 11 values)."""
    return {v: CATEGORY_PALETTE[i % len(CATEGORY_PALETTE)] for i, v in enumerate(values)}


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a ``#RRGGBB`` colour."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def color_difference(a: str, b: str) -> float:
    """Return the CIE76 colour difference (Euclidean distance in L*a*b*) of two colours; about 2.3 is just
    noticeable, and colours closer than ~15 are easily taken for one another in a legend."""
    return math.dist(_lab(a), _lab(b))


def integer_ticks(axis: object) -> None:
    """Put ticks on whole numbers only on a count axis (``ax.xaxis`` or ``ax.yaxis``): no "0.5 incidents"."""
    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # type: ignore[attr-defined]


#: Prefix of the ``gid`` that carries a plotted value (see :func:`tag_value`).
DATA_GID_PREFIX = "ikdata"


def tag_value(artist: object, series: str, label: object, value: object) -> None:
    """Record on ``artist`` (a bar, a line, a marker collection) the value it draws: its ``gid`` becomes
    ``ikdata:<series>:<label>:<value>`` (each part percent-encoded). Matplotlib writes the gid as the ``id`` of the
    artist's group in the SVG, so :func:`svg_values` can read the plotted values back from a saved figure."""
    parts = [DATA_GID_PREFIX, series, str(label), "" if value is None else repr(float(value))]
    artist.set_gid(":".join(urllib.parse.quote(p, safe="") for p in parts))  # type: ignore[attr-defined]


def parse_tag(gid: str | None) -> tuple[str, str, float] | None:
    """Return ``(series, label, value)`` of a gid written by :func:`tag_value` (``nan`` for a missing value), or
    ``None`` for any other gid."""
    if not gid or not gid.startswith(DATA_GID_PREFIX + ":"):
        return None
    _, series, label, value = (urllib.parse.unquote(p) for p in gid.split(":"))
    return series, label, float(value) if value else float("nan")


def svg_values(path: Path | str) -> dict[str, list[tuple[str, float]]]:
    """Read back the values recorded by :func:`tag_value` from a saved SVG: ``{series: [(label, value), ...]}`` in
    drawing order (``nan`` for a value recorded as missing)."""
    out: dict[str, list[tuple[str, float]]] = {}
    for el in ET.parse(str(path)).getroot().iter():
        tag = parse_tag(el.get("id"))
        if tag is not None:
            out.setdefault(tag[0], []).append((tag[1], tag[2]))
    return out


def add_caption(fig: Figure, text: str) -> None:
    """Write a caption under the figure (selection, data source, unknown-figure counts)."""
    wrapped = "\n".join(textwrap.wrap(text, width=130))
    fig.text(0.01, -0.02, wrapped, ha="left", va="top", fontsize=8, color="#333333")


def finish(ax: Axes, *, title: str, xlabel: str, ylabel: str) -> None:
    """Set a figure's title and axis labels (with units) in the house manner."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
