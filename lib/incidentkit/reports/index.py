"""The run's ``index.html``: the reports grouped by theatre (:func:`.navigation.site_groups`), each with its
headline, coverage statement, a thumbnail, its status and date; the run's own details (durations, reuse,
parameters, files) folded away in ``<details>``. Written from the run's record (``run.json``) with jinja2, every
value autoescaped; the run's shared files (``assets/``) are written beside it.

jinja2 is imported inside :func:`render_index`, so that importing this module stays cheap.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from .assets import report_downloads, write_assets, write_navigation
from .navigation import notebook_title, scope_text, site_groups, site_navigation

_TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Summary keys holding sentences for the reader (not figures).
HEADLINE_KEY = "headline"
#: Record fields the index shows when present (an older run.json, or a test's record, may lack them).
_OPTIONAL = ("html", "note", "error", "duration", "executed_in", "notebook_file", "kernel_log", "summary_file")
COVERAGE_KEY = "coverage_statement"


def _text(summary: Any, key: str) -> str | None:
    value = summary.get(key) if isinstance(summary, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def coverage_statement(summary: Any) -> str | None:
    """The report's coverage statement (what its data is, covers and counts; written by every notebook to
    ``summary.json``), or ``None`` when it has none."""
    return _text(summary, COVERAGE_KEY)


def spell_date(value: Any) -> str | None:
    """``2024-10-11`` (or an ISO time stamp) as ``11 October 2024``; ``None`` when it is not a date."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return f"{day.day} {day:%B} {day.year}"


def headline(summary: Any) -> str | None:
    """One sentence for the index: the summary's ``headline`` (written by the notebook), else one made of its
    current figures: "29 documented incidents from 2 September 2015 to 11 October 2024; deaths: 881 (at least
    873)." ``None`` without a summary."""
    if not isinstance(summary, dict):
        return None
    said = _text(summary, HEADLINE_KEY)
    if said:
        return said
    parts = []
    count = summary.get("incidents")
    if isinstance(count, int) and not isinstance(count, bool):
        parts.append(f"{count:,} documented incident{'s' if count != 1 else ''}")
        first, last = spell_date(summary.get("first_date")), spell_date(summary.get("last_date"))
        if count and first and last:
            parts[-1] += f" from {first} to {last}" if first != last else f" on {first}"
    deaths = _text(summary, "deaths_text")
    if deaths and count:
        parts.append(f"deaths: {deaths}")
    return ("; ".join(parts) + ".") if parts else None


def figure_groups(files: list[str]) -> list[tuple[str, list[str]]]:
    """Group figure files by name: ``[("deaths", ["deaths.png", "deaths.svg"]), ...]``, sorted."""
    groups: dict[str, list[str]] = {}
    for name in sorted(files):
        groups.setdefault(Path(name).stem, []).append(name)
    return sorted(groups.items())


def format_parameter(value: Any) -> str:
    """Show a plan parameter compactly: lists joined by commas, strings as they are, the rest as JSON."""
    if isinstance(value, list):
        return ", ".join(format_parameter(v) for v in value) if value else "(all)"
    if isinstance(value, str):
        return value if value else '""'
    return json.dumps(value, sort_keys=True, default=str)


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


def _card(record: dict[str, Any], run_folder: Path) -> dict[str, Any]:
    """What the index shows of one report (its record from ``run.json`` plus the words for a reader)."""
    slug = record["slug"]
    folder = run_folder / slug
    executed = folder / record["notebook_file"] if record.get("notebook_file") else None
    summary = record.get("summary")
    groups = figure_groups(record.get("figures") or [])
    thumbs = [f for _, files in groups for f in files if f.endswith(".png")]
    shown = dict(
        title=notebook_title(executed) or record["name"],
        scope=scope_text(record.get("parameters")),
        headline=headline(summary),
        coverage_statement=coverage_statement(summary),
        figure_groups=groups,
        warnings=record.get("warnings") or [],
        thumb=thumbs[0] if thumbs else None,
        date=spell_date(record.get("started_at")),
        downloads=report_downloads(folder, record.get("downloads")),
    )
    return {**dict.fromkeys(_OPTIONAL), **record, **shown}


def render_index(run: dict[str, Any], index_path: Path) -> Path:
    """Write the run's ``index.html`` from its ``run.json`` record, and the run's ``assets/`` beside it (the table
    script, and ``site.js``: the links every report page shows)."""
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
    run_folder = index_path.parent
    cards = {r["name"]: _card(r, run_folder) for r in run["reports"]}
    groups = [
        {"label": g["label"], "reports": [cards[n] for n in g["names"]]} for g in site_groups(run["reports"])
    ]
    counts = _status_counts(r["status"] for r in run["reports"])
    finished = spell_date(run.get("finished_at"))
    text = env.get_template("index.html").render(
        run=run, groups=groups, counts=counts, finished=finished, css=(_TEMPLATES / "site.css").read_text("utf-8")
    )
    write_assets(run_folder)
    pages = [r for r in run["reports"] if r.get("html")]  # a report that never ran has no page to link to
    write_navigation(run_folder, site_navigation(pages, {n: c["title"] for n, c in cards.items()}))
    index_path.write_text(text, encoding="utf-8")
    return index_path


__all__ = [
    "coverage_statement",
    "figure_groups",
    "format_duration",
    "format_parameter",
    "headline",
    "render_index",
    "spell_date",
]
