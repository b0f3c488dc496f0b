"""Regional comparison tables and charts, on crafted incident frames with the contract's columns and dtypes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from incidentkit import plots_regions, regions
from incidentkit.schema import incident_frame

DEFAULTS = {
    "date_precision": "day", "date_basis": "incident", "country": "Russia", "iso3": "RUS", "admin1": "Dagestan",
    "geo_precision": "admin1", "perpetrator": "Islamic State", "is_branch": "is-caucasus", "claim_status": "claimed",
    "attribution": "confirmed", "attack_type": "Armed Assault", "target_type": "Police", "summary": "Crafted row.",
    "source_ids": "src-a", "source_dataset": "curated", "theatre": "North Caucasus",
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
    assert axes[0].lines[0].get_ydata().tolist() == [4, 0, 0, 0]
    plt.close(fig)
