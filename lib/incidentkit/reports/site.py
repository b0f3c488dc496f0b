"""The HTML side of the report runner: one page per executed notebook (no code) and the run's ``index.html``.

nbconvert, nbformat and jinja2 are imported inside the functions, so that importing this module stays cheap.
"""

from __future__ import annotations

import copy
import html
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Metadata keys that only record when a notebook ran; dropped before rendering so the HTML is reproducible.
_TIMING_KEYS = ("start_time", "end_time", "duration")
#: Tags of the cells papermill inserts (the injected parameters, the red error banners).
_GENERATED_CELL_TAGS = ("injected-parameters", "papermill-error-cell-tag")
_KERNEL_TMP = re.compile(r"ipykernel_\d+")
#: Tags a Markdown *output* may use as raw HTML (without attributes); any other tag is shown as text.
_SAFE_TAGS = {"br", "b", "i", "em", "strong", "sub", "sup", "small", "code", "p", "hr", "ul", "ol", "li"}
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_SAFE_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\s*/?>")


def guard_markdown(text: str) -> str:
    """Neutralise raw HTML in Markdown produced by code (``display(Markdown(...))``), where data strings end up.

    nbconvert passes raw HTML in Markdown through to the page, so a data string such as
    ``<img src=x onerror=...>`` would become live markup. Every ``<`` that opens a tag is escaped, except plain
    attribute-free tags from a short list (``<br>``, ``<b>``, ``</em>``, ...). Markdown cells written by the
    notebook's author are not touched.
    """
    out: list[str] = []
    pos = 0
    for match in _TAG_START.finditer(text):
        start = match.start()
        out.append(text[pos:start])
        tag = _SAFE_TAG.match(text, start)
        out.append("<" if tag and tag.group(1).lower() in _SAFE_TAGS else "&lt;")
        pos = start + 1
    out.append(text[pos:])
    return "".join(out)


def _strip(value: Any, prefix: str) -> Any:
    """``value`` (a string or a list of strings, as in notebook outputs) with every ``prefix`` removed."""
    if isinstance(value, str):
        return value.replace(prefix, "")
    if isinstance(value, list):
        return [v.replace(prefix, "") if isinstance(v, str) else v for v in value]
    return value


def normalise_notebook(nb: Any, strip_prefix: str | None = None) -> Any:
    """Return a copy of ``nb`` ready to render: no execution time stamps or per-process paths, and raw HTML in
    Markdown outputs neutralised (:func:`guard_markdown`).

    ``strip_prefix`` (the run's staging folder, with a trailing separator) is removed from every text output, so
    that a path the notebook prints (``.../runs/.staging-x1y2/trends/summary.json``) reads relative to the run
    folder (``trends/summary.json``) and is the same in every run.
    """
    nb = copy.deepcopy(nb)
    meta = nb.get("metadata", {})
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
            if isinstance(data.get("text/markdown"), str):
                data["text/markdown"] = guard_markdown(data["text/markdown"])
            elif isinstance(data.get("text/markdown"), list):
                data["text/markdown"] = guard_markdown("".join(data["text/markdown"]))
            if "traceback" in output:
                output["traceback"] = [
                    _KERNEL_TMP.sub("ipykernel_<pid>", line) for line in output["traceback"]
                ]
            if output.get("name") == "stderr" and isinstance(output.get("text"), str):
                output["text"] = _KERNEL_TMP.sub("ipykernel_<pid>", output["text"])
    return nb


def render_report_html(
    notebook_path: Path, html_path: Path, *, title: str, strip_prefix: str | None = None
) -> Path:
    """Render an executed notebook to a standalone HTML page without code cells or prompts.

    Outputs (tables, figures as embedded ``data:`` images, tracebacks of a failed run) are kept; code inputs and
    ``In [n]:`` prompts are not. Time stamps (and ``strip_prefix``, see :func:`normalise_notebook`) are removed
    first, so the same outputs give the same bytes.
    """
    import nbformat  # lazy (module docstring): nbformat and nbconvert take about a second to import
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(notebook_path), as_version=4)
    nb = normalise_notebook(nb, strip_prefix)
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    html_path.write_text(body, encoding="utf-8")
    return html_path


def failure_page(html_path: Path, *, title: str, error: str) -> Path:
    """Write a minimal page for a report whose notebook could not be executed or rendered at all."""
    text = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>'
        f"{html.escape(title)} (FAILED)</title></head><body><h1>{html.escape(title)}: FAILED</h1>"
        f"<pre>{html.escape(error)}</pre></body></html>\n"
    )
    html_path.write_text(text, encoding="utf-8")
    return html_path


#: Summary keys shown first in the index, in this order (the headline figures every notebook writes).
HEADLINE_KEYS: tuple[str, ...] = (
    "incidents",
    "deaths_text",
    "deaths_best",
    "deaths_low",
    "deaths_high",
    "deaths_unknown_incidents",
    "first_date",
    "last_date",
)


#: Summary keys holding sentences, shown in their own place on the index (not among the key figures).
SENTENCE_KEYS: tuple[str, ...] = ("coverage_statement", "comparison_note")


def coverage_statement(summary: Any) -> str | None:
    """The report's coverage statement (what its data is, covers and counts; written by every notebook to
    ``summary.json``), or ``None`` when it has none."""
    value = summary.get("coverage_statement") if isinstance(summary, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def key_figures(summary: Any) -> list[tuple[str, str]]:
    """The top-level scalar entries of a report's ``summary.json``, formatted for display: the headline keys
    (:data:`HEADLINE_KEYS`) first, then the others sorted by key."""
    if not isinstance(summary, dict):
        return []
    out = []
    rank = {k: i for i, k in enumerate(HEADLINE_KEYS)}
    for key in sorted(summary, key=lambda k: (rank.get(str(k), len(rank)), str(k))):
        value = summary[key]
        if isinstance(value, (dict, list)) or key in SENTENCE_KEYS:
            continue
        out.append((str(key), format_value(value)))
    return out


def figure_groups(files: list[str]) -> list[tuple[str, list[str]]]:
    """Group figure files by name: ``[("deaths", ["deaths.png", "deaths.svg"]), ...]``, sorted."""
    groups: dict[str, list[str]] = {}
    for name in sorted(files):
        groups.setdefault(Path(name).stem, []).append(name)
    return sorted(groups.items())


def format_value(value: Any) -> str:
    """Format a scalar for the index: thousands separators for integers, at most 3 decimals for floats."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        text = f"{value:,.3f}".rstrip("0").rstrip(".")
        return text or "0"
    return str(value)


def format_parameter(value: Any) -> str:
    """Show a plan parameter compactly: lists joined by commas, strings as they are, the rest as JSON."""
    if isinstance(value, list):
        return ", ".join(format_parameter(v) for v in value) if value else "(all)"
    if isinstance(value, str):
        return value if value else '""'
    return json.dumps(value, sort_keys=True, default=str)


def render_index(run: dict[str, Any], index_path: Path) -> Path:
    """Write the run's ``index.html`` from its ``run.json`` record (jinja2, every value autoescaped)."""
    import jinja2  # lazy (module docstring)

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["param"] = format_parameter
    env.filters["duration"] = format_duration
    template = env.get_template("index.html")
    reports = [
        dict(
            r, key_figures=key_figures(r.get("summary")), figure_groups=figure_groups(r.get("figures") or []),
            coverage_statement=coverage_statement(r.get("summary"))
        )
        for r in run["reports"]
    ]
    counts = _status_counts(r["status"] for r in reports)
    text = template.render(run=run, reports=reports, counts=counts)
    index_path.write_text(text, encoding="utf-8")
    return index_path


def format_duration(seconds: Any) -> str:
    """``12.3 s`` or ``2 min 05 s``; blank for unknown."""
    if not isinstance(seconds, (int, float)):
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"


def _status_counts(statuses: Iterable[str]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    order = ["failed", "ok", "reused", "stale", "not-run"]
    return [(s, counts[s]) for s in sorted(counts, key=lambda s: (order.index(s) if s in order else 99, s))]
