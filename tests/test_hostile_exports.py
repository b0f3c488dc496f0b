"""Hostile values in exports (issue 12, items 3 and 4) and row faults (issue 11, item 3): nothing is changed or
dropped without a named entry in the read report, a broken record is a rejected row (never a failed file), and the
project's own incident schema is a source like the curated tables.

Every file is generated here from the synthetic fixtures' layouts; each test asserts the exact outcome.
"""

from __future__ import annotations

import csv
import gzip
import shutil
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from export_files import FIXTURES, craft, fixture_records
from incidentkit.data.load import load_incidents
from incidentkit.data.readers import RowsRejectedWarning, read_acled, read_export, read_gtd, read_ucdp
from incidentkit.data.selection import describe_source
from incidentkit.errors import DataValidationError, ReaderError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


def quietly(read, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        return read(*args, **kwargs)


def changed(df: pd.DataFrame) -> dict[tuple[int, str], dict]:
    return {(c["line"], c["column"]): c for c in df.attrs["read_report"]["changed"]}


# --- values out of range: blank only with a named entry ------------------------------------------------------------

COORDS = [
    ("gtd_quirks.csv", read_gtd, "eventid", "cp1252", "\r\n"),
    ("acled_current.csv", read_acled, "event_id_cnty", "utf-8", "\n"),
    ("ucdp_quirks.csv", read_ucdp, "id", "utf-8", "\n"),
]


@pytest.mark.parametrize(("template", "read", "id_col", "encoding", "eol"), COORDS, ids=["gtd", "acled", "ucdp"])
def test_coordinates_out_of_range_become_blank_with_a_named_entry(tmp_path, template, read, id_col, encoding, eol):
    path = craft(tmp_path, template, [
        {id_col: "1", "latitude": "123", "longitude": "40"},
        {id_col: "2", "latitude": "35", "longitude": "-400"},
        {id_col: "3", "latitude": "-9", "longitude": "-99"},  # -9/-99 are real coordinates: kept
    ], f"coords_{template}", encoding=encoding, lineterminator=eol)
    with pytest.warns(RowsRejectedWarning, match="2 value\\(s\\) set blank") as rec:
        df = read(path).set_index("source_event_id")
    assert len(df) == 3  # every row kept
    assert df.loc[["1", "2"], ["latitude", "longitude"]].isna().all().all()
    assert (df.loc["3", "latitude"], df.loc["3", "longitude"]) == (-9.0, -99.0)
    for sid in ("1", "2"):
        assert "coordinates_out_of_range" in df.loc[sid, "flags"].split(";")
    entries = changed(df)
    assert entries[(2, "latitude")]["value"] == "123.0" and entries[(2, "latitude")]["source_event_id"] == "1"
    assert entries[(3, "longitude")]["value"] == "-400.0"
    assert "outside -90..90" in entries[(2, "latitude")]["reason"]
    assert str(path) in str(rec[0].message) and "line 2, column 'latitude'" in str(rec[0].message)


def test_gtd_negative_count_is_blank_with_a_named_entry_and_unknown_codes_are_blank(tmp_path):
    path = craft(tmp_path, "gtd_quirks.csv", [
        {"eventid": "201701010001", "nkill": "-5"},
        {"eventid": "201701010002", "nkill": "-9", "nwound": "-99"},  # GTD's unknown codes: blank, no entry
        {"eventid": "201701010003", "nkill": "4"},
    ], "gtd_counts.csv", encoding="cp1252", lineterminator="\r\n")
    df = quietly(read_gtd, path).set_index("source_event_id")
    assert df["killed_best"].isna().tolist() == [True, True, False]
    ((key, entry),) = changed(df).items()
    assert key == (2, "nkill") and entry["value"] == "-5" and "negative count" in entry["reason"]
    assert "-9, -99" in entry["reason"]


def test_ucdp_end_before_start_is_blank_with_a_named_entry(tmp_path):
    path = craft(tmp_path, "ucdp_quirks.csv", [
        {"id": "1", "date_start": "2017-05-10", "date_end": "2017-05-02", "date_prec": "1"},
        {"id": "2", "date_start": "2017-05-10", "date_end": "2017-05-12", "date_prec": "2"},
    ], "ged_dates.csv")
    df = quietly(read_ucdp, path).set_index("source_event_id")
    assert pd.isna(df.loc["1", "date_end"]) and df.loc["1", "date"] == pd.Timestamp("2017-05-10")
    assert "date_range_inverted" in df.loc["1", "flags"].split(";")
    assert df.loc["2", "date_end"] == pd.Timestamp("2017-05-12")
    entry = changed(df)[(2, "date_end")]
    assert entry["value"] == "2017-05-02" and "before date_start" in entry["reason"]


# --- duplicate ids: every line named, no row silently preferred --------------------------------------------------


@pytest.mark.parametrize(("template", "id_col"), [("acled_current.csv", "event_id_cnty"), ("ucdp_quirks.csv", "id")])
def test_duplicate_ids_name_every_line_and_prefer_no_row(tmp_path, template, id_col):
    path = craft(tmp_path, template, [
        {id_col: "7", "fatalities" if "acled" in template else "best": "3"},
        {id_col: "8"},
        {id_col: "7", "fatalities" if "acled" in template else "best": "5"},  # same id, different record
        {id_col: "9"},
        {id_col: "9"},  # the same record twice
    ], f"dup_{template}")
    df = quietly(read_export, path)
    assert sorted(df["source_event_id"]) == ["8", "9"]  # neither '7' kept; '9' kept once
    rejected = {r["line"]: r for r in df.attrs["read_report"]["rejected"]}
    assert set(rejected) == {2, 4, 6}
    for line in (2, 4):
        assert rejected[line]["lines"] == [2, 4] and "lines 2, 4 hold different records" in rejected[line]["reason"]
    assert rejected[6]["lines"] == [5, 6] and "the same record as line 5" in rejected[6]["reason"]


# --- row faults stay row faults ----------------------------------------------------------------------------------


def test_acled_last_record_cut_and_padded_with_commas_is_a_rejected_row(tmp_path):
    """Symptom: the padded record was kept, then load_incidents raised for the whole file ('country is required')."""
    records = fixture_records("acled_current.csv")
    header = records[0]
    cut = records[2][:6] + [""] * (len(header) - 6)  # the record cut after six fields, padded with commas
    path = tmp_path / "acled_padded.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, records[1], records[3], cut])
    df = quietly(load_incidents, source=path, only_is=False)  # the rest of the file loads and validates
    assert sorted(df["source_event_id"]) == ["TST1", "TST3"]
    (rej,) = df.attrs["read_report"]["rejected"]
    assert rej["line"] == 4 and rej["column"] == "actor1" and "cut short and padded" in rej["reason"]
    assert rej["reason"].startswith("blank actor1, country, location, latitude, longitude, geo_precision, fatalities:")
    assert rej["source_event_id"] == "TST2"


def test_acled_blank_event_id_falls_back_to_data_id(tmp_path):
    path = craft(tmp_path, "acled_2020.csv", [
        {"event_id_cnty": "", "data_id": "4711"},
        {"event_id_cnty": "", "data_id": ""},  # neither id: rejected with its line
        {"event_id_cnty": "IRQ9"},
    ], "acled_ids.csv")
    df = quietly(read_acled, path).set_index("source_event_id")
    assert list(df.index) == ["4711", "IRQ9"]
    row = df.loc["4711"]
    assert row["incident_id"] == "acled-data-4711" and "event_id_from_data_id" in row["flags"].split(";")
    (rej,) = df.attrs["read_report"]["rejected"]
    assert rej["line"] == 3 and rej["column"] == "event_id_cnty" and "data_id" in rej["reason"]


# --- a field of any size -----------------------------------------------------------------------------------------


def test_a_one_mib_notes_field_is_read_in_an_export_and_in_a_curated_table(tmp_path):
    big = "x" * (1 << 20)
    export = craft(tmp_path, "acled_current.csv", [{"event_id_cnty": "BIG1", "notes": big}], "acled_big.csv")
    assert read_acled(export)["summary"].str.len().tolist() == [1 << 20]
    table = tmp_path / "my_incidents.csv"
    curated = pd.read_csv(REPO / "data" / "incidents.csv", dtype=str, keep_default_na=False)
    curated.loc[0, "notes"] = big
    curated.to_csv(table, index=False)
    df = load_incidents(source=table)
    assert len(df) == len(curated) and df["notes"].str.len().max() == 1 << 20


# --- encodings, sheets, archives: detected and named --------------------------------------------------------------


def test_utf16_export_is_read_and_its_encoding_named(tmp_path):
    plain = craft(tmp_path, "acled_current.csv", [{"event_id_cnty": "U1", "location": "Dayr az Z\u00f4r"},
                                                  {"event_id_cnty": "U2"}], "acled_utf8.csv")
    wide = tmp_path / "acled_utf16.csv"
    wide.write_bytes(plain.read_text(encoding="utf-8").encode("utf-16"))
    tabbed = tmp_path / "acled_unicode_text.txt"  # Excel's "Unicode Text": UTF-16, tab-separated
    with open(plain, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    tabbed.write_bytes("".join("\t".join(r) + "\r\n" for r in rows).encode("utf-16"))
    expected = read_acled(plain)
    for path in (wide, tabbed):
        df = read_export(path)
        report = df.attrs["read_report"]
        assert report["encoding"] == "utf-16" and "UTF-16 text" in report["source_note"]
        pd.testing.assert_frame_equal(df, expected)
    assert read_export(tabbed).attrs["read_report"]["delimiter"] == "\t"


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_workbook_with_the_data_on_a_second_sheet_is_read_and_the_sheet_named(tmp_path):
    records = fixture_records("acled_current.csv")
    path = _workbook(tmp_path / "acled.xlsx", {"Notes": [["Downloaded from ACLED"], ["see the codebook"]],
                                               "Data": records})
    df = read_export(path)
    assert sorted(df["source_event_id"]) == ["TST1", "TST2", "TST3", "TST4"]
    report = df.attrs["read_report"]
    assert report["sheet"] == "Data" and report["sheets"] == ["Notes", "Data"]
    assert "sheet 'Data'" in report["source_note"] and "'Notes'" in report["source_note"]


def test_workbook_without_an_export_lists_its_sheets(tmp_path):
    path = _workbook(tmp_path / "other.xlsx", {"Summary": [["a", "b"], [1, 2]], "Chart data": [["x"], [3]]})
    with pytest.raises(ReaderError) as err:
        read_export(path)
    msg = str(err.value)
    assert str(path) in msg and "sheets: 'Summary', 'Chart data'" in msg


def test_zip_saved_as_csv_is_named_an_archive(tmp_path):
    path = tmp_path / "acled_export.csv"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(FIXTURES / "acled_current.csv", "acled_current.csv")
    with pytest.raises(ReaderError) as err:
        read_export(path)
    assert "this is a ZIP archive (1 file(s): acled_current.csv)" in str(err.value) and str(path) in str(err.value)


def test_gzip_saved_as_csv_is_named(tmp_path):
    path = tmp_path / "ged.csv"
    path.write_bytes(gzip.compress((FIXTURES / "ucdp_quirks.csv").read_bytes()))
    with pytest.raises(ReaderError, match="this is a gzip-compressed file"):
        read_export(path)


def test_a_broken_workbook_is_named(tmp_path):
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<not a workbook")
    with pytest.raises(ReaderError, match="not a readable Excel workbook") as err:
        read_export(path)
    assert str(path) in str(err.value)


# --- the project's own incident schema as a source ------------------------------------------------------------------


def test_a_csv_in_the_incident_schema_is_a_source(tmp_path):
    table = tmp_path / "my_table.csv"
    shutil.copy(REPO / "data" / "incidents.csv", table)
    mine = load_incidents(source=table, theatres="North Caucasus")
    ours = load_incidents(theatres="North Caucasus")
    pd.testing.assert_frame_equal(mine, ours)
    assert describe_source(table) == "incident table my_table.csv"


def test_a_curated_schema_csv_is_validated_with_the_curated_rules_and_messages(tmp_path):
    table = tmp_path / "colleague.csv"
    rows = pd.read_csv(REPO / "data" / "incidents.csv", dtype=str, keep_default_na=False)
    rows.loc[2, "killed_low"] = "-3"
    rows.to_csv(table, index=False)
    with pytest.raises(DataValidationError) as err:
        load_incidents(source=table)
    problem = next(p for p in err.value.problems if p.column == "killed_low")
    assert (problem.line, problem.check, problem.row_id) == (4, "minimum", rows.loc[2, "incident_id"])
    assert str(table) in str(err.value)


def test_a_curated_schema_csv_citing_its_own_sources_uses_the_sources_beside_it(tmp_path):
    rows = pd.read_csv(REPO / "data" / "incidents.csv", dtype=str, keep_default_na=False).head(2)
    rows["source_ids"] = "my-notes-2024"
    rows.to_csv(tmp_path / "incidents_mine.csv", index=False)
    with pytest.raises(DataValidationError, match="every id to be a source_id of sources.csv"):
        load_incidents(source=tmp_path / "incidents_mine.csv")
    sources = pd.read_csv(REPO / "data" / "sources.csv", dtype=str, keep_default_na=False).head(1)
    sources["source_id"] = "my-notes-2024"
    sources.to_csv(tmp_path / "sources.csv", index=False)
    assert len(load_incidents(source=tmp_path / "incidents_mine.csv")) == 2


def test_a_folder_with_a_datapackage_is_a_source(tmp_path):
    folder = tmp_path / "colleague_data"
    shutil.copytree(REPO / "data", folder)
    pd.testing.assert_frame_equal(load_incidents(source=folder), load_incidents())
    assert describe_source(folder) == "curated tables in colleague_data"
    (folder / "incidents.csv").write_text((folder / "incidents.csv").read_text().replace(",RUS,", ",RUX,", 1))
    with pytest.raises(DataValidationError) as err:
        load_incidents(source=folder)
    assert str(folder / "incidents.csv") in str(err.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(Exception, match="datapackage.json"):
        load_incidents(source=empty)
