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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import seaborn as sns
from matplotlib.colors import to_rgb
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MaxNLocator, StrMethodFormatter

from ..data.reference import theatre_order

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

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
#: One colour per category of the closed vocabularies (attack types, target types, IS's roles, the mix charts'
#: "Other categories"), the same on every chart of every page: a category is never given another category's colour
#: on a page (the attack-type and target-type charts share no colour). Chosen from Paul Tol's, ColorBrewer's and
#: Tableau's qualitative sets; each at least :data:`MIN_THEATRE_DISTANCE` from every theatre colour and
#: :data:`MIN_CATEGORY_DISTANCE` from every other colour of the map (tests/test_style.py).
CATEGORY_COLORS: dict[str, str] = {
    # attack types (data/datapackage.json, incidents.attack_type)
    "Armed Assault": "#EE6677",
    "Bombing/Explosion": "#228833",
    "Assassination": "#EE8866",
    "Hijacking": "#666633",
    "Hostage Taking (Barricade Incident)": "#FFAABB",
    "Hostage Taking (Kidnapping)": "#7570B3",
    "Facility/Infrastructure Attack": "#EEDD88",
    "Unarmed Assault": "#99DDFF",
    "Unknown": "#7F7F7F",  # attack or target type unknown: one colour for the one word
    # target types (incidents.target_type)
    "Private Citizens & Property": "#BBCC33",
    "Military": "#225555",
    "Police": "#663333",
    "Government (General)": "#CCDDAA",
    "Government (Diplomatic)": "#EE3377",
    "Religious Figures/Institutions": "#B15928",
    "Terrorists/Non-State Militia": "#225522",
    "Business": "#8DD3C7",
    "Educational Institution": "#FDB462",
    "Transportation": "#CAB2D6",
    "Journalists & Media": "#E7298A",
    "Utilities": "#66A61E",
    "NGO": "#A6761D",
    "Telecommunication": "#FFED6F",
    "Tourists": "#17BECF",
    "Maritime": "#9467BD",
    "Airports & Aircraft": "#8C564B",
    "Food or Water Supply": "#B3DE69",
    "Abortion Related": "#C49C94",
    "Violent Political Party": "#CC6677",
    "Other": "#FF9896",
    # IS's role (incidents.is_role)
    "perpetrator": "#222255",
    "two_sided": "#CC3311",
    "target": "#33A02C",
    # the rest of a mix chart (analysis.regions.mix_shares)
    "Other categories": "#CCEEFF",
}
#: Smallest CIE76 colour difference between two colours of :data:`CATEGORY_COLORS`.
MIN_CATEGORY_DISTANCE = 14.0
#: Figure size (inches) of a chart the width of the page: 10 in at :data:`FIGURE_DPI` is 1,200 pixels.
FIGSIZE = (10.0, 5.0)
#: Resolution of the saved and shown figures (pixels per inch).
FIGURE_DPI = 120


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
            "savefig.dpi": FIGURE_DPI,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 11,
            "xtick.labelsize": 10,
            "ytick.labelsize": 10,
            "legend.fontsize": 10,
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
    """Return a colour for each value of a non-theatre category: the fixed colour of :data:`CATEGORY_COLORS` for an
    attack type, target type, role or "Other categories" (the same on every chart); other values (branches,
    countries) take :data:`CATEGORY_PALETTE` in the given order, skipping the colours the fixed ones of the same call
    use (never a theatre colour; the sequence repeats after the palette's colours)."""
    values = [str(v) for v in values]
    out = {v: CATEGORY_COLORS[v] for v in values if v in CATEGORY_COLORS}
    free = [c for c in CATEGORY_PALETTE if c.upper() not in {x.upper() for x in out.values()}] or list(CATEGORY_PALETTE)
    rest = [v for v in values if v not in out]
    out.update({v: free[i % len(free)] for i, v in enumerate(rest)})
    return {v: out[v] for v in values}


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
    """Put ticks on whole numbers only on a count axis (``ax.xaxis`` or ``ax.yaxis``): no "0.5 incidents", as many as
    the axis' length holds (``nbins="auto"``), with thousands separators ("12,000")."""
    axis.set_major_locator(MaxNLocator(nbins="auto", integer=True, min_n_ticks=1))  # type: ignore[attr-defined]
    axis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # type: ignore[attr-defined]


def amount_ticks(axis: object) -> None:
    """Label a value axis that is not a count (deaths per incident) in plain numbers: thousands separators
    ("250,000"), one decimal below 10, never an offset or "1e6" in the corner."""
    axis.set_major_formatter(FuncFormatter(  # type: ignore[attr-defined]
        lambda v, _pos: f"{v:,.0f}" if abs(v) >= 10 or float(v).is_integer() else f"{v:,.1f}"))


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


@dataclass(frozen=True)
class Caption:
    """A figure's caption, shown under the figure at body size (not drawn in it): ``text``, its sentences
    (selection, data source, what is unknown), and ``key``, the numbered marks of the chart as
    ``(number, text)`` pairs (timeline events), shown as a numbered list."""

    text: str = ""
    key: tuple[tuple[int, str], ...] = ()


#: Attribute of a :class:`~matplotlib.figure.Figure` that holds its :class:`Caption` (set by :func:`add_caption`).
CAPTION_ATTR = "incidentkit_caption"


def add_caption(fig: Figure, text: str, key: Iterable[tuple[int, str]] = ()) -> None:
    """Attach the caption to the figure (selection, data source, unknown-figure counts; ``key``: numbered marks).

    The caption is not drawn in the figure, where a long one would be small print: :func:`figure_caption` reads it
    and ``ik.charts.show_figure`` shows it under the figure at body size. Tick labels that would overlap are
    thinned here, the figure's layout being final (:func:`declutter_ticks`)."""
    setattr(fig, CAPTION_ATTR, Caption(" ".join(text.split()), tuple((int(n), str(t)) for n, t in key)))
    declutter_ticks(fig)


def figure_caption(fig: Figure) -> Caption:
    """Return the :class:`Caption` attached to ``fig`` by :func:`add_caption` (an empty one when none is)."""
    return getattr(fig, CAPTION_ATTR, None) or Caption()


def caption_text(fig: Figure) -> str:
    """The caption of ``fig`` as one plain string: its sentences, then the numbered key ("1 2016-02 ...; 2 ...")."""
    cap = figure_caption(fig)
    key = "; ".join(f"{n} {t}" for n, t in cap.key)
    return f"{cap.text} Key: {key}." if key else cap.text


def draw_caption(fig: Figure, *, width: int = 130) -> None:
    """Write the attached caption (:func:`caption_text`) under the figure itself, for an image shown without a page
    around it (the explorer's chart); a report shows it under the figure with ``ik.charts.show_figure`` instead."""
    text = caption_text(fig)
    if text:
        fig.text(0.01, -0.02, "\n".join(textwrap.wrap(text, width=width)), ha="left", va="top", fontsize=8,
                 color="#333333")


def _overlaps(a: Bbox, b: Bbox, pad: float) -> bool:
    return a.x0 < b.x1 + pad and b.x0 < a.x1 + pad and a.y0 < b.y1 + pad and b.y0 < a.y1 + pad


def drawn_tick_labels(axis: Axis, renderer: object) -> list[tuple[int, Text, Bbox]]:
    """The tick labels of ``axis`` that are drawn (visible, non-empty, inside the view) as ``(tick index, label,
    bounding box in display pixels)``, in tick order. Call after the figure is drawn."""
    lo, hi = sorted(axis.get_view_interval())
    slack = 1e-9 * max(abs(hi - lo), 1.0)
    locs = axis.get_majorticklocs()
    out = []
    for i, (loc, tick) in enumerate(zip(locs, axis.get_major_ticks(len(locs)), strict=False)):
        for label in (tick.label1, tick.label2):
            if label.get_visible() and tick.get_visible() and label.get_text().strip() and lo - slack <= loc <= hi + slack:
                out.append((i, label, label.get_window_extent(renderer)))
    return out


def declutter_ticks(fig: Figure, *, pad: float = 2.0) -> int:
    """Blank every tick label of the figure's axes that would overlap (within ``pad`` pixels) a label kept before
    it on the same axis; return how many were blanked. The locators choose the ticks; this is the guarantee that no
    two labels collide whatever the period length, value range or figure size. The axis keeps its ticks and the
    labels kept, fixed (so that a later draw or save shows the same)."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    blanked = 0
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            kept: list[Bbox] = []
            drop: set[int] = set()
            for i, _label, box in drawn_tick_labels(axis, renderer):
                if any(_overlaps(box, k, pad) for k in kept):
                    drop.add(i)
                else:
                    kept.append(box)
            if not drop:
                continue
            locs = list(axis.get_majorticklocs())
            texts = [t.label1.get_text() for t in axis.get_major_ticks(len(locs))]
            axis.set_major_locator(FixedLocator(locs))
            axis.set_major_formatter(FixedFormatter(["" if i in drop else t for i, t in enumerate(texts)]))
            blanked += len(drop)
    return blanked


def wrap_title(fig: Figure, title: str, fontsize: float = 13.0) -> str:
    """``title`` broken into lines that fit the figure's width at ``fontsize`` points (bold): a long selection in a
    title would otherwise widen the saved image beyond the chart and shrink everything in it on the page."""
    chars = max(20, int(0.95 * fig.get_figwidth() * 72 / (0.64 * fontsize)))
    return "\n".join(textwrap.wrap(title, width=chars)) if len(title) > chars else title


def finish(ax: Axes, *, title: str, xlabel: str, ylabel: str) -> None:
    """Set a figure's title (wrapped to the figure's width) and axis labels (with units) in the house manner."""
    ax.set_title(wrap_title(ax.get_figure(), title))  # type: ignore[arg-type]
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
