"""The incidents behind a report as a table to download: one row per incident with its figures as the sources state
them and as numbers (blank where unknown, never 0), its place, IS's role in words, and its sources' titles, URLs and
full citations (:mod:`incidentkit.analysis.wording`). ``ik.charts.save_incidents`` writes it as ``incidents.csv``.
"""

from __future__ import annotations

import pandas as pd

from ..data.roles import incident_role_text
from .wording import SourceTable, citations, date_text, format_range, place_text, source_table, source_titles

#: The columns of :func:`incidents_export`, in order.
EXPORT_COLUMNS: tuple[str, ...] = (
    "incident_id", "date", "date_as_known", "theatre", "place", "country", "admin1", "location", "latitude",
    "longitude", "geo_precision", "is_role", "is_branch", "attack_type", "target_type", "claim_status",
    "killed", "killed_low", "killed_best", "killed_high", "wounded", "wounded_low", "wounded_best", "wounded_high",
    "summary", "source_titles", "source_urls", "citations", "source_dataset", "source_event_id",
)


#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"): a text cell starting with
#: one of them is written with a leading apostrophe, which spreadsheets show as text and do not display.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a spreadsheet will show it, never run it: a leading ``'`` when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _urls(source_ids: object, table: SourceTable) -> str:
    ids = [s.strip() for s in ("" if source_ids is None or pd.isna(source_ids) else str(source_ids)).split(";")]
    urls = []
    for sid in ids:
        url = table.get(sid, {}).get("url") if sid else None
        if isinstance(url, str) and url.strip():
            urls.append(url.strip())
    return "; ".join(urls)


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def incidents_export(df: pd.DataFrame, sources: pd.DataFrame | SourceTable | None = None) -> pd.DataFrame:
    """Return the incidents of ``df`` (a :func:`incidentkit.load_incidents` table) for download, in date order:
    :data:`EXPORT_COLUMNS`. ``killed``/``wounded`` are the figures as the sources state them ("at least 12", "no
    figure"), ``*_low``/``*_best``/``*_high`` the numbers (blank where the source gives none); ``is_role`` in words;
    ``source_titles``, ``source_urls`` and ``citations`` ("; " and " | "-joined) from ``sources``
    (:func:`incidentkit.load_sources`; an export's rows name the dataset and its event id). A text cell that starts
    like a spreadsheet formula (``=``, ``+``, ``-``, ``@``: an export's free text may) gets a leading apostrophe
    (:func:`spreadsheet_safe`), so that opening the file in a spreadsheet never runs it."""
    table = source_table(sources)
    work = df.sort_values(["date", "incident_id"], kind="stable")
    rows = []
    for _, r in work.iterrows():
        rows.append({
            "incident_id": str(r.incident_id),
            "date": "" if pd.isna(r.date) else pd.Timestamp(r.date).date().isoformat(),
            "date_as_known": date_text(r.date, r.date_precision),
            "theatre": _text(r.theatre),
            "place": place_text(r),
            "country": _text(r.country),
            "admin1": _text(r.admin1),
            "location": _text(r.location),
            "latitude": r.latitude,
            "longitude": r.longitude,
            "geo_precision": _text(r.geo_precision),
            "is_role": incident_role_text(r.is_role),
            "is_branch": _text(r.is_branch),
            "attack_type": _text(r.attack_type),
            "target_type": _text(r.target_type),
            "claim_status": _text(r.claim_status),
            "killed": format_range(r.killed_low, r.killed_best, r.killed_high),
            "killed_low": r.killed_low, "killed_best": r.killed_best, "killed_high": r.killed_high,
            "wounded": format_range(r.wounded_low, r.wounded_best, r.wounded_high),
            "wounded_low": r.wounded_low, "wounded_best": r.wounded_best, "wounded_high": r.wounded_high,
            "summary": _text(r.summary),
            "source_titles": source_titles(r.source_ids, r.source_dataset, r.source_event_id, table),
            "source_urls": _urls(r.source_ids, table),
            "citations": " | ".join(citations(r.source_ids, r.source_dataset, r.source_event_id, table)),
            "source_dataset": _text(r.source_dataset),
            "source_event_id": _text(r.source_event_id),
        })
    out = pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))
    for col in ("killed_low", "killed_best", "killed_high", "wounded_low", "wounded_best", "wounded_high"):
        out[col] = out[col].astype("Int64")
    for col in ("latitude", "longitude"):
        out[col] = out[col].astype("float64")
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object:
            out[col] = out[col].map(lambda v: spreadsheet_safe(v) if isinstance(v, str) else v)
    return out
