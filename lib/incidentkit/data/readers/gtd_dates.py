"""GTD dates: ``iyear``/``imonth``/``iday`` with 0 for an unknown month or day, the free-text ``approxdate`` that
states the window of a date not known exactly, and ``resolution``, the end of an incident lasting over 24 hours.

``approxdate`` forms (GTD codebook, "Approximate Date"; :func:`parse_approxdate`): a single date ("April 19,
2014", "01/04/2021" written month/day/year, "2014-04-19"); a range within a month ("January 1-3, 2021"), across
months or years ("May 27 - June 5, 1970", "December 30, 2015 - January 2, 2016", "between 12/30/2015 and
01/02/2016"); a month ("June 1978", "early June 1978"); a year ("1978"); a half of a year ("first half of 1978").
A year left out of one end comes from the other end, else from ``iyear``.

The window it states gives date, date_end and the precision (:func:`window_precision`): the same day -> 'day'; up to
7 days -> 'week' (date = the first day); up to 31 days -> 'month'; longer -> 'year'. For 'month' and 'year' the date
moves back to the 1st of its month / 1 January (the contract: a date of month or year precision is the first day of
its period) and date_end keeps the window's last day, so the window is never narrowed. Text naming no date keeps
the date from iyear/imonth/iday with flag ``approxdate_unparsed`` (a day-precise date becomes 'month'). The text is
always kept in ``notes``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .codes import enum
from .values import category, number

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TOKEN = re.compile(
    r"(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b)"
    r"|(?P<num>\b(?P<nm>\d{1,2})/(?P<nd>\d{1,2})/(?P<ny>\d{4})\b)"
    r"|(?P<half>\b(?P<which>first|second|1st|2nd)\s+half\s+of\s+(?P<hy>\d{4})\b)"
    r"|(?P<mon>\b(?:" + _MON + r")\b\.?)"
    r"(?:\s*(?P<d1>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*/))?"
    r"(?:\s*[-\u2013]\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*/))?"
    r"(?:,?\s*(?P<y>\d{4})\b)?"
    r"|(?P<year>\b(?:19|20)\d{2}\b)",
    re.IGNORECASE,
)
#: Most days a 'week'-precise window spans (first to last day inclusive: 7 days).
WEEK_DAYS = 6
#: Most days a 'month'-precise window spans.
MONTH_DAYS = 30


def parse_approxdate(value: str, year: int | None) -> tuple[date, date] | None:
    """Return the (first, last) day of the window a GTD ``approxdate`` states, or ``None`` when it names no date.

    See the module docstring for the forms. ``year`` (GTD's ``iyear``) is used when the text gives none."""
    spans: list[tuple[int | None, int, int | None, int | None, bool]] = []  # (year, month, d1, d2, whole month)
    for m in _TOKEN.finditer(value):
        try:
            if m.group("iso"):
                y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
                spans.append((y, mo, d, None, False))
            elif m.group("num"):
                spans.append((int(m.group("ny")), int(m.group("nm")), int(m.group("nd")), None, False))
            elif m.group("half"):
                y = int(m.group("hy"))
                first = m.group("which").lower() in ("first", "1st")
                spans += [(y, 1 if first else 7, 1, None, False), (y, 6 if first else 12, None, None, True)]
            elif m.group("mon"):
                month = _MONTHS[m.group("mon").lower().rstrip(".")]
                y = int(m.group("y")) if m.group("y") else None
                d1 = int(m.group("d1")) if m.group("d1") else None
                d2 = int(m.group("d2")) if m.group("d2") else None
                spans.append((y, month, d1, d2, d1 is None))
            else:
                y = int(m.group("year"))
                spans += [(y, 1, 1, None, False), (y, 12, 31, None, False)]
        except ValueError:
            return None
    if not spans:
        return None
    days: list[date] = []
    years = [s[0] for s in spans]
    for i, (y, month, d1, d2, whole) in enumerate(spans):
        if y is None:
            later = [v for v in years[i + 1 :] if v is not None]
            earlier = [v for v in years[:i] if v is not None]
            y = later[0] if later else (earlier[-1] if earlier else year)
        if y is None:
            return None
        try:
            if whole:
                days += [date(y, month, 1), date(y, month, calendar.monthrange(y, month)[1])]
            else:
                days.append(date(y, month, d1 or 1))
                if d2 is not None:
                    days.append(date(y, month, d2))
        except ValueError:
            return None
    return min(days), max(days)


def window_precision(first: date, last: date) -> tuple[str, date, date | None]:
    """Return (precision, date, date_end) for a window of days (module docstring); date_end None for one day."""
    span = (last - first).days
    if span <= 0:
        return "day", first, None
    if span <= WEEK_DAYS:
        return "week", first, last
    if span <= MONTH_DAYS:
        return "month", first.replace(day=1), last
    return "year", first.replace(month=1, day=1), last


def _ymd(table: pa.Table, issues: Any) -> tuple[pd.Series, np.ndarray, np.ndarray, pd.Series]:
    """Return (date, month known, day known, iday) from iyear/imonth/iday; impossible values reject their row."""
    year = number(table, "iyear", issues, integer=True)
    month = number(table, "imonth", issues, integer=True)
    day = number(table, "iday", issues, integer=True)
    y, m, d = (s.astype("float64").to_numpy() for s in (year, month, day))
    issues.reject(np.isnan(y), "iyear", "expected a year", year)
    issues.reject(~np.isnan(m) & ((m < 0) | (m > 12)), "imonth", "expected a month 0-12 (0 = unknown)", month)
    issues.reject(~np.isnan(d) & ((d < 0) | (d > 31)), "iday", "expected a day 0-31 (0 = unknown)", day)
    known_m = np.nan_to_num(m) > 0
    known_d = known_m & (np.nan_to_num(d) > 0)
    yy = np.nan_to_num(y, nan=1970).astype(np.int64)
    mm = np.where(known_m & (m <= 12), np.nan_to_num(m), 1).astype(np.int64)
    dd = np.where(known_d & (d <= 31), np.nan_to_num(d), 1).astype(np.int64)
    # numpy calendar arithmetic (what pandas.to_datetime of year/month/day gives, without its per-row work): the
    # month, plus the day; a day past the month's end (31 April) or a year outside datetime64[ns] is no date
    inside = (yy >= 1678) & (yy <= 2261)
    month_start = ((np.where(inside, yy, 1970) - 1970) * 12 + (mm - 1)).astype("datetime64[M]")
    days = month_start.astype("datetime64[D]") + (dd - 1).astype("timedelta64[D]")
    ok = inside & (days.astype("datetime64[M]") == month_start)
    out = np.where(ok, days.astype("datetime64[ns]"), np.datetime64("NaT", "ns"))
    issues.reject(~ok & ~np.isnan(y), "iday", "not a calendar date (iyear/imonth/iday)", day)
    return pd.Series(out, dtype="datetime64[ns]"), known_m, known_d, day


def _resolution(table: pa.Table) -> tuple[pd.Series, np.ndarray]:
    """Return ``resolution`` as dates (month/day/year as in the CSV, or ISO as a workbook cell gives it) and the
    mask of values that are not dates."""
    raw = category(table, "resolution")
    if not raw.notna().any():
        return pd.Series(np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[ns]")), np.zeros(len(raw), bool)
    cats = pd.Series(raw.cat.categories.astype(str)).str.strip()
    parsed = pd.to_datetime(cats, format="%m/%d/%Y", errors="coerce")
    parsed = parsed.fillna(pd.to_datetime(cats.str.slice(0, 10), format="%Y-%m-%d", errors="coerce"))
    codes = raw.cat.codes.to_numpy()
    res = pd.Series(np.where(codes >= 0, parsed.to_numpy()[codes], np.datetime64("NaT")), dtype="datetime64[ns]")
    return res, (raw.notna() & res.isna()).to_numpy()


def event_dates(table: pa.Table, issues: Any, flags: dict[str, np.ndarray]
                ) -> tuple[pd.Series, pd.Series, pd.Categorical, pd.Series]:
    """Return (date, date_end, date_precision, approxdate text) of a GTD table (module docstring; ``extended`` = 1
    with a ``resolution`` after the window's end gives date_end)."""
    prec_enum = enum("date_precision")
    date, known_m, known_d, _ = _ymd(table, issues)
    prec = np.where(known_d, "day", np.where(known_m, "month", "year")).astype(object)
    end = np.full(len(date), np.datetime64("NaT"), dtype="datetime64[ns]")
    approx = category(table, "approxdate")
    unparsed = np.zeros(len(date), dtype=bool)
    starts = date.to_numpy(dtype="datetime64[ns]").copy()
    if approx.notna().any():
        years = date.dt.year.to_numpy(dtype="float64", na_value=np.nan)
        values = approx.astype(object).to_numpy()
        memo: dict[tuple[str, int | None], tuple[str, date, date | None] | None] = {}
        for p in np.flatnonzero(approx.notna().to_numpy()):
            key = (str(values[p]), None if np.isnan(years[p]) else int(years[p]))
            if key not in memo:
                got = parse_approxdate(*key)
                memo[key] = None if got is None else window_precision(*got)
            hit = memo[key]
            if hit is None:
                unparsed[p] = True
                prec[p] = "month" if prec[p] == "day" else prec[p]
                continue
            prec[p], first, last = hit
            starts[p] = np.datetime64(first, "ns")
            end[p] = np.datetime64(last, "ns") if last is not None else np.datetime64("NaT")
    flags["approxdate_unparsed"] = unparsed
    for unit, mask in (("M", prec == "month"), ("Y", prec == "year")):  # the first day of the month or year
        starts[mask] = starts[mask].astype(f"datetime64[{unit}]").astype("datetime64[ns]")
    date = pd.Series(starts)
    date_end = pd.Series(end)
    res, flags["resolution_unparsed"] = _resolution(table)
    extended = number(table, "extended", issues, integer=True)
    use = (extended == 1).fillna(False).to_numpy() & res.notna().to_numpy()
    use &= (res >= date).fillna(False).to_numpy() & ((res > date_end) | date_end.isna()).to_numpy()
    date_end = date_end.where(~use, res)
    date_end = date_end.where(date_end > date)
    precision = pd.Categorical(prec, categories=list(prec_enum.values))  # by name
    return date.astype("datetime64[ns]"), date_end.astype("datetime64[ns]"), precision, approx
