"""The offline incident map: bundled borders, marker rules and counts, read back from the drawn figure."""

from __future__ import annotations

import hashlib
import socket

import matplotlib.pyplot as plt
import numpy as np
import pytest
from incidentkit.charts import maps
from test_regions import make_incidents

BORDERS_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"


@pytest.fixture
def incidents():
    return make_incidents([
        {"date": "2018-01-05", "latitude": 43.0, "longitude": 47.0, "killed_best": 10, "geo_precision": "locality"},
        {"date": "2018-01-06", "latitude": 42.5, "longitude": 46.0, "killed_best": 2, "geo_precision": "locality"},
        {"date": "2018-01-07", "latitude": 42.9, "longitude": 47.5, "killed_best": 0, "geo_precision": "point"},
        {"date": "2018-01-08", "latitude": 43.3, "longitude": 45.7, "geo_precision": "locality"},  # hollow marker
        {"date": "2018-01-09", "killed_best": 5},  # no coordinates: counted, not drawn
    ])


def test_bundled_borders_are_the_documented_file() -> None:
    assert hashlib.sha256(maps.BORDERS_PATH.read_bytes()).hexdigest() == BORDERS_SHA256
    assert (maps.BORDERS_PATH.parent / "LICENSE-world-atlas").is_file()
    borders = maps.load_borders()
    assert {"Russia", "Syria", "Libya", "Afghanistan", "Iraq"} <= set(borders["name"])
    assert borders.crs.to_epsg() == 4326


def test_counts_say_what_is_not_drawn(incidents) -> None:
    assert maps.map_counts(incidents) == {
        "incidents": 5, "mapped": 4, "without_coordinates": 1, "mapped_deaths_unknown": 1, "mapped_zero_deaths": 1,
    }


def test_map_markers_are_proportional_to_deaths(incidents, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args, **kwargs):
        raise AssertionError("the map must render offline")

    monkeypatch.setattr(socket, "socket", no_network)
    fig = maps.plot_incident_map(incidents, title="test", caption="caption")
    ax = fig.axes[0]
    groups = {c.get_gid(): c for c in ax.collections if c.get_gid()}
    deaths = groups["incidents-deaths"]
    sizes = deaths.get_sizes()
    assert sorted(sizes) == pytest.approx([2 * maps.marker_scale(10), 10 * maps.marker_scale(10)])
    assert max(sizes) == pytest.approx(maps.MAX_MARKER_AREA)
    assert sizes.max() / sizes.min() == pytest.approx(10 / 2)  # area, not radius, is proportional
    assert {tuple(p) for p in deaths.get_offsets()} == {(47.0, 43.0), (46.0, 42.5)}
    assert [tuple(p) for p in groups["incidents-zero"].get_offsets()] == [(47.5, 42.9)]
    unknown = groups["incidents-unknown"]
    assert [tuple(p) for p in unknown.get_offsets()] == [(45.7, 43.3)]
    assert np.all(unknown.get_facecolors()[:, 3] == 0)  # hollow
    # borders were drawn under the points
    assert any(c.get_gid() is None and len(c.get_paths()) > 0 for c in ax.collections)
    plt.close(fig)


def test_map_without_coordinates_says_so() -> None:
    df = make_incidents([{"date": "2018-01-09", "killed_best": 5}])
    fig = maps.plot_incident_map(df, title="t")
    assert fig.get_label() == "no-data"
    assert "coordinates" in " ".join(t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)
    fig = maps.plot_incident_map(make_incidents([]), title="t")
    assert "No incidents match" in " ".join(t.get_text() for t in fig.axes[0].texts)
    plt.close(fig)


def test_extent_has_a_minimum_span() -> None:
    pts = maps.map_points(make_incidents([{"date": "2018-01-05", "latitude": 43.0, "longitude": 47.0}]))
    x0, x1, y0, y1 = maps.map_extent(pts, min_span=6.0)
    assert (x1 - x0, y1 - y0) == (pytest.approx(6.0), pytest.approx(6.0))
    assert x0 < 47.0 < x1 and y0 < 43.0 < y1


def test_reference_positions_have_their_own_mark_and_legend_entry() -> None:
    """Issue 15: a republic's reference point looked like a town. It is a diamond, explained in the legend."""
    df = make_incidents([
        {"date": "2018-01-05", "latitude": 43.0, "longitude": 47.0, "killed_best": 10, "geo_precision": "locality",
         "location": "Kizlyar"},
        {"date": "2018-01-06", "latitude": 42.5, "longitude": 46.0, "killed_best": 20, "geo_precision": "admin1",
         "admin1": "Dagestan"},
    ])
    fig = maps.plot_incident_map(df, title="t")
    ax = fig.axes[0]
    groups = {c.get_gid(): c for c in ax.collections if c.get_gid()}
    assert [tuple(p) for p in groups["incidents-deaths"].get_offsets()] == [(47.0, 43.0)]
    assert [tuple(p) for p in groups["reference-deaths"].get_offsets()] == [(46.0, 42.5)]
    circle, diamond = (groups[g].get_paths()[0] for g in ("incidents-deaths", "reference-deaths"))
    assert len(circle.vertices) != len(diamond.vertices)  # another marker shape, not another size
    legend = " ".join(t.get_text() for t in fig.legends[0].get_texts())
    assert "reference point" in legend and "town or exact point" in legend
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "place-label"]
    assert sorted(labels) == ["Dagestan\nabout 20 killed", "Kizlyar\nabout 10 killed"]  # best only: "about"


def test_crowded_regions_get_an_inset_outlined_on_the_map() -> None:
    rows = [{"date": "2018-01-05", "latitude": 43.0 + i / 10, "longitude": 45.0 + i / 10, "killed_best": 1 + i,
             "geo_precision": "locality"} for i in range(4)]
    rows += [{"date": "2018-02-01", "latitude": 30.8, "longitude": 20.1, "killed_best": 3, "geo_precision": "locality"},
             {"date": "2018-02-02", "latitude": 55.8, "longitude": 37.4, "killed_best": 3, "geo_precision": "locality"}]
    fig = maps.plot_incident_map(make_incidents(rows), title="t")
    assert [a.get_title(loc="left") for a in fig.axes[1:]] == ["Enlarged: North Caucasus"]
    inset = fig.axes[1]
    assert len([c for c in inset.collections if c.get_offsets().size]) >= 1
    assert any(p.get_gid() == "inset-outline" for p in fig.axes[0].patches)
    # a map of the North Caucasus alone needs no inset
    assert len(maps.plot_incident_map(make_incidents(rows[:4]), title="t").axes) == 1


def test_outlines_across_the_antimeridian_are_split() -> None:
    """Russia's ring jumps from 180 to -180 degrees in the bundled file: drawn as is it would cross the whole map."""
    russia = maps.world_borders().set_index("name").loc["Russia", "geometry"]
    for poly in russia.geoms:
        x = np.asarray(poly.exterior.coords)[:, 0]
        assert np.abs(np.diff(x)).max() < 180
