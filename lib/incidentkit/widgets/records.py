"""What the exploration widgets show of each incident, as plain data: the table's columns, the map's hover text, the
full row and its citations for a selected incident, and the options of a filter. No widget is built here, so all of
it is tested with pandas alone (``tests/test_explore.py``).

The words are the library's: figures as the sources state them, dates, places, source titles and citations from
:mod:`incidentkit.analysis.wording`, IS's role from :mod:`incidentkit.data.roles`. Every string taken from the data
is escaped where it goes into HTML (:func:`html.escape`): a summary, a place or a source title never injects markup
into the page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..analysis.measures import incident_figures
from ..analysis.wording import (
    SourceTable,
    citations,
    date_text,
    figure_texts,
    place_text,
    source_table,
    source_titles,
)
from ..data.roles import incident_role_text

#: The columns of the incident table (:func:`table_frame`), in order. The last four are hidden in the table:
#: ``deaths_sort`` and ``wounded_sort`` are the best figures the range columns sort by, ``incident id`` and
#: ``full text`` (the whole summary and every source title) are searched.
TABLE_COLUMNS: tuple[str, ...] = (
    "date", "theatre", "place", "deaths", "wounded", "summary", "IS's role", "branch", "claim", "attack type",
    "sources", "incident id", "full text", "deaths_sort", "wounded_sort",
)
#: Characters of the summary and of the sources shown in a table cell (the whole text is searched, and shown in the
#: details of a selected incident).
SUMMARY_CHARS, SOURCES_CHARS = 170, 90
#: ``geo_precision`` -> how the map marks a position (a town or a point; a province's or a country's reference
#: point, which is not where the incident happened).
POSITION_LABELS: dict[str, str] = {
    "point": "exact point",
    "locality": "town or village",
    "admin1": "province reference point (place not known more precisely)",
    "country": "country reference point (place not known more precisely)",
}


def esc(text: object) -> str:
    """Data text made safe for HTML (``<``, ``>``, ``&``; quotes are left, no attribute is built from data)."""
    return html.escape(str(text), quote=False)


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def date_key(df: pd.DataFrame) -> pd.Series:
    """The date as far as it is known, in ISO form so that it sorts: ``2015``, ``2015-06``, ``2015-06-23``."""
    iso = df["date"].dt.strftime("%Y-%m-%d").astype(object)
    precision = df["date_precision"].astype(object)
    out = iso.where(precision.isin(["day", "week"]) | precision.isna(), iso.str[:7])
    out = out.where(precision != "year", iso.str[:4])
    return out.where(df["date"].notna(), "").astype(str)


def casualty_text(df: pd.DataFrame, measure: str) -> tuple[pd.Series, pd.Series]:
    """``(text, best)`` per row: the figure as the sources state it ("12 (10-15)", "at least 12", "about 500", "no
    figure": never 0 for a missing figure; :func:`incidentkit.analysis.wording.figure_texts`), and the best figure
    (nullable) the table sorts by."""
    fig = incident_figures(df, measure)
    return pd.Series(figure_texts(fig), index=df.index, dtype=object), fig["best"]


def short_sources(row: pd.Series, sources: SourceTable) -> str:
    """The sources column of one incident: each document's title; for an export row, the dataset and event id."""
    return source_titles(row.get("source_ids"), row.get("source_dataset"), row.get("source_event_id"), sources)


def row_citations(row: pd.Series, sources: pd.DataFrame | SourceTable | None, *, export: str = "") -> list[str]:
    """The full citation of each source of one incident (:func:`incidentkit.analysis.wording.citations`); ``export``
    is the file an export row was read from."""
    return citations(row.get("source_ids"), row.get("source_dataset"), row.get("source_event_id"), sources,
                     file=export)


def branch_names(branches: pd.DataFrame | None) -> dict[str, str]:
    """``branch_id`` -> its name ("is-caucasus" -> "Caucasus Province") from data/branches.csv."""
    if branches is None or branches.empty:
        return {}
    return dict(zip(branches["branch_id"].astype(str), branches["name"].astype(str), strict=True))


def table_frame(df: pd.DataFrame, sources: pd.DataFrame | SourceTable | None = None,
                branches: pd.DataFrame | None = None) -> pd.DataFrame:
    """The incident table as the explorer shows it: one row per incident, in ``df``'s order, columns
    :data:`TABLE_COLUMNS` (plain text, nothing escaped: the table escapes what it shows). Branches are named from
    ``branches`` (data/branches.csv) when given."""
    table = source_table(sources)
    names = branch_names(branches)
    summaries = df["summary"].astype(object).fillna("").astype(str).tolist()
    cited = [short_sources(r, table) for _, r in df.iterrows()]
    deaths, deaths_best = casualty_text(df, "killed")
    wounded, wounded_best = casualty_text(df, "wounded")
    out = pd.DataFrame(
        {
            "date": date_key(df).to_numpy(),
            "theatre": df["theatre"].astype(object).fillna("").to_numpy(),
            "place": [place_text(r) for _, r in df.iterrows()],
            "IS's role": [incident_role_text(v) for v in df["is_role"].astype(object)],
            "branch": [names.get(b, b) for b in df["is_branch"].astype(object).fillna("")],
            "claim": df["claim_status"].astype(object).fillna("").to_numpy(),
            "attack type": df["attack_type"].astype(object).fillna("").to_numpy(),
            "deaths": deaths.to_numpy(),
            "wounded": wounded.to_numpy(),
            "summary": [shorten(s, SUMMARY_CHARS) for s in summaries],
            "sources": [shorten(s, SOURCES_CHARS) for s in cited],
            "incident id": df["incident_id"].astype(str).to_numpy(),
            "full text": [f"{s} {c}" for s, c in zip(summaries, cited, strict=True)],
            "deaths_sort": deaths_best.to_numpy(),
            "wounded_sort": wounded_best.to_numpy(),
        },
        columns=list(TABLE_COLUMNS),
    )
    return out.reset_index(drop=True)


def shorten(text: str, limit: int) -> str:
    """``text`` cut at the last space before ``limit`` characters, with "…" when it was cut."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return f"{cut} …"


def _figure_line(row: pd.DataFrame, measure: str) -> str:
    text, _ = casualty_text(row, measure)
    return str(text.iloc[0])


def hover_texts(df: pd.DataFrame, sources: pd.DataFrame | SourceTable | None = None,
                branches: pd.DataFrame | None = None) -> list[str]:
    """The map's hover text of each incident (plotly's HTML subset, data escaped): date, place, deaths and wounded
    with their range, IS's role, branch and claim, how precise the position is, and the sources."""
    table = source_table(sources)
    names = branch_names(branches)
    deaths, _ = casualty_text(df, "killed")
    wounded, _ = casualty_text(df, "wounded")
    out = []
    for i, (_, r) in enumerate(df.iterrows()):
        when = esc(date_text(r["date"], r["date_precision"]))
        role = esc(incident_role_text(r["is_role"]))
        branch = esc(names.get(_text(r["is_branch"]), _text(r["is_branch"])) or "no branch named")
        claim = esc(_text(r["claim_status"]) or "unknown")
        position = esc(POSITION_LABELS.get(_text(r["geo_precision"]), "position of unknown precision"))
        src = _wrap(f"sources: {shorten(short_sources(r, table), 160)}", 70)
        out.append(
            f"<b>{when}</b> · {_wrap(place_text(r) or 'place unknown', 70)}<br>deaths: {esc(deaths.iloc[i])} · "
            f"wounded: {esc(wounded.iloc[i])}<br>{role} · {branch} · claim: {claim}<br><i>{position}</i><br>{src}"
        )
    return out


def _wrap(text: str, width: int) -> str:
    """``text`` escaped, with a line break (``<br>``) every ~``width`` characters at a space: hover boxes stay
    narrow."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "<br>".join(esc(line) for line in lines)


#: Fields of the details panel, in order, with their labels (the rest of a row is listed after them as it is named).
DETAIL_FIELDS: tuple[tuple[str, str], ...] = (
    ("summary", "summary"), ("date_end", "until"), ("date_basis", "date refers to"), ("theatre", "theatre"),
    ("perpetrator", "perpetrator"), ("is_branch", "IS branch"), ("attribution", "attribution"),
    ("attack_type", "attack type"), ("target_type", "target type"), ("suicide", "suicide attack"),
    ("perpetrators_killed", "perpetrators killed"), ("hostages", "hostages"), ("latitude", "latitude"),
    ("longitude", "longitude"), ("geo_precision", "position"), ("notes", "coding notes"), ("flags", "flags"),
    ("source_dataset", "dataset"), ("incident_id", "incident id"),
)


def details_html(rows: pd.DataFrame, sources: pd.DataFrame | SourceTable | None = None, *, export: str = "",
                 branches: pd.DataFrame | None = None, limit: int = 20) -> str:
    """HTML of the incidents an analyst selected: for each, its date, place, deaths and wounded with their range,
    IS's role, every field of the row that is not blank, and the full citation of each source. At most ``limit``
    incidents are shown (the rest are counted). Branches are named from ``branches`` (data/branches.csv). Every data
    string is escaped."""
    names = branch_names(branches)
    table = source_table(sources)
    if rows.empty:
        return ("<div class='ik-details'><p><i>Select incidents in the table (click a row; Shift or Ctrl for "
                "more) or on the map (click a mark, or the box and lasso tools) to see their full rows and "
                "sources here.</i></p></div>")
    parts = [f"<div class='ik-details'><p><b>{len(rows):,} incident(s) selected</b></p>"]
    for _, r in rows.head(limit).iterrows():
        one = rows.loc[[r.name]]
        head = f"{date_text(r['date'], r['date_precision'])} · {place_text(r) or 'place unknown'}"
        figures = f"deaths {_figure_line(one, 'killed')} · wounded {_figure_line(one, 'wounded')}"
        parts.append(f"<h4>{esc(head)}</h4><p>{esc(figures)} · {esc(incident_role_text(r['is_role']))} · "
                     f"claim: {esc(_text(r['claim_status']) or 'unknown')}</p><table>")
        shown = {"date", "date_precision", "country", "iso3", "admin1", "location", "is_role", "claim_status",
                 "killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best", "wounded_high",
                 "source_ids", "source_event_id"}
        for field, label in [*DETAIL_FIELDS, *((c, c) for c in r.index if c not in dict(DETAIL_FIELDS))]:
            if field in shown or field not in r.index:
                continue
            shown.add(field)
            value = _detail_value(field, r[field], names)
            if value:
                parts.append(f"<tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>")
        parts.append("</table><p><b>Sources</b></p><ol>")
        parts.extend(f"<li>{esc(c)}</li>" for c in row_citations(r, table, export=export))
        parts.append("</ol>")
    if len(rows) > limit:
        parts.append(f"<p><i>... and {len(rows) - limit:,} more: select fewer to read them.</i></p>")
    parts.append("</div>")
    return "".join(parts)


def _detail_value(field: str, value: object, branches: dict[str, str]) -> str:
    """A field of the details panel as text; blank (unknown) gives "" and the field is left out."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if field == "geo_precision":
        return POSITION_LABELS.get(str(value), str(value))
    if field == "is_branch":
        return f"{branches[str(value)]} ({value})" if str(value) in branches else str(value)
    return _text(value)


def count_label(value: str, count: int, label: str | None = None) -> str:
    """The text of one filter option: "North Caucasus (12)"."""
    return f"{label or value} ({count:,})"


def present_values(column: pd.Series, order: Iterable[str] | None = None) -> list[tuple[str, int]]:
    """The values a column holds, with their row counts, in ``order`` (then alphabetically), blanks left out."""
    counts = column.astype(object).dropna().astype(str).value_counts()
    ranked = [v for v in (order or []) if v in counts.index]
    ranked += sorted(v for v in counts.index if v not in set(ranked))
    return [(v, int(counts[v])) for v in ranked]
