"""A static map of incident locations over country borders that renders offline.

Borders come from ``geodata/countries-50m.json`` (Natural Earth 1:50m admin-0 via the world-atlas npm package,
public domain; see ``geodata/README.md``), read from the installed package: no tiles, no downloads.

Marker rules: a point at the incident's coordinates; marker *area* proportional to deaths (best figure);
incidents with 0 deaths are a small dot, incidents with no death figure a hollow circle of fixed size; colour is the
theatre's fixed colour; the size legend's markers are the neutral grey (:data:`incidentkit.charts.style.NEUTRAL_COLOR`), no
theatre's colour. Rows without coordinates cannot be drawn and are counted (see :func:`map_counts`).
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ..analysis.measures import incident_figures
from ..errors import IncidentkitError
from .base import no_data_figure
from .style import NEUTRAL_COLOR, add_caption, theatre_colors

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
    ``latitude``, ``geo_precision``, ``deaths`` (best figure, nullable) and ``deaths_known``."""
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


def plot_incident_map(
    df: pd.DataFrame, *, title: str = "Incident locations", caption: str = ""
) -> Figure:
    """Draw the incidents at their coordinates over country borders (plate carrée, aspect corrected for latitude).

    Filled circles: area proportional to deaths (best); small dots: 0 deaths; hollow circles: deaths unknown.
    Colours: the theatres' fixed colours. The three marker groups carry the gids ``incidents-deaths``,
    ``incidents-zero`` and ``incidents-unknown`` (tests read them back). With nothing to place, the figure says so.
    """
    pts = map_points(df)
    if pts.empty:
        text = "No incidents match the selection" if df.empty else "No incident in the selection has coordinates"
        return no_data_figure(title, caption, text=text)
    x0, x1, y0, y1 = map_extent(pts)
    borders = load_borders().cx[x0:x1, y0:y1]
    width = 8.5
    aspect = 1.0 / max(math.cos(math.radians((y0 + y1) / 2)), 0.2)
    # the map takes about 70 % of the width (the legend the rest): size the height to the map's own shape
    height = min(max(0.7 * width * (y1 - y0) * aspect / (x1 - x0), 3.5), 11.0)
    fig, ax = plt.subplots(figsize=(width, height + 0.8))
    ax.set_facecolor("#EAF2F8")
    ax.grid(False)
    borders.plot(ax=ax, facecolor="#F7F7F7", edgecolor="#8C8C8C", linewidth=0.5)
    colors = theatre_colors()
    col = pts["theatre"].map(lambda t: colors.get(t, NEUTRAL_COLOR)).to_numpy()
    known = pts["deaths_known"].to_numpy(dtype=bool)
    deaths = pts["deaths"].fillna(0).astype("int64").to_numpy()
    positive = known & (deaths > 0)
    zero = known & (deaths == 0)
    max_deaths = int(deaths[positive].max()) if positive.any() else 0
    k = marker_scale(max_deaths)
    order = np.argsort(-deaths[positive], kind="stable")  # large markers first, small ones on top
    pos = pts[positive].iloc[order]
    sc = ax.scatter(pos["longitude"], pos["latitude"], s=deaths[positive][order] * k, c=col[positive][order],
                    alpha=0.6, edgecolors="white", linewidths=0.4, zorder=3)
    sc.set_gid("incidents-deaths")
    sc0 = ax.scatter(pts.loc[zero, "longitude"], pts.loc[zero, "latitude"], s=ZERO_MARKER_AREA, c=col[zero],
                     linewidths=0, zorder=4)
    sc0.set_gid("incidents-zero")
    scu = ax.scatter(pts.loc[~known, "longitude"], pts.loc[~known, "latitude"], s=UNKNOWN_MARKER_AREA,
                     facecolors="none", edgecolors=col[~known] if (~known).any() else "none", linewidths=1.0,
                     zorder=4)
    scu.set_gid("incidents-unknown")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect)
    ax.set_xlabel("longitude (degrees east)")
    ax.set_ylabel("latitude (degrees north)")
    ax.set_title(title)
    present = [t for t in colors if t in set(pts["theatre"])]
    handles: list[Any] = [Line2D([], [], linestyle="none", marker="o", markersize=7, markerfacecolor=colors[t],
                                 markeredgecolor="none", label=t) for t in present]
    for v in _size_legend_values(max_deaths):
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=math.sqrt(v * k),
                              markerfacecolor=NEUTRAL_COLOR, markeredgecolor="white", gid="size-legend",
                              label=f"{v} death" if v == 1 else f"{v} deaths"))
    if zero.any():
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=math.sqrt(ZERO_MARKER_AREA),
                              markerfacecolor="#555555", markeredgecolor="none", label="0 deaths"))
    if (~known).any():
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=math.sqrt(UNKNOWN_MARKER_AREA),
                              markerfacecolor="none", markeredgecolor="#555555", label="deaths unknown"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, labelspacing=1.1)
    fig.tight_layout()
    if caption:
        add_caption(fig, caption)
    return fig
