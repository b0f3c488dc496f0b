"""Charts that read: tick labels never collide (any period length, span and value range), more than two groups are
small multiples, one colour per category on every chart, captions under the figure (not small print in it)."""

from __future__ import annotations

import itertools
import json

import incidentkit as ik
import matplotlib.colors as mcolors
import pandas as pd
import pytest
from conftest import make_incidents
from incidentkit.charts import style
from incidentkit.charts.multiples import MAX_LINES

SPANS_YEARS = (1, 3, 10, 30)
PERIODS = ("month", "quarter", "year")
SCALES = (1, 250_000)  # a handful of deaths per period, and a casualty dataset's hundreds of thousands


def _incidents(years: int, scale: int, theatres: tuple[str, ...] = ("North Caucasus",)) -> pd.DataFrame:
    """One incident every 40 days over ``years`` years from 1995, deaths growing to ``scale``-sized figures."""
    dates = pd.date_range("1995-01-01", periods=max(2, int(years * 365 / 40)), freq="40D")
    rows = []
    for i, (d, t) in enumerate(zip(dates, itertools.cycle(theatres))):
        best = scale * (1 + i % 7)
        rows.append({"incident_id": f"i{i}", "date": d.date().isoformat(), "theatre": t, "attack_type": "Armed Assault",
                     "killed_low": best, "killed_best": best, "killed_high": best + scale, "wounded_best": 2 * best})
    return make_incidents(rows)


def _overlapping_labels(fig) -> list[tuple[str, str]]:
    """Pairs of drawn tick labels (per axis) whose rendered bounding boxes overlap: measured on the drawn figure,
    independently of the library's own thinning."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    pairs = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            drawn = []
            for loc, tick in zip(axis.get_majorticklocs(), axis.get_major_ticks(), strict=False):
                label = tick.label1
                if label.get_visible() and label.get_text().strip() and lo <= loc <= hi:
                    drawn.append((label.get_text(), label.get_window_extent(renderer)))
            for (ta, a), (tb, b) in itertools.combinations(drawn, 2):
                if a.overlaps(b):
                    pairs.append((ta, tb))
    return pairs


def _drawn_x_labels(ax) -> list[str]:
    lo, hi = sorted(ax.xaxis.get_view_interval())
    return [t.label1.get_text() for loc, t in zip(ax.xaxis.get_majorticklocs(), ax.xaxis.get_major_ticks(),
                                                  strict=False)
            if t.label1.get_visible() and t.label1.get_text().strip() and lo <= loc <= hi]


@pytest.mark.parametrize("period,years,scale", list(itertools.product(PERIODS, SPANS_YEARS, SCALES)))
def test_time_axis_tick_labels_never_overlap(period, years, scale):
    df = _incidents(years, scale)
    end = f"{1995 + years - 1}-12-31"
    counts = ik.counts_by_period(df, period, start="1995-01-01", end=end)
    for fig in (ik.charts.plot_incidents(counts, period=period, rolling=3),
                ik.charts.plot_deaths(counts, period=period, rolling=3)):
        assert _overlapping_labels(fig) == []
        shown = _drawn_x_labels(fig.axes[0])
        assert len(shown) >= min(2, len(counts)), shown  # the axis is labelled, not emptied
        assert all(any(ch.isdigit() or ch.isalpha() for ch in s) for s in shown)


@pytest.mark.parametrize("period,years", [("quarter", 10), ("month", 30), ("year", 30), ("quarter", 1)])
def test_small_multiples_and_role_panels_keep_labels_apart(period, years):
    theatres = ("North Caucasus", "Russia (other)", "Syria: Badia", "Syria: Daraa", "Syria: North-east", "Libya",
                "Iran", "Turkey")
    df = _incidents(years, 1, theatres)
    end = f"{1995 + years - 1}-12-31"
    grouped = ik.counts_by_period(df, period, start="1995-01-01", end=end, by="theatre")
    fig = ik.charts.plot_incidents(grouped, period=period, rolling=3, by="theatre")
    assert _overlapping_labels(fig) == []
    series = ik.monthly_by_theatre(df, start="1995-01-01", end=end, period=period)
    assert _overlapping_labels(ik.charts.plot_small_multiples(series, measure="deaths")) == []


def test_quarter_labels_name_years_only_when_quarters_do_not_fit():
    """Issue 15: "2015 Q12016 Q1..." on a ten-year quarterly chart; now the years, at their start."""
    counts = ik.counts_by_period(_incidents(10, 1), "quarter", start="1995-01-01", end="2004-12-31")
    fig = ik.charts.plot_incidents(counts, period="quarter", rolling=3)
    shown = _drawn_x_labels(fig.axes[0])
    assert shown and all(s.isdigit() and len(s) == 4 for s in shown), shown


def test_value_axes_with_large_numbers_have_separators_and_do_not_collide():
    df = _incidents(3, 250_000, ("North Caucasus", "Syria: Badia", "Libya"))
    for fig in (ik.charts.plot_totals(df, by="theatre"), ik.charts.plot_theatre_comparison(ik.theatre_comparison(df)),
                ik.charts.plot_lethality(df, by="attack_type")):
        assert _overlapping_labels(fig) == []
        labels = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels() if t.get_text()]
        assert any("," in s for s in labels), labels  # "1,000,000", not "1000000" or "1e6"
    for fig in (ik.charts.plot_deaths_ccdf(df), ik.charts.plot_killed_wounded(df)):
        assert _overlapping_labels(fig) == []
        labels = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
        assert not any("e+" in s for s in labels), labels


def test_more_than_two_groups_are_small_multiples_fewer_are_lines():
    theatres = ("North Caucasus", "Russia (other)", "Syria: Badia", "Syria: Daraa", "Syria: North-east", "Libya",
                "Iran")
    many = ik.counts_by_period(_incidents(3, 1, theatres), "quarter", start="1995-01-01", end="1997-12-31",
                               by="theatre")
    fig = ik.charts.plot_incidents(many, period="quarter", rolling=3, by="theatre")
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == len(theatres)
    assert [ax.get_title(loc="left").rsplit(":", 1)[0] for ax in panels] == list(theatres)
    assert max(len(ax.get_lines()) for ax in panels) <= 1 + 0  # one rolling-mean line per panel (no events given)
    few = ik.counts_by_period(_incidents(3, 1, theatres[:2]), "quarter", start="1995-01-01", end="1997-12-31",
                              by="theatre")
    fig = ik.charts.plot_incidents(few, period="quarter", rolling=3, by="theatre")
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 2 <= MAX_LINES


def _vocabulary(field: str) -> list[str]:
    dp = json.loads((ik.paths.data_dir() / "datapackage.json").read_text())
    (res,) = [r for r in dp["resources"] if r["name"] == "incidents"]
    (f,) = [f for f in res["schema"]["fields"] if f["name"] == field]
    return f["constraints"]["enum"]


def test_every_category_of_the_closed_vocabularies_has_one_colour_of_its_own():
    names = _vocabulary("attack_type") + _vocabulary("target_type") + _vocabulary("is_role") + ["Other categories"]
    assert set(names) <= set(style.CATEGORY_COLORS)
    colours = {n: style.CATEGORY_COLORS[n] for n in dict.fromkeys(names)}
    for (a, ca), (b, cb) in itertools.combinations(colours.items(), 2):
        assert style.color_difference(ca, cb) >= style.MIN_CATEGORY_DISTANCE, (a, b)
    for name, c in colours.items():
        for theatre, tc in ik.charts.theatre_colors().items():
            assert style.color_difference(c, tc) >= style.MIN_THEATRE_DISTANCE, (name, theatre)


def _bar_colours(fig) -> dict[str, str]:
    ax = fig.axes[0]
    handles, labels = ax.get_legend_handles_labels()
    return {lab: mcolors.to_hex(h.patches[0].get_facecolor()) for h, lab in zip(handles, labels, strict=True)}


def test_attack_and_target_charts_of_a_page_share_no_colour_and_follow_the_map():
    """Issue 15: the attack-type and target-type charts of one page gave the same colour to different categories."""
    rows = [{"incident_id": f"i{i}", "date": "2016-01-10", "theatre": t, "attack_type": a, "target_type": g}
            for i, (t, a, g) in enumerate(itertools.product(
                ("North Caucasus", "Syria: Badia"), ("Armed Assault", "Bombing/Explosion", "Assassination"),
                ("Police", "Military", "Private Citizens & Property", "Business")))]
    df = make_incidents(rows)
    attack = _bar_colours(ik.charts.plot_mix(ik.mix_shares(df, "attack_type", top=2)))
    target = _bar_colours(ik.charts.plot_mix(ik.mix_shares(df, "target_type", top=3)))
    for name, colour in {**attack, **target}.items():
        assert colour == style.CATEGORY_COLORS[name].lower(), name
    shared = {k for k in attack if k != "Other categories"} & set(target)
    assert not shared and not ({c for k, c in attack.items() if k != "Other categories"}
                               & {c for k, c in target.items() if k != "Other categories"})


def _shown(fig, name, out) -> list:
    """What ``show_figure`` puts in the cell's outputs, in order: the PNG bytes of an image, the HTML of the rest."""
    from unittest import mock

    with mock.patch("incidentkit.charts.output.display") as display:
        assert ik.charts.show_figure(fig, name, out) is None
    return [obj.data for (obj,), _ in display.call_args_list]


def test_the_caption_is_under_the_figure_not_small_print_in_it(tmp_path):
    events = pd.DataFrame({"event_id": ["e1", "e2"], "date": pd.to_datetime(["1995-03-01", "1995-09-01"]),
                           "date_precision": "day", "event_type": "leader_killed",
                           "title": ["Leader <b>killed</b>", "Province announced"]})
    counts = ik.counts_by_period(_incidents(1, 1), "month", start="1995-01-01", end="1995-12-31")
    fig = ik.charts.plot_incidents(counts, period="month", events=ik.timeline_events(events),
                                   caption="Selection: a & b.")
    assert fig.texts == []  # nothing drawn under the axes
    cap = ik.charts.figure_caption(fig)
    assert cap.text.startswith("Selection: a & b.") and [n for n, _ in cap.key] == [1, 2]
    out = ik.charts.output_dir(str(tmp_path), "10-trends")
    shown = _shown(fig, "incidents", out)
    png, caption = shown
    assert png == (tmp_path / "figures" / "incidents.png").read_bytes()  # the saved bytes, shown
    assert caption.startswith('<div class="ik-caption"><p>Selection: a &amp; b.')
    assert "<li><strong>1</strong> 1995-03-01 Leader &lt;b&gt;killed&lt;/b&gt;</li>" in caption


def test_figures_are_the_page_width(tmp_path):
    """Charts are drawn 10 in wide and saved at 120 dpi: about 1,200 pixels, shown at the page's width."""
    ik.charts.apply_style()
    counts = ik.counts_by_period(_incidents(3, 1), "quarter", start="1995-01-01", end="1997-12-31")
    fig = ik.charts.plot_incidents(counts, period="quarter")
    assert fig.get_figwidth() == pytest.approx(10.0)
    paths = ik.charts.save_figure(fig, "wide", ik.charts.output_dir(str(tmp_path), "10-trends"))
    from PIL import Image  # matplotlib's own dependency: reads the PNG's size

    width = Image.open(paths["png"]).size[0]
    assert 1000 <= width <= 1300
    # a long selection in the title is wrapped, not widening the image (and shrinking the chart on the page)
    long = "Incidents per quarter: " + ", ".join(f"Syria: place {i}" for i in range(12))
    for fig in (ik.charts.plot_incidents(counts, period="quarter", title=long),
                ik.charts.plot_incidents(ik.counts_by_period(_incidents(3, 1, ("North Caucasus", "Libya", "Iran")),
                                                             "quarter", start="1995-01-01", end="1997-12-31",
                                                             by="theatre"), period="quarter", by="theatre",
                                         title=long)):
        paths = ik.charts.save_figure(fig, "long", ik.charts.output_dir(str(tmp_path), "10-trends"))
        assert Image.open(paths["png"]).size[0] <= 1300


def test_death_panels_never_show_an_unknown_total_as_zero():
    theatres = ("North Caucasus", "Russia (other)", "Syria: Badia", "Syria: Daraa", "Syria: North-east", "Libya")
    rows = [{"incident_id": f"i{i}", "date": "1995-03-01", "theatre": t, "killed_best": 4} for i, t in
            enumerate(theatres[:-1])]
    rows += [{"incident_id": "x", "date": "1995-05-01", "theatre": "Libya"},  # no figure at all
             {"incident_id": "y", "date": "1995-06-01", "theatre": "North Caucasus"}]  # one more, no figure
    counts = ik.counts_by_period(make_incidents(rows), "quarter", start="1995-01-01", end="1995-12-31",
                                 by="theatre")
    fig = ik.charts.plot_deaths(counts, period="quarter", rolling=1, by="theatre")
    titles = {ax.get_title(loc="left").rsplit(":", 1)[0]: ax.get_title(loc="left").rsplit(": ", 1)[1]
              for ax in fig.axes if ax.get_visible()}
    assert titles["Libya"] == "no death figure"
    assert titles["North Caucasus"] == "at least 4 deaths (best), 1 with no figure"
    assert titles["Syria: Badia"] == "4 deaths (best)"


def test_a_shown_figure_is_the_same_bytes_on_every_run(tmp_path):
    """Same data and parameters, same page: the <figure> embeds the byte-stable PNG that save_figure wrote."""
    ik.charts.apply_style()
    counts = ik.counts_by_period(_incidents(10, 1), "quarter", start="1995-01-01", end="2004-12-31")
    pages = []
    for run in ("a", "b"):
        out = ik.charts.output_dir(str(tmp_path / run), "10-trends")
        fig = ik.charts.plot_incidents(counts, period="quarter", caption="Selection: test.")
        pages.append(_shown(fig, "incidents", out))
    assert pages[0] == pages[1]
    assert (tmp_path / "a" / "figures" / "incidents.png").read_bytes() == \
        (tmp_path / "b" / "figures" / "incidents.png").read_bytes()
