"""Casualty arithmetic: totals that keep low/best/high and say how many incidents had no figure.

Per-incident rule (documented in data/README.md too), for ``killed`` and ``wounded`` alike:

- best = ``*_best``; when blank, the lowest of ``*_low``/``*_high`` that is known (conservative);
- low  = ``*_low`` when known, else best;
- high = ``*_high`` when known, else best. A blank high on a row with a figure often means "no upper bound stated"
  ("at least N"): such rows are counted in ``open_high``, and the high total is then a floor, not a ceiling.
- an incident with none of the three is *unknown*: it adds nothing to the sums and is counted in ``unknown``.
  Unknown is never zero.
- a figure with a best value but neither bound (the curated coding of "about / around / nearly N") is *approximate*:
  it is counted at its value and in ``approx``, and written "about N", never "at least N".
- an incident whose ``flags`` hold ``fatalities_zero_or_unknown`` (ACLED's 0 fatalities, which means "none" or
  "no information") is *unknown* for deaths too: it is neither a zero in the sums nor a figure, and it is counted
  in ``unknown`` and, separately, in ``zero_or_unknown`` so that captions can say why.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..data.readers.extent import is_aggregate
from .wording import total_text

MEASURES: tuple[str, ...] = ("killed", "wounded")
TOTAL_COLUMNS: tuple[str, ...] = (
    "incidents", "with_figure", "unknown", "low", "best", "high", "open_high", "approx", "zero_or_unknown",
)
#: Reader flag of rows whose zero death figure may mean "unknown" (ACLED).
FLAG_ZERO_OR_UNKNOWN = "fatalities_zero_or_unknown"


def zero_or_unknown(df: pd.DataFrame) -> pd.Series:
    """Return True for rows whose death figure is a zero that may mean "unknown" (ACLED fatalities 0)."""
    if "flags" not in df.columns:
        return pd.Series(False, index=df.index)
    flags = df["flags"].astype(object)
    return flags.map(lambda v: isinstance(v, str) and FLAG_ZERO_OR_UNKNOWN in v.split(";")).astype(bool)


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r}: expected one of {MEASURES}")


def incident_figures(df: pd.DataFrame, measure: str = "killed") -> pd.DataFrame:
    """Return per-incident ``low``, ``best``, ``high`` (nullable Int64) and the flags ``known``, ``open_high`` (no
    upper bound stated), ``open_low`` (an upper bound but no lower one: "up to"), ``approx`` (a best value with
    neither bound: "about N") and ``zero_or_unknown``."""
    _check_measure(measure)
    lo = df[f"{measure}_low"].astype("Float64")
    be = df[f"{measure}_best"].astype("Float64")
    hi = df[f"{measure}_high"].astype("Float64")
    best = be.fillna(pd.concat([lo, hi], axis=1).min(axis=1, skipna=True))
    low = lo.fillna(best)
    high = hi.fillna(best)
    ambiguous = zero_or_unknown(df) if measure == "killed" else pd.Series(False, index=df.index)
    if ambiguous.any():
        best, low, high = (s.mask(ambiguous) for s in (best, low, high))
    known = best.notna()
    approx = known & be.notna() & lo.isna() & hi.isna()
    return pd.DataFrame(
        {
            "low": low.round().astype("Int64"),
            "best": best.round().astype("Int64"),
            "high": high.round().astype("Int64"),
            "known": known.astype(bool),
            "open_high": (known & hi.isna()).astype(bool),
            "open_low": (known & lo.isna() & hi.notna()).astype(bool),
            "approx": approx.fillna(False).astype(bool),
            "zero_or_unknown": ambiguous.astype(bool),
        },
        index=df.index,
    )


def _totals(fig: pd.DataFrame) -> dict[str, int | None]:
    known = bool(fig["known"].any())  # no incident with a figure: no figure (None), never a sum of 0
    return {
        "incidents": int(len(fig)),
        "with_figure": int(fig["known"].sum()),
        "unknown": int((~fig["known"]).sum()),
        "low": int(fig["low"].sum(skipna=True)) if known else None,
        "best": int(fig["best"].sum(skipna=True)) if known else None,
        "high": int(fig["high"].sum(skipna=True)) if known else None,
        "open_high": int(fig["open_high"].sum()),
        "approx": int(fig["approx"].sum()),
        "zero_or_unknown": int(fig["zero_or_unknown"].sum()),
    }


def casualty_totals(df: pd.DataFrame, measure: str = "killed", by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Return totals of deaths (or wounded) with low/best/high and the count of incidents with no figure.

    Columns: ``incidents``, ``with_figure``, ``unknown`` (incidents with no figure: never counted as zero),
    ``low``, ``best``, ``high``, ``open_high`` (rows whose high bound was not stated: the high total is then a floor)
    and ``approx`` (figures stated as "about N"), all nullable integers. The sums are missing, never 0, when no
    incident has a figure (:func:`incidentkit.analysis.text.total_text` writes "no figure"). Without ``by``, one row
    labelled "all"; with ``by`` (a column or list), one row per group, observed groups only, sorted by the keys.
    """
    fig = incident_figures(df, measure)
    if by is None:
        return _typed(pd.DataFrame([_totals(fig)], index=pd.Index(["all"], name="selection")))
    keys = [by] if isinstance(by, str) else list(by)
    joined = pd.concat([df[keys].reset_index(drop=True), fig.reset_index(drop=True)], axis=1)
    rows = []
    index = []
    for key, part in joined.groupby(keys, observed=True, sort=True, dropna=False):
        rows.append(_totals(part))
        index.append(key if len(keys) > 1 else (key[0] if isinstance(key, tuple) else key))
    idx = pd.MultiIndex.from_tuples(index, names=keys) if len(keys) > 1 else pd.Index(index, name=keys[0])
    return _typed(pd.DataFrame(rows, index=idx, columns=list(TOTAL_COLUMNS)))


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Totals as nullable integers: the sums are missing where no incident has a figure."""
    return table.astype({c: "Int64" for c in TOTAL_COLUMNS})


def lethality(df: pd.DataFrame, by: str | Sequence[str] | None = None, measure: str = "killed") -> pd.DataFrame:
    """Return deaths per incident (low/best/high), over the incidents that have a figure.

    Adds ``per_incident_low``, ``per_incident_best``, ``per_incident_high`` to :func:`casualty_totals`; groups
    where no incident has a figure get missing values, not zero.
    """
    tot = casualty_totals(df, measure, by)
    denom = tot["with_figure"].where(tot["with_figure"] > 0)
    for k in ("low", "best", "high"):
        tot[f"per_incident_{k}"] = (tot[k] / denom).astype("Float64")
    return tot


def perpetrator_share(df: pd.DataFrame) -> dict[str, float | int | None]:
    """Return the perpetrators' share of deaths over incidents where both the killed figure and perpetrators killed
    are known, with the counts it rests on."""
    fig = incident_figures(df, "killed")
    perp = df["perpetrators_killed"].astype("Float64")
    both = fig["known"] & perp.notna()
    used = int(both.sum())
    killed = int(fig.loc[both, "best"].sum()) if used else None  # no incident to go on: no figure, not 0
    perps = int(perp[both].sum()) if used else None
    return {
        "incidents_used": used,
        "incidents_without_perpetrator_figure": int((fig["known"] & perp.isna()).sum()),
        "killed_best": killed,
        "perpetrators_killed": perps,
        "share": (perps / killed) if killed else None,
    }


def deaths_distribution(df: pd.DataFrame) -> pd.DataFrame:
    """Return the complementary cumulative distribution of deaths per incident (best figure, known only).

    Columns ``deaths`` (distinct values, ascending) and ``share_at_least`` (share of incidents with a figure that
    had at least that many deaths) — what a log-log CCDF plot shows.
    """
    best = incident_figures(df, "killed")["best"].dropna().astype("int64").to_numpy()
    if best.size == 0:
        return pd.DataFrame({"deaths": pd.Series(dtype="int64"), "share_at_least": pd.Series(dtype="float64")})
    values = np.unique(best)
    share = np.array([(best >= v).mean() for v in values])
    return pd.DataFrame({"deaths": values, "share_at_least": share})


def single_incidents(df: pd.DataFrame) -> pd.Series:
    """Return True for rows that are single incidents, False for aggregate rows (a reader's ``aggregate_*`` flags:
    a total over several events, a period over a month, a whole country), which are never listed as incidents."""
    if "flags" not in df.columns:
        return pd.Series(True, index=df.index)
    return ~is_aggregate(df["flags"])


def deadliest(df: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` deadliest single incidents (by best, then high figure; aggregate rows are never listed, see
    :func:`single_incidents`), with date, place, figures and sources."""
    fig = incident_figures(df, "killed")
    out = df.assign(_best=fig["best"], _high=fig["high"])
    out = out[out["_best"].notna() & single_incidents(df)].sort_values(["_best", "_high", "date", "incident_id"],
                                                 ascending=[False, False, True, True], kind="stable")
    cols = ["incident_id", "date", "country", "admin1", "location", "attack_type", "killed_low", "killed_best",
            "killed_high", "wounded_best", "claim_status", "source_ids"]
    return out.head(n)[[c for c in cols if c in out.columns]].reset_index(drop=True)


def headline_figures(df: pd.DataFrame) -> dict[str, int | str | None]:
    """Return the key numbers every notebook reports (the top-level scalars of ``summary.json``).

    ``incidents``; ``deaths_low``/``deaths_best``/``deaths_high`` and ``wounded_*`` (sums over incidents with a
    figure, see :func:`casualty_totals`; ``None`` when no incident has a figure: no figure, not 0);
    ``deaths_unknown_incidents``/``wounded_unknown_incidents`` (incidents with no figure);
    ``deaths_zero_or_unknown_incidents`` (of those, ACLED zeros that may mean none or unknown);
    ``deaths_open_high_incidents``/``wounded_open_high_incidents`` (a figure but no stated upper bound: the high
    total is a floor); ``deaths_approx_incidents`` ("about N"); ``deaths_text``/``wounded_text`` (the total as the
    sources allow it to be read: "881 (at least 873)", "about 500", "no figure"); ``first_date``/``last_date``
    (ISO dates, ``None`` for an empty selection).
    """
    killed = casualty_totals(df, "killed").iloc[0]
    wounded = casualty_totals(df, "wounded").iloc[0]
    dates = df["date"].dropna()

    def sums(t: pd.Series, key: str) -> int | None:
        return int(t[key]) if int(t["with_figure"]) else None  # no incident with a figure: no figure, not 0

    return {
        "incidents": int(len(df)),
        "deaths_low": sums(killed, "low"),
        "deaths_best": sums(killed, "best"),
        "deaths_high": sums(killed, "high"),
        "deaths_unknown_incidents": int(killed["unknown"]),
        "deaths_zero_or_unknown_incidents": int(killed["zero_or_unknown"]),
        "deaths_open_high_incidents": int(killed["open_high"]),
        "deaths_approx_incidents": int(killed["approx"]),
        "wounded_low": sums(wounded, "low"),
        "wounded_best": sums(wounded, "best"),
        "wounded_high": sums(wounded, "high"),
        "wounded_unknown_incidents": int(wounded["unknown"]),
        "wounded_open_high_incidents": int(wounded["open_high"]),
        "deaths_text": total_text(killed),
        "wounded_text": total_text(wounded),
        "first_date": dates.min().date().isoformat() if len(dates) else None,
        "last_date": dates.max().date().isoformat() if len(dates) else None,
    }


def perpetrator_share_table(df: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Return :func:`perpetrator_share` as a table, one row for the whole selection (``all``) or per group of ``by``
    (observed groups, in category order), with ``share`` in percent."""
    if by is None:
        parts: list[tuple[object, pd.DataFrame]] = [("all", df)]
    else:
        parts = [(k, g) for k, g in df.groupby(by, observed=True, sort=True)]
    rows = []
    for _key, part in parts:
        s = perpetrator_share(part)
        share = s["share"]
        rows.append({**{k: v for k, v in s.items() if k != "share"},
                     "share_pct": round(float(share) * 100, 1) if share is not None else None})
    idx = pd.Index([k for k, _ in parts], name=by or "selection")
    cols = ["incidents_used", "incidents_without_perpetrator_figure", "killed_best", "perpetrators_killed",
            "share_pct"]
    out = pd.DataFrame(rows, index=idx, columns=cols)
    return out.astype({"incidents_used": "int64", "incidents_without_perpetrator_figure": "int64",
                       "killed_best": "Int64", "perpetrators_killed": "Int64", "share_pct": "Float64"})


def killed_wounded_pairs(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return the incidents with both a killed and a wounded figure (best values) and the counts of those without.

    The frame has ``incident_id``, ``theatre``, ``killed`` and ``wounded`` (int64); the dict counts ``both``,
    ``missing_killed``, ``missing_wounded`` and ``missing_both`` (each incident in exactly one of them).
    """
    k = incident_figures(df, "killed")
    w = incident_figures(df, "wounded")
    both = k["known"] & w["known"]
    pairs = pd.DataFrame({
        "incident_id": df.loc[both, "incident_id"].astype(str),
        "theatre": df.loc[both, "theatre"],
        "killed": k.loc[both, "best"].astype("int64"),
        "wounded": w.loc[both, "best"].astype("int64"),
    }).reset_index(drop=True)
    counts = {
        "both": int(both.sum()),
        "missing_killed": int((~k["known"] & w["known"]).sum()),
        "missing_wounded": int((k["known"] & ~w["known"]).sum()),
        "missing_both": int((~k["known"] & ~w["known"]).sum()),
    }
    return pairs, counts
