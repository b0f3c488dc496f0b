"""Tables for a reader: any analysis table as a formatted HTML ``<table class="ik-table">``.

One place says how a value is shown on a page: counts with thousands separators ("1,234"), shares as percentages
("19 %", never 0.188), per-incident means with one decimal, dates as dates, yes/no for flags, column headers in
words with their units ("claimed (% of those with a known claim status)", never ``claimed_share``), and a value the table does not know
(``<NA>``, NaN, None) as a dash "–" explained in a footnote under the table (unknown is not zero). Every text cell is
HTML-escaped: a data string never injects markup into a page. Numbers are right-aligned and carry their raw value in
``data-order`` so that a sortable table sorts them as numbers. Only plain elements and the table cells' alignment
styles are used: the report site's sanitiser (``reports/sanitize.py``) keeps them.

:data:`COLUMNS` names the columns of the library's tables; a column it does not name is shown by its dtype (header:
the name with spaces; ``*_share`` a percentage, ``*_pct`` a percentage already, whole numbers as counts).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML

from ..data.readers.registry import dataset_name, source_datasets

__all__ = ["COLUMNS", "DASH", "DASH_NOTE", "Column", "cell_text", "column_for", "html_table", "table_html"]

#: What a cell shows for a value the table does not know.
DASH = "–"
#: The footnote under a table with a dash in it.
DASH_NOTE = "– not known: no figure in the source, or nothing to compute it from (not zero)."
#: Class of every table; incident tables (one row per incident) add ``ik-incidents`` (the site makes them sortable).
TABLE_CLASS = "ik-table"
INCIDENTS_CLASS = "ik-incidents"


@dataclass(frozen=True)
class Column:
    """How one column is shown: its ``header`` (words, with the unit) and ``kind``: ``text``, ``count`` (whole
    number, thousands separators), ``decimal`` (``digits`` decimals), ``share`` (a fraction 0-1 shown as a
    percentage), ``percent`` (already in percent), ``change`` (a signed count), ``change_pct`` (a signed
    percentage), ``date`` or ``flag`` (yes/no)."""

    header: str
    kind: str = "text"
    digits: int = 0


def _c(header: str, kind: str = "count", digits: int = 0) -> Column:
    return Column(header, kind, digits)


#: The columns of the library's tables, by name.
COLUMNS: dict[str, Column] = {
    # counts of incidents and deaths (theatre_comparison, casualty_totals, year_on_year, unknown_casualties ...)
    "incidents": _c("incidents"),
    "deaths_low": _c("deaths, low"), "deaths_best": _c("deaths, best"), "deaths_high": _c("deaths, high"),
    "deaths_unknown": _c("incidents with no death figure"),
    "deaths_open_high": _c("incidents with no upper bound"),
    "per_incident_low": _c("deaths per incident, low", "decimal", 1),
    "per_incident_best": _c("deaths per incident, best", "decimal", 1),
    "per_incident_high": _c("deaths per incident, high", "decimal", 1),
    "claimed": _c("claimed (incidents)"), "claimed_share": _c("claimed (% of those with a known claim status)", "share"),
    "claims_unknown": _c("no word on a claim (incidents)"),
    "suicide": _c("suicide attacks"), "suicide_unknown": _c("not known whether suicide (incidents)"),
    "with_figure": _c("incidents with a figure"), "unknown": _c("incidents with no figure"),
    "low": _c("low (persons)"), "best": _c("best (persons)"), "high": _c("high (persons)"),
    "open_high": _c("no upper bound (incidents)"), "approx": _c("approximate (incidents)"),
    "zero_or_unknown": _c("0 meaning none or unknown (incidents)"),
    # year on year
    "year": _c("year", "text"), "days_covered": _c("days covered"), "days_in_year": _c("days in the year"),
    "covered": _c("covered (% of the period)", "share"), "partial": _c("covered in part", "flag"),
    "incidents_change": _c("incidents: change", "change"),
    "incidents_change_pct": _c("incidents: change (%)", "change_pct"),
    "deaths_best_change": _c("deaths (best): change", "change"),
    "deaths_best_change_pct": _c("deaths (best): change (%)", "change_pct"),
    "note": _c("note", "text"),
    # roles side by side
    "perpetrator_incidents": _c("violence by IS: incidents"), "perpetrator_deaths": _c("violence by IS: deaths", "text"),
    "two_sided_incidents": _c("two-sided fighting: incidents"),
    "two_sided_deaths": _c("two-sided fighting: deaths", "text"),
    "target_incidents": _c("operations against IS: incidents"),
    "target_deaths": _c("operations against IS: deaths", "text"),
    # perpetrators' share
    "incidents_used": _c("incidents used"),
    "incidents_without_perpetrator_figure": _c("incidents with no perpetrator figure"),
    "killed_best": _c("killed, best (persons)"), "perpetrators_killed": _c("perpetrators killed (persons)"),
    "share_pct": _c("perpetrators' share of deaths (%)", "percent", 1),
    # incident tables (deadliest, chronology, notable)
    "date": _c("date", "text"), "place": _c("place", "text"), "theatre": _c("theatre", "text"),
    "attack_type": _c("attack type", "text"), "target_type": _c("target type", "text"),
    "killed": _c("killed (persons)", "text"), "wounded": _c("wounded (persons)", "text"),
    "deaths": _c("deaths (persons)", "text"), "claim_status": _c("claim", "text"), "claim": _c("claim", "text"),
    "sources": _c("sources", "text"), "incident_id": _c("incident id", "text"), "when": _c("when", "text"),
    "what": _c("what", "text"), "summary": _c("summary", "text"), "reason": _c("listed as", "text"),
    "label": _c("event", "text"), "event_type": _c("type of event", "text"), "marker": _c("no.", "text"),
    # coverage
    "source": _c("source", "text"), "period_start": _c("from", "date"), "period_end": _c("to", "date"),
    "coverage_type": _c("coverage", "text"), "counts": _c("counts incidents", "flag"),
    "share_of_window": _c("share of the selection's period (%)", "share"),
    "coded": _c("coded by the source", "text"), "fields": _c("fields", "text"),
    "total": _c("total"),
    "source_id": _c("source id", "text"), "rows": _c("incident rows"), "title": _c("title", "text"),
    "publisher": _c("publisher", "text"), "published": _c("published", "date"),
    "wounded_unknown": _c("incidents with no wounded figure"), "both_unknown": _c("incidents with neither"),
    "stat_id": _c("statistic", "text"), "metric": _c("measure", "text"), "is_role": _c("IS's role", "text"),
    "qualifier": _c("qualifier", "text"), "reported_low": _c("reported, low"), "reported_high": _c("reported, high"),
    "upper_bound": _c("upper bound", "text"), "compared_with": _c("compared with", "text"),
    "incident_rows": _c("incident rows"), "incidents_unknown": _c("incidents with no figure"),
    "incident_low": _c("incident sum, low"), "incident_best": _c("incident sum, best"),
    "incident_high": _c("incident sum, high"),
    "share_of_reported": _c("incident sum (% of reported)", "share"),
    "share_of_reported_high": _c("incident sum (% of reported high)", "share"),
    "blank": _c("blank values"), "blank_share": _c("blank (% of rows)", "share"),
    "dataset": _c("dataset", "text"), "selection": _c("selection", "text"),
}

_NUMERIC = {"count", "decimal", "share", "percent", "change", "change_pct"}
#: Columns of remarks: one said on every row is said once under the table instead.
NOTE_COLUMNS = frozenset({"note"})
#: Text no longer than this (characters) is kept on one line.
SHORT_TEXT = 24


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def column_for(name: object, dtype: object = None) -> Column:
    """The :class:`Column` of a column: from :data:`COLUMNS`, else from its name and dtype."""
    key = str(name)
    if key in COLUMNS:
        return COLUMNS[key]
    if key in source_datasets():  # rows per dataset: the dataset's display name
        return Column(dataset_name(key), "count")
    words = key.replace("_", " ")
    if key.endswith("_share"):
        return Column(f"{words[:-6]} (%)", "share")
    if key.endswith("_pct"):
        return Column(f"{words[:-4]} (%)", "percent", 1)
    if dtype is not None and pd.api.types.is_bool_dtype(dtype):
        return Column(words, "flag")
    if dtype is not None and pd.api.types.is_integer_dtype(dtype):
        return Column(words, "count")
    if dtype is not None and pd.api.types.is_float_dtype(dtype):
        return Column(words, "decimal", 1)
    if dtype is not None and pd.api.types.is_datetime64_any_dtype(dtype):
        return Column(words, "date")
    return Column(words, "text")


def _percent(value: float, digits: int, signed: bool = False) -> str:
    if value != 0 and abs(value) < 0.5 * 10 ** -digits:
        return ("<" if value > 0 else ">-") + f"{10 ** -digits:g} %"
    sign = "+" if signed else ""
    return f"{value:{sign},.{digits}f} %"


def cell_text(value: object, column: Column) -> str:
    """One value as a cell shows it (plain text, not escaped): :data:`DASH` for a value not known."""
    if _missing(value):
        return DASH
    kind = column.kind
    try:
        if kind == "count":
            return f"{int(value):,}"  # type: ignore[call-overload]
        if kind == "change":
            return f"{int(value):+,}"  # type: ignore[call-overload]
        if kind == "decimal":
            return f"{float(value):,.{column.digits}f}"  # type: ignore[arg-type]
        if kind == "share":
            return _percent(100 * float(value), column.digits)  # type: ignore[arg-type]
        if kind in ("percent", "change_pct"):
            return _percent(float(value), column.digits, signed=kind == "change_pct")  # type: ignore[arg-type]
        if kind == "date":
            return pd.Timestamp(value).date().isoformat()  # type: ignore[arg-type]
        if kind == "flag":
            return "yes" if bool(value) else "no"
    except (TypeError, ValueError):
        pass  # a value of another kind than the column's (a word in a count column): shown as it is
    return str(value)


def _sort_key(value: object, column: Column) -> str:
    if column.kind not in _NUMERIC or _missing(value):
        return ""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(number) else f' data-order="{number!r}"'


def html_table(
    table: pd.DataFrame,
    columns: Mapping[str, Column | str] | Sequence[str] | None = None,
    *,
    index: bool | None = None,
    kind: str | None = None,
    incidents: bool = False,
    caption: str = "",
    note: str = "",
    dash_note: str = DASH_NOTE,
) -> str:
    """Return ``table`` as an HTML table (a string; ``ik.text.table_html`` wraps it for display).

    ``columns``: the columns shown, in order (names, or ``{name: Column or header}`` to override how they are
    shown); by default every column. ``index``: show the index as the first column (default: when it is named).
    ``kind``: the kind of every column not in :data:`COLUMNS` (``"share"`` for a table of shares).
    ``incidents``: one row per incident (adds the class ``ik-incidents``). ``caption`` goes above the table,
    ``note`` under it with the dash's footnote when a cell shows one. Data text is escaped."""
    frame = table
    show_index = bool(index) if index is not None else any(n is not None for n in frame.index.names)
    if show_index:
        frame = frame.reset_index()
    if columns is None:
        names = [str(c) for c in frame.columns]
        overrides: Mapping[str, Column | str] = {}
    elif isinstance(columns, Mapping):
        names, overrides = [str(c) for c in columns], columns
    else:
        names, overrides = [str(c) for c in columns], {}
    frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
    # a note that is the same on every row is said once, under the table, not repeated down a narrow column
    same_note = [n for n in names if n in NOTE_COLUMNS and len(frame) > 1 and frame[n].nunique(dropna=False) == 1]
    if same_note:
        names = [n for n in names if n not in same_note]
        note = " ".join(t for t in (f"Every row: {frame[same_note[0]].iloc[0]}.", note) if t and t != "Every row: .")
    specs = []
    for name in names:
        spec = overrides.get(name)
        if isinstance(spec, str):
            base = column_for(name, frame[name].dtype)
            spec = Column(spec, base.kind, base.digits)
        if spec is None:
            spec = column_for(name, frame[name].dtype)
            if kind is not None and name not in COLUMNS and pd.api.types.is_numeric_dtype(frame[name].dtype):
                spec = Column(spec.header, kind, 0 if kind in ("share", "count", "change") else spec.digits)
        specs.append(spec)
    head = "".join(f'<th scope="col" class="{"num" if s.kind in _NUMERIC else "text"}" style="text-align:'
                   f'{"right" if s.kind in _NUMERIC else "left"};vertical-align:bottom">{html.escape(s.header)}</th>'
                   for s in specs)
    # short text (names, dates, figures as stated) never wraps; long text (summaries, sources) wraps between words
    short = {n for n, s in zip(names, specs, strict=True)
             if s.kind not in _NUMERIC and frame[n].astype(str).str.len().max() <= SHORT_TEXT}
    body = []
    dashes = False
    for row in frame[names].itertuples(index=False, name=None):
        cells = []
        for name, value, spec in zip(names, row, specs, strict=True):
            text = cell_text(value, spec)
            dashes = dashes or text == DASH
            align = (' style="text-align:right;white-space:nowrap"' if spec.kind in _NUMERIC else
                     ' style="text-align:left;white-space:nowrap"' if name in short else ' style="text-align:left"')
            cells.append(f'<td{_sort_key(value, spec)}{align}>{html.escape(text)}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    classes = f"{TABLE_CLASS} {INCIDENTS_CLASS}" if incidents else TABLE_CLASS
    # width auto (at least the box's): JupyterLab's sheet fixes table layouts, which with a set width splits the
    # columns evenly and lets numbers spill into their neighbours; an auto width sizes columns by their content, and
    # a table wider than the page scrolls in its output box
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    notes = [n for n in (note, dash_note if dashes else "") if n]
    foot = "".join(f'<p class="ik-table-note">{html.escape(n)}</p>' for n in notes)
    return (f'<div class="ik-table-wrap">'
            f'<table class="{classes}" style="width:auto;min-width:100%">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{foot}</div>")


def table_html(table: object, empty: str = "", **kwargs: object) -> HTML:
    """:func:`html_table` for display in a notebook (keyword options as there); a table with no rows shows ``empty``
    (a sentence, by default that no incidents match the selection) instead of a bare header."""
    if getattr(table, "empty", False) or len(table) == 0:  # type: ignore[arg-type]
        sentence = empty or "Nothing to show: no incidents match the selection."
        return HTML(f'<p class="ik-empty"><em>{html.escape(sentence)}</em></p>')
    return HTML(html_table(table, **kwargs))  # type: ignore[arg-type]
