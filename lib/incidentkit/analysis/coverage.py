"""Data coverage: rows per dataset and source document, date and geo precision, missing fields, unknown casualty
counts, and the incident rows' sums against the figures the sources themselves report (data/reported_statistics.csv).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..data.reference import load_theatre_map
from ..data.schema import enum_values, field_names
from .measures import incident_figures

#: Reported-statistic metrics compared with incident death sums, and what the incident rows count for them.
DEATH_METRICS: dict[str, str] = {
    "deaths": "all deaths",
    "deaths_security_forces": "all deaths (the incident rows do not split deaths by category)",
    "deaths_civilians": "all deaths (the incident rows do not split deaths by category)",
    "deaths_militants": "all deaths (the incident rows do not split deaths by category)",
}
#: Qualifiers whose statement gives no upper bound.
OPEN_QUALIFIERS: tuple[str, ...] = ("at_least", "over")
#: Area fields of a reported statistic, matched against the incident column of the same name.
AREA_FIELDS: tuple[str, ...] = ("iso3", "admin1", "theatre", "is_branch")


def rows_by_dataset(df: pd.DataFrame, by: str = "theatre") -> pd.DataFrame:
    """Return incident rows per ``source_dataset`` and ``by`` (a column such as theatre or country), with totals."""
    table = pd.crosstab(df[by].astype(object), df["source_dataset"].astype(object), margins=True, margins_name="total")
    if isinstance(df[by].dtype, pd.CategoricalDtype):
        order = [c for c in df[by].cat.categories if c in table.index] + ["total"]
        table = table.reindex(order)
    table.index.name = by
    table.columns.name = "dataset"
    return table.astype("int64")


def rows_by_source(df: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the number of incident rows citing each source id (an incident citing two sources counts for both),
    with the source's title, publisher and publication date when it is in the sources table (external datasets cite
    their release, which is not). Sorted by rows, then id."""
    ids = df["source_ids"].astype(object).fillna("").str.split(";").explode().str.strip()
    ids = ids[ids != ""]
    counts = ids.value_counts().rename("rows").rename_axis("source_id").reset_index()
    if sources is not None and len(counts):
        counts = counts.merge(sources[["source_id", "title", "publisher", "published"]], on="source_id", how="left")
    return counts.sort_values(["rows", "source_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def precision_table(df: pd.DataFrame, column: str, by: str = "source_dataset") -> pd.DataFrame:
    """Return counts and shares of each value of a precision column (``date_precision``, ``geo_precision``) per
    ``by``: every category of the schema's list is kept (zero when absent). Columns ``<value>`` (counts) and
    ``<value>_share``."""
    cats = enum_values("incidents", column)
    table = pd.crosstab(df[by].astype(object), df[column].astype(object)).reindex(columns=cats, fill_value=0)
    table = table.astype("int64")
    totals = table.sum(axis=1)
    for c in cats:
        table[f"{c}_share"] = (table[c] / totals.where(totals > 0)).astype("float64")
    table.index.name = by
    table.columns.name = None
    return table


def missing_fields(df: pd.DataFrame, fields: Sequence[str] | None = None) -> pd.DataFrame:
    """Return, for every field of the incident schema, the number and share of blank values (missing or only
    whitespace). Sorted by the schema's field order."""
    names = list(fields) if fields is not None else field_names("incidents")
    rows = []
    for name in names:
        col = df[name]
        blank = col.isna()
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            blank |= col.astype(object).map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
        n = int(blank.sum())
        rows.append({"field": name, "blank": n, "blank_share": (n / len(df)) if len(df) else float("nan")})
    return pd.DataFrame(rows, columns=["field", "blank", "blank_share"]).set_index("field")


def unknown_casualties(df: pd.DataFrame, by: str = "theatre") -> pd.DataFrame:
    """Return per ``by``: incidents, incidents with no death figure, with no wounded figure, with neither, and
    their shares."""
    killed = ~incident_figures(df, "killed")["known"]
    wounded = ~incident_figures(df, "wounded")["known"]
    work = pd.DataFrame({by: df[by].astype(object), "incidents": 1, "deaths_unknown": killed.astype(int),
                         "wounded_unknown": wounded.astype(int), "both_unknown": (killed & wounded).astype(int)},
                        index=df.index)
    out = work.groupby(by, sort=False).sum()
    if isinstance(df[by].dtype, pd.CategoricalDtype):
        out = out.reindex([c for c in df[by].cat.categories if c in out.index])
    for c in ("deaths_unknown", "wounded_unknown", "both_unknown"):
        out[f"{c}_share"] = (out[c] / out["incidents"]).astype("float64")
    return out.astype({c: "int64" for c in ("incidents", "deaths_unknown", "wounded_unknown", "both_unknown")})


def _blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or (isinstance(value, str)
                                                                                and not value.strip())


def statistic_overlaps(
    stat: pd.Series,
    *,
    theatres: Sequence[str] = (),
    countries: Sequence[str] = (),
    branches: Sequence[str] = (),
    start: object = None,
    end: object = None,
) -> bool:
    """Return whether a reported statistic overlaps a selection: its period meets [start, end] and its area can
    meet the selected theatres/countries/branches (an area field the statistic leaves blank meets anything)."""
    if start is not None and pd.Timestamp(stat["period_end"]) < pd.Timestamp(start):
        return False
    if end is not None and pd.Timestamp(stat["period_start"]) > pd.Timestamp(end):
        return False
    if branches and not _blank(stat["is_branch"]) and stat["is_branch"] not in branches:
        return False
    if not theatres and not countries:
        return True
    pairs = load_theatre_map()
    if theatres:
        pairs = pairs[pairs["theatre"].isin(list(theatres))]
    if countries:
        pairs = pairs[pairs["country"].isin(list(countries)) | pairs["iso3"].isin(list(countries))]
    sel_theatres = set(pairs["theatre"]) if countries else set(theatres) | set(pairs["theatre"])
    sel_countries = set(pairs["iso3"]) | set(pairs["country"]) | set(countries)
    if not _blank(stat["theatre"]) and stat["theatre"] not in sel_theatres:
        return False
    if not _blank(stat["iso3"]) and not ({stat["iso3"], stat["country"]} & sel_countries):
        return False
    return True


def reported_vs_incidents(
    incidents: pd.DataFrame,
    stats: pd.DataFrame,
    *,
    theatres: Sequence[str] = (),
    countries: Sequence[str] = (),
    branches: Sequence[str] = (),
    start: object = None,
    end: object = None,
) -> pd.DataFrame:
    """Compare each reported statistic that overlaps the selection with the incident rows of *its own* area and
    period.

    ``incidents`` should hold every incident of the source (not cut to the selection's period): for each statistic
    the rows dated within its ``period_start``..``period_end`` whose ``iso3``, ``admin1``, ``theatre`` and
    ``is_branch`` equal the statistic's (a blank field on the statistic is not a condition) are summed. Death
    metrics are compared with the rows' deaths (low/best/high; the rows do not split deaths by category, which
    ``compared_with`` says), ``wounded`` with wounded, ``attacks``/``incidents`` with the row count; other metrics
    (arrests, fighters, ...) are listed with ``compared_with`` "not comparable" and no sums.

    Columns: the statistic's id, metric, qualifier, ``reported_low``, ``reported_high`` (missing for at_least /
    over: ``upper_bound`` then reads "none stated"), period and area; ``incident_rows``, ``incidents_unknown``
    (rows with no figure), ``incident_low``/``_best``/``_high`` and ``share_of_reported`` (best sum / reported
    low figure) and ``share_of_reported_high`` (best sum / reported high figure; missing when there is none).
    """
    cols = ["stat_id", "metric", "qualifier", "reported_low", "reported_high", "upper_bound", "period_start",
            "period_end", "area", "compared_with", "incident_rows", "incidents_unknown", "incident_low",
            "incident_best", "incident_high", "share_of_reported", "share_of_reported_high", "description"]
    rows = []
    for _, st in stats.iterrows():
        if not statistic_overlaps(st, theatres=theatres, countries=countries, branches=branches, start=start,
                                  end=end):
            continue
        mask = (incidents["date"] >= st["period_start"]) & (incidents["date"] <= st["period_end"])
        area = []
        for f in AREA_FIELDS:
            if not _blank(st[f]):
                mask &= incidents[f].astype(object) == st[f]
                area.append(f"{f}={st[f]}")
        part = incidents[mask.fillna(False).astype(bool)]
        metric = str(st["metric"])
        high = st["value_high"]
        row: dict[str, object] = {
            "stat_id": st["stat_id"], "metric": metric, "qualifier": str(st["qualifier"]),
            "reported_low": int(st["value_low"]), "reported_high": None if pd.isna(high) else int(high),
            "upper_bound": "none stated" if str(st["qualifier"]) in OPEN_QUALIFIERS or pd.isna(high) else "stated",
            "period_start": st["period_start"], "period_end": st["period_end"],
            "area": "; ".join(area) if area else "all areas", "incident_rows": int(len(part)),
            "description": st["description"],
        }
        if metric in DEATH_METRICS or metric == "wounded":
            fig = incident_figures(part, "wounded" if metric == "wounded" else "killed")
            row["compared_with"] = "wounded" if metric == "wounded" else DEATH_METRICS[metric]
            row["incidents_unknown"] = int((~fig["known"]).sum())
            for k in ("low", "best", "high"):
                row[f"incident_{k}"] = int(fig[k].sum(skipna=True))
        elif metric in ("attacks", "incidents"):
            row["compared_with"] = "incident rows"
            row["incidents_unknown"] = 0
            for k in ("low", "best", "high"):
                row[f"incident_{k}"] = int(len(part))
        else:
            row["compared_with"] = "not comparable"
        best = row.get("incident_best")
        if best is not None:
            row["share_of_reported"] = best / row["reported_low"] if row["reported_low"] else None
            rh = row["reported_high"]
            row["share_of_reported_high"] = best / rh if rh else None  # type: ignore[operator]
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    for c in ("reported_high", "incidents_unknown", "incident_low", "incident_best", "incident_high"):
        out[c] = out[c].astype("Int64")
    for c in ("share_of_reported", "share_of_reported_high"):
        out[c] = out[c].astype("Float64")
    return out


