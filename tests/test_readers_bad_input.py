"""Bad input: wrong dataset, missing column, truncated file, unparseable values: errors name file, line, column;
or the good rows are kept and each rejected row is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from incidentkit.errors import ReaderError
from incidentkit.readers import (
    RowsRejectedWarning,
    detect_dataset,
    read_acled,
    read_export,
    read_gtd,
    read_ucdp,
)

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


def test_file_of_no_known_layout(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,value\nx,1\n")
    with pytest.raises(ReaderError) as err:
        read_export(path)
    msg = str(err.value)
    assert str(path) in msg and "line 1" in msg and "eventid" in msg and "event_id_cnty" in msg and "side_a" in msg


def test_wrong_dataset_for_the_reader():
    with pytest.raises(ReaderError, match="ACLED export, not GTD"):
        read_gtd(FIXTURES / "acled_current.csv")
    with pytest.raises(ReaderError, match="GTD export, not UCDP"):
        read_ucdp(FIXTURES / "gtd_quirks.csv")


def test_missing_required_column(tmp_path):
    src = (FIXTURES / "acled_current.csv").read_text().splitlines()
    header = src[0].split(",")
    drop = header.index("geo_precision")
    rows = [",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in src[:1]]
    path = tmp_path / "acled_missing.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ReaderError) as err:
        read_acled(path)
    assert err.value.column == "geo_precision" and err.value.line == 1 and str(path) in str(err.value)


def test_missing_file():
    with pytest.raises(ReaderError, match="file not found"):
        read_export(FIXTURES / "no_such_file.csv")


def test_unparseable_date_rejects_the_row_with_line_and_column(tmp_path):
    text = (FIXTURES / "acled_current.csv").read_text().replace("2022-05-01", "the first of May")
    path = tmp_path / "acled_bad_date.csv"
    path.write_text(text)
    with pytest.warns(RowsRejectedWarning) as rec:
        df = read_acled(path)
    assert len(df) == 3 and "TST4" not in set(df["source_event_id"])
    (rej,) = df.attrs["read_report"]["rejected"]
    assert rej["line"] == 5 and rej["column"] == "event_date" and rej["source_event_id"] == "TST4"
    assert rej["value"] == "the first of May"
    assert "line 5" in str(rec[0].message) and "event_date" in str(rec[0].message)


def test_line_numbers_count_newlines_inside_quoted_fields(tmp_path):
    raw = (FIXTURES / "gtd_quirks.csv").read_bytes()
    # row 6 (eventid 201705050001) starts on line 8: row 1 spans two lines
    path = tmp_path / "gtd_bad_year.csv"
    path.write_bytes(raw.replace(b"201705050001,2017,", b"201705050001,20x7,"))
    with pytest.warns(RowsRejectedWarning):
        df = read_gtd(path)
    (rej,) = df.attrs["read_report"]["rejected"]
    assert (rej["line"], rej["column"]) == (8, "iyear")
    assert len(df) == 5


def test_truncated_file_keeps_the_good_rows(tmp_path):
    raw = (FIXTURES / "gtd_quirks.csv").read_bytes()
    path = tmp_path / "gtd_truncated.csv"
    path.write_bytes(raw[: raw.index(b"201705050001") + 40])  # cut in the middle of the last row
    with pytest.warns(RowsRejectedWarning, match="truncated"):
        df = read_gtd(path)
    assert len(df) == 5
    (rej,) = df.attrs["read_report"]["rejected"]
    assert rej["line"] == 8 and rej["value"].startswith("201705050001")


def test_impossible_calendar_date(tmp_path):
    raw = (FIXTURES / "gtd_quirks.csv").read_bytes()
    path = tmp_path / "gtd_feb30.csv"
    path.write_bytes(raw.replace(b"201705050001,2017,5,5,", b"201705050001,2017,2,30,"))
    with pytest.warns(RowsRejectedWarning):
        df = read_gtd(path)
    (rej,) = df.attrs["read_report"]["rejected"]
    assert rej["column"] == "iday" and rej["line"] == 8


def test_duplicate_ids_are_reported(tmp_path):
    lines = (FIXTURES / "acled_current.csv").read_text().splitlines()
    path = tmp_path / "acled_dup.csv"
    path.write_text("\n".join(lines + [lines[1]]) + "\n")
    with pytest.warns(RowsRejectedWarning, match="duplicate"):
        df = read_acled(path)
    assert len(df) == 4 and df.attrs["read_report"]["rejected"][0]["line"] == 6


def test_detect_dataset_of_each_fixture():
    assert detect_dataset(FIXTURES / "gtd_quirks.csv") == "gtd"
    assert detect_dataset(FIXTURES / "ucdp_quirks.csv") == "ucdp"
