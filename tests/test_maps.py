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
        {"date": "2018-01-05", "latitude": 43.0, "longitude": 47.0, "killed_best": 10},
        {"date": "2018-01-06", "latitude": 42.5, "longitude": 46.0, "killed_best": 2},
        {"date": "2018-01-07", "latitude": 42.9, "longitude": 47.5, "killed_best": 0},
        {"date": "2018-01-08", "latitude": 43.3, "longitude": 45.7},  # deaths unknown: hollow marker
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
