"""GTD (Global Terrorism Database, START) exports -> incident schema.

Reads the official ``.xlsx`` (openpyxl) and the widely re-published ``.csv`` (Windows-1252 bytes, CRLF, line breaks
inside quoted fields; a UTF-8 re-save is detected and read as UTF-8). Only the ~26 columns used are read.

Mapping (see also docs/readers.md):

========================  ==============================================================================================
incident field            from GTD
========================  ==============================================================================================
incident_id               ``gtd-<eventid>``; source_event_id = eventid
date, date_precision      iyear/imonth/iday: month 0 -> 'year' (1 January), day 0 -> 'month' (1st of the month), else
                          'day'. A non-blank ``approxdate`` (free text, 2012+: the date fields then hold the midpoint)
                          is parsed ("January 1-3, 2021", "01/04/2021", "March 5 - April 2, 2015"): date = first day,
                          date_end = last day, precision from the span (0 days 'day', <= 6 'week', one month 'month',
                          else 'year', with the date moved to the 1st of the month / 1 January as the contract says).
                          Unparseable -> 'month' + flag ``approxdate_unparsed``. The text is kept in ``notes``.
date_end                  ``resolution`` when ``extended`` = 1 and it is on/after the date (or the approxdate end)
date_basis                'incident'
country, iso3             country_txt; iso3 from the ISO names + the GTD spellings in ``countries.py``
                          ("International" -> 'XXX' + flag ``country_unmapped``)
admin1                    provstate ('Unknown' -> blank) normalised with data/admin1_aliases.csv
location                  city ('Unknown' -> blank)
latitude, longitude       as given (-9/-99 are real coordinates: no sentinel here); one of the two blank -> both
                          blank + flag ``coordinates_incomplete``
geo_precision             specificity 1 -> 'locality'; 2, 3, 4 -> 'admin1'; 5 -> 'country'; blank -> 'country' + flag
perpetrator, is_branch    gname as GTD gives it ("gname; gname2[; gname3]" when GTD names more groups). Branch: the
                          first of gname, gname2, gname3 that is an exact alias in data/branch_aliases.csv (dataset
                          'gtd'), so an attack GTD credits to "Unknown" or another group first and to IS second is IS;
                          when it is gname2/gname3, flag ``is_branch_from_gname2_or_3``. No IS group among them but
                          one of corp1, corp2, corp3 (the targeted entity) an alias: the branch targeted
is_role                   an IS group in gname/gname2/gname3 -> 'perpetrator' (whatever ``alternative`` says); else an
                          IS entity in corp1/corp2/corp3 -> 'target' (e.g. the Taliban attacking IS-K); else blank.
                          GTD records no two-sided fighting (data/README.md "Deriving is_role")
claim_status              claimed 1 -> 'claimed' ('disputed' when compclaim = 1: competing claims), 0 -> 'unclaimed',
                          -9 / blank -> 'unknown'
attribution               guncertainN = 1 -> 'suspected', else 'confirmed', N the group naming the branch (else 1)
attack_type, target_type  attacktype1_txt / targtype1_txt (already GTD's categories; an unknown label -> 'Unknown' + flag)
suicide                   suicide 1 -> true, 0 -> false, else blank
killed_low/best/high      nkill (blank stays blank = unknown; negative codes -> blank). GTD records one figure, not a
                          floor ("usually the most recent source, else the majority, else the lowest"): low = best =
                          high, read "N", not "at least N"; GTD states no range (``CODED``)
perpetrators_killed       nkillter (blank when above nkill, flag ``nkillter_exceeds_nkill``)
wounded_low/best/high     nwound (one figure, like nkill)
hostages                  nhostkid (-99 / -9 -> blank)
summary                   summary (blank before 1997 for most rows)
source_ids                'gtd' or 'gtd-<release>' from a file name like globalterrorismdb_0718dist.csv
flags                     also ``gtd_doubtterr`` when doubtterr = 1 (doubt that the incident is terrorism);
                          ``cp1252_undefined_bytes`` when a value read held a byte cp1252 does not define (0x81, 0x8D,
                          0x8F, 0x90, 0x9D): that byte is read as Latin-1 (U+0081 ...), the rest of the value as cp1252
========================  ==============================================================================================

What GTD codes at all is :data:`CODED`; what a file covers (its dates, countries, roles) goes to the read report
(:mod:`incidentkit.data.readers.extent`).

Unknown codes are mapped per column, never by a blanket replace. Rows that cannot be read (a truncated last row, a
non-numeric eventid, an impossible date) are reported with file line and column, never dropped silently.
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ...errors import ReaderError
from ..schema import enum_values
from .cache import cached_read
from .contract import drop_rejected, finish, require_columns
from .csv_text import DICT, UNDEFINED_BYTES_COLUMN, read_csv_text, read_header, record_lines, sniff_encoding
from .detect import detect_dataset, xlsx_header
from .extent import coded, file_coverage
from .gtd_dates import apply_approxdate, gtd_dates
from .report import new_report, warn_rejected
from .values import (
    Rejects,
    admin1_names,
    branches,
    build_flags,
    category,
    enum_from_labels,
    iso3_from_names,
    joined_names,
    number,
    str_from_codes,
    text,
    unknown_to_na,
)

#: The rule: bump whenever the output can change for the same export and data tables (columns, values, flags, the
#: read report, rejected rows): entries of other versions are never used. (Alias tables, schemas and pycountry are
#: in the cache key by content: see ``cache.dependency_digest``.)
READER_VERSION = 6

#: Columns read, and how (DICT = few distinct values).
COLUMNS: dict[str, pa.DataType] = {
    "eventid": pa.string(),
    "iyear": pa.string(),
    "imonth": pa.string(),
    "iday": pa.string(),
    "approxdate": DICT,
    "extended": pa.string(),
    "resolution": DICT,
    "country_txt": DICT,
    "provstate": DICT,
    "city": DICT,
    "latitude": pa.string(),
    "longitude": pa.string(),
    "specificity": pa.string(),
    "summary": pa.string(),
    "doubtterr": pa.string(),
    "suicide": pa.string(),
    "attacktype1_txt": DICT,
    "targtype1_txt": DICT,
    "gname": DICT,
    "gname2": DICT,
    "gname3": DICT,
    **{f"corp{k}": DICT for k in (1, 2, 3)},  # the targeted entities: an IS group there is an operation against IS
    "guncertain1": pa.string(),
    "guncertain2": pa.string(),
    "guncertain3": pa.string(),
    "claimed": pa.string(),
    "compclaim": pa.string(),
    "nkill": pa.string(),
    "nkillter": pa.string(),
    "nwound": pa.string(),
    "nhostkid": pa.string(),
}
#: Columns without which a file is not read (ReaderError naming the first missing one).
REQUIRED = (
    "eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude", "longitude",
    "specificity", "gname", "attacktype1_txt", "targtype1_txt", "nkill",
)  # fmt: skip

GEO_PRECISION = {1: "locality", 2: "admin1", 3: "admin1", 4: "admin1", 5: "country"}

#: What GTD codes at all (keys: :data:`incidentkit.data.readers.extent.CODABLE`).
CODED: dict[str, dict[str, str]] = {
    "killed": coded("yes"),
    "killed_range": coded("no", "GTD records one figure per incident (nkill, nwound): no low-high range"),
    "wounded": coded("yes"),
    "perpetrators_killed": coded("yes"),
    "hostages": coded("yes"),
    "claims": coded("yes"),
    "suicide": coded("yes"),
    "attack_type": coded("yes"),
    "target_type": coded("yes"),
    "roles": coded("partly", "GTD records attacks by groups: IS as perpetrator, and as target only where GTD names an "
                   "IS group as the targeted entity; no two-sided fighting"),
}


def release_slug(path: Path) -> str:
    """Return 'gtd' or 'gtd-<release>' (e.g. 'gtd-0718') from the file name."""
    m = re.search(r"(\d{4})dist", path.name.lower())
    return f"gtd-{m.group(1)}" if m else "gtd"


def _xlsx_table(path: Path, report: dict[str, Any]) -> tuple[pa.Table, list[str]]:
    """Read the needed columns of a GTD .xlsx into the same all-text table the CSV path produces."""
    header = xlsx_header(path)
    require_columns(path, header, REQUIRED, "gtd")
    wanted = [c for c in COLUMNS if c in header]
    df = pd.read_excel(path, sheet_name=0, usecols=wanted, dtype=object, engine="openpyxl")

    def as_text(v: object) -> str | None:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if hasattr(v, "strftime"):
            return v.strftime("%Y-%m-%d")
        s = str(v)
        return s if s != "" else None

    cols = {c: pa.array([as_text(v) for v in df[c].tolist()], pa.string()) for c in wanted}
    report["encoding"] = "xlsx"
    return pa.table(cols), header


def _convert(table: pa.Table, path: Path, report: dict[str, Any], line_of: Any) -> pd.DataFrame:
    n = table.num_rows
    rejects = Rejects.from_table(table)
    cats = {f: enum_values("incidents", f) for f in ("date_precision", "geo_precision", "claim_status", "attack_type",
                                                       "target_type", "attribution", "date_basis")}
    flags: dict[str, np.ndarray] = {}

    eventid = number(table, "eventid", rejects, integer=True)
    rejects.add(eventid.isna().to_numpy(), "eventid", "expected the GTD eventid (a 12-digit number)", text(table, "eventid"))
    sid = eventid.astype("str")

    date, known_m, known_d = gtd_dates(
        number(table, "iyear", rejects, integer=True),
        number(table, "imonth", rejects, integer=True),
        number(table, "iday", rejects, integer=True),
        rejects,
    )
    prec = np.where(known_d, 0, np.where(known_m, 2, 3))  # index into ["day","week","month","year"]
    date_end = pd.Series(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"))

    approx = category(table, "approxdate")
    has_approx = approx.notna().to_numpy()
    date, date_end, prec, flags["approxdate_unparsed"] = apply_approxdate(date, date_end, prec, approx)
    # month / year precision: the date is the first day of the known period (contract)
    month_start = date.dt.to_period("M").dt.start_time.astype("datetime64[ns]")
    year_start = date.dt.to_period("Y").dt.start_time.astype("datetime64[ns]")
    date = date.where(prec != 2, month_start).where(prec != 3, year_start)

    extended = number(table, "extended", rejects, integer=True)
    resolution = category(table, "resolution")
    if resolution.notna().any():
        cats_res = pd.Series(resolution.cat.categories.astype(str))
        parsed = pd.to_datetime(cats_res, format="%m/%d/%Y", errors="coerce")
        parsed = parsed.fillna(pd.to_datetime(cats_res, format="%Y-%m-%d", errors="coerce"))
        codes = resolution.cat.codes.to_numpy()
        res = pd.Series(np.where(codes >= 0, parsed.to_numpy()[codes], np.datetime64("NaT")), dtype="datetime64[ns]")
        flags["resolution_unparsed"] = (resolution.notna() & res.isna()).to_numpy()
        use = (extended == 1).fillna(False).to_numpy() & res.notna().to_numpy()
        use &= (res >= date).fillna(False).to_numpy() & ((res > date_end) | date_end.isna()).to_numpy()
        date_end = date_end.where(~use, res)
    date_end = date_end.where(date_end > date)

    country = text(table, "country_txt")
    iso3, unmapped = iso3_from_names(category(table, "country_txt"))
    flags["country_unmapped"] = unmapped
    provstate = text(table, "provstate")
    provstate = provstate.mask(provstate.str.strip().isin(["Unknown", ""]))
    admin1 = admin1_names("gtd", iso3, provstate)
    city = text(table, "city")
    city = city.mask(city.str.strip().isin(["Unknown", ""]))

    lat = number(table, "latitude", rejects, integer=False)
    lon = number(table, "longitude", rejects, integer=False)
    half = lat.isna().to_numpy() ^ lon.isna().to_numpy()
    flags["coordinates_incomplete"] = half
    lat, lon = lat.mask(half), lon.mask(half)
    spec = number(table, "specificity", rejects, integer=True)
    geo_idx = {"point": 0, "locality": 1, "admin1": 2, "country": 3}
    spec_np = spec.fillna(0).to_numpy(dtype=np.int64)
    lut = np.array([geo_idx["country"]] + [geo_idx[GEO_PRECISION[i]] for i in range(1, 6)], dtype=np.int64)
    geo = lut[np.where((spec_np >= 1) & (spec_np <= 5), spec_np, 0)]
    flags["geo_precision_unknown"] = ~((spec_np >= 1) & (spec_np <= 5))

    gname = category(table, "gname")
    if "Unknown" not in gname.cat.categories:
        gname = gname.cat.add_categories(["Unknown"])
    groups = [gname.fillna("Unknown"), category(table, "gname2"), category(table, "gname3")]
    perpetrator = joined_names(groups)
    hits = [branches("gtd", g, iso3) for g in groups]
    found = np.full(n, -1, dtype=np.int64)  # which of gname, gname2, gname3 (0, 1, 2) names the IS branch
    is_branch = hits[0]
    for k in (2, 1, 0):  # the first group that is an alias wins
        found = np.where(hits[k].notna().to_numpy(), k, found)
    for k in (1, 2):
        is_branch = is_branch.where(found != k, hits[k])
    flags["is_branch_from_gname2_or_3"] = found >= 1
    # no IS group named as perpetrator: an IS entity among the targeted entities makes the row an operation against IS
    corp_hits = [branches("gtd", category(table, f"corp{k}"), iso3) for k in (1, 2, 3)]
    targeted = corp_hits[0].fillna(corp_hits[1]).fillna(corp_hits[2])  # the first corp that is an alias wins
    as_target = (found < 0) & targeted.notna().to_numpy()
    is_branch = is_branch.where(~as_target, targeted)
    roles = enum_values("incidents", "is_role")
    role_codes = np.where(found >= 0, roles.index("perpetrator"), np.where(as_target, roles.index("target"), -1))

    claimed = number(table, "claimed", rejects, integer=True)
    compclaim = number(table, "compclaim", rejects, integer=True)
    cl = claimed.to_numpy(dtype="float64", na_value=np.nan)
    cc = compclaim.to_numpy(dtype="float64", na_value=np.nan)
    claim_codes = np.where(cl == 1, np.where(cc == 1, 3, 0), np.where(cl == 0, 1, 4))
    uncertain = [number(table, f"guncertain{k}", rejects, integer=True).to_numpy(dtype="float64", na_value=np.nan)
                 for k in (1, 2, 3)]  # fmt: skip
    guncertain = np.where(found == 1, uncertain[1], np.where(found == 2, uncertain[2], uncertain[0]))
    attribution = np.where(guncertain == 1, 1, 0)  # of the group that names the branch (else gname's)

    attack_txt = category(table, "attacktype1_txt")
    target_txt = category(table, "targtype1_txt")
    attack = enum_from_labels(attack_txt, cats["attack_type"])
    target = enum_from_labels(target_txt, cats["target_type"])
    flags["attack_type_unmapped"] = attack_txt.notna().to_numpy() & (attack.codes == cats["attack_type"].index("Unknown"))
    flags["attack_type_unmapped"] &= (attack_txt.astype(object) != "Unknown").to_numpy()
    flags["target_type_unmapped"] = target_txt.notna().to_numpy() & (target.codes == cats["target_type"].index("Unknown"))
    flags["target_type_unmapped"] &= (target_txt.astype(object) != "Unknown").to_numpy()

    suicide_num = number(table, "suicide", rejects, integer=True)
    suicide = pd.array(np.where(suicide_num == 1, True, False), dtype="boolean")
    suicide[~suicide_num.isin([0, 1]).fillna(False).to_numpy()] = pd.NA

    counts = {}
    for col in ("nkill", "nkillter", "nwound", "nhostkid"):
        s = number(table, col, rejects, integer=True)
        counts[col] = s.mask(s < 0)  # -9 / -99 = unknown in GTD's count columns
    nkill, nkillter = counts["nkill"], counts["nkillter"]
    over = (nkillter > nkill).fillna(False).to_numpy()
    flags["nkillter_exceeds_nkill"] = over
    nkillter = nkillter.mask(over)

    if UNDEFINED_BYTES_COLUMN in table.column_names:  # bytes cp1252 does not define, read as Latin-1
        flags["cp1252_undefined_bytes"] = table.column(UNDEFINED_BYTES_COLUMN).to_numpy(zero_copy_only=False)

    doubt = number(table, "doubtterr", rejects, integer=True)
    flags["gtd_doubtterr"] = (unknown_to_na(doubt, [-9]) == 1).fillna(False).to_numpy()

    approx_text = approx.astype(object)
    notes = pd.Series(np.where(has_approx, "GTD approxdate: " + approx_text.fillna("").astype(str), None), dtype="str")

    ids = "gtd-" + sid
    dup = ids.duplicated().to_numpy() & eventid.notna().to_numpy()
    rejects.add(dup, "eventid", "duplicate eventid (an earlier row has the same id)", sid)

    columns = {
        "incident_id": ids,
        "date": date,
        "date_end": date_end,
        "date_precision": pd.Categorical.from_codes(prec, categories=cats["date_precision"]),
        "date_basis": pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), categories=cats["date_basis"]),
        "country": country,
        "iso3": iso3,
        "admin1": admin1,
        "location": city,
        "latitude": lat,
        "longitude": lon,
        "geo_precision": pd.Categorical.from_codes(geo, categories=cats["geo_precision"]),
        "perpetrator": perpetrator,
        "is_branch": is_branch,
        "is_role": pd.Categorical.from_codes(role_codes, categories=roles),
        "claim_status": pd.Categorical.from_codes(claim_codes, categories=cats["claim_status"]),
        "attribution": pd.Categorical.from_codes(attribution, categories=cats["attribution"]),
        "attack_type": attack,
        "target_type": target,
        "suicide": suicide,
        "killed_low": nkill,
        "killed_best": nkill,
        "killed_high": nkill,
        "perpetrators_killed": nkillter,
        "wounded_low": counts["nwound"],
        "wounded_best": counts["nwound"],
        "wounded_high": counts["nwound"],
        "hostages": counts["nhostkid"],
        "summary": text(table, "summary"),
        "source_ids": str_from_codes(np.zeros(n, dtype=np.int64), [release_slug(path)]),
        "notes": notes,
        "flags": build_flags(flags, n),
        "source_dataset": str_from_codes(np.zeros(n, dtype=np.int64), ["gtd"]),
        "source_event_id": sid,
    }
    df = finish(columns, n, origin=str(path))
    return drop_rejected(df, rejects, report, line_of=line_of)


def _build(path: Path) -> pd.DataFrame:
    is_xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    report = new_report(str(path), "gtd", READER_VERSION, "")
    if is_xlsx:
        table, header = _xlsx_table(path, report)

        def line_of(positions: list[int]) -> dict[int, int]:
            return {p: p + 2 for p in positions}
    else:
        encoding = sniff_encoding(path, "cp1252")
        report["encoding"] = encoding
        header = read_header(path, encoding)
        require_columns(path, header, REQUIRED, "gtd")
        wanted = {c: t for c, t in COLUMNS.items() if c in header}
        table = read_csv_text(path, wanted, encoding=encoding, header=header, report=report)

        def line_of(positions: list[int]) -> dict[int, int]:
            return record_lines(path, encoding, positions, len(header))

    df = _convert(table, path, report, line_of)
    report["coverage"] = file_coverage(df, CODED)
    df.attrs["read_report"] = report
    return df


def read_gtd(path: str | PathLike[str], *, use_cache: bool = True) -> pd.DataFrame:
    """Read a GTD export (.csv or .xlsx) into the incident schema, one row per GTD incident.

    Returns every incident-schema column plus ``source_dataset`` ('gtd') and ``source_event_id`` (eventid). Rows
    that cannot be read are listed in ``df.attrs["read_report"]`` and in a
    :class:`~incidentkit.data.readers.RowsRejectedWarning`. The conversion is cached (Parquet, keyed by the file's content).
    Raises :class:`~incidentkit.errors.ReaderError` (file, line, column) when the file is not a GTD export.
    """
    p = Path(path)
    found = detect_dataset(p)
    if found != "gtd":
        raise ReaderError(
            f"this is a {found.upper()} export, not GTD (use read_{found} or read_export)",
            path=p,
            line=1,
            expected="a GTD header (eventid, iyear, imonth, iday, gname, ...)",
        )
    df = cached_read(p, "gtd", READER_VERSION, lambda: _build(p), variant=release_slug(p), use_cache=use_cache)
    warn_rejected(df.attrs["read_report"])
    return df
