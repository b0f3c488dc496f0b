"""Safe file names for report folders: nothing from the plan reaches the file system unsanitised."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_UNSAFE = re.compile(r"[^a-z0-9]+")
# Names that Windows refuses as file names, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}


def slugify(text: object, *, max_length: int = 64) -> str:
    """Return a lower-case ASCII slug of ``text`` made of ``[a-z0-9]`` runs joined by single hyphens.

    Path separators, dots, spaces and every other character become hyphens, so ``"../../x"`` gives ``"x"`` and
    ``"Syria / Iraq 2014"`` gives ``"syria-iraq-2014"``. Accents are folded (``"Çeçenistan"`` -> ``"cecenistan"``).
    When characters had to be dropped entirely (a name in Arabic or Cyrillic) or the result would be empty or a
    reserved device name, a short hash of the original text is appended so that different names stay different.
    """
    original = str(text)
    folded = unicodedata.normalize("NFKD", original).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE.sub("-", folded.lower()).strip("-")
    if not slug or not _only_marks_lost(original) or slug in _RESERVED:
        digest = hashlib.sha256(original.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug}-{digest}" if slug else f"x-{digest}"
    if len(slug) > max_length:
        digest = hashlib.sha256(original.encode("utf-8")).hexdigest()[:8]
        slug = f"{slug[: max_length - 9].rstrip('-')}-{digest}"
    return slug


def _only_marks_lost(text: str) -> bool:
    """True when folding ``text`` to ASCII dropped only combining marks (accents), not whole letters."""
    for char in unicodedata.normalize("NFKD", text):
        if ord(char) < 128 or unicodedata.combining(char):
            continue
        if unicodedata.category(char).startswith(("L", "N")):
            return False
    return True
