"""Records merged by a stray quote are reported with their line range, never dropped silently; legitimate line
breaks inside quoted values (GTD summaries, UCDP articles) are not reported."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from incidentkit.data.readers import RowsRejectedWarning, read_acled, read_gtd, read_ucdp
from incidentkit.data.readers.lines import check_record_lines, count_lines

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
ACLED = FIXTURES / "acled_current.csv"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


def _stray_quote(tmp_path: Path, second_note: str) -> Path:
    """ACLED fixture whose first row's notes lose their closing quote; the second row's notes are quoted."""
    text = ACLED.read_text()
    text = text.replace('"Synthetic note one, with a comma.",3,', '"Synthetic note one, with a comma.,3,')
    text = text.replace(",Synthetic note two.,0,", f",{second_note},0,")
    path = tmp_path / "acled_stray.csv"
    path.write_text(text)
    return path


def test_merged_rows_with_the_right_field_count_are_not_kept_silently(tmp_path):
    # the stray quote closes at the next row's quoted notes: the merged row has 31 fields, as many as a good one
    path = _stray_quote(tmp_path, '"Synthetic note two."')
    with pytest.warns(RowsRejectedWarning) as rec:
        df = read_acled(path)
    assert sorted(df["source_event_id"]) == ["TST3", "TST4"]  # TST1 (wrong values) and TST2 (swallowed) not kept
    report = df.attrs["read_report"]
    (rej,) = report["rejected"]
    assert (rej["line"], rej["line_end"], rej["source_event_id"]) == (2, 3, "TST1")
    assert "records may be merged" in rej["reason"] and "line(s) 3" in rej["reason"]
    assert report["line_check"]["records_may_be_merged"] == 1
    (problem,) = report["problems"]
    assert "lines imply 4 record(s) but 3 were read" in problem and "line(s) 3" in problem
    message = str(rec[0].message)
    assert "lines 2-3" in message and "records may be merged" in message and "imply 4 record(s)" in message


def test_rejected_row_spanning_lines_names_the_range(tmp_path):
    path = _stray_quote(tmp_path, '"Synthetic note two, with a comma."')  # the merged row has 32 fields
    with pytest.warns(RowsRejectedWarning, match="lines 2-3"):
        df = read_acled(path)
    assert sorted(df["source_event_id"]) == ["TST3", "TST4"]
    (rej,) = df.attrs["read_report"]["rejected"]
    assert (rej["line"], rej["line_end"]) == (2, 3)
    assert "32 fields, expected 31" in rej["reason"] and "records may be merged" in rej["reason"]
    assert "line(s) 3 hold whole records" in rej["reason"]


def test_the_report_survives_the_cache(tmp_path):
    path = _stray_quote(tmp_path, '"Synthetic note two."')
    with pytest.warns(RowsRejectedWarning, match="imply 4 record"):
        cold = read_acled(path)
    with pytest.warns(RowsRejectedWarning, match="imply 4 record"):
        warm = read_acled(path)
    assert warm.attrs["read_report"]["problems"] == cold.attrs["read_report"]["problems"]


def test_line_breaks_inside_text_values_are_not_reported():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RowsRejectedWarning)
        gtd = read_gtd(FIXTURES / "gtd_quirks.csv")  # the first row's summary spans lines 2-3
        ucdp = read_ucdp(FIXTURES / "ucdp_quirks.csv")
    for df in (gtd, ucdp):
        check = df.attrs["read_report"]["line_check"]
        assert check["multi_line_records"] >= 1 and check["records_may_be_merged"] == 0
        assert df.attrs["read_report"]["problems"] == []


def test_check_record_lines_spans(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b'a,b,c\r\n1,"two\r\nlines",3\r\n\r\n4,5,6\r\n7,"x ""q"" y",9')
    assert count_lines(path) == 6
    check = check_record_lines(path, "utf-8", 3, 3)
    assert list(check.starts) == [2, 5, 6] and list(check.ends) == [3, 5, 6] and check.multi_line == 1
    assert check.swallowed == {}
    plain = tmp_path / "y.csv"
    plain.write_text("a,b\n1,2\n3,4\n")
    assert check_record_lines(plain, "utf-8", 2, 2).starts.size == 0  # one line per record: no scan
