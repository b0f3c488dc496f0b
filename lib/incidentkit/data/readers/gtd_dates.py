"""GTD dates: ``iyear``/``imonth``/``iday`` with 0 for an unknown month or day, and the free-text ``approxdate``
(2012+) that names the days an incident spans ("January 1-3, 2021", "01/04/2021", "March 5 - April 2, 2015").

The rules are in the module docstring of :mod:`incidentkit.data.readers.gtd` and in docs/readers.md.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import numpy as np
import pandas as pd

from .values import Rejects

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_TOKEN = re.compile(
    r"(?P<num>\b(?P<nm>\d{1,2})/(?P<nd>\d{1,2})/(?P<ny>\d{4})\b)"
    r"|(?P<mon>\b(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?)"
    r"(?:\s*(?P<d1>\d{1,2})(?:st|nd|rd|th)?\b)?"
    r"(?:\s*[-\u2013]\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*/))?"
    r"(?:,?\s*(?P<y>\d{4})\b)?",
    re.IGNORECASE,
)


def parse_approxdate(value: str, year: int | None) -> tuple[date, date] | None:
    """Return the (first, last) day named by a GTD ``approxdate`` text, or ``None`` when it names no date.

    Understands "January 1-3, 2021", "January 1, 2021 - February 3, 2021", "March 5 - April 2, 2015", "01/04/2021"
    (GTD writes month/day/year) and month names alone ("June 2014"). A missing year comes from the next (or
    previous) date in the text, else from ``iyear``.
    """
    tokens: list[tuple[int | None, int, int | None, int | None, bool]] = []  # (year, month, d1, d2, month_only)
    for m in _TOKEN.finditer(value):
        if m.group("num"):
            tokens.append((int(m.group("ny")), int(m.group("nm")), int(m.group("nd")), None, False))
        else:
            month = _MONTHS[m.group("mon").lower().rstrip(".")]
            y = int(m.group("y")) if m.group("y") else None
            d1 = int(m.group("d1")) if m.group("d1") else None
            d2 = int(m.group("d2")) if m.group("d2") else None
            tokens.append((y, month, d1, d2, d1 is None))
    if not tokens:
        return None
    days: list[date] = []
    years = [t[0] for t in tokens]
    for i, (y, month, d1, d2, month_only) in enumerate(tokens):
        if y is None:
            later = [v for v in years[i + 1 :] if v is not None]
            earlier = [v for v in years[:i] if v is not None]
            y = later[0] if later else (earlier[-1] if earlier else year)
        if y is None:
            return None
        try:
            if month_only:
                days += [date(y, month, 1), date(y, month, calendar.monthrange(y, month)[1])]
            else:
                days.append(date(y, month, d1 or 1))
                if d2 is not None:
                    days.append(date(y, month, d2))
        except ValueError:
            return None
    return min(days), max(days)


def gtd_dates(
    year: pd.Series, month: pd.Series, day: pd.Series, rejects: Rejects
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Return (date, month known, day known) from iyear/imonth/iday (0 = unknown month/day); impossible values
    reject their row."""
    y = year.astype("float64").to_numpy()
    m = month.astype("float64").to_numpy()
    d = day.astype("float64").to_numpy()
    rejects.add(np.isnan(y), "iyear", "expected a year", year)
    rejects.add(~np.isnan(m) & ((m < 0) | (m > 12)), "imonth", "expected a month 0-12 (0 = unknown)", month)
    rejects.add(~np.isnan(d) & ((d < 0) | (d > 31)), "iday", "expected a day 0-31 (0 = unknown)", day)
    known_m = np.nan_to_num(m) > 0
    known_d = known_m & (np.nan_to_num(d) > 0)
    yy = np.nan_to_num(y, nan=1970).astype(np.int64)
    mm = np.where(known_m & (m <= 12), np.nan_to_num(m), 1).astype(np.int64)
    dd = np.where(known_d & (d <= 31), np.nan_to_num(d), 1).astype(np.int64)
    parts = pd.DataFrame({"year": yy, "month": mm, "day": dd})
    out = pd.to_datetime(parts, errors="coerce")
    rejects.add(out.isna().to_numpy() & ~np.isnan(y), "iday", "not a calendar date (iyear/imonth/iday)", day)
    return out.astype("datetime64[ns]"), known_m, known_d


def apply_approxdate(
    dates: pd.Series, date_end: pd.Series, prec: np.ndarray, approx: pd.Series
) -> tuple[pd.Series, pd.Series, np.ndarray, np.ndarray]:
    """Return (dates, date_end, precision, unparsed) with each non-blank ``approxdate`` applied: date = the first
    day it names, date_end = the last, precision from the span (0 days 'day', <= 6 'week', one month 'month', else
    'year'; codes index ``["day", "week", "month", "year"]``). An ``approxdate`` that names no date is flagged in
    ``unparsed`` (and a day-precise date becomes month-precise). Parsed once per distinct (text, year)."""
    has_approx = approx.notna().to_numpy()
    unparsed = np.zeros(len(dates), dtype=bool)
    if has_approx.any():
        years = dates.dt.year.to_numpy(dtype="float64", na_value=np.nan)
        pos = np.flatnonzero(has_approx)
        values = approx.astype(object).to_numpy()
        starts = dates.to_numpy(dtype="datetime64[ns]").copy()
        ends = date_end.to_numpy(dtype="datetime64[ns]").copy()
        new_prec = prec.copy()
        memo: dict[tuple[str, int], tuple[date, date] | None] = {}
        for p in pos:
            key = (str(values[p]), int(years[p]) if not np.isnan(years[p]) else None)
            if key not in memo:
                memo[key] = parse_approxdate(*key)
            got = memo[key]
            if got is None:
                unparsed[p] = True
                if new_prec[p] == 0:
                    new_prec[p] = 2
                continue
            first, last = got
            span = (last - first).days
            if span == 0:
                new_prec[p], start = 0, first
            elif span <= 6:
                new_prec[p], start = 1, first
            elif (first.year, first.month) == (last.year, last.month):
                new_prec[p], start = 2, first.replace(day=1)
            else:
                new_prec[p], start = 3, first.replace(month=1, day=1)
            starts[p] = np.datetime64(start, "ns")
            ends[p] = np.datetime64(last, "ns") if last > start else np.datetime64("NaT")
        starts, ends = pd.Series(starts), pd.Series(ends)
        dates, date_end, prec = starts, ends, new_prec
    return dates, date_end, prec, unparsed
