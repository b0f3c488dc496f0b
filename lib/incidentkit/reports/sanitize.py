"""What HTML a published report page may carry: nbconvert's sanitiser (``SanitizeHTML``, bleach) with our lists.

A report page is rendered with nbconvert's ``sanitize_html`` option: every Markdown cell, Markdown output and HTML
output passes through bleach before it reaches the page. Tags and attributes outside the lists below are *escaped*
(shown as text, so a data string such as ``<script>`` or ``<img onerror=...>`` reads as what it is), never
executed; URLs may only be ``http``, ``https``, ``mailto`` or relative; inline styles keep only harmless
properties (bleach's CSS sanitiser).

Two lists, because two kinds of HTML reach a page:

- **Markdown** (cells written by the notebook's author, and ``display(Markdown(...))`` outputs, where data strings
  end up): text markup, lists, tables, headings with their anchors, ``<details>``; no ``<style>``, no images.
- **HTML outputs** (tables made by pandas or the library, which escape their cells): the same, plus the table
  elements' ``<style>`` blocks (CSS, which runs no code) and sorting hints (``data-order``, ``data-search``).

nbconvert is imported inside the functions (module docstring of :mod:`incidentkit.reports.site`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Elements of Markdown rendered to HTML (by mistune, in nbconvert's markdown2html) that a page keeps.
MARKDOWN_TAGS: frozenset[str] = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
        "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd",
        "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
#: HTML outputs may also carry the ``<style>`` blocks of pandas' and the library's tables.
OUTPUT_TAGS: frozenset[str] = MARKDOWN_TAGS | {"style"}

_CELL_ATTRIBUTES = ["colspan", "rowspan", "scope", "headers", "data-order", "data-search", "style"]
#: Attributes kept, per element (``*``: every element). Anything else (``on*`` handlers first of all) is removed.
ATTRIBUTES: dict[str, list[str]] = {
    "*": ["class", "id", "title", "lang", "dir"],
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "ol": ["start"],
    "td": _CELL_ATTRIBUTES,
    "th": _CELL_ATTRIBUTES,
    "col": ["span", "style"],
    "table": ["style"],
    "details": ["open"],
}
#: CSS properties an inline ``style`` attribute may keep (tables' alignment and widths).
STYLES: tuple[str, ...] = ("text-align", "vertical-align", "white-space", "width", "min-width", "max-width")


def _sanitiser(tags: frozenset[str]) -> Any:
    from nbconvert.preprocessors.sanitize import (
        SanitizeHTML,  # lazy (module docstring): nbconvert is slow to import
    )

    return SanitizeHTML(tags=sorted(tags), attributes=ATTRIBUTES, styles=list(STYLES), strip=False)


def markdown_cleaner() -> Callable[[str], str]:
    """``clean(html) -> html`` for Markdown rendered to HTML (the page's ``clean_html`` filter)."""
    return _sanitiser(MARKDOWN_TAGS).sanitize_html_tags  # type: ignore[no-any-return]


def output_cleaner() -> Callable[[str], str]:
    """``clean(html) -> html`` for the ``text/html`` outputs of code cells (tables)."""
    return _sanitiser(OUTPUT_TAGS).sanitize_html_tags  # type: ignore[no-any-return]


def clean_markdown(text: str) -> str:
    """Markdown (as a notebook output holds it) rendered to HTML and sanitised, as on a report page."""
    from nbconvert.filters import markdown2html  # lazy (module docstring)

    return markdown_cleaner()(markdown2html(text))
