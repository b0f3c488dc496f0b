"""ACLED reader on hand-written synthetic fixtures of the current, 2020 export-tool and 2015 upper-case layouts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from incidentkit.data.readers import detect_dataset, read_acled, read_export
from incidentkit.data.readers.acled import _parse_dates

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


def by_id(name: str) -> pd.DataFrame:
    return read_acled(FIXTURES / name).set_index("source_event_id", drop=False)


def test_layouts_are_detected():
    for name in ("acled_current.csv", "acled_2020.csv", "acled_2015.csv"):
        assert detect_dataset(FIXTURES / name) == "acled"


def test_current_layout_mapping():
    df = by_id("acled_current.csv")
    row = df.loc["TST1"]
    assert row["incident_id"] == "acled-tst1"
    assert row["perpetrator"] == "Islamic State (Syria)" and row["is_branch"] == "is-central"  # IS as actor2
    assert row["target_type"] == "Military"  # the other side: Military Forces of Syria
    assert row["attack_type"] == "Armed Assault"
    assert row["admin1"] == "Deir ez-Zor" and row["iso3"] == "SYR"
    assert row["killed_best"] == 3 and row["killed_low"] == 3 and pd.isna(row["killed_high"])
    assert row["summary"] == "Synthetic note one, with a comma."
    assert row["geo_precision"] == "locality" and row["date_precision"] == "day"


def test_time_precision_week_and_month():
    df = by_id("acled_current.csv")
    week = df.loc["TST2"]
    assert week["date_precision"] == "week"
    assert week["date"] == pd.Timestamp("2022-03-06") and week["date_end"] == pd.Timestamp("2022-03-12")
    assert "2022-03-09" in week["notes"]
    month = df.loc["TST3"]
    assert month["date_precision"] == "month"
    assert month["date"] == pd.Timestamp("2022-04-01") and month["date_end"] == pd.Timestamp("2022-04-30")
    assert df.loc["TST2", "geo_precision"] == "admin1" and df.loc["TST3", "geo_precision"] == "admin1"


def test_fatalities_zero_is_visible_not_zero():
    df = by_id("acled_current.csv")
    row = df.loc["TST2"]
    assert row["killed_low"] == 0
    assert pd.isna(row["killed_best"]) and pd.isna(row["killed_high"])
    assert "fatalities_zero_or_unknown" in row["flags"].split(";")
    assert pd.isna(df.loc["TST1", "flags"])


def test_suicide_civilian_targeting_and_composite_actor():
    df = by_id("acled_current.csv")
    assert bool(df.loc["TST2", "suicide"]) is True and pd.isna(df.loc["TST1", "suicide"])
    assert df.loc["TST2", "target_type"] == "Private Citizens & Property"
    comp = df.loc["TST3"]
    assert comp["is_branch"] == "is-khorasan" and comp["attribution"] == "suspected"
    assert "composite_actor" in comp["flags"]
    assert df.loc["TST1", "attribution"] == "confirmed"


def test_associated_actor_matched_name_by_name():
    row = by_id("acled_current.csv").loc["TST4"]
    assert row["perpetrator"] == "Islamic State (Russia)"  # from 'Islamic State (Russia); Test Assoc'
    assert row["is_branch"] == "is-caucasus"
    assert row["admin1"] == "Dagestan"
    assert row["target_type"] == "Police"  # the other side: Police Forces of Russia


def test_2020_layout_numeric_inter_and_date_formats():
    df = by_id("acled_2020.csv")
    assert df.loc["TST20", "date"] == pd.Timestamp("2020-03-21")  # "21 March 2020"
    assert df.loc["TST21", "date"] == pd.Timestamp("2020-05-09")  # "9-May-20"
    assert df.loc["TST20", "target_type"] == "Military"  # inter2 = 1
    assert df.loc["TST21", "target_type"] == "Terrorists/Non-State Militia"  # inter2 = 3
    assert set(df["iso3"]) == {"IRQ"}
    assert df.loc["TST20", "attack_type"] == "Bombing/Explosion"


def test_2015_upper_case_layout_with_ally_actor():
    df = by_id("acled_2015.csv")
    assert df.loc["TST15", "date"] == pd.Timestamp("2015-01-01")  # "01-January-2015"
    assert df.loc["TST15", "attack_type"] == "Bombing/Explosion"  # event_type 'Remote violence'
    assert df.loc["TST16", "attack_type"] == "Armed Assault"  # 'Violence Against Civilians' (case drift)
    assert df.loc["TST16", "is_branch"] == "is-pakistan"  # via ALLY_ACTOR_1
    assert pd.isna(df.loc["TST15", "is_branch"])
    assert set(df["iso3"]) == {"PAK"}  # no iso column: from the country name
    assert df.loc["TST15", "target_type"] == "Private Citizens & Property"  # numeric inter2 7


def test_four_date_formats():
    out = _parse_dates(pd.Series(["2022-02-23", "21 March 2020", "9-May-20", "01-January-2015", "bad"]))
    assert list(out[:4]) == [pd.Timestamp(d) for d in ("2022-02-23", "2020-03-21", "2020-05-09", "2015-01-01")]
    assert pd.isna(out[4])


def test_read_export_dispatches():
    assert set(read_export(FIXTURES / "acled_2015.csv")["source_dataset"]) == {"acled"}
