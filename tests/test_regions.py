"""Regional comparison tables and charts, on crafted incident frames with the contract's columns and dtypes."""

from __future__ import annotations

import incidentkit as ik
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from incidentkit.analysis import regions
from incidentkit.charts import regions as plots_regions
from incidentkit.data.load import incident_frame

DEFAULTS = {
    "date_precision": "day", "date_basis": "incident", "country": "Russia", "iso3": "RUS", "admin1": "Dagestan",
    "geo_precision": "admin1", "perpetrator": "Islamic State", "is_branch": "is-caucasus", "claim_status": "claimed",
    "attribution": "confirmed", "attack_type": "Armed Assault", "target_type": "Police", "summary": "Crafted row.",
    "source_ids": "src-a", "source_dataset": "curated", "theatre": "North Caucasus", "is_role": "perpetrator",
}


def make_incidents(rows: list[dict]) -> pd.DataFrame:
    """Build an incident frame with the contract dtypes from a few crafted rows (unspecified fields: DEFAULTS)."""
    return incident_frame([{**DEFAULTS, "incident_id": f"test-{i}", **row} for i, row in enumerate(rows)])


@pytest.fixture
def incidents() -> pd.DataFrame:
    return make_incidents([
        {"date": "2018-01-05", "killed_low": 2, "killed_best": 3, "killed_high": 5, "suicide": True},
        {"date": "2018-01-20", "killed_best": 1, "attack_type": "Bombing/Explosion", "claim_status": "unclaimed"},
        {"date": "2018-03-02", "attack_type": "Bombing/Explosion", "target_type": "Military"},  # deaths unknown
        {"date": "2018-02-10", "theatre": "Syria: Badia", "country": "Syria", "iso3": "SYR", "admin1": "Homs",
         "killed_low": 10, "killed_best": 12, "claim_status": "unknown", "attack_type": "Unknown"},
    ])


def test_comparison_counts_ranges_and_shares(incidents: pd.DataFrame) -> None:
    comp = regions.theatre_comparison(incidents)
    assert list(comp.index) == ["North Caucasus", "Syria: Badia"]  # fixed order, present theatres only
    nc = comp.loc["North Caucasus"]
    assert nc["incidents"] == 3
    assert (nc["deaths_low"], nc["deaths_best"], nc["deaths_high"]) == (3, 4, 6)
    assert nc["deaths_unknown"] == 1  # the unknown toll is counted, not summed as zero
    assert nc["per_incident_best"] == pytest.approx(4 / 2)
    assert nc["claimed"] == 2 and nc["claimed_share"] == pytest.approx(2 / 3)
    assert nc["suicide"] == 1
    badia = comp.loc["Syria: Badia"]
    assert badia["deaths_open_high"] == 1 and badia["deaths_high"] == 12
    # its one incident has no word on a claim: the claimed share is unknown, never 0 %
    assert badia["claimed"] == 0 and badia["claims_unknown"] == 1 and pd.isna(badia["claimed_share"])


def test_claimed_share_is_over_the_incidents_whose_claim_status_is_known(incidents: pd.DataFrame) -> None:
    more = make_incidents([{"date": "2018-04-01", "claim_status": "unknown"}])
    nc = regions.theatre_comparison(pd.concat([incidents, more], ignore_index=True)).loc["North Caucasus"]
    assert (nc["incidents"], nc["claimed"], nc["claims_unknown"]) == (4, 2, 1)
    assert nc["claimed_share"] == pytest.approx(2 / 3)  # 2 of the 3 known, not 2 of 4


def test_comparison_with_fixed_theatres_keeps_empty_ones(incidents: pd.DataFrame) -> None:
    comp = regions.theatre_comparison(incidents, theatres=["Libya", "North Caucasus"])
    assert list(comp.index) == ["North Caucasus", "Libya"]
    assert comp.loc["Libya", "incidents"] == 0
    assert pd.isna(comp.loc["Libya", "per_incident_best"]) and pd.isna(comp.loc["Libya", "claimed_share"])
    with pytest.raises(ValueError, match="valid values"):
        regions.theatre_comparison(incidents, theatres=["Atlantis"])


def test_comparison_of_an_empty_frame() -> None:
    comp = regions.theatre_comparison(make_incidents([]))
    assert comp.empty
    fig = plots_regions.plot_theatre_comparison(comp)
    assert fig.get_label() == "no-data"
    plt.close(fig)


def test_mix_shares_sum_to_one_and_keep_unknown(incidents: pd.DataFrame) -> None:
    shares = regions.mix_shares(incidents, "attack_type")
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert "Unknown" in shares.columns  # "Unknown" is a category like any other
    assert shares.loc["North Caucasus", "Bombing/Explosion"] == pytest.approx(2 / 3)
    counts = regions.mix_shares(incidents, "attack_type", counts=True)
    assert counts.loc["North Caucasus"].sum() == 3
    top = regions.mix_shares(incidents, "attack_type", top=1, counts=True)
    assert list(top.columns) == ["Bombing/Explosion", "Other categories"]
    assert top.to_numpy().sum() == 4


def test_monthly_by_theatre_keeps_empty_months(incidents: pd.DataFrame) -> None:
    series = regions.monthly_by_theatre(incidents, start="2018-01-01", end="2018-04-30")
    nc = series[series["theatre"] == "North Caucasus"]
    assert nc["incidents"].tolist() == [2, 0, 1, 0]
    assert set(series["theatre"]) == {"North Caucasus", "Syria: Badia"}


def test_comparison_chart_bars_match_table(incidents: pd.DataFrame) -> None:
    comp = regions.theatre_comparison(incidents)
    fig = plots_regions.plot_theatre_comparison(comp, caption="test caption")
    ax_inc, ax_deaths, ax_per = fig.axes[:3]
    assert [p.get_width() for p in ax_inc.patches] == comp["incidents"].tolist()
    assert [p.get_width() for p in ax_deaths.patches] == comp["deaths_best"].tolist()
    assert [p.get_width() for p in ax_per.patches] == pytest.approx(comp["per_incident_best"].astype(float).tolist())
    plt.close(fig)


def test_mix_chart_segments_are_the_shares(incidents: pd.DataFrame) -> None:
    shares = regions.mix_shares(incidents, "attack_type")
    fig = plots_regions.plot_mix(shares, title="Attack types")
    ax = fig.axes[0]
    widths = np.array([p.get_width() for p in ax.patches]).reshape(len(shares.columns), len(shares.index))
    assert widths.T == pytest.approx(shares.fillna(0).to_numpy() * 100)
    plt.close(fig)


def test_small_multiples_share_axes_and_plot_the_series(incidents: pd.DataFrame) -> None:
    series = regions.monthly_by_theatre(incidents, start="2018-01-01", end="2018-04-30")
    fig = plots_regions.plot_small_multiples(series, title="Monthly incidents")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [[t.get_text() for t in ax.texts if t.get_gid() == "panel-title"] for ax in axes] == [
        ["North Caucasus"], ["Syria: Badia"]]
    assert axes[0].get_shared_y_axes().joined(axes[0], axes[1])
    assert axes[0].lines[0].get_ydata().tolist() == [2, 0, 1, 0]
    assert axes[1].lines[0].get_ydata().tolist() == [0, 1, 0, 0]
    plt.close(fig)
    fig = plots_regions.plot_small_multiples(series, measure="deaths", ylabel="deaths per month (persons)")
    axes = [ax for ax in fig.axes if ax.get_visible()]
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), [4, 0, np.nan, 0])  # a month with no figure: a gap
    plt.close(fig)


def test_comparison_without_any_death_figure_says_so_and_counts_whole_incidents() -> None:
    """Audit 5.1: Iran and Turkey with incidents but no death figure: no -0.04..0.04 death axis, no 0.5 ticks."""
    df = make_incidents([
        {"date": "2018-01-05", "theatre": "Iran", "country": "Iran", "iso3": "IRN", "admin1": "Tehran"},
        {"date": "2018-02-05", "theatre": "Turkey", "country": "Turkey", "iso3": "TUR", "admin1": "Istanbul"},
        {"date": "2018-03-05", "theatre": "Turkey", "country": "Turkey", "iso3": "TUR", "admin1": "Istanbul"},
    ])
    comp = regions.theatre_comparison(df)
    fig = plots_regions.plot_theatre_comparison(comp)
    inc_ax, deaths_ax, per_ax = fig.axes
    fig.canvas.draw()
    assert all(float(t).is_integer() for t in inc_ax.get_xticks())
    assert [p.get_width() for p in inc_ax.patches] == [1, 2]
    for ax in (deaths_ax, per_ax):
        assert not ax.patches and list(ax.get_xticks()) == []
        assert [t.get_text() for t in ax.texts] == ["No death figure for any of the 3 incident(s) in the selection"]
    caption = " ".join(ik.charts.caption_text(fig).split())
    assert "3 of 3 incident(s) have no death figure" in caption
    series = regions.monthly_by_theatre(df, start="2018-01-01", end="2018-03-31")
    fig = plots_regions.plot_small_multiples(series, measure="deaths")
    assert fig.get_label() == "no-data"


def test_comparison_marks_a_theatre_without_death_figure_instead_of_a_zero_bar(incidents: pd.DataFrame) -> None:
    df = pd.concat([incidents, make_incidents([{"date": "2018-01-07", "theatre": "Libya", "country": "Libya",
                                                "iso3": "LBY", "admin1": "Sirte"}])], ignore_index=True)
    comp = regions.theatre_comparison(df)
    fig = plots_regions.plot_theatre_comparison(comp)
    deaths_ax = fig.axes[1]
    assert len(deaths_ax.patches) == 2  # North Caucasus and Badia; Libya has no figure, so no bar
    assert [t.get_text() for t in deaths_ax.texts] == ["no death figure"]


def test_mix_labels_give_n_per_theatre(incidents: pd.DataFrame) -> None:
    """Audit 5.9: a 100 % bar over one incident must show n=1."""
    shares = regions.mix_shares(incidents, "attack_type")
    assert shares.attrs["incidents"] == {"North Caucasus": 3, "Syria: Badia": 1}
    fig = plots_regions.plot_mix(shares, title="Attack types")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["North Caucasus (n=3)", "Syria: Badia (n=1)"]
    caption = " ".join(ik.charts.caption_text(fig).split())
    assert "Few incidents, read shares with care: North Caucasus (n=3), Syria: Badia (n=1)" in caption


def test_yearly_small_multiples_tick_years(incidents: pd.DataFrame) -> None:
    """Audit 5.9: yearly series are labelled by year, not "2018-05"."""
    series = regions.monthly_by_theatre(incidents, start="2017-01-01", end="2019-12-31", period="year")
    fig = plots_regions.plot_small_multiples(series)
    fig.canvas.draw()
    labels = {t.get_text() for ax in fig.axes for t in ax.get_xticklabels() if t.get_text()}
    assert labels and all(len(x) == 4 and x.isdigit() for x in labels), labels
