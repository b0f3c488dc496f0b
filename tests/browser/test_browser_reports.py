"""The published report site as a reader opens it: every page of the default site from file://, offline, in headless
Chromium, at 1400 and 390 px, with screenshots of each for review (test-output/screenshots/).

Issues 14 and 15: nothing is fetched from the network; no table or figure overflows the page at either width (a wide
table scrolls inside its own box); the index groups the reports by theatre with a headline each and no raw key
names; every page links the index, its theatre's other reports and the previous and next report; an incident
table sorts and filters offline; the print stylesheet leaves the navigation out and keeps charts whole.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from incidentkit.reports.site import render_report_html

from .browserkit import (
    REPO,
    TEST_OUTPUT,
    VIEWPORTS,
    ConsoleLog,
    NetworkLog,
    broken_images,
    document_overflow,
    horizontal_overflow,
    open_file,
)

#: Every report of the default plan (its names are already folder names), in plan order.
PLAN_REPORTS: tuple[str, ...] = tuple(
    entry["name"] for entry in yaml.safe_load((REPO / "reports" / "plan.yaml").read_text(encoding="utf-8"))
)
TRENDS = "trends-russia"  # four charts, a timeline table and the year-on-year table
#: The script of a page sets these attributes when it has run (tables.js, navigation.js).
READY = "html[data-ik-tables][data-ik-navigation]"


def _no_page_errors(console: ConsoleLog, network: NetworkLog) -> None:
    """No console error or uncaught exception, apart from the load failures of the requests the test blocked."""
    errors = console.errors(network)
    assert not errors, "the page logged errors:\n" + "\n".join(map(str, errors))


def _site_links(site: Path) -> dict[str, Any]:
    """The links of every page, as the run wrote them (assets/site.js)."""
    text = (site / "assets" / "site.js").read_text(encoding="utf-8")
    return json.loads(text.split(" = ", 1)[1].rstrip().rstrip(";"))


def _open_report(page: Any, site: Path, name: str) -> None:
    open_file(page, site / name / "report.html")
    page.wait_for_selector(READY, state="attached", timeout=15_000)


def _overflow_at(page: Any, width_key: str) -> list[str]:
    page.set_viewport_size(VIEWPORTS[width_key])
    page.wait_for_timeout(150)
    found = [f"{o['element']}: {'; '.join(o['reasons'])}" for o in horizontal_overflow(page, scroll_in_box=True)]
    extra = document_overflow(page)
    if extra > 0:
        found.append(f"the page itself is {extra} px wider than the viewport")
    return found


def test_the_default_site_renders_every_report(report_site_all: Path) -> None:
    run = json.loads((report_site_all / "run.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in run["reports"]] == list(PLAN_REPORTS)
    assert {r["name"]: r["status"] for r in run["reports"]} == dict.fromkeys(PLAN_REPORTS, "ok")


def test_index_groups_reports_by_theatre_with_a_headline_each(
    page: Any, network: NetworkLog, console: ConsoleLog, report_site_all: Path, shoot: Any
) -> None:
    open_file(page, report_site_all / "index.html")
    assert page.title() == f"incidentkit reports: run {report_site_all.name}"
    assert page.locator("h1").first.inner_text() == "incidentkit reports"
    groups = page.locator("section.ik-group h2").all_inner_texts()
    assert groups[0] == "Across theatres" and "Syria" in groups and len(groups) >= 4, groups
    for name in PLAN_REPORTS:
        card = page.locator(f"article#{name}")
        assert card.count() == 1, f"the index has no card for {name}"
        assert card.locator(".status").first.inner_text() == "OK"
        assert card.locator(".ik-headline").inner_text().strip(), f"{name} has no headline"
        assert card.locator(".coverage").inner_text().startswith("Documented incidents"), name
        assert card.locator("img.thumb").count() == 1, f"{name} has no thumbnail"
    # No summary key (deaths_open_high_incidents, ...) reads on the page; the run's details are folded away.
    shown = page.inner_text("body")
    run = json.loads((report_site_all / "run.json").read_text(encoding="utf-8"))
    keys = {k for r in run["reports"] for k in (r["summary"] or {}) if "_" in k}
    assert not [k for k in keys if re.search(rf"\b{k}\b", shown)]
    assert "Run details" in shown and "duration" not in shown
    assert broken_images(page) == []
    shoot(page, "index")
    _no_page_errors(console, network)
    assert not network, "the index asked for something outside this machine:\n" + network.describe()
    page.locator(f"article#{TRENDS} h3 a").click()
    page.wait_for_load_state("load")
    assert page.url == (report_site_all / TRENDS / "report.html").as_uri()
    assert TRENDS in page.title()


@pytest.mark.parametrize("report", PLAN_REPORTS)
def test_every_page_reads_offline_at_desktop_and_phone_width(
    report: str, page: Any, network: NetworkLog, console: ConsoleLog, report_site_all: Path, shoot: Any
) -> None:
    _open_report(page, report_site_all, report)
    assert report in page.title()  # the runner's name, then the notebook's heading
    assert page.locator("h1").first.inner_text().strip(), "the report has no visible heading"
    assert page.locator("img").count() >= 1, "the report shows no figure"
    assert broken_images(page) == []
    assert "Traceback" not in page.inner_text("body"), "the report shows a Python traceback"
    # its links: the index (top and bottom), its theatre's other reports, previous and next
    assert page.get_attribute("html", "data-ik-navigation") == "ready"
    assert page.locator('a[href="../index.html"]').count() == 2
    links = _site_links(report_site_all)[report]
    steps = page.locator(".ik-pager a[rel]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert steps == [s["href"] for s in (links["previous"], links["next"]) if s]
    assert page.locator(".ik-related a").count() == (len(links["related"]) - 1 if len(links["related"]) > 1 else 0)
    for href in page.locator(".ik-related a, .ik-pager a[rel], .ik-bar a").evaluate_all(
        "links => links.map(a => a.href)"
    ):
        assert Path(href.removeprefix("file://")).is_file(), f"{report} links to a missing page: {href}"
    for width in ("desktop", "phone"):
        assert _overflow_at(page, width) == [], f"{report} overflows at {VIEWPORTS[width]['width']} px"
    shoot(page)
    _no_page_errors(console, network)
    assert not network, f"{report} asked for:\n" + network.describe()


def test_a_brief_links_the_other_reports_of_its_theatre(page: Any, report_site_all: Path) -> None:
    _open_report(page, report_site_all, "brief-syria-badia")
    related = page.locator(".ik-related")
    assert related.is_visible()
    assert "Syria" in related.locator("h2").inner_text()
    hrefs = related.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "../trends-syria/report.html" in hrefs and "../brief-syria-daraa/report.html" in hrefs
    assert related.locator("li[aria-current=page]").inner_text().endswith("(this report)")


def test_report_page_requests_nothing_from_the_network(page: Any, network: NetworkLog, report_site_all: Path) -> None:
    _open_report(page, report_site_all, TRENDS)
    page.wait_for_timeout(500)  # scripts that load more scripts
    assert not network, "the report page asked for:\n" + network.describe()
    html = (report_site_all / TRENDS / "report.html").read_text(encoding="utf-8")
    assert "cdnjs" not in html and "MathJax" not in html and "require.min.js" not in html


def test_report_page_does_not_overflow_at_desktop_width(page: Any, report_site_all: Path) -> None:
    _open_report(page, report_site_all, TRENDS)
    assert _overflow_at(page, "desktop") == []


def test_report_page_does_not_overflow_at_phone_width(page: Any, report_site_all: Path) -> None:
    _open_report(page, report_site_all, TRENDS)
    assert _overflow_at(page, "phone") == []


def test_index_does_not_overflow_at_phone_width(page: Any, report_site_all: Path) -> None:
    open_file(page, report_site_all / "index.html")
    assert _overflow_at(page, "phone") == []


def _incident_table_page(page: Any, site: Path) -> str:
    """The first report (plan order) with an incident table (``ik-incidents``; until every notebook marks its
    tables, any table the page made sortable)."""
    for selector in ("table.ik-incidents.dataTable", "table.dataTable"):
        for name in PLAN_REPORTS:
            _open_report(page, site, name)
            if page.locator(selector).count():
                return selector
    pytest.fail("no report page has a sortable incident table")


def test_an_incident_table_sorts_and_filters_offline(
    page: Any, network: NetworkLog, console: ConsoleLog, report_site_all: Path, shoot: Any
) -> None:
    selector = _incident_table_page(page, report_site_all)
    table = page.locator(selector).first
    rows = table.locator("tbody tr")
    before = rows.evaluate_all("rows => rows.map(r => r.innerText)")
    assert len(before) >= 3
    headers = table.locator("thead th.dt-orderable-asc, thead th.dt-orderable-desc")
    assert headers.count() >= 2
    changed = None
    for i in range(headers.count()):  # the first column whose order differs from the page's own
        header = headers.nth(i)
        header.click()
        page.wait_for_timeout(100)
        after = rows.evaluate_all("rows => rows.map(r => r.innerText)")
        if after != before:
            changed = header
            break
    assert changed is not None, "no column header changed the order of the rows"
    assert changed.get_attribute("aria-sort") == "ascending"
    assert sorted(after) == sorted(before)  # the same rows, in another order
    changed.click()
    page.wait_for_timeout(100)
    assert changed.get_attribute("aria-sort") == "descending"
    shoot(page, "sorted", viewports=("desktop",), full_page=False)
    # the search box keeps the rows that contain the text
    word = before[0].split("\t")[1].split()[0] if "\t" in before[0] else before[0].split()[0]
    page.locator(".dt-search input").first.fill(word)
    page.wait_for_timeout(200)
    kept = rows.evaluate_all("rows => rows.map(r => r.innerText)")
    assert 1 <= len(kept) <= len(before) and all(word.lower() in r.lower() for r in kept)
    _no_page_errors(console, network)
    assert not network, "sorting asked for:\n" + network.describe()


def test_print_leaves_the_navigation_out_and_keeps_charts_whole(page: Any, report_site_all: Path) -> None:
    _open_report(page, report_site_all, "brief-north-caucasus-2024")
    page.emulate_media(media="print")
    for chrome in (".ik-bar", ".ik-pager", ".ik-related", ".ik-downloads"):
        assert not page.locator(chrome).first.is_visible(), f"{chrome} is printed"
    breaks = page.locator(".jp-RenderedImage").evaluate_all(
        "els => els.map(e => getComputedStyle(e).breakInside)"
    )
    assert breaks and set(breaks) == {"avoid"}
    target = TEST_OUTPUT / "print" / "brief-north-caucasus-2024.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(target), format="A4", print_background=True)
    assert target.stat().st_size > 10_000


def test_print_puts_the_sources_last_with_their_urls(page: Any, tmp_path: Path) -> None:
    """A cell tagged ``sources`` is printed after everything else, its links' URLs spelled out."""
    v4 = nbformat.v4
    sources = v4.new_code_cell("display(Markdown(sources))", metadata={"tags": ["sources"]})
    sources.outputs = [v4.new_output("display_data", data={
        "text/markdown": "## Sources\n\n1. [Kavkaz report](https://example.org/kavkaz-2024)"})]
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# Theatre brief"), sources, v4.new_markdown_cell("## Chronology\n\nWhat happened.")])
    folder = tmp_path / "brief"
    folder.mkdir()
    nbformat.write(nb, str(folder / "notebook.ipynb"))
    render_report_html(folder / "notebook.ipynb", folder / "report.html", title="brief")
    open_file(page, folder / "report.html")

    def top(text: str) -> float:
        return page.get_by_role("heading", name=text).bounding_box()["y"]

    assert top("Sources") < top("Chronology")  # on screen, in the notebook's order
    page.emulate_media(media="print")
    assert top("Sources") > top("Chronology")
    after = page.locator('a[href^="https://example.org"]').evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://example.org/kavkaz-2024" in after
