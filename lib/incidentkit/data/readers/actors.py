"""Is an actor name the Islamic State, and which branch? The alias table first, then documented patterns.

Every reader asks this module about the actor names of its export (GTD ``gname``/``gname2``/``gname3`` and
``corp1``-``corp3``, ACLED ``actor1``/``actor2`` and the ``;``-separated ``assoc_actor_1``/``assoc_actor_2``, UCDP
``side_a``/``side_b``), once per distinct (name, country). The rules, in order (docs/readers.md "IS actors"):

1. **Alias**: the name is a row of ``data/branch_aliases.csv`` for the dataset, exactly or after
   :func:`~incidentkit.data.readers.names.fold` (case, diacritics, punctuation: "ISLAMIC STATE (SYRIA)"); a row for
   the row's country wins over ``*``.
2. **Composite**: ACLED's "A and/or B" (it could not tell which group acted). When a part is IS by rule 1 or 3 the
   name is IS, its branch that part's, with attribution 'suspected' (flag ``composite_actor``).
3. **Pattern**: the name holds an IS term (:data:`IS_TERMS`: "Islamic State", ISIS, ISIL, Daesh, Wilayat, "IS:",
   ISWAP, ISGS, ISKP, ...) and none of the exclusions (:data:`NOT_IS`: a force opposing IS such as "Global Coalition
   Against Daesh", "Islamic State of <another country>", people linked to IS rather than IS acting). The branch is
   the one the name says (a region or province word, :data:`REGION_BRANCHES`, then a country it names), else the
   one of the row's country; a country is read through the country rows of UCDP's ``IS`` alias in
   ``data/branch_aliases.csv`` (the table's per-country rule), ``*`` giving ``is-unspecified``.

Names matched by rules 2 and 3, and names holding an IS term that were not taken (with the reason), are listed with
their row counts in ``read_report["actors"]`` (``pattern`` and ``not_taken``). Every rule works on the names alone
(and the row's country), so it can be applied to the raw actor columns before any conversion; :data:`PREFILTER`
is a regular expression that every name these rules can take matches (case-insensitively): rows none of whose actor
columns match it are not IS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ...paths import data_dir
from ..countries import iso3_for_name
from ..reference import WILDCARD, branch_aliases
from ..tables import table_path
from .names import actor_key, fold
from .values import distinct_pairs

#: IS terms (on the folded name, as whole words). A name holding none of them is IS only through the alias table.
IS_TERMS = re.compile(
    r"\b(islamic state|isis|isil|daesh|daish|da ish|dawla|dawlat|wilayat|wilayah|iswap|isgs|iscap|iskp|isk|is k)\b"
)
#: The bare abbreviation "IS" as the whole name or its head ("IS", "IS: Islamic State", "IS - Sinai"), on the raw
#: name (upper case only: "is-Sunnah" in a Boko Haram name is not one).
IS_HEAD = re.compile(r"^\s*IS\s*(?:$|[:(\-\u2013])")
#: Case-insensitive regular expression matched by every name the rules can take (the IS terms, "IS" as a head, and
#: the alias table's names are checked against it by a test): for selecting candidate rows on raw columns.
PREFILTER = (
    r"(?i)islamic\W+state|\bisis\b|\bisil\b|da.?e?sh|da.?ish|\bdawla|wilaya|\biswap\b|\bisgs\b|\biscap\b|\biskp?\b"
    r"|\bis\W+k\b|^\s*is\s*(?:$|[:(\-\u2013])"
)
#: Exclusions: a name holding an IS term but matching one of these is not IS (reported as not taken, with why).
NOT_IS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(against|anti|counter|coalition|versus|vs|opposing)\b"), "names a force opposing IS"),
    (re.compile(r"\bislamic state of (?!iraq\b|the levant\b|syria\b|al sham\b|sham\b)"),
     "'Islamic State of <country>' names another state (e.g. the Islamic State of Afghanistan, 1992-2001), not IS"),
    (re.compile(r"\b(former|ex|defectors?|deserters?|famil(y|ies)|wives|children|relatives|victims)\b"),
     "names people linked to IS, not IS acting"),
)
#: Region and province words (folded) a name may hold, and the branch each names; the first found wins, so a
#: faction's narrower region ("West Africa - Greater Sahara Faction") comes before the wider one. The core's own
#: names (ISIL, ISIS, "Iraq and the Levant", "al-Sham") name no branch: the row's country gives it.
REGION_BRANCHES: tuple[tuple[str, str], ...] = (
    ("greater sahara", "is-sahel"), ("isgs", "is-sahel"), ("sahel", "is-sahel"), ("sahil", "is-sahel"),
    ("lake chad", "is-west-africa"), ("west africa", "is-west-africa"), ("gharb ifriqiya", "is-west-africa"),
    ("iswap", "is-west-africa"),
    ("central africa", "is-central-africa"), ("wasat ifriqiya", "is-central-africa"), ("iscap", "is-central-africa"),
    ("khorasan", "is-khorasan"), ("khurasan", "is-khorasan"), ("iskp", "is-khorasan"), ("isk", "is-khorasan"),
    ("is k", "is-khorasan"),
    ("caucasus", "is-caucasus"), ("qawqaz", "is-caucasus"), ("kavkaz", "is-caucasus"),
    ("sinai", "is-sinai"), ("east asia", "is-east-asia"), ("sharq asia", "is-east-asia"), ("hind", "is-hind"),
    ("tripoli", "is-libya"), ("tarabulus", "is-libya"), ("barqa", "is-libya"), ("fezzan", "is-libya"),
)  # fmt: skip
_REGIONS = [(re.compile(rf"\b{re.escape(w)}\b"), b) for w, b in REGION_BRANCHES]
_COMPOSITE = re.compile(r"\s+and\s*/\s*or\s+", re.IGNORECASE)
_BRACKETS = re.compile(r"\(([^)]*)\)")
#: The alias whose per-country rows give the branch of a country (UCDP names every branch "IS").
COUNTRY_RULE = ("ucdp", "IS")
UNSPECIFIED = "is-unspecified"


@dataclass(frozen=True)
class ActorMatch:
    """What the rules say of one actor name: ``how`` is 'alias', 'composite', 'pattern', 'not_taken' or 'none'."""

    how: str
    branch: str | None = None
    rule: str = ""
    name: str = ""  #: the IS name itself (for a composite: its IS part)

    @property
    def is_is(self) -> bool:
        return self.branch is not None

    @property
    def composite(self) -> bool:
        return self.how == "composite"


NONE = ActorMatch("none")


@dataclass
class ActorRules:
    """The alias rows of one dataset, the country rule, and a memo of names already decided."""

    dataset: str
    exact: dict[tuple[str, str], str] = field(default_factory=dict)
    folded: dict[tuple[str, str], str] = field(default_factory=dict)
    country: dict[str, str] = field(default_factory=dict)
    memo: dict[tuple[str, str], ActorMatch] = field(default_factory=dict)

    def alias(self, name: str, iso3: str) -> str | None:
        key = actor_key(name)
        for table, n in ((self.exact, name), (self.folded, key)):
            hit = table.get((n, iso3)) or table.get((n, WILDCARD))
            if hit:
                return hit
        return None

    def country_branch(self, iso3: str | None) -> tuple[str, str]:
        if iso3 and iso3 in self.country:
            return self.country[iso3], f"the row's country ({iso3})"
        return self.country.get(WILDCARD, UNSPECIFIED), "no branch for the row's country: branch not named"

    def classify(self, name: str, iso3: str) -> ActorMatch:
        """Return the :class:`ActorMatch` of one name in one country (memoised)."""
        key = (name, iso3)
        if key not in self.memo:
            self.memo[key] = self._classify(name.strip(), iso3)
        return self.memo[key]

    def _classify(self, name: str, iso3: str) -> ActorMatch:
        if not name:
            return NONE
        if not _COMPOSITE.search(name):
            return self.single(name, iso3)
        whole = self.alias(name, iso3)
        if whole:  # a composite listed whole in the alias table is still a composite
            return ActorMatch("composite", whole, "composite ('A and/or B') listed whole in data/branch_aliases.csv",
                              name)
        parts = [p.strip() for p in _COMPOSITE.split(name) if p.strip()]
        found = [(p, self.single(p, iso3)) for p in parts]
        for part, m in found:
            if m.is_is:
                return ActorMatch("composite", m.branch, f"composite ('A and/or B'): {part!r} is IS by {m.how}"
                                  + (f" ({m.rule})" if m.how == "pattern" else ""), part)
        for part, m in found:
            if m.how == "not_taken":
                return ActorMatch("not_taken", None, f"composite: {part!r} {m.rule}", part)
        return NONE

    def single(self, name: str, iso3: str) -> ActorMatch:
        """Rules 1 and 3 on one name (no composite split)."""
        branch = self.alias(name, iso3)
        if branch:
            return ActorMatch("alias", branch, "data/branch_aliases.csv", name)
        folded = fold(name)
        term = IS_TERMS.search(folded)
        head = IS_HEAD.match(name)
        if not term and not head:
            return NONE
        for rx, why in NOT_IS:
            if rx.search(folded):
                return ActorMatch("not_taken", None, why, name)
        said = (term.group(1) if term else "IS") + " in the name"
        for rx, b in _REGIONS:
            found = rx.search(folded)
            if found:
                return ActorMatch("pattern", b, f"{said}; branch from {found.group(0)!r} in the name", name)
        named = _country_named(name)
        if named:
            b, _ = self.country_branch(named)
            return ActorMatch("pattern", b, f"{said}; branch from the country it names ({named})", name)
        b, why = self.country_branch(iso3)
        return ActorMatch("pattern", b, f"{said}; branch from {why}", name)


def _country_named(name: str) -> str | None:
    """Return the ISO3 code of a country a name holds in brackets or as one to three of its words, else None."""
    for inner in _BRACKETS.findall(name):
        code = iso3_for_name(inner.strip())
        if code:
            return code
    words = re.findall(r"[^\W\d_][^\W\d_'\-]*", name)
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            code = iso3_for_name(" ".join(words[i : i + size]))
            if code:
                return code
    return None


def _stamp(folder: Path) -> int:
    try:
        return table_path("branch_aliases", folder).stat().st_mtime_ns
    except (OSError, KeyError):
        return 0


@lru_cache(maxsize=16)
def _rules(dataset: str, folder: str, stamp: int) -> ActorRules:
    table = branch_aliases(Path(folder))
    rules = ActorRules(dataset)
    for r in table.itertuples():
        if r.dataset == dataset:
            rules.exact[(r.alias, r.iso3)] = r.branch_id
            rules.folded.setdefault((actor_key(r.alias), r.iso3), r.branch_id)
        if (r.dataset, r.alias) == COUNTRY_RULE:
            rules.country[r.iso3] = r.branch_id
    return rules


def actor_rules(dataset: str, folder: Path | None = None) -> ActorRules:
    """Return the actor rules of ``dataset`` (rebuilt when ``data/branch_aliases.csv`` changes)."""
    folder = folder or data_dir()
    return _rules(dataset, str(folder), _stamp(folder))


@dataclass
class ActorLog:
    """Names matched by composite or pattern rules, and IS-looking names not taken, with the rows naming each
    (positions in the table read, so that the counts can be taken over the rows finally kept; IS rows are few, so
    positions cost little even on an export of millions of rows)."""

    n: int
    entries: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    positions: dict[tuple[str, str, str], np.ndarray] = field(default_factory=dict)

    def note(self, match: ActorMatch, full_name: str, column: str, rows: np.ndarray) -> None:
        """Record that the rows at positions ``rows`` name ``full_name`` in ``column`` (alias hits are not noted)."""
        if match.how not in ("composite", "pattern", "not_taken"):
            return
        kind = "not_taken" if match.how == "not_taken" else "pattern"
        entry = self.entries.setdefault((kind, full_name), {"name": full_name, "match": match.how,
                                                            "rule": match.rule, "columns": []})
        if column not in entry["columns"]:  # type: ignore[operator]
            entry["columns"].append(column)  # type: ignore[union-attr]
        key = (kind, full_name, match.branch or "")
        prev = self.positions.get(key)
        self.positions[key] = rows if prev is None else np.union1d(prev, rows)  # type: ignore[arg-type]

    def finish(self, kept: np.ndarray) -> dict[str, list[dict[str, object]]]:
        """Return ``{"pattern": [...], "not_taken": [...]}`` over the kept rows (``kept``: boolean mask), each entry
        ``{"name", "match", "rule", "columns", "rows"}`` plus ``branches`` (branch -> rows) for taken names; sorted by
        rows, then name. Names whose rows were all rejected are left out."""
        out: dict[str, list[dict[str, object]]] = {"pattern": [], "not_taken": []}
        total: dict[tuple[str, str], np.ndarray] = {}
        for (kind, name, branch), positions in self.positions.items():
            pos = np.asarray(positions, dtype=np.int64)
            pos = pos[np.asarray(kept, dtype=bool)[pos]]
            entry = self.entries[(kind, name)]
            total[(kind, name)] = pos if (kind, name) not in total else np.union1d(total[(kind, name)], pos)
            if kind == "pattern" and len(pos):
                entry.setdefault("branches", {})[branch] = len(pos)  # type: ignore[index]
        for (kind, name), pos in total.items():
            if len(pos):
                out[kind].append(dict(self.entries[(kind, name)], rows=len(pos)))
        for kind in out:
            out[kind].sort(key=lambda e: (-int(e["rows"]), str(e["name"])))  # type: ignore[arg-type]
        return out


def match_column(
    rules: ActorRules, log: ActorLog, column: str, names: pd.Series, iso3: pd.Series, *, split: str | None = None
) -> tuple[np.ndarray, list[ActorMatch], list[str | None]]:
    """Apply the rules to one actor column, once per distinct (value, country) pair.

    Returns each row's index into the list of matches (-1: a blank value), that list, and for each match the name
    it was found in (the value itself, or with ``split`` the part of it: ACLED's associated actors hold several
    names separated by ``;``, of which the first IS name counts, else the first not taken). Composite and pattern
    matches and names not taken are noted in ``log``."""
    pairs, codes = distinct_pairs(names, iso3)
    labels: list[ActorMatch] = []
    found_in: list[str | None] = []
    for value, country in zip(pairs["a"], pairs["b"], strict=True):
        if not isinstance(value, str):
            labels.append(NONE)
            found_in.append(None)
            continue
        parts = [p.strip() for p in value.split(split)] if split else [value.strip()]
        found = [(p, rules.classify(p, str(country))) for p in parts if p]
        best = next(((p, m) for p, m in found if m.is_is), None)
        best = best or next(((p, m) for p, m in found if m.how == "not_taken"), (value.strip(), NONE))
        labels.append(best[1])
        found_in.append(best[0])
    codes = np.asarray(codes, dtype=np.int64)
    groups: dict[tuple[ActorMatch, str], list[int]] = {}
    for k, m in enumerate(labels):
        if m.how in ("composite", "pattern", "not_taken"):
            groups.setdefault((m, str(found_in[k])), []).append(k)
    for (m, full), ks in groups.items():
        log.note(m, full, column, np.flatnonzero(np.isin(codes, ks)))
    return codes, labels, found_in


def row_branches(codes: np.ndarray, labels: list[ActorMatch]) -> tuple[np.ndarray, np.ndarray]:
    """Return, per row of :func:`match_column`'s result, the IS branch (object array, None when not IS) and whether
    the name is a composite ("A and/or B": attribution 'suspected')."""
    branch = np.array([m.branch for m in labels] + [None], dtype=object)
    composite = np.array([m.composite for m in labels] + [False], dtype=bool)
    idx = np.where(codes < 0, len(labels), codes)
    return branch[idx], composite[idx]
