"""The interactive incident map: a plotly ``FigureWidget`` on plain longitude/latitude axes, over the country borders
bundled with incidentkit (``charts/geodata``). No map tiles and no plotly "geo" base map (which plotly fetches from
a CDN): the land, the borders and the country names are traces drawn from the bundled file, so the map works
offline. Pan, zoom (scroll wheel, the +/- buttons) and select (click a mark; box or lasso tool) in the page.

One mark per incident with coordinates, coloured by theatre (the house colours), its area growing with the deaths
(best figure); a hollow mark when the death toll is unknown (never drawn as 0); a circle where the source names a
town or a point, a square or a diamond where the position is only a province's or a country's reference point.
Hovering a mark shows its date, place, deaths and wounded with their ranges, IS's role, branch, claim, how precise
the position is, and its sources.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
import shapely.affinity

from ..analysis.measures import incident_figures
from ..charts.maps import map_extent, world_borders
from ..charts.style import NEUTRAL_COLOR, theatre_colors
from .records import hover_texts

#: Colours of the sea (the plot's background), the land and the borders (those of the static map).
SEA, LAND, BORDER, LABEL = "#EAF2F8", "#F7F7F7", "#8C8C8C", "#7A7A7A"
#: Mark diameter in pixels: ``MIN_SIZE`` for 0 deaths, growing with the square root of the deaths (area with the
#: deaths) up to ``MAX_SIZE``; ``UNKNOWN_SIZE`` for a hollow mark (toll unknown).
MIN_SIZE, SIZE_PER_ROOT, MAX_SIZE, UNKNOWN_SIZE = 7.0, 2.3, 30.0, 10.0
#: ``geo_precision`` -> plotly marker symbol (a town or point: circle; a reference point: square or diamond).
SYMBOLS: dict[str, str] = {"point": "circle", "locality": "circle", "admin1": "square", "country": "diamond"}
#: The key printed under the map.
KEY = ("● town or point   ■ province reference point   ◆ country reference point   "
       "hollow: no death figure   size: deaths")
#: Height of the map in pixels.
HEIGHT = 640


def mark_sizes(deaths: pd.Series, known: pd.Series) -> np.ndarray:
    """Diameter in pixels of each mark: area growing with the deaths, capped; a fixed size when the toll is
    unknown."""
    d = deaths.astype("Float64").fillna(0).to_numpy(dtype=float)
    size = np.minimum(MIN_SIZE + SIZE_PER_ROOT * np.sqrt(np.maximum(d, 0)), MAX_SIZE)
    return np.where(known.to_numpy(dtype=bool), size, UNKNOWN_SIZE)


def mark_symbols(precision: pd.Series, known: pd.Series) -> list[str]:
    """The plotly symbol of each mark: by position precision (:data:`SYMBOLS`), hollow when the toll is unknown."""
    out = []
    for p, k in zip(precision.astype(object), known.astype(bool), strict=True):
        base = SYMBOLS.get(str(p), "circle")
        out.append(base if k else f"{base}-open")
    return out


@lru_cache(maxsize=1)
def _world() -> list[tuple[str, Any]]:
    """Every country of the bundled border file as valid geometry within -180..180° (antimeridian pieces split by
    :func:`incidentkit.charts.maps.world_borders`, as on the static map)."""
    borders = world_borders()
    return [(str(name), geom) for name, geom in zip(borders["name"], borders.geometry, strict=True)]


@lru_cache(maxsize=8)
def _base_layers(x0: float, x1: float, y0: float, y1: float, min_area: float) -> tuple[
        list[Any], list[Any], list[Any], list[Any], list[str]]:
    """Land outlines (x, y with None between rings) and country-name positions within the box, simplified to the
    box's scale; a country's name sits inside its largest piece in the box, for pieces of ``min_area`` square
    degrees or more."""
    tolerance = max(x1 - x0, y1 - y0) / 1500
    xs: list[Any] = []
    ys: list[Any] = []
    lx: list[Any] = []
    ly: list[Any] = []
    names: list[str] = []
    for name, world in _world():
        geom = shapely.clip_by_rect(world, x0, y0, x1, y1)
        if geom.is_empty:
            continue
        polys = [p for p in getattr(geom, "geoms", [geom]) if p.geom_type == "Polygon" and not p.is_empty]
        for poly in polys:
            coords = np.asarray(poly.simplify(tolerance).exterior.coords)
            xs += [*np.round(coords[:, 0], 3).tolist(), None]
            ys += [*np.round(coords[:, 1], 3).tolist(), None]
        largest = max(polys, key=lambda p: p.area, default=None)
        if largest is not None and largest.area >= min_area:  # a name only where the country is more than a speck
            point = shapely.point_on_surface(largest)
            lx.append(round(point.x, 3))
            ly.append(round(point.y, 3))
            names.append(name)
    return xs, ys, lx, ly, names


def base_traces(extent: tuple[float, float, float, float]) -> list[go.Scatter]:
    """The land with its borders and the country names for a box ``(lon_min, lon_max, lat_min, lat_max)``, drawn
    from the bundled border file (a margin around the box, so that panning shows land too)."""
    x0, x1, y0, y1 = extent
    mx, my = (x1 - x0) * 0.6, (y1 - y0) * 0.6
    box = (max(x0 - mx, -180.0), min(x1 + mx, 180.0), max(y0 - my, -90.0), min(y1 + my, 90.0))
    view = (x1 - x0) * (y1 - y0)
    xs, ys, lx, ly, names = _base_layers(*(round(v, 1) for v in box), round(view / 150, 2))
    land = go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=LAND, line={"color": BORDER, "width": 0.7},
                      hoverinfo="skip", showlegend=False, name="borders")
    labels = go.Scatter(x=lx, y=ly, mode="text", text=names, textfont={"color": LABEL, "size": 11},
                        hoverinfo="skip", showlegend=False, name="country names")
    return [land, labels]


def map_extent_of(incidents: pd.DataFrame) -> tuple[float, float, float, float]:
    """The box around the incidents with coordinates (padded; the theatres' region when none has any)."""
    pts = incidents[incidents["latitude"].notna() & incidents["longitude"].notna()]
    if pts.empty:
        return 10.0, 75.0, 25.0, 60.0  # Libya to Afghanistan, Syria to Moscow: the theatres incidentkit covers
    return map_extent(pts, pad=2.0, min_span=8.0)


def theatre_traces(incidents: pd.DataFrame, sources: pd.DataFrame | None = None,
                   theatres: list[str] | None = None, branches: pd.DataFrame | None = None) -> list[go.Scatter]:
    """One marker trace per theatre (``theatres``, else those in ``incidents``), one mark per incident with
    coordinates; ``customdata`` holds each mark's row position in ``incidents``. An empty trace keeps its place
    (the explorer updates traces in place) and leaves the legend."""
    colors = theatre_colors()
    has = (incidents["latitude"].notna() & incidents["longitude"].notna()).to_numpy()
    rows = incidents.reset_index(drop=True)
    theatre = rows["theatre"].astype(object).fillna("Elsewhere")
    figures = incident_figures(rows, "killed")
    hover = np.asarray(hover_texts(rows, sources, branches), dtype=object) if len(rows) else np.asarray([], dtype=object)
    order = theatres if theatres is not None else [t for t in colors if t in set(theatre)] + sorted(
        set(theatre) - set(colors))
    traces = []
    for name in order:
        pick = np.flatnonzero(has & (theatre == name).to_numpy())
        # larger marks first (smaller ones drawn over them stay visible); a filled circle first, so that the
        # legend, which shows a trace's first mark, does not read as "no death figure" or "reference point"
        deaths = figures["best"].iloc[pick].astype("Float64").fillna(-1).to_numpy(dtype=float)
        plain = (figures["known"].iloc[pick].to_numpy(dtype=bool)
                 & rows["geo_precision"].iloc[pick].astype(object).isin(["point", "locality"]).to_numpy())
        pick = pick[np.lexsort((-deaths, ~plain))]
        sub = rows.iloc[pick]
        known = figures["known"].iloc[pick]
        traces.append(go.Scatter(
            x=sub["longitude"].to_numpy(dtype=float), y=sub["latitude"].to_numpy(dtype=float), mode="markers",
            name=f"{name} ({len(pick):,})", legendgroup=name, showlegend=bool(len(pick)),
            customdata=pick, hovertext=hover[pick].tolist() if len(pick) else [],
            hovertemplate="%{hovertext}<extra></extra>",
            marker={"color": colors.get(name, NEUTRAL_COLOR), "size": mark_sizes(figures["best"].iloc[pick], known),
                    "symbol": mark_symbols(sub["geo_precision"], known), "opacity": 0.78,
                    "line": {"color": colors.get(name, NEUTRAL_COLOR), "width": 1.4}},
            selected={"marker": {"opacity": 1.0}}, unselected={"marker": {"opacity": 0.25}},
        ))
    return traces


def map_layout(extent: tuple[float, float, float, float], title: str) -> dict[str, Any]:
    """Axes in degrees with the latitude's scale corrected (plate carrée at the box's middle latitude), the sea as
    background, panning by drag, the legend of theatres at the right, :data:`KEY` under the map."""
    x0, x1, y0, y1 = extent
    ratio = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    axis = {"showgrid": False, "zeroline": False, "showline": True, "linecolor": "#BBBBBB", "mirror": True,
            "ticks": "outside", "ticksuffix": "°"}
    return {
        "title": {"text": title, "x": 0.01, "y": 0.985, "yanchor": "top", "font": {"size": 15}},
        "height": HEIGHT,
        "autosize": False,  # until the page has placed the map (see _fit_to_page)
        "margin": {"l": 50, "r": 10, "t": 70, "b": 30},
        "plot_bgcolor": SEA,
        "paper_bgcolor": "white",
        "dragmode": "pan",
        "hovermode": "closest",
        "hoverlabel": {"bgcolor": "white", "font": {"size": 12}, "align": "left"},
        "xaxis": {**axis, "range": [x0, x1], "title": {"text": "longitude (east)"}},
        "yaxis": {**axis, "range": [y0, y1], "scaleanchor": "x", "scaleratio": ratio,
                  "title": {"text": "latitude (north)"}},
        "legend": {"title": {"text": "theatre (incidents on the map; click one to hide or show it)", "side": "top"},
                   "itemsizing": "constant", "orientation": "h", "x": 0, "y": -0.1,
                   "yanchor": "top", "font": {"size": 12}},
        "annotations": [{"text": KEY, "xref": "paper", "yref": "paper", "x": 0, "y": 1.0, "yanchor": "bottom",
                         "showarrow": False, "xanchor": "left", "font": {"size": 12, "color": "#555555"}}],
    }


def map_title(incidents: pd.DataFrame) -> str:
    """"12 of 14 incidents on the map; 2 have no coordinates"."""
    has = int((incidents["latitude"].notna() & incidents["longitude"].notna()).sum())
    missing = len(incidents) - has
    note = f"; {missing:,} {'has' if missing == 1 else 'have'} no coordinates and {'is' if missing == 1 else 'are'} " \
           "not shown" if missing else ""
    return f"Incident locations: {has:,} of {len(incidents):,} incidents on the map{note}"


def map_figure(incidents: pd.DataFrame, *, sources: pd.DataFrame | None = None,
               theatres: list[str] | None = None, branches: pd.DataFrame | None = None) -> go.Figure:
    """The map as a plotly ``Figure``: land and borders, country names, one marker trace per theatre."""
    extent = map_extent_of(incidents)
    fig = go.Figure(data=[*base_traces(extent), *theatre_traces(incidents, sources, theatres, branches)])
    fig.update_layout(map_layout(extent, map_title(incidents)))
    return fig


#: The plotly settings of the map in the page: scroll-wheel zoom, no plotly logo, the tools an analyst uses.
CONFIG: dict[str, Any] = {
    "scrollZoom": True,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["autoScale2d", "toggleSpikelines", "hoverCompareCartesian", "hoverClosestCartesian"],
    "toImageButtonOptions": {"format": "png", "filename": "incident-map", "scale": 2},
}


def incident_map(incidents: pd.DataFrame, *, sources: pd.DataFrame | None = None,
                 theatres: list[str] | None = None, branches: pd.DataFrame | None = None) -> go.FigureWidget:
    """An interactive map of incidents for JupyterLab: one mark per incident with coordinates over the bundled
    country borders (offline: no tiles, nothing fetched), coloured by theatre, sized by deaths, hollow when the
    toll is unknown, square or diamond when the position is only a province's or country's reference point.

    Hover a mark for its date, place, deaths and wounded with their ranges, IS's role, branch, claim and sources;
    drag to pan, scroll to zoom, click a mark or use the box and lasso tools to select. ``sources``
    (``ik.load_sources()``) and ``branches`` (``ik.load_branches()``) name the documents and branches in the hover
    text. Each marker trace's
    ``customdata`` is the row position of its marks in ``incidents``. ``theatres`` fixes the marker traces (one
    per theatre, in that order) so that :func:`update_map` can show another selection in place.
    """
    widget = go.FigureWidget(map_figure(incidents, sources=sources, theatres=theatres, branches=branches))
    widget._config = {**widget._config, **CONFIG}
    widget.add_class("ik-map")
    fit_to_page(widget)
    return widget


#: Seconds after which :func:`fit_to_page` asks the page to size the map again.
FIT_AFTER: tuple[float, ...] = (1.5, 4.0, 9.0)


def fit_to_page(widget: go.FigureWidget) -> None:
    """Size the map to the notebook's width once the page shows it. plotly's widget draws the figure before
    JupyterLab places it (at plotly's default 700 px) and is not told when it is placed: so, from the kernel, a
    few seconds after the map is made, ``autosize`` is switched off and on, which has plotly.js measure the page
    again. Outside a running event loop (a script, a test) nothing is scheduled."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    for delay in FIT_AFTER:
        loop.call_later(delay, _refit, widget)


def _refit(widget: go.FigureWidget) -> None:
    widget.layout.autosize = False
    widget.layout.autosize = True


def update_map(widget: go.FigureWidget, incidents: pd.DataFrame, *, sources: pd.DataFrame | None = None,
               theatres: list[str] | None = None, branches: pd.DataFrame | None = None) -> None:
    """Show other incidents on a map made by :func:`incident_map` with the same ``theatres``: the marker traces are
    updated in place (their selection callbacks stay), the view is fitted to the new incidents."""
    new = map_figure(incidents, sources=sources, theatres=theatres, branches=branches)
    if len(new.data) != len(widget.data):
        raise ValueError(f"update_map: the map has {len(widget.data) - 2} theatre traces, the incidents "
                         f"{len(new.data) - 2}; make both with the same theatres=")
    # one plotly update with a value for every trace: a batch of separate assignments reaches the page as arrays
    # with holes, which plotly.js reads as "reset to default" (names lost, a trace without its marker)
    restyle = {prop: [_plain(fresh[prop]) for fresh in new.data] for prop in _TRACE_UPDATES}
    relayout = {prop: _plain(new.layout[prop]) for prop in _LAYOUT_UPDATES}
    widget.plotly_update(restyle_data=restyle, relayout_data=relayout, trace_indexes=list(range(len(new.data))))


def _plain(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else list(value) if isinstance(value, tuple) else value


#: What :func:`update_map` sets on each trace and on the layout.
_TRACE_UPDATES = ("x", "y", "text", "customdata", "hovertext", "name", "showlegend", "marker.size", "marker.symbol")
_LAYOUT_UPDATES = ("title.text", "xaxis.range", "yaxis.range", "yaxis.scaleratio")


def on_map_selection(widget: go.FigureWidget, callback: Callable[[list[int]], None]) -> None:
    """Call ``callback(rows)`` with the row positions (``customdata``) of the marks selected on the map: by a click
    (that mark), or by the box or lasso tool (every mark inside, over all theatres)."""
    picked: dict[int, list[int]] = {}

    def selected(trace: Any, points: Any, _selector: Any) -> None:
        index = widget.data.index(trace)
        custom = list(trace.customdata) if trace.customdata is not None else []
        picked[index] = [int(custom[i]) for i in points.point_inds]
        callback(sorted({r for rows in picked.values() for r in rows}))

    def clicked(trace: Any, points: Any, _selector: Any) -> None:
        if not points.point_inds:
            return
        picked.clear()
        custom = list(trace.customdata)
        callback([int(custom[i]) for i in points.point_inds])

    for trace in widget.data[2:]:
        trace.on_selection(selected)
        trace.on_click(clicked)
