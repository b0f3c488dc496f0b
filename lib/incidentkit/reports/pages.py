"""The one place where the runner asks :mod:`.site` for pages: a report's ``report.html`` and the run's ``index.html``.

:func:`write_report_page` runs in the worker that executed the report (or, when that worker had to be killed, in the
parent); :func:`write_index` runs in the parent at publish time. Both get the whole plan's report list
(:class:`PageContext`), so that a page can link to the index and to the plan's other reports.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .site import failure_page, render_index, render_report_html

#: Names of the pages.
HTML_FILE = "report.html"
INDEX_FILE = "index.html"


@dataclass(frozen=True)
class PageContext:
    """What a page may show about the rest of the run: every report of the plan, in the plan's order.

    ``reports`` holds one dict per report: ``name``, ``slug`` (its folder, relative to the run folder),
    ``notebook`` and ``parameters`` (picklable: it travels to the worker processes with each task).
    """

    reports: tuple[dict[str, Any], ...] = field(default_factory=tuple)


def write_report_page(
    folder: Path, *, name: str, notebook: Path | None, error: str | None, context: PageContext
) -> tuple[str, str | None]:
    """Write ``folder/report.html`` from the executed ``notebook`` (or a failure page); return (file, error).

    A rendering failure is added to ``error``; a report without an executed notebook gets a failure page.
    Paths into the run's (randomly named) staging folder read relative to the run folder.
    """
    page = folder / HTML_FILE
    if notebook is not None and notebook.is_file():
        try:
            render_report_html(notebook, page, title=name, strip_prefix=str(folder.parent) + os.sep)
            return HTML_FILE, error
        except Exception as exc:  # the report's page is the only thing lost; the run goes on
            problem = f"rendering the HTML failed: {type(exc).__name__}: {exc}"
            error = f"{error}; {problem}" if error else problem
    failure_page(page, title=name, error=error or "no output notebook was written")
    return HTML_FILE, error


def write_index(run: dict[str, Any], folder: Path, context: PageContext) -> Path:
    """Write the run's ``index.html`` from its ``run.json`` record."""
    return render_index(run, folder / INDEX_FILE)
