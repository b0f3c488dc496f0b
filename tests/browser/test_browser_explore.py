"""The exploration notebook as an analyst uses it: JupyterLab from the project's environment, headless Chromium,
no network. Run it, read the table's count and the map's marks, change a control and see both follow, hover a
mark, select incidents in the table and on the map and read their details and citations.

The expected numbers come from plain pandas on the curated CSV files (``tests/plain_pandas.py``), never from
incidentkit. Screenshots of each step go to ``test-output/screenshots/`` (``test_explore...--<step>.png``).
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import incidentkit as ik
import numpy as np
import pandas as pd
import plain_pandas as plain
import pytest
from incidentkit.widgets.explorer import period_chart_png
from PIL import Image

from .browserkit import SCREENSHOTS, ConsoleLog, NetworkLog, slug
from .labkit import JupyterLab, open_notebook, run_all_cells

EXPLORE = "notebooks/00-explore.ipynb"
EXPLORER = ".jp-NotebookPanel:not(.lm-mod-hidden) .ik-explorer"
#: A tall window, so that the whole explorer shows at once (Lab scrolls inside its own panel, not the page).
TALL = {"width": 1400, "height": 3600}
THEATRE = "North Caucasus"

#: What the explorer shows, read from the page: the table's "1 to 10 of N incidents" and the map's marks (plotly
#: draws one ``path.point`` per marker; the borders and the country names are a line and a text trace).
_STATE_JS = """
(root) => {
  const el = document.querySelector(root);
  if (!el) return null;
  const info = el.querySelector('.ik-table .dt-info');
  const marks = el.querySelectorAll('.js-plotly-plot .scatterlayer .trace path.point');
  const details = el.querySelector('.ik-details-panel');
  const plot = el.querySelector('.js-plotly-plot');
  return {
    info: info ? info.textContent : '',
    marks: marks.length,
    rows: el.querySelectorAll('.ik-table table.dataTable tbody tr').length,
    details: details ? details.innerText : '',
    title: (el.querySelector('.js-plotly-plot .gtitle') || {}).textContent || '',
    map_width: plot ? plot._fullLayout.width : 0,
    page_width: el.getBoundingClientRect().width,
  };
}
"""


def _perpetrated(theatres: tuple[str, ...] = ()) -> Any:
    """The curated incidents carried out by IS (``is_role`` perpetrator) in ``theatres``, by plain pandas."""
    df = plain.incidents(theatres=theatres)
    return df[df["is_role"] == "perpetrator"]


def _mapped(df: Any) -> int:
    return int(((df["latitude"] != "") & (df["longitude"] != "")).sum())


def _state(page: Any) -> dict[str, Any]:
    return page.evaluate(_STATE_JS, EXPLORER) or {}


def _total(state: dict[str, Any]) -> int | None:
    found = re.search(r"of ([\d,]+) incidents", state.get("info", ""))
    return int(found.group(1).replace(",", "")) if found else None


def _wait_for(page: Any, want_total: int, want_marks: int, timeout: float = 60) -> dict[str, Any]:
    """Wait until the table counts ``want_total`` incidents and the map shows ``want_marks`` marks (on failure, the
    page is saved as ``explore-failed.png`` beside the screenshots)."""
    state: dict[str, Any] = {}
    for _ in range(int(timeout * 4)):
        state = _state(page)
        on_map = f"{want_marks} of {want_total} incidents on the map"
        if _total(state) == want_total and state.get("marks") == want_marks and on_map in state.get("title", ""):
            page.wait_for_timeout(1500)  # let the map's land and the chart finish drawing
            return state
        page.wait_for_timeout(250)
    page.screenshot(path=str(SCREENSHOTS / "explore-failed.png"))
    raise AssertionError(f"the explorer did not show {want_total} incidents and {want_marks} marks; it shows {state}")


def _snap(page: Any, folder: Path, request: pytest.FixtureRequest, step: str, selector: str = EXPLORER) -> Path:
    target = folder / f"{slug(request.node.name)}--{step}.png"
    page.locator(selector).first.screenshot(path=str(target), animations="disabled")
    return target


def _assert_chart_is_the_librarys(page: Any, theatre: str) -> None:
    """The period chart the page shows after a control changed is the library's chart of that selection, pixel for
    pixel (drawn from a widget's callback, pyplot's automatic redraws once left its bars outside the axes)."""
    dates = pd.to_datetime(plain.table("incidents")["date"])  # the slider spans the whole source, by month
    start = dates.min().to_period("M").to_timestamp().date().isoformat()
    end = (dates.max().to_period("M").to_timestamp() + pd.offsets.MonthEnd(0)).date().isoformat()
    sel = ik.check_parameters(theatres=[theatre], start=start, end=end, period="month")
    rows = ik.load_incidents(sel)  # violence carried out by IS, the explorer's default roles
    assert set(rows["is_role"]) == {"perpetrator"}
    want = np.asarray(Image.open(io.BytesIO(period_chart_png(rows, sel))))
    src = page.locator(f"{EXPLORER} .widget-output img").last.get_attribute("src") or ""
    shown = np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))))
    assert shown.shape == want.shape, f"chart {shown.shape}, the library's {want.shape}"
    differ = float((np.abs(shown.astype(int) - want.astype(int)).sum(axis=-1) > 0).mean())
    assert differ < 0.001, f"{differ:.1%} of the chart's pixels differ from the library's chart of the selection"


def test_explore_notebook_filters_the_table_and_the_map_offline(
    page: Any,
    network: NetworkLog,
    console: ConsoleLog,
    jupyter_lab: JupyterLab,
    screenshot_dir: Path,
    request: pytest.FixtureRequest,
    record_property: Any,
) -> None:
    page.set_viewport_size(TALL)
    open_notebook(page, jupyter_lab, EXPLORE)
    run = run_all_cells(page, jupyter_lab, EXPLORE)
    record_property("run_seconds", round(run.seconds, 1))
    assert run.errors == [], f"cells raised: {run.errors}"
    assert run.not_run == [], f"code cells not run: {run.not_run}"
    assert run.kernel == "incidentkit", run.kernel

    everywhere = _perpetrated()
    first = _wait_for(page, len(everywhere), _mapped(everywhere))
    assert first["rows"] == 10  # the first page
    for _ in range(60):  # the map is sized to the notebook's width a few seconds after it is drawn
        if _state(page)["map_width"] >= 0.95 * first["page_width"]:
            break
        page.wait_for_timeout(250)
    else:
        raise AssertionError(f"the map is not as wide as the notebook: {_state(page)}")
    _snap(page, screenshot_dir, request, "1-all-theatres")

    # one theatre: the controls drive the table and the map without running a cell again
    here = _perpetrated((THEATRE,))
    assert 0 < len(here) < len(everywhere) and 0 < _mapped(here) < _mapped(everywhere)
    label = f"{THEATRE} ({len(plain.incidents(theatres=(THEATRE,), roles=None))})"  # the list counts every role of the source
    page.locator(f"{EXPLORER} .ik-theatres select").select_option(label=label)
    _wait_for(page, len(here), _mapped(here))
    _snap(page, screenshot_dir, request, "2-north-caucasus")
    _assert_chart_is_the_librarys(page, THEATRE)

    # hover a mark: date, place, the toll with its range, IS's role and the sources
    page.locator(f"{EXPLORER} .js-plotly-plot .scatterlayer .trace path.point").first.hover(force=True)
    hover = page.locator(f"{EXPLORER} .js-plotly-plot .hoverlayer .hovertext")
    hover.first.wait_for(timeout=10_000)
    text = hover.first.text_content() or ""
    assert "deaths:" in text and "violence by IS" in text and "sources:" in text, text
    _snap(page, screenshot_dir, request, "3-hover", f"{EXPLORER} .js-plotly-plot")

    # select the first row of the table (the earliest incident): its full row and the titles of its sources
    earliest = here.sort_values(["date", "incident_id"]).iloc[0]
    titles = plain.table("sources").set_index("source_id")["title"]
    page.locator(f"{EXPLORER} .ik-table table.dataTable tbody tr").first.click()
    details = page.locator(f"{EXPLORER} .ik-details-panel")
    details.get_by_text("1 incident(s) selected").wait_for(timeout=20_000)
    shown = details.inner_text()
    assert earliest["incident_id"] in shown
    for sid in earliest["source_ids"].split(";"):
        assert titles[sid] in shown, f"citation of {sid} missing from the details"
    _snap(page, screenshot_dir, request, "4-selected-row")

    # the same from the map: click a mark (the first of a theatre is its deadliest: not the earliest incident,
    # which has no death figure); the table selects its row too
    page.locator(f"{EXPLORER} .js-plotly-plot .scatterlayer .trace path.point").first.click(force=True)
    for _ in range(80):
        now = details.inner_text()
        if "1 incident(s) selected" in now and now != shown:
            break
        page.wait_for_timeout(250)
    else:
        raise AssertionError("clicking a mark on the map selected nothing")
    assert "Sources" in details.inner_text()
    page.locator(f"{EXPLORER} .ik-table .dt-info", has_text="1 row selected").wait_for(timeout=20_000)
    _snap(page, screenshot_dir, request, "5-selected-mark")

    assert not network, "the explorer asked for:\n" + network.describe()
    errors = console.errors(network)
    assert not errors, "the page logged errors:\n" + "\n".join(map(str, errors))
