"""Theatres side by side: incidents, deaths with ranges, deaths per incident, attack-type and target mix, claims.

Every table here has one row per theatre in the fixed theatre order (``data/theatres.csv``). By default the
theatres present in the data are shown; pass ``theatres`` to show a fixed list (theatres without incidents then get
zero incidents and missing per-incident figures, never an invented zero death toll). What the source does not code
(UCDP and ACLED claims, UCDP suicide attacks) is missing, never 0 or 0 %; deaths of a theatre whose incidents all
lack a figure are missing, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..data.coverage import coverage
from ..data.parameters import RULES, check_value, raise_issues
from ..data.reference import theatre_order
from .measures import lethality
from .trends import counts_by_period

#: Columns of :func:`theatre_comparison`.
COMPARISON_COLUMNS: tuple[str, ...] = (
    "incidents",
    "deaths_low",
    "deaths_best",
    "deaths_high",
    "deaths_unknown",
    "deaths_open_high",
    "per_incident_low",
    "per_incident_best",
    "per_incident_high",
    "claimed",
    "claimed_share",
    "claims_unknown",
    "suicide",
    "suicide_unknown",
)


def comparison_theatres(df: pd.DataFrame, theatres: Sequence[str] | None = None) -> list[str]:
    """Return the theatres to compare, in the fixed order: ``theatres`` if given, else those present in ``df``."""
    order = theatre_order()
    if theatres:
        checked, issues = check_value("theatres", list(theatres), RULES["theatres"])  # the parameter's own rule
        raise_issues(issues)
        wanted = set(checked)
    else:
        wanted = set(df["theatre"].dropna().astype(object))
    return [t for t in order if t in wanted]


def theatre_comparison(df: pd.DataFrame, theatres: Sequence[str] | None = None) -> pd.DataFrame:
    """Return one row per theatre: incidents, deaths (low/best/high), incidents with no death figure, deaths per
    incident (over incidents with a figure), claimed incidents, their share of the incidents whose claim status is
    known (missing, not 0 %, when no incident's is) and the incidents whose claim status is unknown, suicide attacks and the incidents not known to be or not to be suicide attacks.

    ``deaths_open_high`` counts incidents whose high figure was not stated ("at least N"): the high total is then a
    floor. Deaths are missing (not 0) for a theatre none of whose incidents has a figure. ``claimed``,
    ``claimed_share`` are missing when the source does not code claims (UCDP, ACLED), ``suicide`` and
    ``suicide_unknown`` when it does not code suicide attacks (UCDP): unknown, never 0 or 0 %. A theatre without
    incidents has 0 incidents and missing per-incident figures and shares.
    """
    cov = coverage(df)
    names = comparison_theatres(df, theatres)
    idx = pd.Index(names, name="theatre")
    out = pd.DataFrame(index=idx, columns=list(COMPARISON_COLUMNS))
    work = df.assign(theatre=df["theatre"].astype(object))
    work = work[work["theatre"].isin(names)]
    if len(work):
        leth = lethality(work, by="theatre").reindex(idx)
    else:
        leth = pd.DataFrame(index=idx, columns=["incidents", "with_figure", "low", "best", "high", "unknown",
                                                "open_high", "per_incident_low", "per_incident_best",
                                                "per_incident_high"])
    out["incidents"] = leth["incidents"].fillna(0).astype("int64")
    no_figure = leth["with_figure"].fillna(0).astype("int64") == 0
    for k in ("low", "best", "high"):
        out[f"deaths_{k}"] = leth[k].fillna(0).astype("Int64").mask(no_figure)
    for k in ("unknown", "open_high"):
        out[f"deaths_{k}"] = leth[k].fillna(0).astype("int64")
    for k in ("low", "best", "high"):
        out[f"per_incident_{k}"] = leth[f"per_incident_{k}"].astype("Float64")
    claimed = (work["claim_status"].astype(object) == "claimed").groupby(work["theatre"]).sum()
    out["claimed"] = claimed.reindex(idx).fillna(0).astype("Int64")
    unknown_claim = (work["claim_status"].astype(object) == "unknown").groupby(work["theatre"]).sum()
    out["claims_unknown"] = unknown_claim.reindex(idx).fillna(0).astype("Int64")
    known_claim = out["incidents"] - out["claims_unknown"]
    out["claimed_share"] = (out["claimed"] / known_claim.where(known_claim > 0)).astype("Float64")
    if not cov.codes("claims"):
        for c, dtype in (("claimed", "Int64"), ("claimed_share", "Float64"), ("claims_unknown", "Int64")):
            out[c] = pd.array([pd.NA] * len(out), dtype=dtype)
    flag = work["suicide"].astype("boolean")
    out["suicide"] = flag.fillna(False).astype(bool).groupby(work["theatre"]).sum().reindex(idx).fillna(0).astype(
        "Int64")
    out["suicide_unknown"] = flag.isna().groupby(work["theatre"]).sum().reindex(idx).fillna(0).astype("Int64")
    if not cov.codes("suicide"):
        out["suicide"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["suicide_unknown"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.attrs["not_coded"] = [c for c, item in (("claimed", "claims"), ("suicide", "suicide")) if not cov.codes(item)]
    return out


def mix_shares(
    df: pd.DataFrame,
    column: str,
    *,
    theatres: Sequence[str] | None = None,
    top: int | None = None,
    counts: bool = False,
) -> pd.DataFrame:
    """Return the mix of ``column`` (e.g. ``attack_type``, ``target_type``) per theatre: one row per theatre, one
    column per category, shares of the theatre's incidents (each row sums to 1; a theatre without incidents is all
    missing). With ``counts=True`` the incident counts instead of shares.

    Categories keep the column's category order and "Unknown" is a category like any other (never dropped). With
    ``top`` the ``top`` most frequent categories overall are kept and the rest summed into "Other categories".
    ``attrs["incidents"]`` holds ``{theatre: incidents}``, so a chart can show how many incidents a share is of.
    """
    names = comparison_theatres(df, theatres)
    values = df[column]
    cats = list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) else sorted(
        values.dropna().astype(object).unique()
    )
    work = pd.DataFrame({"theatre": df["theatre"].astype(object), column: values.astype(object)})
    work[column] = work[column].fillna("(blank)")
    if (work[column] == "(blank)").any():
        cats = [*cats, "(blank)"]
    table = pd.crosstab(work["theatre"], work[column]).reindex(index=names, columns=cats, fill_value=0)
    table = table.loc[:, table.sum(axis=0) > 0] if len(table.columns) else table
    if top is not None and len(table.columns) > top:
        keep = table.sum(axis=0).sort_values(ascending=False, kind="stable").index[:top]
        keep = [c for c in table.columns if c in set(keep)]
        rest = table.drop(columns=keep).sum(axis=1)
        table = table[keep].assign(**{"Other categories": rest})
    table.index.name = "theatre"
    table.columns.name = column
    table = table.astype("int64")
    totals = table.sum(axis=1)
    n = {str(t): int(v) for t, v in totals.items()}
    if counts:
        table.attrs["incidents"] = n
        return table
    out = table.div(totals.where(totals > 0), axis=0).astype("float64")
    out.attrs["incidents"] = n
    return out


def monthly_by_theatre(
    df: pd.DataFrame,
    *,
    start: object = None,
    end: object = None,
    theatres: Sequence[str] | None = None,
    period: str = "month",
) -> pd.DataFrame:
    """Return incidents and deaths per period for each theatre, every period from ``start`` to ``end`` kept (zero
    when nothing happened in a period the source covers for the theatre, missing when it does not cover it),
    theatres in the fixed order (see :func:`incidentkit.counts_by_period`)."""
    names = comparison_theatres(df, theatres)
    return counts_by_period(df, period, start=start, end=end, by="theatre", groups=names)
