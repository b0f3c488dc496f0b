"""Data coverage: rows per dataset and source document, date and geo precision, missing fields, unknown casualty
counts, and the incident rows' sums against the figures the sources themselves report (data/reported_statistics.csv).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..data.coverage import COUNTING_TYPES, Coverage, coverage
from ..data.readers.extent import CODABLE
from ..data.reference import load_theatre_map
from ..data.schema import enum_values, field_names
from .measures import incident_figures

#: The incident roles a reported statistic of each role is compared with: violence by IS with violence by IS only,
#: operations against IS with operations against IS, the dead of two-sided fighting (all sides) with every role.
ROLE_SCOPE: dict[str, tuple[str, ...]] = {
    "perpetrator": ("perpetrator",),
    "target": ("target",),
    "two_sided": ("perpetrator", "two_sided", "target"),
}
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
    whitespace) and ``coded``: whether the source codes the field at all ("yes", "partly", "no": a field the dataset
    does not code is blank because it is unknown, not because it is empty). Sorted by the schema's field order."""
    names = list(fields) if fields is not None else field_names("incidents")
    cov = coverage(df)
    item_of = {f: item for item, cols in CODABLE.items() for f in cols if item != "killed_range"}
    rows = []
    for name in names:
        col = df[name]
        blank = col.isna()
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            blank |= col.astype(object).map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
        n = int(blank.sum())
        coded = cov.coded_value(item_of[name]) if name in item_of else "yes"
        rows.append({"field": name, "blank": n, "blank_share": (n / len(df)) if len(df) else float("nan"),
                     "coded": coded})
    return pd.DataFrame(rows, columns=["field", "blank", "blank_share", "coded"]).set_index("field")


def coded_fields(df: pd.DataFrame) -> pd.DataFrame:
    """Return what the table's source codes at all (readers.extent.CODABLE items): ``coded`` ("yes", "partly",
    "no"), ``note`` (how, or why not) and ``fields`` (the incident fields concerned)."""
    cov = coverage(df)
    rows = [{"item": item, "coded": cov.coded_value(item), "note": (cov.coded.get(item) or {}).get("note", ""),
             "fields": ", ".join(cols)} for item, cols in CODABLE.items()]
    return pd.DataFrame(rows).set_index("item")


def coverage_documents(df: pd.DataFrame, theatres: Sequence[str] = (), countries: Sequence[str] = (),
                       start: object = None, end: object = None) -> pd.DataFrame:
    """Return what stands behind a table for a place: for the curated table its documents (``data/coverage.csv``:
    theatre, source_id, period, coverage type, and ``counts``: whether the row makes its period covered for incident
    counts); for an export one row with the file's span and its number of countries; with ``start``/``end`` the
    share of that window each row covers."""
    cov = coverage(df)
    if cov.kind == "export":
        rows = [{"source": cov.label, "period_start": cov.first_date, "period_end": cov.last_date,
                 "coverage_type": "export", "counts": True, "countries": len(cov.countries)}]
    else:
        rows = [{"theatre": d.theatre, "source": d.source_id, "period_start": d.start, "period_end": d.end,
                 "coverage_type": d.coverage_type, "counts": d.coverage_type in COUNTING_TYPES}
                for d in cov.documents_for(theatres, countries)]
    out = pd.DataFrame(rows)
    if len(out) and start is not None and end is not None:
        lo, hi = pd.Timestamp(start), pd.Timestamp(end)
        days = (hi - lo).days + 1
        out["share_of_window"] = [max(0, (min(hi, b) - max(lo, a)).days + 1) / days
                                  for a, b in zip(out["period_start"], out["period_end"], strict=True)]
    return out


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


def _covered(cov: Coverage, st: pd.Series) -> float:
    """The share of a statistic's period that the source covers for the statistic's area."""
    theatres = [] if _blank(st["theatre"]) else [str(st["theatre"])]
    countries = [] if _blank(st["iso3"]) or theatres else [str(st["iso3"])]
    return cov.covered_share(st["period_start"], st["period_end"], theatres, countries)


def reported_vs_incidents(
    incidents: pd.DataFrame,
    stats: pd.DataFrame,
    *,
    theatres: Sequence[str] = (),
    countries: Sequence[str] = (),
    branches: Sequence[str] = (),
    start: object = None,
    end: object = None,
    metrics: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Compare each reported statistic that overlaps the selection with the incident rows of *its own* area, period
    and role.

    ``incidents`` should hold every incident of the source of every role (``load_incidents(source, roles="all")``,
    not cut to the selection's period): for each statistic the rows dated within its ``period_start``..``period_end``
    whose ``iso3``, ``admin1``, ``theatre`` and ``is_branch`` equal the statistic's (a blank field on the statistic
    is not a condition) and whose role it counts (:data:`ROLE_SCOPE`: a figure of violence by IS is compared with
    violence by IS only, never with operations against IS) are summed. Death metrics are compared with the rows'
    deaths (low/best/high), ``wounded`` with wounded, ``attacks``/``incidents`` with the row count; other metrics
    (arrests, fighters, ...) and statistics with no role are listed with ``compared_with`` "not comparable" and no
    sums. A statistic whose period and area the source does not cover at all has no sums ("not covered", never 0).

    Columns: the statistic's id, metric, ``is_role``, qualifier, ``reported_low``, ``reported_high`` (missing for
    at_least / over: ``upper_bound`` then reads "none stated"), period and area; ``compared_with``, ``roles`` (the
    incident roles summed), ``covered`` (share of the statistic's period the source covers for its area),
    ``incident_rows``, ``incidents_unknown`` (rows with no figure), ``incident_low``/``_best``/``_high``,
    ``share_of_reported`` (best sum / reported low figure) and ``share_of_reported_high`` (best sum / reported high
    figure), only where both count the same thing (all deaths against all deaths, events against incident rows;
    never a category of deaths against all deaths) and the period is covered. ``metrics`` keeps only those metrics.
    """
    cov = coverage(incidents)
    loaded = set(cov.roles) if cov.roles is not None else set(ROLE_SCOPE["two_sided"])
    cols = ["stat_id", "metric", "is_role", "qualifier", "reported_low", "reported_high", "upper_bound",
            "period_start", "period_end", "period_precision", "area", "place", "compared_with", "roles", "covered",
            "incident_rows", "incidents_unknown", "incident_low", "incident_best", "incident_high",
            "share_of_reported", "share_of_reported_high", "description"]
    rows = []
    for _, st in stats.iterrows():
        if metrics is not None and str(st["metric"]) not in metrics:
            continue
        if not statistic_overlaps(st, theatres=theatres, countries=countries, branches=branches, start=start,
                                  end=end):
            continue
        role = None if _blank(st.get("is_role")) else str(st["is_role"])
        scope = ROLE_SCOPE.get(role or "", ())
        mask = (incidents["date"] >= st["period_start"]) & (incidents["date"] <= st["period_end"])
        mask &= incidents["is_role"].astype(object).isin(list(scope))
        area = []
        for f in AREA_FIELDS:
            if not _blank(st[f]):
                mask &= incidents[f].astype(object) == st[f]
                area.append(f"{f}={st[f]}")
        part = incidents[mask.fillna(False).astype(bool)]
        metric = str(st["metric"])
        high = st["value_high"]
        covered = _covered(cov, st)
        row: dict[str, object] = {
            "stat_id": st["stat_id"], "metric": metric, "is_role": role, "qualifier": str(st["qualifier"]),
            "reported_low": int(st["value_low"]), "reported_high": None if pd.isna(high) else int(high),
            "upper_bound": "none stated" if str(st["qualifier"]) in OPEN_QUALIFIERS or pd.isna(high) else "stated",
            "period_start": st["period_start"], "period_end": st["period_end"],
            "period_precision": str(st["period_precision"]), "area": "; ".join(area) if area else "all areas",
            "place": next((str(st[f]) for f in ("admin1", "theatre", "country") if not _blank(st[f])),
                          "several countries"),
            "roles": ", ".join(scope), "covered": covered, "description": st["description"],
        }
        comparable = metric in DEATH_METRICS or metric in ("wounded", "attacks", "incidents")
        if not comparable or role is None:
            row["compared_with"] = "not comparable"
        elif not set(scope) <= loaded:
            row["compared_with"] = "roles not loaded"
        elif covered <= 0:
            row["compared_with"] = "not covered"
        elif metric in DEATH_METRICS or metric == "wounded":
            fig = incident_figures(part, "wounded" if metric == "wounded" else "killed")
            row["compared_with"] = "wounded" if metric == "wounded" else DEATH_METRICS[metric]
            row["incident_rows"] = int(len(part))
            row["incidents_unknown"] = int((~fig["known"]).sum())
            if bool(fig["known"].any()):
                for k in ("low", "best", "high"):
                    row[f"incident_{k}"] = int(fig[k].sum(skipna=True))
        else:
            row["compared_with"] = "incident rows"
            row["incident_rows"] = int(len(part))
            row["incidents_unknown"] = 0
            for k in ("low", "best", "high"):
                row[f"incident_{k}"] = int(len(part))
        best = row.get("incident_best")
        same_measure = row.get("compared_with") in ("all deaths", "wounded", "incident rows")
        if best is not None and same_measure:
            row["share_of_reported"] = best / row["reported_low"] if row["reported_low"] else None  # type: ignore
            rh = row["reported_high"]
            row["share_of_reported_high"] = best / rh if rh else None  # type: ignore[operator]
        rows.append(row)
    out = pd.DataFrame(rows, columns=cols)
    for c in ("reported_high", "incident_rows", "incidents_unknown", "incident_low", "incident_best",
              "incident_high"):
        out[c] = out[c].astype("Int64")
    for c in ("share_of_reported", "share_of_reported_high", "covered"):
        out[c] = out[c].astype("Float64")
    out.attrs["coverage"] = cov
    return out
