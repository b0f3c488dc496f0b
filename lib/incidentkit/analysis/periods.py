"""Which incidents a per-period series can place, and which periods its source covers.

- **Precision**: an incident is put in a period only when its dated window (``date`` to ``date_end``, or to the end
  of the period its ``date_precision`` names) lies inside that period, or when it is dated to a day or a week (a
  multi-day incident goes to the period of its first day). An incident dated only to a year in a monthly chart, or
  a month-dated one whose window runs over two quarters, is *not* put in the first period: it is counted apart
  (:func:`placed`, :func:`apart_summary`) and the chart says so ("+N incidents dated only to the year").
- **Coverage**: each period gets the share of its days the source covers for the place
  (:meth:`incidentkit.data.coverage.Coverage.period_shares`): an export's span, the curated documents that report
  or list incidents. A period outside the coverage is not covered: its value is missing, never 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..data.coverage import Coverage
from ..data.parameters import RULES, check_value, raise_issues
from ..data.readers.extent import window_end
from .measures import incident_figures

#: ``period`` parameter value -> pandas period frequency (the values are those of the ``period`` rule).
PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}
#: Date precisions always placed in the period of their first day (finer than any chart period).
FINE_PRECISIONS: tuple[str, ...] = ("day", "week")
#: How an incident too imprecise for a period is described, by its precision.
APART_WORDS: dict[str, str] = {"month": "dated only to a span of months", "year": "dated only to a year",
                               "day": "dated to a span", "week": "dated to a span"}


def freq(period: str) -> str:
    """The pandas frequency of a ``period`` parameter ("month" -> "M"; another value: the ``period`` rule's
    :class:`~incidentkit.errors.ParameterError`)."""
    raise_issues(check_value("period", period, RULES["period"])[1])  # the parameter's own rule and message
    return PERIODS[period]


def placed(df: pd.DataFrame, period: str) -> pd.Series:
    """Return True for incidents a series of ``period`` can put in one period (see the module docstring)."""
    f = freq(period)
    if len(df) == 0:
        return pd.Series(True, index=df.index, dtype=bool)
    fine = df["date_precision"].astype(object).isin(FINE_PRECISIONS)
    inside = df["date"].dt.to_period(f) == window_end(df).dt.to_period(f)
    return (fine | inside.fillna(True)).astype(bool)


def apart_summary(df: pd.DataFrame, period: str, by: str | None = None) -> dict[str, object]:
    """Return what a series of ``period`` leaves apart: ``incidents``, ``deaths_best`` (sum of the known figures, or
    ``None`` when none has one), ``deaths_unknown``, ``by_precision`` ({"year": n, ...}) and, with ``by``,
    ``by_group`` ({group: n}); ``period`` echoes the period."""
    apart = df[~placed(df, period)]
    fig = incident_figures(apart, "killed")
    out: dict[str, object] = {
        "period": period,
        "incidents": int(len(apart)),
        "deaths_best": int(fig["best"].sum()) if bool(fig["known"].any()) else None,
        "deaths_unknown": int((~fig["known"]).sum()),
        "by_precision": {str(k): int(v) for k, v in apart["date_precision"].astype(object).value_counts().items()},
    }
    if by is not None:
        out["by_group"] = {str(k): int(v) for k, v in apart[by].astype(object).value_counts().items()}
    return out


def apart_text(apart: dict[str, object] | None) -> str:
    """Caption sentence on the incidents a series leaves apart ("" when none): "+9 incidents dated only to a year
    (6,857 deaths) are not in any month: their date is less precise than the chart's period." """
    if not apart or not apart.get("incidents"):
        return ""
    n = int(apart["incidents"])  # type: ignore[call-overload]
    kinds = apart.get("by_precision") or {}
    words = " or ".join(APART_WORDS.get(str(k), f"dated to a {k}") for k in kinds) or "dated less precisely"
    deaths = apart.get("deaths_best")
    dead = f" ({int(deaths):,} deaths by their best figures)" if deaths is not None else " (no death figure)"  # type: ignore[call-overload]
    return (f"+{n:,} incident(s) {words}{dead} are not in any {apart['period']}: their date is less precise than the "
            "chart's period, so they are not put in its first one.")


def coverage_shares(cov: Coverage, index: pd.PeriodIndex, *, by: str | None = None,
                    groups: Sequence[object] = (), theatres: Sequence[str] = (),
                    countries: Sequence[str] = ()) -> dict[object, np.ndarray]:
    """Return the covered share of each period of ``index``: ``{None: shares}`` for one series, or one array per group
    of ``by`` (a theatre's own coverage for ``by="theatre"``, a country's for ``by="country"``; other groupings,
    such as branches or roles, take the place of the selection: ``theatres``/``countries``)."""
    if by is None:
        return {None: cov.period_shares(index, theatres, countries)}
    out: dict[object, np.ndarray] = {}
    for g in groups:
        if by == "theatre":
            out[g] = cov.period_shares(index, [str(g)], ())
        elif by in ("country", "iso3"):
            out[g] = cov.period_shares(index, (), [str(g)])
        else:
            out[g] = cov.period_shares(index, theatres, countries)
    return out
