"""A static map of incident locations over country borders that renders offline.

Borders come from ``geodata/countries-50m.json`` (Natural Earth 1:50m admin-0 via the world-atlas npm package,
public domain; see ``geodata/README.md``), read from the installed package: no tiles, no downloads.

Marker rules: a point at the incident's coordinates; marker *area* proportional to deaths (best figure);
incidents with 0 deaths are a small dot, incidents with no death figure a hollow mark of fixed size; colour is the
theatre's fixed colour; a circle where the source names a town or a point, a diamond where the position is only a
province's or a country's reference point (not where the incident happened); the size legend's markers are the
neutral grey (:data:`incidentkit.charts.style.NEUTRAL_COLOR`), no theatre's colour. The most affected places are
labelled; where incidents crowd (:data:`INSETS`: the North Caucasus, Syria) an enlarged inset map shows them apart.
Rows without coordinates cannot be drawn and are counted (see :func:`map_counts`). Country outlines that cross the
antimeridian (Russia, Fiji) are split there (:func:`antimeridian_pieces`), so no outline runs across the map.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
import shapely.affinity
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from ..analysis.measures import incident_figures
from ..analysis.wording import format_range
from ..errors import IncidentkitError
from .base import no_data_figure
from .style import NEUTRAL_COLOR, add_caption, theatre_colors, wrap_title

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

#: The bundled border file (TopoJSON, layer ``countries``).
BORDERS_PATH = Path(__file__).resolve().parent / "geodata" / "countries-50m.json"
#: Marker area (points^2) of the deadliest incident on a map; others are scaled by their share of it.
MAX_MARKER_AREA = 700.0
#: Marker area of incidents with zero deaths (area proportional to deaths would make them invisible).
ZERO_MARKER_AREA = 6.0
#: Marker area of incidents whose death toll is unknown (hollow circle).
UNKNOWN_MARKER_AREA = 40.0
#: ``geo_precision`` values whose coordinates are a reference point of a province or a country, not the place.
REFERENCE_PRECISIONS = frozenset({"admin1", "country"})
#: Marker of a place (town, point) and of a reference position.
PLACE_MARKER, REFERENCE_MARKER = "o", "D"
#: Regions where incidents crowd on a map of several theatres: ``name -> (lon0, lon1, lat0, lat1)``, drawn enlarged
#: in an inset when they hold at least :data:`INSET_MIN_POINTS` incidents and are small beside the whole map.
INSETS: dict[str, tuple[float, float, float, float]] = {
    "North Caucasus": (38.5, 49.0, 41.2, 45.6),
    "Syria": (35.5, 42.5, 32.2, 37.4),
}
INSET_MIN_POINTS = 3
#: Most places labelled on a map (the most deaths first).
LABELLED_PLACES = 6


def antimeridian_pieces(poly: Any) -> list[Any]:
    """A polygon that crosses the antimeridian (its ring jumps from 180° to -180°, as Russia's and Fiji's do in the
    bundled file) as the valid pieces on either side of it; any other polygon as it is."""
    minx, _, maxx, _ = poly.bounds
    if maxx - minx <= 180 and poly.is_valid:
        return [poly]
    moved = shapely.make_valid(shapely.transform(poly, lambda xy: np.where(xy[:, :1] < 0, xy + [360.0, 0.0], xy)))
    east = moved.intersection(shapely.box(-180, -90, 180, 90))
    west = shapely.affinity.translate(moved.intersection(shapely.box(180, -90, 540, 90)), xoff=-360)
    return [g for g in (east, west) if not g.is_empty]


@lru_cache(maxsize=1)
def world_borders() -> gpd.GeoDataFrame:
    """The bundled borders with every antimeridian-crossing outline split (:func:`antimeridian_pieces`)."""
    borders = load_borders()
    geoms = []
    for geom in borders.geometry:
        parts = [piece for poly in getattr(geom, "geoms", [geom]) for piece in antimeridian_pieces(poly)]
        geoms.append(shapely.union_all(parts) if parts else geom)
    return borders.set_geometry(geoms, crs=borders.crs)


@lru_cache(maxsize=4)
def _read_borders(path: str, mtime_ns: int) -> gpd.GeoDataFrame:
    import geopandas as gpd  # lazy: ~0.6 s to import, and only reading the border file needs it

    try:
        gdf = gpd.read_file(path, layer="countries")
    except Exception as exc:  # noqa: BLE001 - re-raised with the file named
        raise IncidentkitError(f"{path}: cannot read the border file (TopoJSON layer 'countries'): {exc}") from exc
    return gdf.set_crs("EPSG:4326", allow_override=True)


def load_borders(path: Path | None = None) -> gpd.GeoDataFrame:
    """Return the country borders (columns ``id``, ``name``, ``geometry``; EPSG:4326) from the bundled file."""
    p = Path(path) if path is not None else BORDERS_PATH
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError:
        raise IncidentkitError(f"{p}: border file not found (it ships with incidentkit in geodata/)") from None
    return _read_borders(str(p), mtime).copy()


def map_points(df: pd.DataFrame) -> pd.DataFrame:
    """Return the incidents that can be placed: ``incident_id``, ``date``, ``theatre``, ``longitude``,
    ``latitude``, ``geo_precision``, ``deaths`` (best figure, nullable), ``deaths_known``, ``place`` (the location,
    else the province, else the country) and ``deaths_text`` (as the sources state it)."""
    fig = incident_figures(df, "killed")
    has = df["latitude"].notna() & df["longitude"].notna()
    out = pd.DataFrame(
        {
            "incident_id": df["incident_id"].astype(object),
            "date": df["date"],
            "theatre": df["theatre"].astype(object),
            "longitude": df["longitude"].astype("float64"),
            "latitude": df["latitude"].astype("float64"),
            "geo_precision": df["geo_precision"].astype(object),
            "deaths": fig["best"],
            "deaths_known": fig["known"],
            "place": [next((str(v) for v in (r.location, r.admin1, r.country) if isinstance(v, str) and v.strip()),
                           "") for r in df[["location", "admin1", "country"]].itertuples()],
            "deaths_text": [format_range(lo, be, hi) for lo, be, hi in
                            zip(df["killed_low"], df["killed_best"], df["killed_high"], strict=True)],
        },
        index=df.index,
    )
    return out[has.to_numpy()].reset_index(drop=True)


def map_counts(df: pd.DataFrame) -> dict[str, int]:
    """Return what the map shows: ``incidents``, ``mapped``, ``without_coordinates``, and among the mapped ones
    ``mapped_deaths_unknown`` (hollow markers) and ``mapped_zero_deaths`` (small dots)."""
    pts = map_points(df)
    return {
        "incidents": int(len(df)),
        "mapped": int(len(pts)),
        "without_coordinates": int(len(df) - len(pts)),
        "mapped_deaths_unknown": int((~pts["deaths_known"]).sum()),
        "mapped_zero_deaths": int((pts["deaths_known"] & (pts["deaths"].fillna(-1) == 0)).sum()),
    }


def map_extent(points: pd.DataFrame, *, pad: float = 1.5, min_span: float = 6.0) -> tuple[float, float, float, float]:
    """Return ``(lon_min, lon_max, lat_min, lat_max)`` around the points, padded, at least ``min_span`` degrees
    wide and high, clamped to the globe."""
    if points.empty:
        raise ValueError("map_extent: no points with coordinates")
    lo_x, hi_x = float(points["longitude"].min()) - pad, float(points["longitude"].max()) + pad
    lo_y, hi_y = float(points["latitude"].min()) - pad, float(points["latitude"].max()) + pad
    if hi_x - lo_x < min_span:
        mid = (hi_x + lo_x) / 2
        lo_x, hi_x = mid - min_span / 2, mid + min_span / 2
    if hi_y - lo_y < min_span:
        mid = (hi_y + lo_y) / 2
        lo_y, hi_y = mid - min_span / 2, mid + min_span / 2
    return max(lo_x, -180.0), min(hi_x, 180.0), max(lo_y, -90.0), min(hi_y, 90.0)


def marker_scale(max_deaths: int) -> float:
    """Return the marker area per death (points^2) so that the deadliest incident gets :data:`MAX_MARKER_AREA`."""
    return MAX_MARKER_AREA / max(int(max_deaths), 1)


def _size_legend_values(max_deaths: int) -> list[int]:
    if max_deaths <= 0:
        return []
    top = 10 ** int(math.floor(math.log10(max_deaths)))
    values = sorted({v for v in (top // 100, top // 10, top) if v >= 1} | {int(max_deaths)})
    return values[-3:]


def _inside(pts: pd.DataFrame, box: tuple[float, float, float, float]) -> np.ndarray:
    x0, x1, y0, y1 = box
    return ((pts["longitude"] >= x0) & (pts["longitude"] <= x1) & (pts["latitude"] >= y0)
            & (pts["latitude"] <= y1)).to_numpy()


def crowded_regions(pts: pd.DataFrame, extent: tuple[float, float, float, float]) -> list[str]:
    """The :data:`INSETS` worth an enlarged inset: at least :data:`INSET_MIN_POINTS` incidents inside, and less than
    40 % of the map's width and height (else the map already shows them at that scale)."""
    x0, x1, y0, y1 = extent
    out = []
    for name, box in INSETS.items():
        small = (box[1] - box[0]) < 0.4 * (x1 - x0) and (box[3] - box[2]) < 0.4 * (y1 - y0)
        if small and int(_inside(pts, box).sum()) >= INSET_MIN_POINTS:
            out.append(name)
    return out


def _draw_points(ax: Any, pts: pd.DataFrame, k: float, colors: dict[str, str], *, gids: bool) -> None:
    """The incidents on one map: filled marks sized by deaths, dots for 0 deaths, hollow marks for no figure;
    circles for places, diamonds for reference positions. ``gids``: tag the groups (the main map)."""
    col = pts["theatre"].map(lambda t: colors.get(t, NEUTRAL_COLOR)).to_numpy()
    known = pts["deaths_known"].to_numpy(dtype=bool)
    deaths = pts["deaths"].fillna(0).astype("int64").to_numpy()
    reference = pts["geo_precision"].isin(REFERENCE_PRECISIONS).to_numpy()
    for is_ref, marker, prefix in ((False, PLACE_MARKER, "incidents"), (True, REFERENCE_MARKER, "reference")):
        here = reference == is_ref
        positive = here & known & (deaths > 0)
        zero = here & known & (deaths == 0)
        unknown = here & ~known
        order = np.argsort(-deaths[positive], kind="stable")  # large markers first, small ones on top
        pos = pts[positive].iloc[order]
        sc = ax.scatter(pos["longitude"], pos["latitude"], s=deaths[positive][order] * k, c=col[positive][order],
                        marker=marker, alpha=0.6, edgecolors="white", linewidths=0.4, zorder=3)
        sc0 = ax.scatter(pts.loc[zero, "longitude"], pts.loc[zero, "latitude"], s=ZERO_MARKER_AREA, c=col[zero],
                         marker=marker, linewidths=0, zorder=4)
        scu = ax.scatter(pts.loc[unknown, "longitude"], pts.loc[unknown, "latitude"], s=UNKNOWN_MARKER_AREA,
                         marker=marker, facecolors="none", edgecolors=col[unknown] if unknown.any() else "none",
                         linewidths=1.0, zorder=4)
        if gids:
            sc.set_gid(f"{prefix}-deaths")
            sc0.set_gid(f"{prefix}-zero")
            scu.set_gid(f"{prefix}-unknown")


def _base(ax: Any, extent: tuple[float, float, float, float]) -> float:
    """Sea, land and borders inside ``extent`` on ``ax``; returns the aspect ratio used (plate carrée corrected for
    the latitude)."""
    x0, x1, y0, y1 = extent
    ax.set_facecolor("#EAF2F8")
    ax.grid(False)
    world_borders().cx[x0:x1, y0:y1].plot(ax=ax, facecolor="#F7F7F7", edgecolor="#8C8C8C", linewidth=0.5)
    aspect = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    return aspect


def _label_places(ax: Any, pts: pd.DataFrame, taken: list[Any]) -> list[str]:
    """Label the places of ``pts`` (the most deaths first) beside their marks, trying six positions and skipping
    a label that would overlap one already drawn (``taken``: boxes of the labels and of what they must not cover,
    shared across the maps); a label stays inside its map."""
    fig = ax.get_figure()
    renderer = fig.canvas.get_renderer()
    drawn = []
    for _, r in pts.iterrows():
        text = f"{r['place']}\n{r['deaths_text']} killed" if r["place"] else f"{r['deaths_text']} killed"
        gap = math.sqrt(float(r["_area"])) / 2 + 2  # points from the mark's centre to its edge, and a little more
        for dx, dy, ha, va in ((gap, 0, "left", "center"), (-gap, 0, "right", "center"), (0, gap, "center", "bottom"),
                               (0, -gap, "center", "top"), (gap, gap, "left", "bottom"), (-gap, -gap, "right", "top")):
            label = ax.annotate(text, (r["longitude"], r["latitude"]), xytext=(dx, dy), textcoords="offset points",
                                ha=ha, va=va, fontsize=9, color="#222222", zorder=6, gid="place-label",
                                linespacing=1.1, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                                       "edgecolor": "none", "alpha": 0.75})
            box = label.get_window_extent(renderer)
            area = ax.get_window_extent(renderer)
            inside = area.contains(box.x0, box.y0) and area.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(t) for t in taken):
                taken.append(box)
                drawn.append(text)
                break
            label.remove()
    return drawn


def _legend_handles(present: list[str], colors: dict[str, str], max_deaths: int, k: float,
                    pts: pd.DataFrame) -> list[Any]:
    handles: list[Any] = [Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor=colors[t],
                                 markeredgecolor="none", label=t) for t in present]
    for v in _size_legend_values(max_deaths):
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=min(math.sqrt(v * k), 18.0),
                              markerfacecolor=NEUTRAL_COLOR, markeredgecolor="white", gid="size-legend",
                              label=f"{v:,} death" if v == 1 else f"{v:,} deaths"))
    known = pts["deaths_known"].to_numpy(dtype=bool)
    if (known & (pts["deaths"].fillna(-1).to_numpy() == 0)).any():
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=math.sqrt(ZERO_MARKER_AREA),
                              markerfacecolor="#555555", markeredgecolor="none", label="0 deaths"))
    if (~known).any():
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=math.sqrt(UNKNOWN_MARKER_AREA),
                              markerfacecolor="none", markeredgecolor="#555555", label="no death figure"))
    handles.append(Line2D([], [], linestyle="none", marker=PLACE_MARKER, markersize=7, markerfacecolor="#BBBBBB",
                          markeredgecolor="#555555", label="town or exact point"))
    if pts["geo_precision"].isin(REFERENCE_PRECISIONS).any():
        handles.append(Line2D([], [], linestyle="none", marker=REFERENCE_MARKER, markersize=7,
                              markerfacecolor="#BBBBBB", markeredgecolor="#555555", gid="reference-legend",
                              label="province or country reference point\n(not where it happened)"))
    return handles


def plot_incident_map(
    df: pd.DataFrame, *, title: str = "Incident locations", caption: str = ""
) -> Figure:
    """Draw the incidents at their coordinates over country borders (plate carrée, aspect corrected for latitude).

    Filled marks: area proportional to deaths (best); small dots: 0 deaths; hollow marks: deaths unknown; circles:
    a town or a point, diamonds: a province's or a country's reference point. Colours: the theatres' fixed colours.
    The most affected places (:data:`LABELLED_PLACES`, the most deaths first) are labelled with their deaths as the
    sources state them; crowded regions (:func:`crowded_regions`) get an enlarged inset beside the map, outlined
    on it. The marker groups of the main map carry the gids ``incidents-deaths``, ``incidents-zero``,
    ``incidents-unknown`` (and ``reference-*`` for the reference positions; tests read them back). With nothing to
    place, the figure says so.
    """
    pts = map_points(df)
    if pts.empty:
        text = "No incidents match the selection" if df.empty else "No incident in the selection has coordinates"
        return no_data_figure(title, caption, text=text)
    extent = map_extent(pts)
    x0, x1, y0, y1 = extent
    insets = crowded_regions(pts, extent)
    colors = theatre_colors()
    known = pts["deaths_known"].to_numpy(dtype=bool)
    deaths = pts["deaths"].fillna(0).astype("int64").to_numpy()
    max_deaths = int(deaths[known & (deaths > 0)].max()) if (known & (deaths > 0)).any() else 0
    k = marker_scale(max_deaths)
    aspect = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    main_width = 5.6 if insets else 8.8
    height = min(max(main_width * (y1 - y0) * aspect / (x1 - x0), 3.5), 8.0)
    fig_height = height + 2.1
    fig = plt.figure(figsize=(10.0, fig_height))
    # the maps above, the legend in the bottom 1.7 inches
    grid = fig.add_gridspec(max(len(insets), 1), 2 if insets else 1, width_ratios=[1.75, 1.0] if insets else None,
                            left=0.08, right=0.99, top=1 - 0.45 / fig_height, bottom=1.65 / fig_height, wspace=0.12,
                            hspace=0.3)
    ax = fig.add_subplot(grid[:, 0])
    inset_axes = [fig.add_subplot(grid[i, 1]) for i in range(len(insets))]
    _base(ax, extent)
    _draw_points(ax, pts, k, colors, gids=True)
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.set_title(wrap_title(fig, title, 13 * 1.6))
    for name, iax in zip(insets, inset_axes, strict=True):
        box = INSETS[name]
        _base(iax, box)
        _draw_points(iax, pts[_inside(pts, box)], k, colors, gids=False)
        iax.set_title(f"Enlarged: {name}", fontsize=10, loc="left")
        iax.set_xlabel("")
        iax.set_ylabel("")
        iax.tick_params(labelsize=8)
        ax.add_patch(Rectangle((box[0], box[2]), box[1] - box[0], box[3] - box[2], fill=False, linestyle="--",
                               linewidth=0.9, edgecolor="#333333", zorder=5, gid="inset-outline"))
    present = [t for t in colors if t in set(pts["theatre"])]
    fig.legend(handles=_legend_handles(present, colors, max_deaths, k, pts), loc="lower center", ncol=4, fontsize=9,
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.draw_without_rendering()
    top = pts[known & (deaths > 0)].assign(_d=deaths[known & (deaths > 0)], _area=deaths[known & (deaths > 0)] * k).sort_values(
        ["_d", "date", "incident_id"], ascending=[False, True, True], kind="stable").head(LABELLED_PLACES)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    taken: list[Any] = []
    outside = np.ones(len(top), dtype=bool)
    for name, iax in zip(insets, inset_axes, strict=True):
        inside = _inside(top, INSETS[name])
        _label_places(iax, top[inside], taken)
        outside &= ~inside
    taken += [a.get_window_extent(renderer) for a in inset_axes]  # a main-map label never covers an inset
    _label_places(ax, top[outside], taken)
    add_caption(fig, " ".join(t for t in (caption, "Labels: the places with the most deaths, as the sources state "
                                          "them." if len(top) else "") if t))
    return fig
