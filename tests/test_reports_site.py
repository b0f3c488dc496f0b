"""The report site's shell (reports/site.py, sanitize.py, navigation.py, index.py, assets.py, templates/): what a
page may carry, what it fetches, how reports are grouped and linked, what the index says. No kernel runs here: the
notebooks are built in the test (nbformat) with their outputs; the runner's end-to-end runs are in
test_reports_run.py, the pages in a real browser in tests/browser/test_browser_reports.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from incidentkit.reports import navigation, sanitize
from incidentkit.reports.assets import report_downloads, write_assets
from incidentkit.reports.index import headline, render_index
from incidentkit.reports.site import HIDE_TAG, render_report_html

SCRIPT = "<script>alert('x')</script>"
#: A live element with an event handler (escaped text such as "&lt;img onerror=..." is not one).
LIVE_HANDLER = re.compile(r"<[a-z][^<>]*\son[a-z]+\s*=", re.IGNORECASE)


def _output(data: dict[str, Any]) -> Any:
    return nbformat.v4.new_output("display_data", data=data)


def _notebook(tmp_path: Path) -> Path:
    """An executed notebook: a heading, a checked printout tagged hide-in-report, Markdown and HTML outputs."""
    v4 = nbformat.v4
    hidden = v4.new_code_cell("print(summary)", metadata={"tags": [HIDE_TAG]})
    hidden.outputs = [v4.new_output("stream", name="stdout", text="deaths_open_high_incidents: 14\n")]
    markdown = v4.new_code_cell("display(Markdown(...))")
    markdown.outputs = [_output({"text/markdown": f"**Label:** {SCRIPT}<img src=x onerror=alert(2)><br>*end*"})]
    table = v4.new_code_cell("table")
    table.outputs = [_output({"text/html": (
        '<style scoped>.x td { color: red }</style><table class="ik-incidents"><thead><tr><th>place</th>'
        '<th>killed</th></tr></thead><tbody><tr><td>&lt;b&gt;Grozny</td><td data-order="3">3</td></tr>'
        '<tr><td onclick="alert(1)">Derbent</td><td data-order="12">12</td></tr></tbody></table>'
        '<script>alert(3)</script>')})]
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("# Theatre brief\n\nWhat happened."), hidden, markdown, table])
    nb.metadata["widgets"] = {"state": {}}  # widget state would pull scripts from unpkg.com
    path = tmp_path / "report" / "notebook.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = _notebook(tmp_path_factory.mktemp("page"))
    (path.parent / "incidents.csv").write_text("incident_id,source_title,source_url\n", encoding="utf-8")
    return render_report_html(path, path.parent / "report.html", title="brief-nc").read_text()


def test_cells_tagged_hide_in_report_are_left_out(page: str) -> None:
    assert "deaths_open_high_incidents" not in page  # the checked printout runs (nbval) but is not published
    assert "What happened." in page and "Derbent" in page


def test_data_text_is_escaped_by_nbconvert_sanitiser(page: str) -> None:
    # bleach shows a disallowed element's tags as text (its text after them: "<script></script>alert('x')")
    assert SCRIPT not in page and "&lt;script&gt;" in page and "alert('x')" in page
    assert not LIVE_HANDLER.search(page) and "<img" not in page
    assert "<script>alert(3)" not in page and "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert "<strong>Label:</strong>" in page and "<em>end</em>" in page  # harmless markup kept
    assert "&lt;b&gt;Grozny" in page  # a table cell's escaped text stays text
    assert '<table class="ik-incidents">' in page and 'data-order="12"' in page  # classes and sort keys kept


@pytest.mark.parametrize(
    ("markdown", "kept", "escaped"),
    [
        ("deaths: 3<br>*wounded*: 5", "deaths: 3<br><em>wounded</em>: 5", None),
        ("<img src=x onerror=alert(1)>", None, "&lt;img src=x onerror=alert(1)&gt;"),
        ("<script>alert(1)</script>", None, "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<style>body { display: none }</style>", None, "&lt;style&gt;"),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>", None),
        ("1 < 2 and 3 > 2", "1 &lt; 2 and 3 &gt; 2", None),
    ],
)
def test_markdown_outputs_cannot_carry_live_html(markdown: str, kept: str | None, escaped: str | None) -> None:
    html = sanitize.clean_markdown(markdown)
    assert (kept or escaped) in html, html
    assert not re.search(r"<(script|img|style)\b", html)


def test_a_page_fetches_nothing_from_the_network(page: str) -> None:
    """No require.js, MathJax, Mermaid or widget scripts (issue 14): no src or href leaves the page's folder."""
    urls = re.findall(r'(?:src|href)="([^"#]+)"', page)
    assert urls, "the page links nothing at all"
    assert not [u for u in urls if re.match(r"(https?:)?//", u)], urls
    assert "cdnjs" not in page and "MathJax" not in page and "require.min.js" not in page
    assert '<script src="../assets/datatables.js"></script>' in page
    assert '<script src="../assets/site.js"></script>' in page


def test_page_links_the_index_and_offers_its_downloads(page: str) -> None:
    """The page's own links; those to the rest of the run come from the run's assets/site.js (test below)."""
    assert page.count('href="../index.html"') == 2  # the bar at the top and the pager at the end
    assert 'data-ik-report="brief-nc"' in page
    assert '<a download="" href="incidents.csv">Download the incidents (CSV)</a>' in page
    assert "<title>brief-nc: Theatre brief</title>" in page  # the report's name and its notebook's heading


def test_same_notebook_gives_the_same_bytes(tmp_path: Path) -> None:
    path = _notebook(tmp_path)
    a = render_report_html(path, tmp_path / "a.html", title="t").read_bytes()
    b = render_report_html(path, tmp_path / "b.html", title="t").read_bytes()
    assert a == b


# --- grouping and links ---------------------------------------------------------------------------------------

PLAN = [
    {"name": "trends-all", "slug": "trends-all", "notebook": "10.ipynb", "parameters": {"period": "year"}},
    {"name": "trends-nc", "slug": "trends-nc", "notebook": "10.ipynb",
     "parameters": {"theatres": ["North Caucasus", "Russia (other)"], "start": "2015-01-01", "end": "2024-12-31"}},
    {"name": "brief-syria", "slug": "brief-syria", "notebook": "40.ipynb", "parameters": {"theatre": "Syria: Badia"}},
    {"name": "brief-nc", "slug": "brief-nc", "notebook": "40.ipynb",
     "parameters": {"theatre": "North Caucasus", "start": "2024-01-01", "end": "2024-12-31"}},
    {"name": "trends-syria", "slug": "trends-syria", "notebook": "10.ipynb",
     "parameters": {"theatres": ["Syria: Badia", "Syria: Daraa"]}},
    {"name": "brief-other", "slug": "brief-other", "notebook": "40.ipynb", "parameters": {"theatre": "Russia (other)"}},
    {"name": "isk", "slug": "isk", "notebook": "40.ipynb",
     "parameters": {"theatre": "", "branches": ["is-khorasan"], "countries": ["Iran", "Turkey"]}},
    {"name": "coverage", "slug": "coverage", "notebook": "50.ipynb", "parameters": {}},
]  # fmt: skip


def test_reports_are_grouped_by_overlapping_theatres_across_ones_first() -> None:
    groups = navigation.site_groups(PLAN)
    assert [(g["label"], g["names"]) for g in groups] == [
        ("Across theatres", ["trends-all", "coverage"]),
        ("North Caucasus and Russia (other)", ["trends-nc", "brief-nc", "brief-other"]),
        ("Syria", ["brief-syria", "trends-syria"]),
        ("IS branch is-khorasan", ["isk"]),
    ]


def test_page_context_links_previous_next_and_the_same_theatre() -> None:
    titles = {r["name"]: {"10.ipynb": "Trends", "40.ipynb": "Theatre brief"}.get(r["notebook"], "") for r in PLAN}
    context = navigation.page_context(PLAN, "brief-nc", titles=titles)
    assert context["index"] == "../index.html" and context["group"] == "North Caucasus and Russia (other)"
    assert (context["title"], context["scope"]) == ("Theatre brief", "North Caucasus, 2024")
    assert [(r["name"], r["current"]) for r in context["related"]] == [
        ("trends-nc", False), ("brief-nc", True), ("brief-other", False)]
    assert context["previous"]["href"] == "../trends-nc/report.html"
    assert context["next"]["name"] == "brief-other"
    assert context["related"][0]["title"] == "Trends"
    first = navigation.page_context(PLAN, "trends-all")
    assert first["previous"] is None and first["next"]["name"] == "coverage"
    assert navigation.page_context(PLAN, "isk")["next"] is None
    json.dumps(context)  # plain data: it is part of the report's reuse key


@pytest.mark.parametrize(
    ("parameters", "text"),
    [
        ({}, "all theatres"),
        ({"theatres": ["North Caucasus", "Russia (other)"], "start": "2015-01-01", "end": "2024-12-31"},
         "North Caucasus and Russia (other), 2015\u20132024"),
        ({"theatre": "Libya", "start": "2024-01-01", "end": "2024-12-31"}, "Libya, 2024"),
        ({"theatre": "", "branches": ["is-khorasan"], "countries": ["Iran", "Turkey", "Russia"]},
         "IS branch is-khorasan in Iran, Turkey and Russia"),
        ({"countries": ["Iraq"], "start": "2022-01-01", "end": "2022-03-10"},
         "Iraq, 1 January 2022 to 10 March 2022"),
    ],
)
def test_scope_in_a_readers_words(parameters: dict[str, Any], text: str) -> None:
    assert navigation.scope_text(parameters) == text


def test_the_runner_and_the_links_agree_on_the_page_file() -> None:
    from incidentkit.reports.pages import HTML_FILE

    assert navigation.PAGE_FILE == HTML_FILE


# --- the index --------------------------------------------------------------------------------------------------


def test_headline_is_the_notebooks_sentence_else_made_of_its_figures() -> None:
    summary = {"incidents": 29, "first_date": "2015-09-02", "last_date": "2024-10-11", "deaths_text": "881 (at least 873)"}
    assert headline(summary) == (
        "29 documented incidents from 2 September 2015 to 11 October 2024; deaths: 881 (at least 873)."
    )
    assert headline(dict(summary, headline="IS attacks in Dagestan rose in 2024.")) == "IS attacks in Dagestan rose in 2024."
    assert headline({"incidents": 0}) == "0 documented incidents."
    assert headline(None) is None


def _record(name: str, parameters: dict[str, Any], **kw: Any) -> dict[str, Any]:
    summary = {"incidents": 3, "coverage_statement": "Documented incidents, not a count: 3 document(s) <b>x</b>.",
               "deaths_open_high_incidents": 14, "wounded_unknown_incidents": 26, "deaths_text": "at least 5"}
    record = {"name": name, "slug": name, "html": "report.html", "notebook": "40-theatre-brief.ipynb",
              "parameters": parameters, "status": "ok", "note": None, "error": None, "warnings": [],
              "duration": 1.0, "notebook_file": None, "kernel_log": None, "summary_file": "summary.json",
              "figures": ["deaths.png", "deaths.svg"], "summary": summary, "started_at": "2026-12-02T13:55:05+00:00"}
    record.update(kw)
    return record


def test_index_groups_reports_by_theatre_with_headlines_and_no_raw_keys(tmp_path: Path) -> None:
    (tmp_path / "brief-nc").mkdir()
    (tmp_path / "brief-nc" / "incidents.csv").write_text("incident_id\n", encoding="utf-8")
    reports = [
        _record("brief-nc", {"theatre": "North Caucasus"}),
        _record("overview", {}, summary={"headline": "One sentence <i>for</i> readers."}),
        _record("brief-other", {"theatre": "Russia (other)"}, downloads=["incidents.csv", "sources.csv"]),
    ]
    run = {"run_id": "r1", "started_at": "t0", "finished_at": "2026-12-02T14:00:00+00:00", "plan": "plan.yaml",
           "reports": reports}
    index = render_index(run, tmp_path / "index.html").read_text()
    headings = re.findall(r"<h2>(.*?)</h2>", index)
    assert headings == ["Across theatres", "North Caucasus", "Russia (other)"]
    assert "One sentence &lt;i&gt;for&lt;/i&gt; readers." in index
    assert '<p class="coverage">Documented incidents, not a count: 3 document(s) &lt;b&gt;x&lt;/b&gt;.</p>' in index
    assert "3 documented incidents; deaths: at least 5." in index
    assert "deaths_open_high_incidents" not in index and "wounded_unknown_incidents" not in index
    assert '<a href="brief-nc/incidents.csv" download>Download the incidents (CSV)</a>' in index
    assert '<a href="brief-other/sources.csv" download>Download the sources (CSV)</a>' in index  # the runner's list
    assert "run on 2 December 2026" in index
    details = index[index.index('id="brief-nc"'):]
    assert details.index("<details>") < details.index("<dt>duration</dt>")  # the run's details are folded away
    assert (tmp_path / "assets" / "datatables.js").is_file()
    site = (tmp_path / "assets" / "site.js").read_text()
    links = json.loads(site.split(" = ", 1)[1].rstrip().rstrip(";"))
    assert sorted(links) == ["brief-nc", "brief-other", "overview"]
    assert links["brief-nc"]["next"]["href"] == "../brief-other/report.html"
    assert links["overview"]["group"] == "Across theatres" and links["overview"]["previous"] is None
    assert render_index(run, tmp_path / "again.html").read_bytes() == index.encode()


def test_downloads_are_the_folders_top_level_csv_files(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("x\n")
    (tmp_path / "incidents.csv").write_text("x\n")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "c.csv").write_text("x\n")
    assert report_downloads(tmp_path) == [("b.csv", "Download the b (CSV)"),
                                          ("incidents.csv", "Download the incidents (CSV)")]
    assert report_downloads(tmp_path, []) == []


def test_the_table_script_is_written_once_per_run_reproducibly(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in write_assets(tmp_path / "a")]
    second = [p.read_bytes() for p in write_assets(tmp_path / "b")]
    assert first == second
    script = first[0].decode()
    assert script.count("\n") == 3 and "window.ikDataTablesSource = " in script
    source = json.loads(script.split(" = ", 1)[1].rstrip().rstrip(";"))
    assert "export{" in source.replace(" ", "")  # the bundle's module text, imported by templates/tables.js
