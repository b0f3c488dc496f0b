"""A synthetic GTD release-layout workbook (.xlsx, one sheet, 135 columns) for the Excel benchmark and tests.

Every value is made up from a seeded random generator in the types the official release uses (``eventid`` and the
codes as numbers, ``resolution`` as a date cell, text columns as text, blanks as empty cells); nothing comes from a
real export. The column names are GTD's published layout (GTD codebook, 2019; the 2021 H1 release has these 135).

Usage: ``python bench/gtd_xlsx.py OUT.xlsx [--rows 5000]`` (or :func:`write_gtd_xlsx` from code).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

#: The 135 columns of a GTD release, in the release's order.
GTD_COLUMNS: tuple[str, ...] = tuple(
    """eventid iyear imonth iday approxdate extended resolution country country_txt region region_txt provstate city
    latitude longitude specificity vicinity location summary crit1 crit2 crit3 doubtterr alternative alternative_txt
    multiple success suicide attacktype1 attacktype1_txt attacktype2 attacktype2_txt attacktype3 attacktype3_txt
    targtype1 targtype1_txt targsubtype1 targsubtype1_txt corp1 target1 natlty1 natlty1_txt targtype2 targtype2_txt
    targsubtype2 targsubtype2_txt corp2 target2 natlty2 natlty2_txt targtype3 targtype3_txt targsubtype3
    targsubtype3_txt corp3 target3 natlty3 natlty3_txt gname gsubname gname2 gsubname2 gname3 gsubname3 motive
    guncertain1 guncertain2 guncertain3 individual nperps nperpcap claimed claimmode claimmode_txt claim2 claimmode2
    claimmode2_txt claim3 claimmode3 claimmode3_txt compclaim weaptype1 weaptype1_txt weapsubtype1 weapsubtype1_txt
    weaptype2 weaptype2_txt weapsubtype2 weapsubtype2_txt weaptype3 weaptype3_txt weapsubtype3 weapsubtype3_txt
    weaptype4 weaptype4_txt weapsubtype4 weapsubtype4_txt weapdetail nkill nkillus nkillter nwound nwoundus nwoundte
    property propextent propextent_txt propvalue propcomment ishostkid nhostkid nhostkidus nhours ndays divert
    kidhijcountry ransom ransomamt ransomamtus ransompaid ransompaidus ransomnote hostkidoutcome hostkidoutcome_txt
    nreleased addnotes scite1 scite2 scite3 dbsource INT_LOG INT_IDEO INT_MISC INT_ANY related""".split()
)
assert len(GTD_COLUMNS) == 135

_PLACES = [("Russia", 167, "Dagestan", "Makhachkala", 42.98, 47.50), ("Syria", 200, "Deir ez-Zor", "Al-Mayadin", 35.01,
           40.45), ("Syria", 200, "Homs", "Palmyra", 34.55, 38.27), ("Iraq", 95, "Nineveh", "Mosul", 36.34, 43.13),
           ("Afghanistan", 4, "Nangarhar", "Jalalabad", 34.43, 70.45), ("Libya", 113, "Surt", "Sirte", 31.21, 16.59)]
_GROUPS = ["Islamic State of Iraq and the Levant (ISIL)", "Caucasus Province of the Islamic State",
           "Khorasan Chapter of the Islamic State", "Unknown", "Taliban", "Tripoli Province of the Islamic State"]
_ATTACKS = ["Bombing/Explosion", "Armed Assault", "Assassination", "Hostage Taking (Kidnapping)", "Unknown"]
_TARGETS = ["Military", "Police", "Private Citizens & Property", "Government (General)", "Business"]
_TEXT = {"summary", "motive", "propcomment", "addnotes", "scite1", "scite2", "scite3", "weapdetail", "target1",
         "target2", "target3", "corp1", "corp2", "corp3", "location", "ransomnote", "gsubname", "gsubname2",
         "gsubname3", "divert", "kidhijcountry", "dbsource"}


def _row(rng: random.Random, i: int) -> list[object]:
    day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(181))
    country, code, prov, city, lat, lon = rng.choice(_PLACES)
    v: dict[str, object] = {
        "eventid": int(day.strftime("%Y%m%d")) * 10_000 + i % 10_000,
        "iyear": day.year, "imonth": day.month, "iday": day.day,
        "approxdate": f"{day:%B} {day.day}-{min(day.day + 2, 28)}, {day.year}" if rng.random() < 0.05 else None,
        "extended": int(rng.random() < 0.1), "country": code, "country_txt": country, "region": 10,
        "region_txt": "Middle East & North Africa", "provstate": prov, "city": city,
        "latitude": round(lat + rng.uniform(-0.5, 0.5), 6), "longitude": round(lon + rng.uniform(-0.5, 0.5), 6),
        "specificity": rng.choice([1, 1, 1, 2, 3]), "vicinity": 0, "crit1": 1, "crit2": 1, "crit3": 1,
        "doubtterr": 0, "multiple": 0, "success": 1, "suicide": int(rng.random() < 0.05),
        "attacktype1": 3, "attacktype1_txt": rng.choice(_ATTACKS), "targtype1": 4,
        "targtype1_txt": rng.choice(_TARGETS), "gname": rng.choice(_GROUPS), "guncertain1": int(rng.random() < 0.2),
        "individual": 0, "nperps": -99, "nperpcap": 0, "claimed": rng.choice([0, 1, -9]), "weaptype1": 6,
        "weaptype1_txt": "Explosives", "nkill": rng.choice([0, 1, 2, 3, 5, 8, None]), "nkillus": 0,
        "nkillter": rng.choice([0, 0, 1]), "nwound": rng.choice([0, 1, 4, 10, None]), "property": -9,
        "ishostkid": 0, "INT_LOG": -9, "INT_IDEO": -9, "INT_MISC": 0, "INT_ANY": -9,
    }
    if v["extended"]:
        v["resolution"] = dt.datetime.combine(day + dt.timedelta(days=rng.randrange(1, 5)), dt.time())
    for name in _TEXT:
        if name not in v and rng.random() < 0.5:
            v[name] = f"Synthetic {name} text {rng.randrange(10_000)} for row {i}."
    return [v.get(c) for c in GTD_COLUMNS]


def write_gtd_xlsx(path: Path, rows: int = 5000, *, seed: int = 0) -> Path:
    """Write ``rows`` synthetic GTD-layout rows to ``path`` (one sheet, "Sheet1", like the release) and return it."""
    from openpyxl import Workbook  # lazy: only the writer of the bench input needs it

    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(list(GTD_COLUMNS))
    for i in range(rows):
        ws.append(_row(rng, i))
    wb.save(path)
    return Path(path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    print(write_gtd_xlsx(args.out, args.rows))
