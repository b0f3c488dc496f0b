"""GTD approximate dates (issue 11, item 4): every form GTD writes in ``approxdate`` gives date, date_end and a
precision that fits the window, with the text kept in notes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from export_files import craft
from incidentkit.data.readers import read_gtd
from incidentkit.data.readers.gtd_dates import parse_approxdate, window_precision

D = date


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


#: text, iyear, (first day, last day) of the window
FORMS = [
    ("April 19, 2014", 2014, (D(2014, 4, 19), D(2014, 4, 19))),
    ("01/04/2021", 2021, (D(2021, 1, 4), D(2021, 1, 4))),
    ("2014-04-19", 2014, (D(2014, 4, 19), D(2014, 4, 19))),
    ("January 1-3, 2021", 2021, (D(2021, 1, 1), D(2021, 1, 3))),
    ("June 14-16, 1971", 1971, (D(1971, 6, 14), D(1971, 6, 16))),
    ("May 27 - June 5, 1970", 1970, (D(1970, 5, 27), D(1970, 6, 5))),
    ("March 5 - April 2, 2015", 2015, (D(2015, 3, 5), D(2015, 4, 2))),
    ("December 30, 2015 - January 2, 2016", 2016, (D(2015, 12, 30), D(2016, 1, 2))),
    ("between 12/30/2015 and 01/02/2016", 2016, (D(2015, 12, 30), D(2016, 1, 2))),
    ("June 1978", 1978, (D(1978, 6, 1), D(1978, 6, 30))),
    ("early June 1978", 1978, (D(1978, 6, 1), D(1978, 6, 30))),
    ("Sept. 2016", 2016, (D(2016, 9, 1), D(2016, 9, 30))),
    ("1978", 1978, (D(1978, 1, 1), D(1978, 12, 31))),
    ("first half of 1978", 1978, (D(1978, 1, 1), D(1978, 6, 30))),
    ("second half of 1978", 1978, (D(1978, 7, 1), D(1978, 12, 31))),
    ("June 5", 2015, (D(2015, 6, 5), D(2015, 6, 5))),  # no year written: iyear's
]


@pytest.mark.parametrize(("text", "year", "window"), FORMS, ids=[f[0] for f in FORMS])
def test_each_approxdate_form_gives_its_window(text, year, window):
    assert parse_approxdate(text, year) == window


@pytest.mark.parametrize("text", ["unknown", "no date here", "February 30, 2015", ""])
def test_text_naming_no_date_gives_none(text):
    assert parse_approxdate(text, 2015) is None


@pytest.mark.parametrize(("window", "expected"), [
    ((D(2015, 6, 5), D(2015, 6, 5)), ("day", D(2015, 6, 5), None)),
    ((D(2015, 6, 5), D(2015, 6, 11)), ("week", D(2015, 6, 5), D(2015, 6, 11))),
    ((D(1970, 5, 27), D(1970, 6, 5)), ("month", D(1970, 5, 1), D(1970, 6, 5))),  # never narrowed: from May 1
    ((D(2015, 3, 5), D(2015, 4, 2)), ("month", D(2015, 3, 1), D(2015, 4, 2))),
    ((D(1978, 7, 1), D(1978, 12, 31)), ("year", D(1978, 1, 1), D(1978, 12, 31))),
])
def test_precision_fits_the_window(window, expected):
    assert window_precision(*window) == expected


def test_reader_applies_the_window_and_keeps_the_text(tmp_path):
    """Symptom: 'May 27 - June 5, 1970' became year precision on 1970-01-01."""
    path = craft(tmp_path, "gtd_quirks.csv", [
        {"eventid": "197005270001", "iyear": "1970", "imonth": "5", "iday": "0", "approxdate": "May 27 - June 5, 1970"},
        {"eventid": "197806000001", "iyear": "1978", "imonth": "6", "iday": "0", "approxdate": "June 1978"},
        {"eventid": "197800000001", "iyear": "1978", "imonth": "0", "iday": "0", "approxdate": "first half of 1978"},
        {"eventid": "201601020001", "iyear": "2016", "imonth": "1", "iday": "1",
         "approxdate": "December 30, 2015 - January 2, 2016"},
        {"eventid": "201503010001", "iyear": "2015", "imonth": "3", "iday": "1", "approxdate": "sometime in spring"},
    ], "gtd_approx.csv", encoding="cp1252", lineterminator="\r\n")
    df = read_gtd(path).set_index("source_event_id")

    def window(sid):
        row = df.loc[sid]
        return row["date_precision"], row["date"].date(), None if pd.isna(row["date_end"]) else row["date_end"].date()

    assert window("197005270001") == ("month", D(1970, 5, 1), D(1970, 6, 5))
    assert window("197806000001") == ("month", D(1978, 6, 1), D(1978, 6, 30))
    assert window("197800000001") == ("year", D(1978, 1, 1), D(1978, 6, 30))
    assert window("201601020001") == ("week", D(2015, 12, 30), D(2016, 1, 2))
    assert window("201503010001") == ("month", D(2015, 3, 1), None)  # the date fields, to the month
    assert "approxdate_unparsed" in df.loc["201503010001", "flags"].split(";")
    for sid in df.index:
        assert df.loc[sid, "notes"].startswith("GTD approxdate: ")
    assert df.loc["197005270001", "notes"] == "GTD approxdate: May 27 - June 5, 1970"
