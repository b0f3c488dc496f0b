"""The HTML side of the report runner: one page per executed notebook (no code) and the run's ``index.html``.

A report page is nbconvert's ``lab`` page through our template (``templates/report.html.j2``): nothing is fetched
from the network, Markdown and HTML pass nbconvert's sanitiser (:mod:`.sanitize`), cells tagged
``hide-in-report`` are left out, and the site's sheet, navigation (:mod:`.navigation`) and table script are added.
The index is :mod:`.index`. The files every page shares (DataTables) are written once per run into ``assets/``
(:func:`write_assets`).

nbconvert, nbformat and jinja2 are imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

import copy
import html
import re
from pathlib import Path
from typing import Any

from .assets import ASSETS_DIR, report_downloads, write_assets
from .index import render_index
from .navigation import notebook_title

__all__ = ["HIDE_TAG", "failure_page", "normalise_notebook", "render_index", "render_report_html", "write_assets"]

_TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Cells with this tag run (nbval checks their output) but are not shown on the published page.
HIDE_TAG = "hide-in-report"
#: Metadata keys that only record when a notebook ran; dropped before rendering so the HTML is reproducible.
_TIMING_KEYS = ("start_time", "end_time", "duration")
#: Tags of the cells papermill inserts (the injected parameters, the red error banners).
_GENERATED_CELL_TAGS = ("injected-parameters", "papermill-error-cell-tag")
_KERNEL_TMP = re.compile(r"ipykernel_\d+")


def _strip(value: Any, prefix: str) -> Any:
    """``value`` (a string or a list of strings, as in notebook outputs) with every ``prefix`` removed."""
    if isinstance(value, str):
        return value.replace(prefix, "")
    if isinstance(value, list):
        return [v.replace(prefix, "") if isinstance(v, str) else v for v in value]
    return value


def normalise_notebook(nb: Any, strip_prefix: str | None = None) -> Any:
    """Return a copy of ``nb`` ready to render: no execution time stamps or per-process paths.

    ``strip_prefix`` (the run's staging folder, with a trailing separator) is removed from every text output, so
    that a path the notebook prints (``.../runs/.staging-x1y2/trends/summary.json``) reads relative to the run
    folder (``trends/summary.json``) and is the same in every run.
    """
    nb = copy.deepcopy(nb)
    meta = nb.get("metadata", {})
    meta.pop("widgets", None)  # widget state needs scripts from the network; reports show no widgets
    for key in _TIMING_KEYS:
        meta.get("papermill", {}).pop(key, None)
    for position, cell in enumerate(nb.get("cells", [])):
        cmeta = cell.get("metadata", {})
        tags = cmeta.get("tags") or []
        for tag in _GENERATED_CELL_TAGS:
            if tag in tags:  # cells papermill adds get a random id; give them a stable one
                cell["id"] = f"{tag}-{position}"
        cmeta.pop("execution", None)
        for key in _TIMING_KEYS:
            cmeta.get("papermill", {}).pop(key, None)
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            if strip_prefix:
                for key in ("text", "traceback", "evalue"):
                    if key in output:
                        output[key] = _strip(output[key], strip_prefix)
                for mime in list(data):
                    if mime.startswith("text/") or mime == "application/json":
                        data[mime] = _strip(data[mime], strip_prefix)
            if "traceback" in output:
                output["traceback"] = [
                    _KERNEL_TMP.sub("ipykernel_<pid>", line) for line in output["traceback"]
                ]
            if output.get("name") == "stderr" and isinstance(output.get("text"), str):
                output["text"] = _KERNEL_TMP.sub("ipykernel_<pid>", output["text"])
    return nb


def _exporter() -> Any:
    from nbconvert import HTMLExporter  # lazy (module docstring): nbconvert takes about a second to import
    from traitlets.config import Config

    from .sanitize import markdown_cleaner, output_cleaner

    config = Config({"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": {HIDE_TAG}}})
    return HTMLExporter(
        config=config,
        template_name="lab",
        template_file="report.html.j2",
        extra_template_paths=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        sanitize_html=True,
        filters={"clean_html": markdown_cleaner(), "clean_output_html": output_cleaner()},
    )


def render_report_html(
    notebook_path: Path,
    html_path: Path,
    *,
    title: str,
    strip_prefix: str | None = None,
    name: str | None = None,
    downloads: list[str] | None = None,
    assets: str = f"../{ASSETS_DIR}",
) -> Path:
    """Render an executed notebook to a standalone HTML page without code cells or prompts.

    Outputs (tables, figures as embedded ``data:`` images, tracebacks of a failed run) are kept; code inputs,
    ``In [n]:`` prompts and cells tagged ``hide-in-report`` are not. Markdown and HTML are sanitised (data text
    shows as text). The page's links (back to the index, the same theatre's reports, previous and next) are drawn
    from the run's ``assets/site.js`` by report ``name`` (default: ``title``), so that the page itself does not
    depend on the rest of the plan; ``downloads`` are the CSV files beside the page (default: the folder's
    top-level ``*.csv``); ``assets`` is where the run's shared files are. The browser tab reads ``title`` and the
    notebook's first heading. Time stamps (and ``strip_prefix``, see :func:`normalise_notebook`) are removed first,
    so the same outputs give the same bytes.
    """
    import nbformat  # lazy (module docstring)

    nb = nbformat.read(str(notebook_path), as_version=4)
    nb = normalise_notebook(nb, strip_prefix)
    heading = notebook_title(notebook_path)
    ik = {
        "name": name or title,
        "css": (_TEMPLATES / "site.css").read_text(encoding="utf-8"),
        "navigation_js": (_TEMPLATES / "navigation.js").read_text(encoding="utf-8"),
        "tables_js": (_TEMPLATES / "tables.js").read_text(encoding="utf-8"),
        "assets": assets,
        "downloads": report_downloads(html_path.parent, downloads),
    }
    title = f"{title}: {heading}" if heading and heading != title else title
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}, "ik": ik})
    html_path.write_text(body, encoding="utf-8")
    return html_path


def failure_page(html_path: Path, *, title: str, error: str) -> Path:
    """Write a minimal page for a report whose notebook could not be executed or rendered at all."""
    text = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>'
        f"{html.escape(title)} (FAILED)</title></head><body><p><a href=\"../index.html\">&larr; All reports</a></p>"
        f"<h1>{html.escape(title)}: FAILED</h1><pre>{html.escape(error)}</pre></body></html>\n"
    )
    html_path.write_text(text, encoding="utf-8")
    return html_path
