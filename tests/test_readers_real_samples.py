"""The readers on the real GTD / ACLED / UCDP samples in ../shared/real-samples (skipped when absent)."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pytest
from incidentkit.data.load import load_incidents
from incidentkit.data.readers import RowsRejectedWarning, read_export
from incidentkit.data.validation import validate

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-samples"
GTD = SAMPLES / "gtd" / "globalterrorismdb_0718dist_HEAD-truncated-1MiB.csv"
ACLED = SAMPLES / "acled" / "acledR_acled_old_deletion_dummy_2022H1.csv"
UCDP = SAMPLES / "ucdp" / "ged231_random-sample-1000_uncertainUCDP.csv"

pytestmark = [
    pytest.mark.real_samples,
    pytest.mark.skipif(not SAMPLES.is_dir(), reason="real samples (../shared/real-samples) not present"),
]


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


def records(path: Path, encoding: str) -> int:
    with open(path, encoding=encoding, newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


@pytest.mark.parametrize(("path", "encoding"), [(GTD, "cp1252"), (ACLED, "utf-8"), (UCDP, "utf-8")])
def test_every_row_read_or_reported(path, encoding):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        df = read_export(path)
    report = df.attrs["read_report"]
    assert report["rows_read"] == records(path, encoding)
    assert len(df) + len(report["rejected"]) == report["rows_read"]


def test_gtd_cut_last_row_is_reported():
    with pytest.warns(RowsRejectedWarning, match="line 1211"):
        df = read_export(GTD)
    assert len(df) == 1209
    (rej,) = df.attrs["read_report"]["rejected"]
    assert rej["line"] == 1211 and rej["value"].startswith("197203150002")


@pytest.mark.parametrize("path", [GTD, ACLED, UCDP])
def test_samples_give_valid_incident_tables(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        df = read_export(path)
    assert list(validate(df, "incidents")) == []


def test_ucdp_out_of_order_ranges_are_flagged():
    df = read_export(UCDP)
    bad = (df["killed_low"] > df["killed_best"]) | (df["killed_best"] > df["killed_high"])
    bad = bad.fillna(False)
    assert bad.sum() > 0
    assert df.loc[bad, "flags"].str.contains("killed_range_as_reported").all()
    assert (df["source_ids"] == "ucdp-ged-231").all()


def test_acled_is_rows_and_zero_fatalities():
    df = read_export(ACLED)
    assert df["is_branch"].notna().sum() > 50
    zero = df["flags"].fillna("").str.contains("fatalities_zero_or_unknown")
    assert df.loc[zero, "killed_best"].isna().all() and (df.loc[zero, "killed_low"] == 0).all()


def test_ucdp_north_caucasus_admin1_normalised():
    df = read_export(UCDP)
    ru = df[df["iso3"] == "RUS"]
    assert set(ru["admin1"].dropna()) <= {"Chechnya", "Dagestan", "Kabardino-Balkaria", "Ingushetia", "Stavropol Krai"}
    assert not ru["admin1"].dropna().str.contains("republic").any()


@pytest.mark.parametrize("path", [GTD, ACLED, UCDP])
def test_load_incidents_on_each_sample(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        df = load_incidents(source=path, only_is=False)
    assert len(df) > 0 and "theatre" in df.columns
