"""House style: theatre colours belong to theatres only; figure values can be read back from a saved SVG."""

from __future__ import annotations

import incidentkit as ik
import matplotlib.colors as mcolors
import numpy as np
import pytest
from conftest import make_incidents
from incidentkit.charts import coverage as plots_coverage
from incidentkit.charts import maps, style


def _close_to_a_theatre(colour) -> str | None:
    """The theatre whose colour is within MIN_THEATRE_DISTANCE of ``colour`` (None when none is)."""
    hexed = mcolors.to_hex(colour)
    for theatre, c in ik.charts.theatre_colors().items():
        if style.color_difference(hexed, c) < style.MIN_THEATRE_DISTANCE:
            return theatre
    return None


def test_colour_difference_is_cie76():
    assert style.color_difference("#000000", "#FFFFFF") == pytest.approx(100.0, abs=0.01)
    assert style.color_difference("#0072B2", "#0072B2") == 0.0


def test_no_non_theatre_colour_is_a_theatre_colour():
    """Audit 5.4: branches, countries, attack types, single series and legend keys never take a theatre's colour."""
    many = [f"category {i}" for i in range(len(style.CATEGORY_PALETTE))]
    others = [*ik.charts.category_colors(many).values(), style.NEUTRAL_COLOR, plots_coverage.REPORTED_COLOR,
              plots_coverage.INCIDENTS_COLOR, *(c for pair in style.SERIES_COLORS.values() for c in pair)]
    assert {c: _close_to_a_theatre(c) for c in others} == dict.fromkeys(others)
    cats = list(style.CATEGORY_PALETTE)
    assert min(style.color_difference(a, b) for i, a in enumerate(cats) for b in cats[i + 1:]) >= 15


def _drawn_colours(fig) -> list:
    out = []
    for ax in fig.axes:
        out += [p.get_facecolor() for p in ax.patches if p.get_facecolor()[3] > 0]
        out += [ln.get_color() if ln.get_linestyle() != "None" else ln.get_markeredgecolor() for ln in ax.get_lines()]
    return out


ROWS = [
    {"incident_id": "a", "date": "2016-01-10", "theatre": "North Caucasus", "is_branch": "is-caucasus",
     "attack_type": "Armed Assault", "target_type": "Police", "killed_best": 3, "latitude": 43.0, "longitude": 47.0},
    {"incident_id": "b", "date": "2016-02-20", "theatre": "Syria: Badia", "is_branch": "is-central",
     "attack_type": "Bombing/Explosion", "target_type": "Military", "killed_best": 40, "latitude": 34.5,
     "longitude": 38.3},
]


def test_charts_of_non_theatre_categories_use_no_theatre_colour():
    df = make_incidents(ROWS)
    branches = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-03-31", by="is_branch")
    overall = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-03-31")
    figs = [ik.charts.plot_incidents(branches, by="is_branch", rolling=1), ik.charts.plot_incidents(overall, rolling=2),
            ik.charts.plot_deaths(overall, rolling=2), ik.charts.plot_mix(ik.mix_shares(df, "attack_type"), title="mix"),
            ik.charts.plot_totals(df, by=None), ik.charts.plot_lethality(df, by="attack_type"), ik.charts.plot_deaths_ccdf(df)]
    for fig in figs:
        colours = _drawn_colours(fig)
        assert colours
        assert [c for c in colours if _close_to_a_theatre(c)] == [], fig.axes[0].get_title()
    # and theatres keep theirs
    theatres = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-03-31", by="theatre")
    lines = ik.charts.plot_incidents(theatres, by="theatre", rolling=1).axes[0].get_lines()
    assert {ln.get_label(): mcolors.to_hex(ln.get_color()) for ln in lines} == {
        t: ik.charts.theatre_colors()[t].lower() for t in ("North Caucasus", "Syria: Badia")}


def test_map_size_legend_is_neutral():
    fig = maps.plot_incident_map(make_incidents(ROWS))
    legend = fig.legends[0]
    sizes = [h for h, t in zip(legend.legend_handles, legend.get_texts(), strict=True)
             if t.get_text().endswith(("death", "deaths")) and t.get_text() != "0 deaths"]
    assert len(sizes) >= 2
    for h in sizes:
        assert _close_to_a_theatre(h.get_markerfacecolor()) is None


def test_tagged_values_survive_the_svg(tmp_path):
    df = make_incidents(ROWS)
    counts = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-04-30")
    fig = ik.charts.plot_incidents(counts, rolling=1)
    paths = ik.charts.save_figure(fig, "incidents", tmp_path)
    values = style.svg_values(paths["svg"])
    assert values["incidents"] == [("2016-01", 1.0), ("2016-02", 1.0), ("2016-03", 0.0), ("2016-04", 0.0)]
    assert style.parse_tag("something-else") is None
    fig = ik.charts.plot_totals(df, by="theatre")
    paths = ik.charts.save_figure(fig, "totals", tmp_path)
    assert dict(style.svg_values(paths["svg"])["killed_best"]) == {"North Caucasus": 3.0, "Syria: Badia": 40.0}
    assert np.isnan(style.parse_tag(_tag_missing())[2])


def _tag_missing() -> str:
    import matplotlib.patches as mpatches

    patch = mpatches.Rectangle((0, 0), 1, 1)
    style.tag_value(patch, "s", "a:b c", None)
    assert style.parse_tag(patch.get_gid())[1] == "a:b c"  # separators in labels are encoded
    return patch.get_gid()


def test_empty_tables_show_one_line():
    """Audit 5.9: an empty selection shows a sentence, not a bare table header."""
    empty = make_incidents([]).iloc[0:0]
    shown = ik.text.table_or_note(empty)
    assert type(shown).__name__ == "Markdown" and "Nothing to show: no incidents match the selection." in shown.data
    full = make_incidents(ROWS)
    assert ik.text.table_or_note(full) is full
    assert ik.text.table_text(empty, "none") == "none"
    assert ik.text.table_text(full[["incident_id"]], index=False) == full[["incident_id"]].to_string(index=False)
