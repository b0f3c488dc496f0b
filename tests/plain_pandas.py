"""Expected values for the notebook tests, computed with plain pandas on the curated CSV files, never with incidentkit.

A notebook run is checked against these, so a bug in the library cannot agree with itself: the selection, the
theatre of a row and the casualty arithmetic are written out again here from their documented rules
(data/README.md and docs/architecture.md), in the simplest form that is true for the curated tables:

- theatre: the row's own ``theatre``, else theatre_map.csv by (iso3, admin1), else by (iso3, "*");
- a selection keeps rows whose theatre, iso3 and branch are among those given, dated ``start`` to ``end``
  (inclusive, by ``date``);
- per incident, best = ``*_best``, else the lower of ``*_low``/``*_high``; low and high default to best; an
  incident with none of the three is unknown and adds nothing to the sums.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"


def table(name: str) -> pd.DataFrame:
    """A curated table as it is on disk: every value a string, blanks as ""."""
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


def resource(name: str) -> dict:
    """The descriptor of one table in datapackage.json, read as JSON."""
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    return next(r for r in package["resources"] if r["name"] == name)


def _with_theatre(df: pd.DataFrame) -> pd.DataFrame:
    tmap = table("theatre_map")
    exact = {(r.iso3, r.admin1): r.theatre for r in tmap.itertuples() if r.admin1 != "*"}
    whole = {r.iso3: r.theatre for r in tmap.itertuples() if r.admin1 == "*"}
    theatre = [t or exact.get((i, a)) or whole.get(i, "Elsewhere")
               for t, i, a in zip(df["theatre"], df["iso3"], df["admin1"], strict=True)]
    return df.assign(theatre=theatre)


def _select(df: pd.DataFrame, theatres: Iterable[str], iso3: Iterable[str], branches: Iterable[str],
            start: str | None, end: str | None) -> pd.DataFrame:
    keep = pd.Series(True, index=df.index)
    for column, values in (("theatre", list(theatres)), ("iso3", list(iso3)), ("is_branch", list(branches))):
        if values:
            keep &= df[column].isin(values)
    if start:
        keep &= df["date"] >= start
    if end:
        keep &= df["date"] <= end
    return df[keep].sort_values(["date", "incident_id" if "incident_id" in df else "event_id"])


def _number(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column.astype(object).replace("", None), errors="raise").astype("float64")


def _zero_or_unknown(df: pd.DataFrame) -> pd.Series:
    """Rows whose death figure is ACLED's 0 that may mean "none" or "unknown" (flag fatalities_zero_or_unknown)."""
    return df["flags"].astype(object).map(lambda v: isinstance(v, str) and "fatalities_zero_or_unknown" in v.split(";"))


def figures(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the per-incident figures of each measure (killed, wounded): ``<measure>_lo``, ``_be``, ``_hi``
    (floats, NaN when unknown). Works on the CSV's strings and on a loaded frame's numbers alike."""
    df = df.copy()
    for m in ("killed", "wounded"):
        low, best, high = (_number(df[f"{m}_{k}"]) for k in ("low", "best", "high"))
        best = best.fillna(pd.concat([low, high], axis=1).min(axis=1))
        low, high = low.fillna(best), high.fillna(best)
        if m == "killed":
            unknown = _zero_or_unknown(df).astype(bool)
            best, low, high = best.mask(unknown), low.mask(unknown), high.mask(unknown)
        df[f"{m}_be"], df[f"{m}_lo"], df[f"{m}_hi"] = best, low, high
    return df


def incidents(*, theatres: Iterable[str] = (), iso3: Iterable[str] = (), branches: Iterable[str] = (),
              start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """The curated incidents of a selection, with ``theatre`` filled and the per-incident :func:`figures`."""
    return figures(_select(_with_theatre(table("incidents")), theatres, iso3, branches, start, end))


def events(*, theatres: Iterable[str] = (), start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """The curated timeline events of a selection (theatre filled as for incidents)."""
    return _select(_with_theatre(table("events")), theatres, (), (), start, end)


def headline(df: pd.DataFrame) -> dict[str, object]:
    """The key numbers every notebook writes (summary.json's top-level scalars) for rows with :func:`figures`."""
    out: dict[str, object] = {"incidents": len(df)}
    for m, word in (("killed", "deaths"), ("wounded", "wounded")):
        known = df[f"{m}_be"].notna()
        for k, col in (("low", "lo"), ("best", "be"), ("high", "hi")):
            out[f"{word}_{k}"] = int(df.loc[known, f"{m}_{col}"].sum())
        out[f"{word}_unknown_incidents"] = int((~known).sum())
    high_stated = _number(df["killed_high"]).notna()
    out["deaths_open_high_incidents"] = int((df["killed_be"].notna() & ~high_stated).sum())
    out["deaths_zero_or_unknown_incidents"] = int(_zero_or_unknown(df).sum())
    dates = pd.to_datetime(df["date"]).dt.strftime("%Y-%m-%d")
    out["first_date"] = dates.min() if len(df) else None
    out["last_date"] = dates.max() if len(df) else None
    return out


def theatre_order() -> list[str]:
    """The theatres in their fixed order (theatres.csv sort_order)."""
    theatres = table("theatres")
    return theatres.sort_values("sort_order", key=lambda c: c.astype(int))["theatre"].tolist()


def by_theatre(df: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per theatre of ``df`` (rows with :func:`figures`), in the fixed order: incidents, deaths_best (over the
    incidents with a figure) and deaths_unknown (incidents without one)."""
    out = {}
    theatres = df["theatre"].astype(object)
    for theatre in [t for t in theatre_order() if (theatres == t).any()]:
        part = df[theatres == theatre]
        known = part["killed_be"].notna()
        out[theatre] = {"incidents": len(part), "deaths_best": int(part.loc[known, "killed_be"].sum()),
                        "deaths_unknown": int((~known).sum())}
    return out


def mapped(df: pd.DataFrame) -> int:
    """Incidents with both coordinates."""
    return int((_number(df["latitude"]).notna() & _number(df["longitude"]).notna()).sum())


def statistics_overlapping(theatres: Iterable[str], start: str, end: str) -> pd.DataFrame:
    """The reported statistics whose period meets [start, end] and whose area can meet the theatres (a blank area
    field meets anything; a country meets the theatres it holds in theatre_map.csv)."""
    theatres = list(theatres)
    stats = table("reported_statistics")
    tmap = table("theatre_map")
    countries = set(tmap.loc[tmap["theatre"].isin(theatres), "iso3"])
    keep = (stats["period_end"] >= start) & (stats["period_start"] <= end)
    keep &= stats["theatre"].isin(["", *theatres]) & stats["iso3"].isin(["", *countries])
    return stats[keep]


def statistic_sum(stat: pd.Series) -> int | None:
    """The incident rows' figure to set against a reported statistic: the rows of its own area (every area field
    it states) and period; deaths (best) for a death metric, wounded for ``wounded``, the row count for
    ``attacks``/``incidents``, None for a metric the rows cannot count (fighters, arrests, other)."""
    rows = figures(_select(_with_theatre(table("incidents")), [stat["theatre"]] if stat["theatre"] else (),
                           [stat["iso3"]] if stat["iso3"] else (), [stat["is_branch"]] if stat["is_branch"] else (),
                           stat["period_start"], stat["period_end"]))
    if stat["admin1"]:
        rows = rows[rows["admin1"] == stat["admin1"]]
    metric = stat["metric"]
    if metric.startswith("deaths") or metric == "wounded":
        column = "wounded_be" if metric == "wounded" else "killed_be"
        return int(rows[column].sum())
    return len(rows) if metric in ("attacks", "incidents") else None
