"""How the report site is organised for a reader: reports grouped by theatre, each report's title and scope, and
the links of a report page (back to the index, the other reports of its theatre, previous and next).

Everything here is computed from a report list (name, slug, parameters): the index is drawn from it, and the links
of every page are written with it into the run's ``assets/site.js`` (:func:`site_navigation`), which each page
reads when it opens (``templates/navigation.js``). A page's own bytes therefore never depend on the other reports
of the plan: a reused page is byte-identical and still links the reports of the run it is published in.

Grouping: a report belongs to the theatres its ``theatre`` / ``theatres`` parameter names; reports whose theatres
overlap form one group (``trends-russia`` on North Caucasus and Russia (other) joins the two theatres' briefs). A
report naming no theatre is grouped by its ``branches``, then by its ``countries``; one naming none of these covers
every theatre and is listed apart, first ("Across theatres").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

#: The page of each report inside its folder (the runner's ``HTML_FILE``; tests/test_reports_site.py checks).
PAGE_FILE = "report.html"
INDEX_HREF = "../index.html"
ACROSS = "Across theatres"
#: The parameters that place a report, in the order they are tried, with the words that name a group of them.
SCOPE_KEYS: tuple[tuple[str, str], ...] = (("theatres", ""), ("branches", "IS branch "), ("countries", ""))
_H1 = re.compile(r"^#\s+(.+?)\s*$", re.MULTILINE)


def _field(report: Any, key: str) -> Any:
    return report.get(key) if isinstance(report, Mapping) else getattr(report, key, None)


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v).strip()]
    return []


def scope(parameters: Mapping[str, Any] | None) -> tuple[str, list[str]]:
    """``(kind, names)``: what a report's parameters select: its theatres, else branches, else countries; ``("",
    [])`` for a report across every theatre."""
    params = parameters or {}
    theatres = _names(params.get("theatre")) or _names(params.get("theatres"))
    if theatres:
        return "theatres", theatres
    for key, _ in SCOPE_KEYS[1:]:
        if _names(params.get(key)):
            return key, _names(params.get(key))
    return "", []


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def group_label(kind: str, names: list[str]) -> str:
    """The heading of a group: ``Syria`` when every theatre is one country's (``Syria: Badia``, ...), else the
    names joined (``North Caucasus and Russia (other)``); ``IS branch is-khorasan``; ``Across theatres``."""
    if not kind:
        return ACROSS
    prefixes = {n.split(":", 1)[0].strip() for n in names}
    if kind == "theatres" and len(prefixes) == 1 and all(":" in n for n in names):
        return prefixes.pop()
    words = dict(SCOPE_KEYS)[kind]
    return words + _join(names)


def period_text(parameters: Mapping[str, Any] | None) -> str:
    """The period a report's ``start`` / ``end`` select, as a reader says it: ``2015-2024``, ``2024``,
    ``1 January 2022 to 10 March 2022``; blank when neither is set."""
    params = parameters or {}

    def day(value: Any) -> date | None:
        try:
            return date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    start, end = day(params.get("start")), day(params.get("end"))
    if start and end and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year) if start.year == end.year else f"{start.year}\u2013{end.year}"
    spell = [f"{d.day} {d:%B} {d.year}" if d else "" for d in (start, end)]
    if start and end:
        return f"{spell[0]} to {spell[1]}"
    return f"from {spell[0]}" if start else (f"until {spell[1]}" if end else "")


def scope_text(parameters: Mapping[str, Any] | None) -> str:
    """What a report covers, in one line: ``North Caucasus and Russia (other), 2015-2024``."""
    kind, names = scope(parameters)
    where = "all theatres" if not kind else dict(SCOPE_KEYS)[kind] + _join(names)
    countries = _names((parameters or {}).get("countries"))
    if kind and kind != "countries" and countries:
        where += " in " + _join(countries)
    period = period_text(parameters)
    return f"{where}, {period}" if period else where


def notebook_title(path: Path | None) -> str | None:
    """The first ``# heading`` of a notebook's first Markdown cell (what the notebook is about), or ``None``."""
    if path is None or not path.is_file():
        return None
    return _title(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=256)
def _title(path: str, _mtime_ns: int) -> str | None:
    """:func:`notebook_title` of a file, remembered while it is unchanged (a run asks once per report and page)."""
    try:
        cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return None
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            found = _H1.search("".join(source) if isinstance(source, list) else str(source))
            return found.group(1) if found else None
    return None


def site_groups(reports: Iterable[Any]) -> list[dict[str, Any]]:
    """The reports grouped for the index and the pages' links: ``[{"label", "names": [report names]}]``.

    "Across theatres" first, then the groups in the order of their first report in the plan; within a group, plan
    order. Reports whose theatres (or branches, or countries) overlap share a group.
    """
    groups: list[dict[str, Any]] = []
    for report in reports:
        kind, names = scope(_field(report, "parameters"))
        hit = [g for g in groups if g["kind"] == kind and (not kind or g["keys"] & set(names))]
        if hit:  # merge every group this report touches into the first one
            first = hit[0]
            for other in hit[1:]:
                first["keys"] |= other["keys"]
                first["names"] += other["names"]
                groups.remove(other)
            first["keys"] |= set(names)
            first["names"].append(_field(report, "name"))
            first["order"] += [n for n in names if n not in first["order"]]
        else:
            groups.append({"kind": kind, "keys": set(names), "names": [_field(report, "name")], "order": names[:]})
    plan = [_field(r, "name") for r in reports] if isinstance(reports, list) else None
    out = []
    for g in sorted(groups, key=lambda g: bool(g["kind"])):  # stable: "across" first, then plan order
        names = sorted(g["names"], key=plan.index) if plan else g["names"]
        out.append({"label": group_label(g["kind"], g["order"]), "names": names})
    return out


def _link(report: Any, titles: Mapping[str, str]) -> dict[str, str]:
    name = _field(report, "name")
    return {
        "name": name,
        "href": f"../{_field(report, 'slug') or name}/{PAGE_FILE}",
        "title": titles.get(name) or name,
        "scope": scope_text(_field(report, "parameters")),
    }


def site_navigation(reports: list[Any], titles: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Every report's links (:func:`page_context`), by report name, computed once for the whole list."""
    titles = titles or {}
    by_name = {_field(r, "name"): r for r in reports}
    groups = site_groups(reports)
    order = [n for g in groups for n in g["names"]]
    out = {}
    for group in groups:
        for name in group["names"]:
            at = order.index(name)
            me = _link(by_name[name], titles)
            out[name] = {
                "index": INDEX_HREF,
                "name": name,
                "title": me["title"],
                "scope": me["scope"],
                "group": group["label"],
                "related": [dict(_link(by_name[n], titles), current=n == name) for n in group["names"]],
                "previous": _link(by_name[order[at - 1]], titles) if at > 0 else None,
                "next": _link(by_name[order[at + 1]], titles) if at + 1 < len(order) else None,
            }
    return out


def page_context(reports: list[Any], name: str, *, titles: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The links of report ``name``'s page, from the run's (or the plan's) report list (objects or dicts with
    ``name``, ``slug``, ``parameters``), as plain JSON data.

    ``{"index": "../index.html", "name", "title", "scope", "group", "related": [links of the same group, this one
    included, with "current"], "previous", "next"}``; each link is ``{"name", "href", "title", "scope"}``;
    previous and next follow the index's order. ``titles`` names each report's notebook (its first heading); a
    report without one is called by its name.
    """
    return site_navigation(reports, titles)[name]
