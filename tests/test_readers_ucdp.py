"""UCDP GED reader on a hand-written synthetic fixture of the 49-column layout."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from incidentkit.data.readers import read_ucdp
from incidentkit.data.validation import validate

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def ucdp() -> pd.DataFrame:
    return read_ucdp(FIXTURES / "ucdp_quirks.csv").set_index("source_event_id", drop=False)


def test_low_best_high_kept_as_reported_and_flagged(ucdp):
    row = ucdp.loc["900001"]  # low 5 > best 3
    assert (row["killed_low"], row["killed_best"], row["killed_high"]) == (5, 3, 4)
    assert "killed_range_as_reported" in row["flags"].split(";")
    row = ucdp.loc["900002"]  # best 5 > high 3
    assert (row["killed_low"], row["killed_best"], row["killed_high"]) == (4, 5, 3)
    assert "killed_range_as_reported" in row["flags"]
    assert ucdp.loc["900003", "flags"] == "aggregate_period"  # date_prec 5: a span of months (issue 10)


def test_validation_accepts_flagged_ranges(ucdp):
    assert len(validate(ucdp.reset_index(drop=True), "incidents")) == 0


def test_date_prec(ucdp):
    assert ucdp.loc["900001", "date_precision"] == "day" and pd.isna(ucdp.loc["900001", "date_end"])
    month = ucdp.loc["900002"]
    assert month["date_precision"] == "month" and month["date"] == pd.Timestamp("2017-05-01")
    assert month["date_end"] == pd.Timestamp("2017-06-05")
    year = ucdp.loc["900003"]
    assert year["date_precision"] == "year" and year["date"] == pd.Timestamp("2018-01-01")


def test_where_prec(ucdp):
    assert ucdp.loc["900001", "geo_precision"] == "point"
    assert ucdp.loc["900002", "geo_precision"] == "country"
    assert ucdp.loc["900003", "geo_precision"] == "locality"


def test_is_per_country_and_admin1(ucdp):
    ru = ucdp.loc["900001"]
    assert ru["perpetrator"] == "IS" and ru["is_branch"] == "is-caucasus"  # IS as side_b
    assert ru["country"] == "Russia" and ru["iso3"] == "RUS" and ru["admin1"] == "Dagestan"
    assert ru["target_type"] == "Military"
    assert ru["perpetrators_killed"] == 2  # deaths_b: IS's side
    sy = ucdp.loc["900002"]
    assert sy["is_branch"] == "is-central" and sy["admin1"] == "Deir ez-Zor"
    assert sy["target_type"] == "Terrorists/Non-State Militia"
    other = ucdp.loc["900003"]
    assert pd.isna(other["is_branch"]) and other["perpetrator"] == "Test Group"
    assert other["target_type"] == "Private Citizens & Property"
    assert pd.isna(other["perpetrators_killed"])  # one-sided violence


def test_number_of_sources_minus_one_and_summary(ucdp):
    assert "not recorded" in ucdp.loc["900001", "notes"]
    assert "aggregate" in ucdp.loc["900002", "notes"]
    assert ucdp.loc["900001", "summary"] == "Synthetic headline one"
    assert pd.isna(ucdp.loc["900003", "summary"])
    assert ucdp.loc["900001", "incident_id"] == "ucdp-900001"
    assert set(ucdp["attack_type"]) == {"Unknown"}
