"""Casualty arithmetic: low/best/high totals, unknown never counted as zero, lethality, shares, distribution."""

from __future__ import annotations

import incidentkit as ik
import pandas as pd
import pytest


def frame(rows):
    cols = ["killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best", "wounded_high",
            "perpetrators_killed"]
    df = pd.DataFrame(rows, columns=["group", *cols])
    for c in cols:
        df[c] = df[c].astype("Int64")
    return df


ROWS = [
    # group, kl, kb, kh, wl, wb, wh, perps
    ("a", 2, 2, 2, 10, 10, 12, 1),      # exact
    ("a", None, None, None, None, None, None, None),  # unknown
    ("a", 3, 4, 6, None, None, None, 2),  # range
    ("b", 0, 0, 0, 5, 5, 5, None),      # zero is a figure
    ("b", 10, 12, None, None, None, None, None),  # at least: no upper bound
    ("b", 5, None, 9, None, None, None, None),  # best blank: conservative = low
]


def test_totals_keep_ranges_and_unknowns():
    t = ik.casualty_totals(frame(ROWS)).loc["all"]
    assert t["incidents"] == 6
    assert t["unknown"] == 1 and t["with_figure"] == 5
    assert t["low"] == 2 + 3 + 0 + 10 + 5
    assert t["best"] == 2 + 4 + 0 + 12 + 5
    assert t["high"] == 2 + 6 + 0 + 12 + 9
    assert t["open_high"] == 1


def test_totals_by_group_and_wounded():
    t = ik.casualty_totals(frame(ROWS), by="group")
    assert list(t.index) == ["a", "b"]
    assert t.loc["a", "unknown"] == 1 and t.loc["b", "unknown"] == 0
    assert t.loc["b", "best"] == 17
    w = ik.casualty_totals(frame(ROWS), measure="wounded").loc["all"]
    assert (w["low"], w["best"], w["high"], w["unknown"]) == (15, 15, 17, 4)
    with pytest.raises(ValueError):
        ik.casualty_totals(frame(ROWS), measure="missing")


def test_an_all_unknown_selection_has_no_figure_not_zero():
    """Symptom: "Wounded: 0 (range 0 to 0)" where no incident has a figure."""
    t = ik.casualty_totals(frame([ROWS[1], ROWS[1]])).loc["all"]
    assert pd.isna(t["best"]) and pd.isna(t["low"]) and pd.isna(t["high"]) and (t["unknown"], t["with_figure"]) == (2, 0)
    assert ik.text.total_text(t) == "no figure"


def test_lethality_uses_incidents_with_a_figure():
    le = ik.lethality(frame(ROWS), by="group")
    assert le.loc["a", "per_incident_best"] == pytest.approx(6 / 2)
    assert le.loc["b", "per_incident_best"] == pytest.approx(17 / 3)
    none = ik.lethality(frame([ROWS[1]]))
    assert pd.isna(none.loc["all", "per_incident_best"])


def test_perpetrator_share():
    s = ik.perpetrator_share(frame(ROWS))
    assert s["incidents_used"] == 2
    assert s["killed_best"] == 6 and s["perpetrators_killed"] == 3
    assert s["share"] == pytest.approx(0.5)
    assert s["incidents_without_perpetrator_figure"] == 3


def test_distribution_and_deadliest(mini_data):
    dist = ik.deaths_distribution(frame(ROWS))
    assert list(dist["deaths"]) == [0, 2, 4, 5, 12]
    assert list(dist["share_at_least"]) == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2])
    df = ik.load_incidents()
    top = ik.deadliest(df, n=2)
    assert list(top["incident_id"]) == ["2019-05-05-syr-e", "2018-07-20-rus-c"]
    assert "source_ids" in top.columns


def test_acled_zero_or_unknown_is_not_a_known_zero():
    df = frame([("a", 0, None, None, None, None, None, None), ("a", 3, 3, 3, None, None, None, None)])
    df["flags"] = pd.Series(["fatalities_zero_or_unknown", None], dtype="str")
    df["date"] = pd.to_datetime(["2022-01-05", "2022-01-06"])
    t = ik.casualty_totals(df).loc["all"]
    assert (t["with_figure"], t["unknown"], t["zero_or_unknown"], t["best"]) == (1, 1, 1, 3)
    assert ik.lethality(df).loc["all", "per_incident_best"] == 3
    h = ik.headline_figures(df)
    assert h["deaths_unknown_incidents"] == 1 and h["deaths_zero_or_unknown_incidents"] == 1
    # wounded figures are not concerned by ACLED's fatalities flag
    assert ik.casualty_totals(df, measure="wounded").loc["all", "zero_or_unknown"] == 0
