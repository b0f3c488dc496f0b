"""What a reader sees: formatted HTML tables (no <NA>, percentages, separators, units, a dash with its footnote), the
key-figure panel and headline, and the incidents behind a report as a CSV download."""

from __future__ import annotations

import csv
import io
import re

import incidentkit as ik
import pandas as pd
import pytest
from conftest import make_incidents
from incidentkit.analysis import tables

ROWS = [
    {"incident_id": "a", "date": "2016-01-10", "theatre": "North Caucasus", "killed_low": 2, "killed_best": 3,
     "killed_high": 5, "claim_status": "claimed", "source_ids": "src-1", "is_role": "perpetrator"},
    {"incident_id": "b", "date": "2016-02-20", "theatre": "Syria: Badia", "killed_low": 1200, "killed_best": 1200,
     "summary": "Attack on <script>alert(1)</script> & co", "source_ids": "src-1;src-2", "is_role": "perpetrator"},
    {"incident_id": "c", "date": "2016-03-05", "theatre": "Syria: Badia", "is_role": "perpetrator"},  # no figure
]
SOURCES = pd.DataFrame({
    "source_id": ["src-1", "src-2"], "title": ["Report <one>", "Second report"], "publisher": ["P", "Q"],
    "author": ["", ""], "published": pd.to_datetime(["2016-04-01", None]), "date_precision": ["day", None],
    "url": ["https://example.org/one", ""],
})


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html)


def _headers(html: str) -> list[str]:
    return re.findall(r"<th [^>]*>(.*?)</th>", html)


def test_the_regional_comparison_table_reads_as_a_table():
    """Issue 15: "cla imed_share" wrapped mid-word, <NA>, 0.188 for 19 % and 8.333 in the published table."""
    libya = {"incident_id": "d", "date": "2016-04-01", "theatre": "Libya", "is_role": "perpetrator"}  # no figure
    comp = ik.theatre_comparison(make_incidents([*ROWS, libya]))
    html = tables.html_table(comp)
    assert "<NA>" not in html and "&lt;NA&gt;" not in html and "nan" not in html.lower().replace("nanny", "")
    heads = _headers(html)
    assert "claimed (% of those with a known claim status)" in heads and "theatre" in heads
    assert all("_" not in h for h in heads)  # words, not column names
    cells = _cells(html)
    assert "1,200" in cells  # thousands separator
    assert "100 %" in cells and "0 %" in cells  # claimed: North Caucasus 1 of 1, Syria: Badia 0 of 2
    libya_row = cells[cells.index("Libya"):][:6]
    assert libya_row[:5] == ["Libya", "1", "–", "–", "–"]  # deaths low/best/high: unknown, not 0
    assert tables.DASH_NOTE in html.replace("&#x27;", "'")
    assert 'class="ik-table"' in html


def test_shares_are_percentages_and_small_ones_are_not_rounded_to_zero():
    frame = pd.DataFrame({"x_share": [0.188, 0.003, 0.0, None]})
    assert _cells(tables.html_table(frame)) == ["19 %", "&lt;1 %", "0 %", "–"]
    assert tables.cell_text(8.333, tables.Column("per incident", "decimal", 1)) == "8.3"
    assert tables.cell_text(-12.5, tables.Column("change", "change_pct", 1)) == "-12.5 %"
    assert tables.cell_text(3, tables.Column("change", "change")) == "+3"


def test_a_table_without_unknowns_has_no_dash_footnote_and_data_text_is_escaped():
    frame = pd.DataFrame({"place": ["<b>Raqqa</b>"], "incidents": [3]})
    html = tables.html_table(frame)
    assert "<b>" not in html and "&lt;b&gt;Raqqa&lt;/b&gt;" in html
    assert tables.DASH_NOTE not in html
    assert 'data-order="3.0"' in html  # a sortable table sorts numbers as numbers


def test_incident_tables_are_marked_for_the_site():
    df = make_incidents(ROWS)
    deadliest = ik.text.deadliest_html(ik.text.deadliest_table(df, 5, SOURCES)).data
    assert 'class="ik-table ik-incidents"' in deadliest
    assert "Report &lt;one&gt;" in deadliest  # a source title, escaped
    assert "killed (persons)" in _headers(deadliest)
    events = pd.DataFrame({"event_id": ["e1"], "date": pd.to_datetime(["2016-02-01"]), "date_precision": ["day"],
                           "event_type": ["leader_killed"], "title": ["Leader <i>killed</i>"],
                           "summary": ["A leader was killed."], "source_ids": ["src-2"], "place": [""]})
    chron = ik.chronology(df, events, SOURCES)
    html = ik.text.chronology_html(chron).data
    assert 'ik-incidents' in html and "(timeline event)" in html and "<i>" not in html
    notable = ik.text.notable_html(ik.notable_incidents(df, n=2)).data
    assert "ik-incidents" in notable and "listed as" in _headers(notable)


def test_the_brief_comparison_says_why_no_change_is_computed():
    df = make_incidents(ROWS)
    comp = ik.period_comparison(df, df.iloc[:1], current_period=("2016-01-01", "2016-12-31"),
                                previous_period=("2015-01-01", "2015-12-31"))
    html = ik.text.comparison_html(comp, "2016", "2015").data
    assert "<NA>" not in html and "&lt;NA&gt;" not in html
    assert _headers(html)[:3] == ["measure", "2016", "2015"]
    if not comp.attrs.get("comparable", True):
        assert "no change computed" in html


def test_the_panel_says_what_it_counts_and_what_has_no_figure():
    df = make_incidents(ROWS)
    panel = ik.text.key_figures_html(df, claims=True).data
    assert panel.startswith('<div class="ik-panel">')
    assert "violence carried out by IS" in panel
    assert "1 incident(s) with no death figure (not counted)" in panel
    assert "1,203" in panel or "1,203" in panel.replace("&#x27;", "'")  # 3 + 1,200 deaths (best)
    assert "<script>" not in panel
    figures = dict(ik.text.key_figures(df, claims=True))
    assert figures["Incidents"].startswith("3 ")
    assert figures["Claimed"] == "1 of 3 incidents (2 with no word on a claim: unknown, not unclaimed)"


def test_the_headline_is_one_plain_sentence_with_its_qualifiers():
    df = make_incidents(ROWS)
    sentence = ik.text.headline(df)
    assert sentence.count(". ") == 0 and sentence.endswith(".")
    assert "violence carried out by IS" in sentence
    assert "1 incident with no death figure, not counted" in sentence
    sel = ik.check_parameters(source="curated", theatres=["North Caucasus"], start="2024-01-01", end="2024-12-31")
    curated = ik.text.headline(ik.load_incidents(sel), sel)
    assert " documented incidents of violence carried out by IS in North Caucasus, 2024-01-01 to 2024-12-31: " \
        in curated
    assert re.search(r": (at least |about )?[\d,]+.* deaths", curated)
    none = ik.text.headline(make_incidents([]), sel)
    assert none == ("No incidents of violence carried out by IS match in North Caucasus, 2024-01-01 to "
                    "2024-12-31.")


def test_the_incidents_behind_a_report_are_saved_with_their_sources(tmp_path):
    df = make_incidents(ROWS)
    path = ik.charts.save_incidents(df, tmp_path, SOURCES)
    assert path == tmp_path / "incidents.csv"
    first = path.read_bytes()
    assert ik.charts.save_incidents(df, tmp_path, SOURCES).read_bytes() == first  # byte-stable
    rows = list(csv.DictReader(io.StringIO(first.decode("utf-8"))))
    assert [r["incident_id"] for r in rows] == ["a", "b", "c"]
    c = rows[2]
    assert c["killed"] == "no figure" and c["killed_best"] == ""  # unknown is blank, never 0
    assert rows[0]["killed"] == "3 (2-5)" and rows[0]["is_role"]
    b = rows[1]
    assert b["source_titles"] == "Report <one>; Second report"
    assert b["source_urls"] == "https://example.org/one"
    assert "https://example.org/one" in b["citations"] and "Second report" in b["citations"]
    with pytest.raises(ik.IncidentkitError):
        ik.charts.save_incidents(df, tmp_path, SOURCES, name="../x.csv")


def test_the_report_site_keeps_every_element_the_library_writes(tmp_path):
    """The published page passes HTML outputs through the site's sanitiser (reports/sanitize.py), which escapes an
    element it does not allow: the panel, the tables and the captions use only elements it keeps."""
    from incidentkit.reports.sanitize import output_cleaner

    clean = output_cleaner()
    df = make_incidents(ROWS)
    counts = ik.counts_by_period(df, "month", start="2016-01-01", end="2016-06-30")
    events = pd.DataFrame({"event_id": ["e1"], "date": pd.to_datetime(["2016-02-01"]), "date_precision": ["day"],
                           "event_type": ["leader_killed"], "title": ["Leader killed"]})
    fig = ik.charts.plot_incidents(counts, period="month", events=ik.timeline_events(events), caption="Selection.")
    pieces = [ik.text.key_figures_html(df, claims=True).data, tables.html_table(ik.theatre_comparison(df)),
              ik.text.deadliest_html(ik.text.deadliest_table(df, 5, SOURCES)).data, ik.charts.caption_html(fig)]
    for piece in pieces:
        cleaned = clean(piece)
        for tag in set(re.findall(r"<(\w+)", piece)):
            assert f"&lt;{tag}" not in cleaned, tag  # kept as an element, not shown as text
    assert 'data-order="1200.0"' in clean(pieces[1])  # the sorting hint survives


def test_the_theatres_table_says_deaths_in_words():
    libya = {"incident_id": "d", "date": "2016-04-01", "theatre": "Libya", "is_role": "perpetrator"}  # no figure
    html = ik.text.theatres_html(ik.theatre_comparison(make_incidents([*ROWS, libya]))).data
    cells = _cells(html)
    row = cells[cells.index("Libya"):][:5]
    assert row == ["Libya", "1", "no figure", "1", "–"]  # deaths unknown: said, never 0
    nc = cells[cells.index("North Caucasus"):][:3]
    assert nc == ["North Caucasus", "1", "3 (range 2-5)"]
    assert len(_headers(html)) == 10 and "<NA>" not in html


def test_a_note_the_same_on_every_row_is_said_once_under_the_table():
    frame = pd.DataFrame({"year": [2015, 2016], "incidents": [1, 2], "note": ["documented incidents, not a count"] * 2})
    html = tables.html_table(frame)
    assert "note" not in _headers(html)
    assert html.count("documented incidents, not a count") == 1 and "Every row: documented incidents" in html
    varied = tables.html_table(frame.assign(note=["a", "b"]))
    assert "note" in _headers(varied)


def test_text_that_starts_like_a_spreadsheet_formula_is_written_as_text(tmp_path):
    """An export's free text may start with '=', '+', '-' or '@' (CSV injection): the CSV must not let a spreadsheet
    run it, and every other value is written as it is."""
    rows = [dict(ROWS[0], summary='=HYPERLINK("http://evil.example","x")'),
            dict(ROWS[1], summary="@SUM(A1)"), dict(ROWS[2], summary="-2+3 attackers, as reported")]
    path = ik.charts.save_incidents(make_incidents(rows), tmp_path, SOURCES)
    got = [r["summary"] for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))]
    assert got == ['\'=HYPERLINK("http://evil.example","x")', "'@SUM(A1)", "'-2+3 attackers, as reported"]
    assert ik.analysis.exports.spreadsheet_safe("Attack on a convoy") == "Attack on a convoy"
