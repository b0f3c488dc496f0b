"""ACLED's codes -> the contract's categories: attack types from ``sub_event_type`` / ``event_type``, target types
from the target actor's name and ``inter`` code (numeric in older layouts, text in the current one).

The rules are in the module docstring of :mod:`incidentkit.data.readers.acled` and in docs/readers.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..countries import iso_numeric
from .codes import enum
from .values import category, iso3_from_names, str_from_codes

ATTACK_TYPE_BY_SUB_EVENT: dict[str, str] = {
    "armed clash": "Armed Assault",
    "government regains territory": "Armed Assault",
    "non-state actor overtakes territory": "Armed Assault",
    "attack": "Armed Assault",
    "air/drone strike": "Bombing/Explosion",
    "suicide bomb": "Bombing/Explosion",
    "shelling/artillery/missile attack": "Bombing/Explosion",
    "remote explosive/landmine/ied": "Bombing/Explosion",
    "grenade": "Bombing/Explosion",
    "disrupted weapons use": "Bombing/Explosion",
    "chemical weapon": "Unarmed Assault",  # GTD codes chemical/biological attacks as unarmed assault
    "sexual violence": "Unarmed Assault",
    "mob violence": "Unarmed Assault",
    "violent demonstration": "Unarmed Assault",
    "abduction/forced disappearance": "Hostage Taking (Kidnapping)",
    "looting/property destruction": "Facility/Infrastructure Attack",
}
ATTACK_TYPE_BY_EVENT: dict[str, str] = {
    "battles": "Armed Assault",
    "battle-no change of territory": "Armed Assault",
    "battle-government regains territory": "Armed Assault",
    "battle-non-state actor overtakes territory": "Armed Assault",
    "explosions/remote violence": "Bombing/Explosion",
    "remote violence": "Bombing/Explosion",
    "violence against civilians": "Armed Assault",
    "riots": "Unarmed Assault",
}
INTER_TARGET: dict[str, str] = {
    "1": "Military", "state forces": "Military",
    "2": "Terrorists/Non-State Militia", "rebel group": "Terrorists/Non-State Militia",
    "rebel groups": "Terrorists/Non-State Militia",
    "3": "Terrorists/Non-State Militia", "political militia": "Terrorists/Non-State Militia",
    "political militias": "Terrorists/Non-State Militia",
    "4": "Terrorists/Non-State Militia", "identity militia": "Terrorists/Non-State Militia",
    "identity militias": "Terrorists/Non-State Militia",
    "5": "Private Citizens & Property", "rioters": "Private Citizens & Property",
    "6": "Private Citizens & Property", "protesters": "Private Citizens & Property",
    "7": "Private Citizens & Property", "civilians": "Private Citizens & Property",
    "8": "Other", "external/other forces": "Other",
}  # fmt: skip


def lower_categories(cat: pd.Series) -> pd.Series:
    """Return a categorical with its categories stripped and lower-cased (cheap: categories only)."""
    lowered = pd.Index([str(v).strip().lower() for v in cat.cat.categories])
    uniq = lowered.unique()
    remap = np.append(uniq.get_indexer(lowered), -1)
    codes = cat.cat.codes.to_numpy()
    return pd.Series(pd.Categorical.from_codes(remap[np.where(codes < 0, -1, codes)], categories=uniq))


def on_categories(cat: pd.Series, test: Any) -> np.ndarray:
    """Evaluate ``test`` once per category; return the per-row boolean (missing -> False)."""
    lut = np.array([bool(test(str(v))) for v in cat.cat.categories] + [False])
    codes = cat.cat.codes.to_numpy()
    return lut[np.where(codes < 0, len(lut) - 1, codes)]


def target_types(
    actor1: pd.Series,
    actor2: pd.Series,
    inter1: pd.Series,
    inter2: pd.Series,
    target_is_1: np.ndarray,
    categories: list[str],
) -> np.ndarray:
    """Return target_type codes from the target actor's name and inter code (actor1/inter1 where ``target_is_1``,
    else actor2/inter2), decided once per distinct (name, inter) pair (the rows are only integer codes here)."""
    names = list(actor1.cat.categories) + list(actor2.cat.categories) + [""]
    inters = list(inter1.cat.categories) + list(inter2.cat.categories) + [""]
    k1, k2 = len(actor1.cat.categories), len(inter1.cat.categories)
    a1, a2 = actor1.cat.codes.to_numpy().astype(np.int64), actor2.cat.codes.to_numpy().astype(np.int64)
    i1, i2 = inter1.cat.codes.to_numpy().astype(np.int64), inter2.cat.codes.to_numpy().astype(np.int64)
    name_code = np.where(target_is_1, np.where(a1 < 0, len(names) - 1, a1), np.where(a2 < 0, len(names) - 1, a2 + k1))
    inter_code = np.where(target_is_1, np.where(i1 < 0, len(inters) - 1, i1), np.where(i2 < 0, len(inters) - 1, i2 + k2))
    codes, uniq = pd.factorize(name_code * len(inters) + inter_code)
    out = []
    for key in uniq:
        nm, it = names[key // len(inters)], str(inters[key % len(inters)]).strip().lower()
        if nm.startswith("Police Forces"):
            out.append("Police")
        elif nm.startswith("Military Forces"):
            out.append("Military")
        else:
            it = it[:-2] if it.endswith(".0") else it
            out.append(INTER_TARGET.get(it, "Unknown"))
    lut = np.array([categories.index(v) for v in out], dtype=np.int64)  # categories: the enum's values, by name
    return lut[codes]


def is_roles(event_type: pd.Series, side1: np.ndarray, side2: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return IS's role per row (codes into the ``is_role`` enum, -1 = no IS actor) and the masks of 'perpetrator',
    'target' and 'two_sided' rows, from the event type and whether side 1 (actor1, assoc_actor_1) and side 2
    (actor2, assoc_actor_2) name an IS actor: Battles (2015: "Battle-...") -> two-sided fighting whatever the order;
    any other event type: IS on side 1 -> perpetrator, else IS on side 2 -> target (data/README.md "Deriving
    is_role": outside Battles ACLED names first the actor who carried out the event)."""
    roles = enum("is_role")
    battle = on_categories(event_type, lambda v: v.strip().lower().startswith("battle"))
    involved = side1 | side2
    two = involved & battle
    perp = side1 & ~battle
    target = side2 & ~side1 & ~battle
    codes = np.select([perp, target, two], [roles.code(r) for r in ("perpetrator", "target", "two_sided")], -1)
    return codes, perp, target, two


def acled_iso3(table: pa.Table) -> tuple[pd.Series, np.ndarray]:
    """Return the ISO3 code of each row and the mask of rows whose country could not be placed: the ``iso3`` column
    when present, else ISO numeric ``iso``, else the country name (each falling back to the name)."""
    by_name, name_unmapped = iso3_from_names(category(table, "country"))
    if "iso3" in table.column_names:  # each distinct value once
        cat = category(table, "iso3")
        values = pd.Series(cat.cat.categories.astype(str)).str.strip().str.upper()
        ok = values.str.fullmatch(r"[A-Z]{3}").to_numpy(dtype=bool)
        lut = [v if good else None for v, good in zip(values, ok, strict=True)]
        codes = cat.cat.codes.to_numpy()
        iso3 = str_from_codes(np.where(codes < 0, len(lut), codes), lut + [None])
        bad = iso3.isna().to_numpy()
        return iso3.where(~bad, by_name), bad & name_unmapped
    if "iso" in table.column_names:
        iso_cat = category(table, "iso")
        lut = []
        for v in iso_cat.cat.categories:
            try:
                lut.append(iso_numeric().get(int(float(v))))
            except (TypeError, ValueError):
                lut.append(None)
        codes = iso_cat.cat.codes.to_numpy()
        iso3 = str_from_codes(np.where(codes < 0, len(lut), codes), lut + [None])
        missing = iso3.isna().to_numpy()
        return iso3.where(~missing, by_name), missing & name_unmapped
    return by_name, name_unmapped
