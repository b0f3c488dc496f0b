"""GTD reader on a hand-written synthetic fixture reproducing the GTD CSV quirks, and on an .xlsx made in the test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from incidentkit.data.readers import RowsRejectedWarning, read_export, read_gtd
from incidentkit.data.readers.gtd_dates import parse_approxdate
from incidentkit.data.schema import pandas_dtypes

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
GTD = FIXTURES / "gtd_quirks.csv"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def gtd() -> pd.DataFrame:
    return read_gtd(GTD).set_index("source_event_id", drop=False)


def test_fixture_has_the_quirks():
    raw = GTD.read_bytes()
    assert b"\r\n" in raw and b"\x93" in raw and b"\x94" in raw  # CRLF and cp1252 curly quotes
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_columns_and_dtypes_follow_the_contract(gtd):
    expected = list(pandas_dtypes("incidents")) + ["source_dataset", "source_event_id"]
    assert list(gtd.columns) == expected
    for col, dtype in pandas_dtypes("incidents").items():
        assert gtd[col].dtype == dtype, col
    assert gtd["date"].dtype == "datetime64[ns]"
    assert set(gtd["source_dataset"]) == {"gtd"}
    assert gtd.loc["201501010001", "incident_id"] == "gtd-201501010001"


def test_cp1252_and_newline_inside_quoted_field(gtd):
    summary = gtd.loc["201501010001", "summary"]
    assert "\u201cquoted\u201d" in summary  # 0x93/0x94 decoded as curly quotes, not C1 controls
    assert "\n" in summary and "\u00e9" in summary
    assert len(gtd) == 6  # the embedded line break did not split the row


def test_month_and_day_zero_give_precision(gtd):
    row = gtd.loc["197001000002"]
    assert row["date_precision"] == "month" and row["date"] == pd.Timestamp("1970-01-01")
    row = gtd.loc["197000000003"]
    assert row["date_precision"] == "year" and row["date"] == pd.Timestamp("1970-01-01")
    assert gtd.loc["201501010001", "date_precision"] == "day"


def test_blank_nkill_stays_unknown_and_nkillter(gtd):
    assert pd.isna(gtd.loc["197001000002", "killed_best"])
    assert pd.isna(gtd.loc["201705050001", "killed_low"])
    row = gtd.loc["201501010001"]
    assert (row["killed_low"], row["killed_best"], row["perpetrators_killed"], row["wounded_best"]) == (2, 2, 1, 3)
    # GTD records one figure, not a floor: "2", never "at least 2" (issue 10)
    assert (row["killed_high"], row["wounded_high"]) == (2, 3)
    assert pd.isna(gtd.loc["197001000002", "killed_high"])  # unknown stays unknown
    assert pd.isna(row["hostages"])  # nhostkid -99 = unknown
    assert gtd.loc["201604020001", "hostages"] == 4


def test_minus_nine_and_minus_ninety_nine_are_kept_as_coordinates(gtd):
    row = gtd.loc["197001000002"]
    assert row["latitude"] == -9.0 and row["longitude"] == -99.0
    assert pd.isna(row["location"])  # city 'Unknown'


def test_specificity_gives_geo_precision(gtd):
    assert gtd.loc["201501010001", "geo_precision"] == "locality"
    assert gtd.loc["201604020001", "geo_precision"] == "admin1"
    assert gtd.loc["197000000003", "geo_precision"] == "country"


def test_approxdate(gtd):
    row = gtd.loc["201603150001"]
    assert row["date"] == pd.Timestamp("2016-03-14") and row["date_end"] == pd.Timestamp("2016-03-16")
    assert row["date_precision"] == "week"
    assert "March 14-16, 2016" in row["notes"]
    row = gtd.loc["201604020001"]
    assert row["date_precision"] == "month" and row["date"] == pd.Timestamp("2016-04-01")
    assert "approxdate_unparsed" in row["flags"].split(";")
    assert row["date_end"] == pd.Timestamp("2016-04-10")  # extended = 1: resolution


def test_parse_approxdate_forms():
    d = pd.Timestamp
    assert parse_approxdate("January 1-3, 2021", None) == (d("2021-01-01").date(), d("2021-01-03").date())
    assert parse_approxdate("01/04/2021", None) == (d("2021-01-04").date(),) * 2
    assert parse_approxdate("March 5 - April 2, 2015", None) == (d("2015-03-05").date(), d("2015-04-02").date())
    assert parse_approxdate("June 2014", None) == (d("2014-06-01").date(), d("2014-06-30").date())
    assert parse_approxdate("no date here", 2015) is None


def test_claimed_suicide_guncertain(gtd):
    assert gtd.loc["201501010001", "claim_status"] == "claimed"
    assert gtd.loc["201603150001", "claim_status"] == "disputed"  # compclaim 1
    assert gtd.loc["197001000002", "claim_status"] == "unknown"  # -9
    assert gtd.loc["201604020001", "claim_status"] == "unclaimed"
    assert bool(gtd.loc["201603150001", "suicide"]) is True
    assert bool(gtd.loc["201501010001", "suicide"]) is False
    assert gtd.loc["197001000002", "attribution"] == "suspected"  # guncertain1 = 1
    assert gtd.loc["201501010001", "attribution"] == "confirmed"


def test_doubtterr_flag_only_for_one(gtd):
    assert "gtd_doubtterr" in gtd.loc["197001000002", "flags"]
    assert pd.isna(gtd.loc["197000000003", "flags"])  # -9 = not collected, not doubt


def test_branches_and_north_caucasus_admin1(gtd):
    assert gtd.loc["201501010001", "is_branch"] == "is-caucasus"
    assert gtd.loc["201501010001", "admin1"] == "Dagestan"
    assert gtd.loc["197000000003", "admin1"] == "Chechnya"
    assert gtd.loc["201705050001", "admin1"] == "Kabardino-Balkaria"
    assert gtd.loc["201705050001", "is_branch"] == "is-unspecified"  # ISIL outside Iraq/Syria
    assert gtd.loc["201603150001", "is_branch"] == "is-central"
    assert gtd.loc["201603150001", "admin1"] == "Deir ez-Zor"
    assert pd.isna(gtd.loc["197001000002", "is_branch"])
    assert gtd.loc["201501010001", "iso3"] == "RUS"


def test_release_in_source_ids(tmp_path):
    copy = tmp_path / "globalterrorismdb_0718dist.csv"
    copy.write_bytes(GTD.read_bytes())
    assert set(read_gtd(copy)["source_ids"]) == {"gtd-0718"}
    assert set(read_gtd(GTD)["source_ids"]) == {"gtd"}


def test_xlsx_reads_like_the_csv(tmp_path):
    import csv

    import openpyxl

    with open(GTD, encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh))
    wb = openpyxl.Workbook()
    ws = wb.active
    header = rows[0]
    ws.append(header)
    numeric = {"eventid", "iyear", "imonth", "iday", "latitude", "longitude", "specificity", "nkill", "nkillter",
               "nwound", "nhostkid", "claimed", "compclaim", "guncertain1", "suicide", "doubtterr", "extended"}
    for r in rows[1:]:
        ws.append([(float(v) if "." in v else int(v)) if (c in numeric and v) else (v or None)
                   for c, v in zip(header, r, strict=True)])
    path = tmp_path / "gtd_test.xlsx"
    wb.save(path)
    from_xlsx = read_export(path)
    from_csv = read_gtd(GTD)
    assert from_xlsx.attrs["read_report"]["encoding"] == "xlsx"
    for df in (from_xlsx, from_csv):  # Excel stores a line break inside a cell as LF
        df["summary"] = df["summary"].str.replace("\r\n", "\n")
    pd.testing.assert_frame_equal(from_xlsx, from_csv)


def _undefined_bytes_export(tmp_path, *, truncated: bool):
    """The fixture with bytes cp1252 leaves undefined: 0x81/0x9D in a summary (beside the 0x93/0x94 curly quotes),
    0x8F in one row's city (a dictionary-read column); optionally a cut last row holding cp1252 bytes (which sends
    the read through pyarrow's transcoding instead of the untranscoded fast path)."""
    raw = GTD.read_bytes()
    raw = raw.replace(b"\x93quoted\x94 words,", b"\x93quoted\x94 \x81words\x9d,")
    raw = raw.replace(b"Dayr az Zawr,Testville", b"Dayr az Zawr,Test\x8fville")
    if truncated:
        raw += b'201801010001,2018,1,1,,0,,167,Russia,9,Dagestan,Testgrad,42.9,47.5,1,0,"Cut \x93here'
    path = tmp_path / f"gtd_undefined_{truncated}.csv"
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize("truncated", [False, True])
def test_bytes_undefined_in_cp1252_are_read_as_latin1_and_flagged(tmp_path, truncated):
    path = _undefined_bytes_export(tmp_path, truncated=truncated)
    if truncated:
        with pytest.warns(RowsRejectedWarning, match="line 9"):
            df = read_gtd(path)
    else:
        df = read_gtd(path)
    df = df.set_index("source_event_id")
    summary = df.loc["201501010001", "summary"]
    assert "\u201cquoted\u201d \u0081words\u009d," in summary  # curly quotes still cp1252, only 0x81/0x9D latin-1
    assert "\u00e9" in summary  # the rest of the value (second line) still cp1252
    assert df.loc["201603150001", "location"] == "Test\u008fville"
    assert "cp1252_undefined_bytes" in df.loc["201501010001", "flags"].split(";")
    assert "cp1252_undefined_bytes" in df.loc["201603150001", "flags"].split(";")
    for other in ("197001000002", "197000000003", "201604020001", "201705050001"):
        assert "cp1252_undefined_bytes" not in str(df.loc[other, "flags"])
    assert "2 row(s) with bytes undefined in cp1252" in df.attrs["read_report"]["encoding_note"]


def test_truncated_cp1252_row_leaves_stderr_clean(tmp_path, capfd):
    raw = GTD.read_bytes()
    path = tmp_path / "gtd_cut_in_quote.csv"
    path.write_bytes(raw[: raw.index(b"\x93quoted") + 12])  # cut inside the quoted summary, after a 0x93 byte
    import sys

    previous = sys.unraisablehook
    sys.unraisablehook = sys.__unraisablehook__  # the default hook prints to stderr (pytest's own would hide it)
    try:
        with pytest.warns(RowsRejectedWarning, match="truncated"):
            df = read_gtd(path, use_cache=False)
    finally:
        sys.unraisablehook = previous
    assert len(df) == 0
    (rej,) = df.attrs["read_report"]["rejected"]
    assert rej["line"] == 2 and "\u201cquoted" in rej["value"]
    err = capfd.readouterr().err
    assert "Exception ignored" not in err and "UnicodeDecodeError" not in err, err


def test_is_named_in_gname2_or_gname3(tmp_path):
    import csv

    with open(GTD, encoding="cp1252", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0] + ["gname2", "gname3", "guncertain2", "guncertain3"]
    isil = "Islamic State of Iraq and the Levant (ISIL)"
    extra = {
        "197001000002": ("Unknown", isil, "", "0", ""),  # gname, gname2, gname3, guncertain2, guncertain3
        "201603150001": (isil, "Test Group", "", "0", ""),
        "197000000003": ("Unknown", "Test Group", "Caucasus Province of the Islamic State", "0", "0"),
    }
    out = [header]
    g = rows[0].index("gname")
    for r in rows[1:]:
        if r[0] in extra:
            r = list(r)
            r[g] = extra[r[0]][0]
            out.append(r + list(extra[r[0]][1:]))
        else:
            out.append(r + ["", "", "", ""])
    path = tmp_path / "gtd_gname2.csv"
    with open(path, "w", encoding="cp1252", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(out)
    df = read_gtd(path).set_index("source_event_id")

    row = df.loc["197001000002"]  # gname 'Unknown', IS second: IS, with gname2's uncertainty
    assert row["is_branch"] == "is-unspecified"  # ISIL outside Iraq/Syria
    assert row["perpetrator"] == f"Unknown; {isil}"
    assert row["attribution"] == "confirmed"  # guncertain2 = 0 (guncertain1 = 1 is about the unknown first group)
    assert "is_branch_from_gname2_or_3" in row["flags"].split(";")

    row = df.loc["197000000003"]  # IS third
    assert row["is_branch"] == "is-caucasus"
    assert row["perpetrator"] == "Unknown; Test Group; Caucasus Province of the Islamic State"
    assert row["attribution"] == "confirmed"
    assert "is_branch_from_gname2_or_3" in row["flags"].split(";")

    row = df.loc["201603150001"]  # IS first, another group second: gname decides, no flag
    assert row["is_branch"] == "is-central" and row["perpetrator"] == f"{isil}; Test Group"
    assert "is_branch_from_gname2_or_3" not in str(row["flags"])

    row = df.loc["201501010001"]  # one group: perpetrator is gname alone
    assert row["perpetrator"] == "Caucasus Province of the Islamic State" and row["is_branch"] == "is-caucasus"
