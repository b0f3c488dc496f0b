"""The exploration widgets without a browser: ``ik.explore`` (its controls drive the rows shown, the map's marks and
the table), ``ik.incident_table`` and ``ik.incident_map`` on the curated table, on crafted rows and on the real
GTD/ACLED/UCDP samples (skipped, with the reason, when ``../shared/real-samples`` is absent).

Expected numbers come from plain pandas on the curated CSV files (``tests/plain_pandas.py``). What the page does
with them (sorting, hovering, selecting, nothing fetched) is checked in headless Chromium by
``tests/browser/test_browser_explore.py``.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import incidentkit as ik
import numpy as np
import pandas as pd
import plain_pandas as plain
import pytest
from conftest import make_incidents
from incidentkit.data.readers import RowsRejectedWarning
from incidentkit.data.readers.registry import dataset_name, datasets
from incidentkit.data.roles import NO_ROLE_WORDS
from incidentkit.widgets import Explorer, records
from incidentkit.widgets.mapview import SYMBOLS, _world, map_figure, update_map
from incidentkit.widgets.table import table_options

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-samples"
SAMPLES = {
    "gtd": (REAL / "gtd" / "globalterrorismdb_0718dist_HEAD-truncated-1MiB.csv", False),  # 1970-72: no IS row
    "acled": (REAL / "acled" / "acledR_acled_old_deletion_dummy_2022H1.csv", True),
    "ucdp": (REAL / "ucdp" / "ged231_random-sample-1000_uncertainUCDP.csv", True),
}
HOSTILE = "<img src=x onerror=alert(1)> & <script>alert(2)</script>"


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return ik.explore()


def _perpetrated(**selection: object) -> pd.DataFrame:
    df = plain.incidents(**selection)
    return df[df["is_role"] == "perpetrator"]


def _said(explorer: Explorer) -> str:
    """The Markdown of the explorer's statement (what its ``summary`` output shows)."""
    return explorer.statement


def _marks(widget: object) -> int:
    return sum(len(trace.x) for trace in widget.data[2:])  # type: ignore[attr-defined]


# --- the explorer ------------------------------------------------------------------------------------------------


def test_the_explorer_starts_on_the_violence_carried_out_by_is(explorer: Explorer) -> None:
    want = _perpetrated()
    assert explorer.roles == ("perpetrator",) == explorer.selection.roles
    assert len(explorer.incidents) == len(want) > 0
    assert sorted(explorer.incidents["incident_id"]) == sorted(want["incident_id"])
    assert _marks(explorer.map) == plain.mapped(want)
    assert len(explorer.table._df) == len(want)
    # each list offers the values the source holds, with their counts over the whole source (every role read)
    everything = plain.incidents(roles=None)
    assert [(v, label) for label, v in explorer.role.options] == [
        ("perpetrator", f"violence carried out by IS ({(everything['is_role'] == 'perpetrator').sum()})"),
        ("two_sided", f"two-sided fighting involving IS ({(everything['is_role'] == 'two_sided').sum()})"),
        ("target", f"operations against IS ({(everything['is_role'] == 'target').sum()})"),
    ]
    counts = everything["theatre"].value_counts()
    assert [v for _, v in explorer.theatres.options] == [t for t in plain.theatre_order() if t in counts]
    assert all(label == f"{v} ({counts[v]})" for label, v in explorer.theatres.options)


def test_each_control_changes_the_rows_the_map_and_the_table(explorer: Explorer) -> None:
    explorer.clear_filters()
    explorer.theatres.value = ("North Caucasus",)
    want = _perpetrated(theatres=["North Caucasus"])
    assert sorted(explorer.incidents["incident_id"]) == sorted(want["incident_id"])
    assert _marks(explorer.map) == plain.mapped(want) < len(_perpetrated())
    assert explorer.table._df["incident id"].tolist() == explorer.incidents["incident_id"].tolist()
    assert "North Caucasus (" in explorer.map.data[2].name and explorer.map.data[3].showlegend is False

    explorer.role.value = ("target",)
    targets = plain.incidents(theatres=["North Caucasus"], roles=None)
    targets = targets[targets["is_role"] == "target"]
    assert sorted(explorer.incidents["incident_id"]) == sorted(targets["incident_id"])

    explorer.role.value = ()  # no role chosen: every role, and the statement names each
    assert explorer.roles == ("perpetrator", "two_sided", "target")
    assert len(explorer.incidents) == len(plain.incidents(theatres=["North Caucasus"], roles=None))
    assert "Counted: every role of IS (violence by IS, two-sided fighting and operations against IS)" in _said(
        explorer)

    explorer.clear_filters()
    explorer.claims.value = ("claimed",)
    claimed = _perpetrated()
    assert sorted(explorer.incidents["incident_id"]) == sorted(
        claimed.loc[claimed["claim_status"] == "claimed", "incident_id"])

    explorer.clear_filters()
    options = [t for _, t in explorer.dates.options]
    lo = options.index(pd.Timestamp("2018-01-01"))
    hi = options.index(pd.Timestamp("2018-12-01"))
    explorer.dates.index = (lo, hi)
    in_2018 = _perpetrated(start="2018-01-01", end="2018-12-31")
    assert sorted(explorer.incidents["incident_id"]) == sorted(in_2018["incident_id"])
    assert explorer.selection.period_label == "2018-01-01 to 2018-12-31"
    explorer.clear_filters()
    assert len(explorer.incidents) == len(_perpetrated())


def test_selecting_on_the_map_selects_the_rows_and_shows_their_sources(explorer: Explorer) -> None:
    explorer.clear_filters()
    explorer.theatres.value = ("Libya",)
    trace = next(t for t in explorer.map.data[2:] if len(t.x))
    rows = [int(trace.customdata[0])]
    explorer._map_selected(rows)  # what a click on that mark calls (the browser test clicks for real)
    assert explorer.table.selected_rows == rows
    picked = explorer.incidents.iloc[rows[0]]
    assert explorer.selected["incident_id"].tolist() == [picked["incident_id"]]
    sources = plain.table("sources").set_index("source_id")
    for sid in picked["source_ids"].split(";"):
        assert records.esc(sources.loc[sid, "title"]) in explorer.details.value
        assert records.esc(sources.loc[sid, "publisher"]) in explorer.details.value
    explorer.table.selected_rows = []
    assert explorer.selected.empty and "Select incidents" in explorer.details.value


def test_the_explorer_understands_filters_as_analysts_type_them() -> None:
    """Item 5 of issue 14 for every filter the explorer offers: case- and accent-blind, aliases, did you mean. IS's
    roles are checked by the parameter contract's ``roles`` rule, as in every notebook."""
    e = ik.explore(theatres=["north caucasus"], branches=["ISK", "daesh-k"], claim_status=["CLAIMED"],
                   roles=["Perpetrator", "operation against IS"])
    assert e.theatres.value == ("North Caucasus",)
    assert e.branches.value == ("is-khorasan",)
    assert e.claims.value == ("claimed",)
    assert e.roles == ("perpetrator", "target") and e.role.value == ("perpetrator", "target")
    with pytest.raises(ik.ParameterError, match=r"theatres: unknown value 'Nort Caucasus' \(did you mean 'North"):
        ik.explore(theatres=["Nort Caucasus"])
    with pytest.raises(ik.ParameterError, match=r"roles: unknown value 'targte' \(did you mean 'target'\?\)"):
        ik.explore(roles=["targte"])
    with pytest.raises(ik.ParameterError, match=r"roles: unknown value 'targte' \(did you mean 'target'\?\)"):
        ik.check_parameters(roles=["targte"])  # the same message from the contract
    assert ik.explore(roles="Two-Sided").roles == ("two_sided",)
    assert ik.explore(roles=["all"]).roles == ("perpetrator", "two_sided", "target")


def test_the_explorer_takes_a_checked_selection() -> None:
    sel = ik.check_parameters(theatres=["Syria: Badia"], start="2019-01-01", end="2023-12-31", period="year")
    e = ik.explore(sel)
    assert e.period.value == "year"
    assert e.selection.theatres == ["Syria: Badia"] and e.selection.period_label == "2019-01-01 to 2023-12-31"
    want = _perpetrated(theatres=["Syria: Badia"], start="2019-01-01", end="2023-12-31")
    assert sorted(e.incidents["incident_id"]) == sorted(want["incident_id"])
    # the selection's roles are the explorer's (the notebook's ``roles`` parameter)
    everyone = ik.explore(ik.check_parameters(theatres=["Syria: other"], roles=["target"]))
    assert everyone.roles == ("target",) and everyone.role.value == ("target",)
    targets = plain.incidents(theatres=["Syria: other"], roles=None)
    assert sorted(everyone.incidents["incident_id"]) == sorted(
        targets.loc[targets["is_role"] == "target", "incident_id"])
    assert everyone.selection.label.endswith("; operations against IS")


def test_the_statement_is_the_librarys_coverage_statement_and_description(explorer: Explorer) -> None:
    explorer.clear_filters()
    explorer.theatres.value = ("North Caucasus",)
    sel, rows = explorer.selection, explorer.incidents
    assert _said(explorer) == (ik.text.coverage_statement(rows, sel) + "\n\n"
                               + ik.text.describe_selection(rows, sel.label, sel.source_label))
    assert "Documented incidents, not a count" in _said(explorer)
    assert "Counted: violence carried out by IS" in _said(explorer)


def test_a_bad_source_is_said_in_the_explorer_not_raised(explorer: Explorer) -> None:
    before = len(explorer.incidents)
    explorer.source.value = "no-such-export.csv"
    assert "ik-error" in explorer.message.value and "no-such-export.csv" in explorer.message.value
    assert len(explorer.incidents) == before  # what was shown stays
    explorer.source.value = "curated"
    assert explorer.message.value == ""


# --- the table ---------------------------------------------------------------------------------------------------


def test_the_table_shows_ranges_and_unknowns_and_sorts_them_by_the_best_figure() -> None:
    df = make_incidents([
        {"incident_id": "a", "date": "2020-01-05", "date_precision": "day", "killed_low": 27,  # no upper bound
         "is_role": "target"},
        {"incident_id": "b", "date": "2020-02-01", "date_precision": "month", "killed_low": 3, "killed_best": 4,
         "killed_high": 6, "wounded_low": 0, "wounded_best": 0, "wounded_high": 0},
        {"incident_id": "c", "date": "2020-01-01", "date_precision": "year"},  # no figure at all
    ])
    frame = records.table_frame(df)
    assert frame["date"].tolist() == ["2020-01-05", "2020-02", "2020"]
    assert frame["deaths"].tolist() == ["at least 27", "4 (3-6)", "no figure"]
    assert frame["wounded"].tolist() == ["no figure", "0", "no figure"]  # a stated 0 is 0; a blank is no figure
    # one incident's role in the library's words (data/roles.py); a row whose source codes none says so
    assert frame["IS's role"].tolist() == ["operation against IS", NO_ROLE_WORDS, NO_ROLE_WORDS]
    assert frame["deaths_sort"].tolist()[:2] == [27, 4] and pd.isna(frame["deaths_sort"].iloc[2])
    options = table_options(frame)
    cols = list(frame.columns)
    by_target = {d["targets"][0]: d for d in options["columnDefs"] if "orderData" in d}
    assert by_target[cols.index("deaths")]["orderData"][0] == cols.index("deaths_sort")
    hidden = {t for d in options["columnDefs"] if d.get("visible") is False for t in d["targets"]}
    assert {cols[t] for t in hidden} == {"deaths_sort", "wounded_sort", "incident id", "full text"}
    assert options["allow_html"] is False and options["select"]


def test_the_table_names_documents_and_branches_and_searches_the_whole_text() -> None:
    incidents = ik.load_incidents()
    frame = records.table_frame(incidents, ik.load_sources(), ik.load_branches())
    raw = plain.table("incidents").set_index("incident_id")
    titles = plain.table("sources").set_index("source_id")["title"]
    names = plain.table("branches").set_index("branch_id")["name"]
    for _, row in frame.iterrows():
        cited = raw.loc[row["incident id"], "source_ids"].split(";")
        assert all(titles[s] in row["full text"] for s in cited)
        branch = raw.loc[row["incident id"], "is_branch"]
        assert row["branch"] == (names[branch] if branch else "")
        assert len(row["summary"]) <= records.SUMMARY_CHARS + 2
        assert raw.loc[row["incident id"], "summary"] in row["full text"]


def test_the_table_widget_keeps_its_options_when_it_shows_other_rows() -> None:
    from incidentkit.widgets.table import update_table

    table = ik.incident_table(ik.load_incidents())
    defs = json.dumps(table._dt_args["columnDefs"])
    update_table(table, ik.load_incidents(theatres="Libya"))
    assert json.dumps(table._dt_args["columnDefs"]) == defs
    assert ".ik-summary" in table._dt_args["table_style"]
    assert len(table._df) == len(plain.incidents(theatres=["Libya"]))


# --- the map -----------------------------------------------------------------------------------------------------


def test_one_mark_per_incident_with_coordinates_coloured_by_theatre() -> None:
    incidents = ik.load_incidents()
    fig = map_figure(incidents, sources=ik.load_sources())
    marks = [t for t in fig.data[2:]]
    assert sum(len(t.x) for t in marks) == plain.mapped(plain.incidents())
    colours = ik.charts.theatre_colors()
    for trace in marks:
        theatre = trace.legendgroup
        rows = incidents.iloc[list(trace.customdata)]
        assert (rows["theatre"].astype(str) == theatre).all()
        assert trace.marker.color == colours[theatre]
        assert np.allclose(rows["longitude"], trace.x) and np.allclose(rows["latitude"], trace.y)
        figures = ik.incident_figures(rows)
        for symbol, known, precision in zip(trace.marker.symbol, figures["known"], rows["geo_precision"], strict=True):
            assert symbol == SYMBOLS[str(precision)] + ("" if known else "-open")
    assert f"{plain.mapped(plain.incidents())} of {len(incidents)} incidents on the map" in fig.layout.title.text


def test_the_map_fetches_nothing_it_draws_the_bundled_borders() -> None:
    fig = map_figure(ik.load_incidents())
    spec = fig.to_plotly_json()
    assert {t["type"] for t in spec["data"]} == {"scatter"}  # no scattergeo / scattermap: no CDN base map or tiles
    assert not {"geo", "map", "mapbox"} & set(spec["layout"])
    land, names = fig.data[0], fig.data[1]
    assert land.fill == "toself" and land.hoverinfo == "skip" and len(land.x) > 1000
    assert {"Russia", "Syria", "Turkey", "Iraq"} <= set(names.text)
    # Russia crosses the antimeridian in the border file: split, its name lands in Russia, not in the sea
    russia = dict(_world())["Russia"]
    assert russia.is_valid and russia.bounds[0] >= -180 and russia.bounds[2] <= 180
    x, y = dict(zip(names.text, zip(names.x, names.y, strict=True), strict=True))["Russia"]
    assert 27 < x < 180 and 41 < y < 82


def test_hover_text_and_details_escape_what_the_data_says() -> None:
    df = make_incidents([{"incident_id": "x", "date": "2021-03-01", "date_precision": "day", "location": HOSTILE,
                          "summary": HOSTILE, "notes": HOSTILE, "latitude": 41.0, "longitude": 45.0,
                          "geo_precision": "locality", "killed_best": 2, "killed_low": 1, "killed_high": 3}])
    hover = records.hover_texts(df)[0]
    details = records.details_html(df)
    for text in (hover, details):
        assert "<script" not in text and "<img" not in text and "&lt;script&gt;" in text
    assert "deaths: 2 (1-3)" in hover and "town or village" in hover
    frame = records.table_frame(df)
    assert frame["summary"].iloc[0] == HOSTILE  # the table escapes it itself (allow_html=False)


def test_update_map_shows_other_incidents_in_place() -> None:
    theatres = ik.theatre_order()
    widget = ik.incident_map(ik.load_incidents().iloc[0:0], theatres=theatres)
    assert _marks(widget) == 0
    libya = ik.load_incidents(theatres="Libya")
    update_map(widget, libya, theatres=theatres)
    assert _marks(widget) == plain.mapped(plain.incidents(theatres=["Libya"]))
    assert widget.layout.xaxis.range[0] < 20 < widget.layout.xaxis.range[1]  # fitted to Libya
    with pytest.raises(ValueError, match="same theatres"):
        update_map(widget, libya)


# --- offline in JupyterLab ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["@jupyter-widgets/jupyterlab-manager", "anywidget", "jupyterlab-plotly"])
def test_the_widgets_javascript_ships_as_prebuilt_lab_extensions(extension: str) -> None:
    """``make lab`` serves the widgets' JavaScript from this environment (no CDN, no build step): ipywidgets'
    manager, anywidget (itables' table) and plotly's FigureWidget are installed as prebuilt extensions."""
    folder = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / extension
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    assert package["jupyterlab"], extension
    assert (folder / "static").is_dir()


# --- any export load_incidents reads -------------------------------------------------------------------------------


@pytest.mark.real_samples
@pytest.mark.parametrize("dataset", sorted(SAMPLES))
def test_the_explorer_on_a_real_export(dataset: str, real_samples: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))
    path, only_is = SAMPLES[dataset]
    # a truncated sample's last line is reported by the readers' own tests
    warnings.filterwarnings("ignore", category=RowsRejectedWarning)
    loaded = ik.load_incidents(path, only_is=only_is, roles=None)  # every row the reader keeps, every role
    e = ik.explore(str(path), only_is=only_is)
    assert e.roles == ("perpetrator",)
    # the library's rule: violence carried out by IS; rows naming no IS actor (no role) only when only_is is off
    role = loaded["is_role"].astype(object)
    want = loaded[((role == "perpetrator") | (role.isna() & (not only_is))).to_numpy()]
    assert len(want) > 0 and len(e.incidents) == len(want)
    assert _marks(e.map) == int((want["latitude"].notna() & want["longitude"].notna()).sum())
    assert len(e.table._df) == len(want)
    theatre = want["theatre"].astype(str).value_counts().index[0]  # the theatre with most incidents shown
    e.theatres.value = (theatre,)
    assert len(e.incidents) == int((want["theatre"].astype(str) == theatre).sum()) > 0
    e._map_selected([0])
    cited = f"{dataset_name(dataset)}: {datasets()[dataset].title}, event {e.incidents['source_event_id'].iloc[0]}"
    assert records.esc(f"{cited}, file {path.name}.") in e.details.value  # the dataset, the event, the file
