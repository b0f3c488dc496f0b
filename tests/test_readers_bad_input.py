"""Bad input: wrong dataset, missing column, truncated file, unparseable values: errors name file, line, column;
or the good rows are kept and each rejected row is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from incidentkit.data.readers import (
    RowsRejectedWarning,
    detect_dataset,
    read_acled,
    read_export,
    read_gtd,
    read_ucdp,
)
from incidentkit.errors import ReaderError

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


def _without(src: Path, dest: Path, drop: set[str], encoding: str) -> Path:
    """Write ``src`` without the columns ``drop`` (every record, line breaks inside quotes kept)."""
    import csv

    with open(src, encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh))
    keep = [i for i, name in enumerate(rows[0]) if name.lower() not in drop]
    with open(dest, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([[r[i] for i in keep] for r in rows if r])
    return dest


@pytest.mark.parametrize(
    ("fixture", "reader", "dataset", "drop", "encoding"),
    [
        ("gtd_quirks.csv", read_gtd, "GTD", {"gname"}, "cp1252"),
        ("gtd_quirks.csv", read_gtd, "GTD", {"iyear"}, "cp1252"),
        ("gtd_quirks.csv", read_gtd, "GTD", {"eventid"}, "cp1252"),
        ("acled_current.csv", read_acled, "ACLED", {"fatalities"}, "utf-8"),
        ("acled_current.csv", read_acled, "ACLED", {"event_date"}, "utf-8"),
        ("acled_current.csv", read_acled, "ACLED", {"actor1"}, "utf-8"),
        ("acled_2015.csv", read_acled, "ACLED", {"fatalities"}, "utf-8"),
        ("ucdp_quirks.csv", read_ucdp, "UCDP", {"best"}, "utf-8"),
        ("ucdp_quirks.csv", read_ucdp, "UCDP", {"low"}, "utf-8"),
        ("ucdp_quirks.csv", read_ucdp, "UCDP", {"high"}, "utf-8"),
        ("ucdp_quirks.csv", read_ucdp, "UCDP", {"date_prec"}, "utf-8"),
        ("ucdp_quirks.csv", read_ucdp, "UCDP", {"where_prec"}, "utf-8"),
    ],
)
def test_missing_detection_column_is_named(tmp_path, fixture, reader, dataset, drop, encoding):
    path = _without(FIXTURES / fixture, tmp_path / f"no_{'_'.join(drop)}_{fixture}", drop, encoding)
    assert detect_dataset(path) == dataset.lower()  # still told by the rest of its header
    for read in (reader, read_export):
        with pytest.raises(ReaderError) as err:
            read(path)
        (col,) = drop
        assert err.value.column.lower() == col and err.value.line == 1
        msg = str(err.value)
        assert str(path) in msg and f"{dataset} header lacks required column(s)" in msg and repr(err.value.column) in msg


def test_every_missing_required_column_is_named(tmp_path):
    path = _without(FIXTURES / "ucdp_quirks.csv", tmp_path / "ucdp_two.csv", {"best", "where_prec"}, "utf-8")
    with pytest.raises(ReaderError) as err:
        read_export(path)
    assert "'where_prec'" in str(err.value) and "'best'" in str(err.value)


def test_ucdp_without_relid_is_read(tmp_path):
    path = _without(FIXTURES / "ucdp_quirks.csv", tmp_path / "ged_no_relid.csv", {"relid"}, "utf-8")
    assert detect_dataset(path) == "ucdp"
    full = read_ucdp(FIXTURES / "ucdp_quirks.csv")
    df = read_export(path)
    assert len(df) == len(full) and list(df["source_event_id"]) == list(full["source_event_id"])


def test_a_few_shared_names_are_not_a_layout(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("id,best,low,high,country\n1,2,1,3,Syria\n")
    with pytest.raises(ReaderError, match="closest: UCDP GED, 3 of its 15 columns") as err:
        read_export(path)
    assert err.value.line == 1
