"""One normalisation for the names of places and actors, so that spellings are compared, never enumerated.

Datasets spell the same unit many ways: "Deir ez Zor Governorate", "Deir ez-Zor", "Deir-ez-Zor", "Dayr az Zawr";
"Dar'a", "Daraa", "Deraa", "Dara"; "Al-Hasakeh", "Al Hasakah governorate"; "Dagestan republic", "Republic of
Dagestan", "Dagestan (Republic)". Every reader compares names after the steps below (docs/readers.md "Names"), and
the alias tables (``data/admin1_aliases.csv``, ``data/branch_aliases.csv``) keep only true synonyms, names no
normalisation can tell apart ("Rural Damascus" for Rif Dimashq).

:func:`fold` (actors and places): Unicode compatibility form, diacritics dropped, case folded, apostrophes and
ayn/hamza marks dropped ("Dar'a" -> "dara"), every other run of punctuation, dashes and spaces one space.

:func:`place_keys` (places only) then gives two keys:

- **full**: the folded name in transliteration-blind form (:func:`skeleton`): the Arabic article as its own word
  dropped (al, el, ad, ar, as, ash, az, ez, ...), digraphs folded (kh -> h, gh -> g, dh -> d, th -> t, sh -> s,
  q -> k, c -> k), a final -ah/-eh/-a vowel ending's h dropped, vowels and the semivowels y and w dropped, doubled
  letters single, the words joined: "Deir ez-Zor", "Dayr az Zawr", "Deir Ezzor" -> "drzr"; "Daraa", "Dar'a",
  "Deraa", "Dara" -> "dr";
- **stripped**: the same after dropping words that name the kind of unit (:data:`UNIT_WORDS`: governorate,
  province, oblast, krai, republic, city, wilayat, ...), "of" after such a word, and text in brackets:
  "Deir ez Zor Governorate" and "Republic of Dagestan" lose them. A name whose full key is another unit's name is
  matched on the full key first, so "Moscow Oblast" stays apart from "Moscow" (:mod:`.places`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Marks dropped without a space: apostrophes, ayn and hamza in their usual transliterations.
APOSTROPHES = "'\u2018\u2019\u201b\u0060\u00b4\u02b9\u02bb\u02bc\u02bd\u02be\u02bf\u2032"
#: Words naming the kind of a first-level unit, dropped for the stripped key.
UNIT_WORDS: frozenset[str] = frozenset(
    """governorate governorat province provincia oblast oblast' krai kray republic respublika region city
    federal wilayat wilaya wilayah muhafazat muhafazah mohafazat mohafaza district autonomous okrug""".split()
)
#: The Arabic article, as its own word after folding ("Al-Hasakah" -> "al hasakah"), dropped for both keys.
ARTICLES: frozenset[str] = frozenset("al el ad ed ar er as es ash at az ez an en adh ath".split())
#: Digraphs and letters of transliteration variants folded to one letter, in this order.
_FOLDS: tuple[tuple[str, str], ...] = (("kh", "h"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("sh", "s"),
                                       ("q", "k"), ("c", "k"))  # fmt: skip
_VOWELS = re.compile(r"[aeiouyw]")
_DOUBLES = re.compile(r"(.)\1+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]")
_WORDS = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Return the spelling-blind form of a name: diacritics and apostrophes dropped, case folded, every run of other
    punctuation and spaces one space ("Dar'a" -> "dara", "Deir-ez-Zor" -> "deir ez zor", "ISLAMIC STATE (SYRIA)" ->
    "islamic state syria")."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch) and ch not in APOSTROPHES)
    return " ".join(_WORDS.findall(plain.casefold()))


def skeleton(words: list[str]) -> str:
    """Return the transliteration-blind form of folded words (see the module docstring): "deir ez zor" -> "drzr"."""
    out = []
    for word in words:
        if word in ARTICLES:
            continue
        if len(word) > 3 and word.endswith(("ah", "eh")):
            word = word[:-1]
        for a, b in _FOLDS:
            word = word.replace(a, b)
        rest = _VOWELS.sub("", word)
        out.append(rest or word)
    return _DOUBLES.sub(r"\1", "".join(out))


@lru_cache(maxsize=65536)
def place_keys(name: str) -> tuple[str, str]:
    """Return the (full, stripped) keys of a place name (see the module docstring); empty strings for a blank
    name."""
    words = fold(name).split()
    full = skeleton(words)
    plain = fold(_BRACKETS.sub(" ", name)).split()
    kept: list[str] = []
    for i, word in enumerate(plain):
        if word in UNIT_WORDS:
            continue
        if word == "of" and i > 0 and plain[i - 1] in UNIT_WORDS:
            continue
        kept.append(word)
    stripped = skeleton(kept) if kept else full
    return full, stripped


@lru_cache(maxsize=65536)
def actor_key(name: str) -> str:
    """Return the key actor names are compared by: :func:`fold` ("IS: Islamic State" -> "is islamic state")."""
    return fold(name)
