"""IS's role, aggregate rows and what a read file covers (issue 10), on crafted fixtures and on the real samples.

The role rules are data/README.md "Deriving is_role"; the aggregate flags and the file coverage are
incidentkit.data.readers.extent. Real samples: ../shared/real-samples (skipped, with the reason, when absent).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from incidentkit.data.readers import RowsRejectedWarning, acled, gtd, read_export, ucdp
from incidentkit.data.readers.extent import AGGREGATE_FLAGS, CODABLE, CODED_VALUES, is_aggregate
from incidentkit.data.validation import validate

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-samples"
ACLED_SAMPLE = SAMPLES / "acled" / "acledR_acled_old_deletion_dummy_2022H1.csv"
UCDP_SAMPLE = SAMPLES / "ucdp" / "ged231_random-sample-1000_uncertainUCDP.csv"
GTD_SAMPLE = SAMPLES / "gtd" / "globalterrorismdb_0718dist_HEAD-truncated-1MiB.csv"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="real samples (../shared/real-samples) not present")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


def read(name: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        df = read_export(FIXTURES / name)
    return df.set_index("source_event_id", drop=False)


# --- ACLED -------------------------------------------------------------------------------------------------------


def test_acled_battles_with_is_on_either_side_are_two_sided():
    df = read("acled_roles.csv")
    for sid in ("ROL1", "ROL2"):  # IS as actor2, then as actor1
        row = df.loc[sid]
        assert row["is_role"] == "two_sided" and row["is_branch"] == "is-central"
        assert row["perpetrator"] == "Islamic State (Syria)" and row["target_type"] == "Military"


def test_acled_is_as_second_actor_outside_battles_is_an_operation_against_is():
    """Symptom: rows where IS is actor2 (state forces striking IS) were counted as IS events."""
    df = read("acled_roles.csv")
    strike = df.loc["ROL3"]
    assert strike["is_role"] == "target"
    assert strike["perpetrator"] == "Military Forces of Russia (2000-)"  # the force acting against IS
    assert strike["is_branch"] == "is-central" and strike["target_type"] == "Terrorists/Non-State Militia"
    arrest = df.loc["ROL5"]  # IS among the associated actors of side 2
    assert arrest["is_role"] == "target" and arrest["is_branch"] == "is-caucasus"
    composite = df.loc["ROL6"]  # "Taliban and/or Islamic State (Afghanistan)" struck: the link to IS is suspected
    assert composite["is_role"] == "target" and composite["attribution"] == "suspected"
    assert "composite_actor" in composite["flags"].split(";")


def test_acled_is_as_first_actor_outside_battles_is_violence_by_is():
    row = read("acled_roles.csv").loc["ROL4"]
    assert row["is_role"] == "perpetrator" and row["target_type"] == "Private Citizens & Property"


def test_acled_rows_without_an_is_actor_have_no_role():
    df = read("acled_roles.csv")
    assert df.loc[["ROL7", "ROL8"], "is_role"].isna().all()
    assert df.loc[["ROL7", "ROL8"], "is_branch"].isna().all()
    assert list(validate(df.reset_index(drop=True), "incidents")) == []


# --- GTD ---------------------------------------------------------------------------------------------------------


def test_gtd_is_group_is_perpetrator_and_is_entity_targeted_is_target():
    df = read("gtd_roles.csv")
    assert df.loc["201701010001", "is_role"] == "perpetrator"
    second = df.loc["201706010001"]  # "Unknown" first, IS second: still IS's attack
    assert second["is_role"] == "perpetrator" and second["is_branch"] == "is-central"
    attacked = df.loc["201704130001"]  # the Taliban attacking IS-K (corp1)
    assert attacked["is_role"] == "target" and attacked["is_branch"] == "is-khorasan"
    assert attacked["perpetrator"] == "Taliban"
    assert pd.isna(df.loc["201712310001", "is_role"]) and pd.isna(df.loc["201712310001", "is_branch"])
    assert list(validate(df.reset_index(drop=True), "incidents")) == []


def test_gtd_figures_are_one_figure_not_a_floor():
    """Symptom: every GTD incident was called "at least N" (GTD records one figure: the most recent, the majority
    or the lowest source; not a lower bound)."""
    row = read("gtd_roles.csv").loc["201701010001"]
    assert (row["killed_low"], row["killed_best"], row["killed_high"]) == (5, 5, 5)
    assert (row["wounded_low"], row["wounded_best"], row["wounded_high"]) == (7, 7, 7)


# --- UCDP --------------------------------------------------------------------------------------------------------


def test_ucdp_roles_by_type_of_violence():
    df = read("ucdp_roles.csv")
    assert df.loc["910001", "is_role"] == "two_sided"  # state-based, IS as side_b
    assert df.loc["910002", "is_role"] == "two_sided"  # non-state, IS as side_a
    assert df.loc["910003", "is_role"] == "perpetrator"  # one-sided violence by IS
    assert pd.isna(df.loc["910004", "is_role"])  # no IS side
    unknown = df.loc["910006"]  # IS named, type of violence missing: the role is not guessed
    assert pd.isna(unknown["is_role"]) and unknown["flags"] == "is_role_unknown"
    assert not (df["is_role"] == "target").any()
    assert list(validate(df.reset_index(drop=True), "incidents")) == []


def test_ucdp_year_and_country_aggregates_are_flagged():
    df = read("ucdp_roles.csv")
    flags = set(df.loc["910005", "flags"].split(";"))
    assert flags == {"aggregate_of_events", "aggregate_period", "aggregate_area"}
    assert set(AGGREGATE_FLAGS) == flags
    assert is_aggregate(df["flags"]).tolist() == [False, False, False, False, True, False]


# --- coverage of a read file ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [gtd, acled, ucdp], ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_reader_declares_what_its_dataset_codes(module):
    assert list(module.CODED) == list(CODABLE)
    for key, entry in module.CODED.items():
        assert entry["coded"] in CODED_VALUES, key
        assert entry["coded"] == "yes" or entry["note"], f"{key}: say why it is not (fully) coded"


def test_coverage_spans_every_row_not_only_is_rows():
    df = read("acled_roles.csv")
    cov = df.attrs["read_report"]["coverage"]
    assert (cov["first_date"], cov["last_date"]) == ("2022-01-03", "2022-06-28")  # a week-dated row: ACLED's date
    assert {c["iso3"] for c in cov["countries"]} == {"SYR", "RUS", "AFG", "UKR", "IRQ"}  # Ukraine, Iraq: no IS row
    assert cov["countries"][0] == {"iso3": "SYR", "country": "Syria", "rows": 4}
    assert cov["roles"] == {"perpetrator": 1, "target": 3, "two_sided": 2, "unknown": 0, "none": 2}
    assert cov["coded"]["claims"]["coded"] == "no" and cov["coded"]["wounded"]["coded"] == "no"
    ucdp_cov = read("ucdp_roles.csv").attrs["read_report"]["coverage"]
    assert ucdp_cov["aggregate_rows"] == 1 and ucdp_cov["roles"]["unknown"] == 1
    assert ucdp_cov["coded"]["suicide"]["coded"] == "no"
    # a row dated only to a year does not stretch the span: finer rows give it
    assert (ucdp_cov["first_date"], ucdp_cov["last_date"]) == ("2016-03-05", "2016-07-01")


def test_coverage_is_carried_by_the_cache():
    cold = read_export(FIXTURES / "gtd_roles.csv")
    warm = read_export(FIXTURES / "gtd_roles.csv")
    assert warm.attrs["read_report"]["coverage"] == cold.attrs["read_report"]["coverage"]
    assert warm.attrs["read_report"]["coverage"]["roles"]["target"] == 1


# --- real samples ------------------------------------------------------------------------------------------------


@needs_samples
def test_real_acled_half_year_export():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        df = read_export(ACLED_SAMPLE)
    cov = df.attrs["read_report"]["coverage"]
    assert (cov["first_date"], cov["last_date"]) == ("2022-01-01", "2022-06-30")
    assert len(cov["countries"]) > 100  # every country of the file, with or without IS rows
    raw = pd.read_csv(ACLED_SAMPLE, usecols=["event_id_cnty", "event_type", "actor1", "actor2"]).set_index(
        "event_id_cnty"
    )
    target = df[df["is_role"] == "target"].set_index("source_event_id")
    assert len(target) > 10
    assert (raw.loc[target.index, "event_type"] != "Battles").all()
    assert not raw.loc[target.index, "actor1"].str.contains("Islamic State").any()  # IS is never the actor
    two = df[df["is_role"] == "two_sided"].set_index("source_event_id")
    assert (raw.loc[two.index, "event_type"] == "Battles").all()


@needs_samples
def test_real_ucdp_aggregates_and_uncoded_fields():
    df = read_export(UCDP_SAMPLE)
    agg = is_aggregate(df["flags"])
    raw = pd.read_csv(UCDP_SAMPLE, usecols=["id", "event_clarity", "date_prec", "where_prec"]).set_index("id")
    ids = df["source_event_id"].astype(int)
    expected = (raw["event_clarity"] == 2) | (raw["date_prec"] == 5) | raw["where_prec"].isin([6, 7])
    assert agg.tolist() == expected.loc[ids].tolist() and agg.sum() > 0
    cov = df.attrs["read_report"]["coverage"]
    assert cov["coded"]["claims"]["coded"] == "no" and cov["coded"]["suicide"]["coded"] == "no"
    assert cov["roles"]["target"] == 0 and cov["roles"]["perpetrator"] + cov["roles"]["two_sided"] > 0


@needs_samples
def test_real_gtd_span_and_figures():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        df = read_export(GTD_SAMPLE)
    cov = df.attrs["read_report"]["coverage"]
    assert cov["first_date"] == "1970-01-01" and cov["last_date"].startswith("1972-")
    known = df["killed_best"].notna()
    assert (df.loc[known, "killed_high"] == df.loc[known, "killed_best"]).all()
