"""validate(): each class of bad input is reported with table, line, id, column, value and what was expected."""

from __future__ import annotations

from datetime import date

import incidentkit as ik
import pandas as pd
import pytest
from incidentkit.data.tables import read_csv_raw


@pytest.fixture
def raw(mini_data):
    """The mini incident table as text, with its file line numbers."""
    return read_csv_raw(mini_data / "incidents.csv", "incidents")


def _checks(report, column=None):
    return {(p.check, p.column) for p in report if column is None or p.column == column}


def test_the_mini_tables_are_valid(mini_data, raw):
    df, lines = raw
    assert ik.validate(df, lines=lines).ok
    for table in ("events", "sources", "reported_statistics", "coverage", "theatres", "theatre_map", "branches",
                  "branch_aliases", "admin1_aliases", "gazetteer"):
        ik.load_table(table)  # raises on any problem


@pytest.mark.parametrize(
    ("row", "column", "value", "check"),
    [
        (0, "summary", None, "required"),
        (0, "perpetrator", None, "required"),
        (0, "is_role", None, "required"),  # every curated incident says what IS did in it
        (0, "is_role", "victim", "enum"),
        (0, "attack_type", "Bombing", "enum"),
        (0, "claim_status", "maybe", "enum"),
        (0, "incident_id", "Not A Slug", "pattern"),
        (0, "iso3", "ru", "pattern"),
        (0, "killed_best", "-3", "minimum"),
        (0, "wounded_best", "-1", "minimum"),
        (0, "latitude", "91.5", "maximum"),
        (0, "longitude", "-181", "minimum"),
        (0, "killed_best", "two", "type"),
        (0, "date", "15/02/2016", "type"),
        (0, "suicide", "perhaps", "type"),
        (0, "is_branch", "is-atlantis", "foreign-key"),
        (0, "source_ids", "src-a;src-zzz", "foreign-key"),
        (0, "date_end", "2016-02-01", "date-order"),
        (0, "date", "2099-01-01", "future-date"),
        (0, "date", "2999-01-01", "type"),
        (1, "date", "2016-03-05", "date-precision"),
        (0, "admin1", "Narnia", "admin1"),  # a misspelt or unknown admin1 is not silently sent to RUS '*'
        (0, "country", "Syria", "country"),  # the name does not match the iso3 code
        (0, "theatre", "Libya", "theatre"),  # an explicit theatre the map never gives to Russia
        (0, "summary", "   ", "required"),  # whitespace is not a value
        (0, "killed_best", "6.0", "type"),  # an integer is written without a fraction
        (2, "latitude", None, "coordinates"),  # a locality without coordinates
        (5, "iso3", "PER", "theatre"),
        (0, "latitude", None, "coordinates"),
    ],
)
def test_each_class_of_bad_value(mini_data, raw, row, column, value, check):
    df, lines = raw
    df = df.copy()
    if check == "coordinates" and row == 0:
        df.loc[row, "longitude"] = "47.0"
    elif check == "coordinates":
        df.loc[row, ["latitude", "longitude"]] = [None, None]
    else:
        df.loc[row, column] = value
    report = ik.validate(df, lines=lines, today=date(2026, 11, 21))
    if check is None:
        assert report.ok, str(report)
        return
    found = [p for p in report if p.check == check]
    assert found, f"expected a {check} problem, got: {report}"
    p = found[0]
    assert p.table == "incidents"
    assert p.line == row + 2
    assert p.row_id == df.loc[row, "incident_id"] or check == "pattern"
    assert p.expected
    assert "incidents" in str(p) and f"line {row + 2}" in str(p)


def test_range_order_low_best_high(mini_data, raw):
    df, lines = raw
    df = df.copy()
    df.loc[2, ["killed_low", "killed_best", "killed_high"]] = ["5", "4", "3"]
    df.loc[0, ["wounded_low", "wounded_best", "wounded_high"]] = ["1", "9", "2"]
    report = ik.validate(df, lines=lines)
    assert {("range-order", "killed_best"), ("range-order", "killed_high"), ("range-order", "wounded_high")} <= _checks(report)


def test_flagged_external_rows_may_keep_the_source_order(mini_data, raw):
    df, lines = raw
    df = df.copy()
    df.loc[2, ["killed_low", "killed_best", "killed_high"]] = ["5", "4", "3"]
    df["source_dataset"] = "curated"
    df.loc[2, "source_dataset"] = "ucdp"
    df.loc[2, "flags"] = "killed_range_as_reported"
    df.loc[2, "source_ids"] = "ucdp-ged"
    df.loc[2, "summary"] = None
    assert ik.validate(df, lines=lines).ok


def _one_export_row(df):
    df = df.copy()
    df["source_dataset"] = "curated"
    df.loc[2, ["source_dataset", "source_ids", "summary"]] = ["acled", "acled", None]
    return df


def test_an_export_row_naming_is_needs_its_role(mini_data, raw):
    df, lines = raw
    df = _one_export_row(df)
    df.loc[2, "is_branch"] = "is-central"
    df.loc[2, "is_role"] = None
    assert ("required", "is_role") in _checks(ik.validate(df, lines=lines))
    df.loc[2, "flags"] = "is_role_unknown"  # the reader says the dataset's fields do not tell it
    assert ik.validate(df, lines=lines).ok


def test_an_export_row_naming_no_is_actor_has_no_role(mini_data, raw):
    df, lines = raw
    df = _one_export_row(df)
    df.loc[2, "is_branch"] = None
    df.loc[2, "is_role"] = "perpetrator"
    assert ("is-role", "is_role") in _checks(ik.validate(df, lines=lines))
    df.loc[2, "is_role"] = None
    assert ik.validate(df, lines=lines).ok


def test_perpetrators_cannot_exceed_the_killed_figure(mini_data, raw):
    df, lines = raw
    df = df.copy()
    df.loc[0, "perpetrators_killed"] = "3"
    assert ("perpetrators-killed", "perpetrators_killed") in _checks(ik.validate(df, lines=lines))


def test_duplicate_ids_and_every_problem_at_once(mini_data, raw):
    df, lines = raw
    df = df.copy()
    df.loc[1, "incident_id"] = df.loc[0, "incident_id"]
    df.loc[3, "attack_type"] = "Bombing"
    df.loc[4, "latitude"] = "123"
    df.loc[4, "longitude"] = "40"
    report = ik.validate(df, lines=lines)
    checks = {p.check for p in report}
    assert {"duplicate-id", "enum", "maximum"} <= checks
    assert [p.line for p in report if p.check == "duplicate-id"] == [3]
    with pytest.raises(ik.DataValidationError) as err:
        report.raise_if_failed()
    assert len(err.value.problems) == len(report) >= 3
    frame = report.to_frame()
    assert list(frame.columns) == ["table", "check", "column", "expected", "value", "line", "row_id"]


def test_missing_and_undocumented_columns(mini_data, raw):
    df, lines = raw
    report = ik.validate(df.drop(columns=["attribution"]).assign(colour="red"), lines=lines, strict_columns=True)
    assert ("missing-column", "attribution") in _checks(report)
    assert ("undocumented-column", "colour") in _checks(report)


def test_validate_accepts_a_loaded_frame(mini_data):
    df = ik.load_incidents()
    assert ik.validate(df).ok
    df.loc[0, "killed_low"] = 99
    report = ik.validate(df)
    assert [p.check for p in report] == ["range-order", "range-order"]
    assert report[0].row_id == df.loc[0, "incident_id"] and report[0].line is None


def test_other_tables_are_checked_too(mini_data):
    stats = pd.read_csv(mini_data / "reported_statistics.csv", dtype=str, keep_default_na=False).replace("", None)
    stats.loc[0, "value_high"] = "2"
    stats.loc[0, "period_end"] = "2017-01-01"
    stats.loc[0, "qualifier"] = "roughly"
    report = ik.validate(stats, "reported_statistics")
    assert {("range-order", "value_high"), ("date-order", "period_end"), ("enum", "qualifier")} <= _checks(report)
    events = pd.read_csv(mini_data / "events.csv", dtype=str, keep_default_na=False).replace("", None)
    events.loc[0, "event_type"] = "party"
    events.loc[1, "source_ids"] = "nobody"
    assert {("enum", "event_type"), ("foreign-key", "source_ids")} <= _checks(ik.validate(events, "events"))


def test_a_period_end_may_lie_ahead_for_a_period_precise_row(mini_data, raw):
    df, lines = raw
    df, lines = df.iloc[:2].copy(), lines[:2]  # the two 2016 rows
    df.loc[1, "date_end"] = "2016-03-31"  # month precision, March 2016
    assert ik.validate(df, lines=lines, today=date(2016, 3, 20)).ok
    df.loc[0, "date_end"] = "2016-02-20"  # day precision: an end after today is an error
    found = [p for p in ik.validate(df, lines=lines, today=date(2016, 2, 16)) if p.column == "date_end"]
    assert [(p.column, p.line) for p in found] == [("date_end", 2)]
