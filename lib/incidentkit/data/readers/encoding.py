"""Text encodings of the exports: Windows-1252 with its five undefined bytes, and pyarrow's invalid-row handler.

GTD's CSV is Windows-1252, but a few values hold bytes that code page leaves undefined (0x81, 0x8D, 0x8F, 0x90,
0x9D). Such a value is decoded as cp1252 except those bytes, which are read as Latin-1 (their own code points,
U+0081 ...): the error handler :data:`UNDEFINED_AS_LATIN1` does that, and the codec :data:`CP1252_LENIENT` is cp1252
with that handler (for pyarrow's transcoding, which cannot be given an error handler). Readers flag such rows.

pyarrow decodes the text of an invalid row as UTF-8 before calling the handler; for a cp1252 row that fails, and
pyarrow prints the error as "Exception ignored ..." on stderr (then the read fails, and the caller falls back to a
transcoding read). :func:`quiet_handler_decoding` keeps those messages, and only those, off stderr.

Process-wide registrations (explicit, done once at import): the error handler and the codec names below, and, only
while a read is running, an ``sys.unraisablehook`` that drops the decoding errors of the handlers it was given and
passes every other unraisable exception to the hook that was there before.
"""

from __future__ import annotations

import codecs
import encodings.cp1252 as _cp1252
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Name of the codecs error handler: bytes a code page does not define are read as Latin-1 (their own code points).
UNDEFINED_AS_LATIN1 = "incidentkit-undefined-as-latin1"
#: Name of the cp1252 codec that uses :data:`UNDEFINED_AS_LATIN1` (decoding) and writes U+0080-U+009F as one byte
#: (encoding), so that text read with it encodes back to the file's bytes.
CP1252_LENIENT = "incidentkit-cp1252-lenient"
#: Bytes Windows-1252 does not define.
CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"
#: The code points those bytes are read as (regex character class for pyarrow.compute).
CP1252_UNDEFINED_PATTERN = "[\u0081\u008d\u008f\u0090\u009d]"


def _undefined_as_latin1(exc: UnicodeError) -> tuple[str | bytes, int]:
    if isinstance(exc, UnicodeDecodeError):
        return exc.object[exc.start : exc.end].decode("latin-1"), exc.end
    if isinstance(exc, UnicodeEncodeError):
        chunk = exc.object[exc.start : exc.end]
        if all(0x80 <= ord(ch) <= 0x9F for ch in chunk):
            return chunk.encode("latin-1"), exc.end
    raise exc


codecs.register_error(UNDEFINED_AS_LATIN1, _undefined_as_latin1)


class _LenientDecoder(_cp1252.IncrementalDecoder):
    def __init__(self, errors: str = UNDEFINED_AS_LATIN1) -> None:
        super().__init__(UNDEFINED_AS_LATIN1 if errors == "strict" else errors)


class _LenientEncoder(_cp1252.IncrementalEncoder):
    def __init__(self, errors: str = UNDEFINED_AS_LATIN1) -> None:
        super().__init__(UNDEFINED_AS_LATIN1 if errors == "strict" else errors)


def _lenient_decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
    return codecs.charmap_decode(
        data, UNDEFINED_AS_LATIN1 if errors == "strict" else errors, _cp1252.decoding_table
    )


def _lenient_encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    return codecs.charmap_encode(
        text, UNDEFINED_AS_LATIN1 if errors == "strict" else errors, _cp1252.encoding_table
    )


def _search(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-") != CP1252_LENIENT:
        return None
    return codecs.CodecInfo(
        name=CP1252_LENIENT,
        encode=_lenient_encode,
        decode=_lenient_decode,
        incrementalencoder=_LenientEncoder,
        incrementaldecoder=_LenientDecoder,
    )


codecs.register(_search)


def lenient(encoding: str) -> str:
    """Return the codec to read ``encoding`` with: :data:`CP1252_LENIENT` for cp1252, else ``encoding`` itself."""
    return CP1252_LENIENT if codecs.lookup(encoding).name == "cp1252" else encoding


def decode_value(raw: bytes, encoding: str) -> tuple[str, bool]:
    """Return ``raw`` decoded and whether some bytes were undefined in ``encoding`` (those read as Latin-1)."""
    try:
        return raw.decode(encoding), False
    except UnicodeDecodeError:
        return raw.decode(encoding, UNDEFINED_AS_LATIN1), True


_hook_lock = threading.Lock()
_quiet: dict[int, int] = {}  # id(handler) -> how many reads use it
_previous_hook: Callable[[Any], object] | None = None


def _hook(args: Any) -> None:
    if isinstance(args.exc_value, UnicodeDecodeError) and id(args.object) in _quiet:
        return  # pyarrow could not decode an invalid row for our handler: the read fails and is retried
    (_previous_hook or sys.__unraisablehook__)(args)


@contextmanager
def quiet_handler_decoding(*handlers: Callable[[Any], str]) -> Iterator[None]:
    """Keep pyarrow's "Exception ignored ... UnicodeDecodeError" messages for ``handlers`` off stderr while reading.

    Any other unraisable exception still goes to the hook installed before (thread-safe; nested use is fine)."""
    global _previous_hook
    with _hook_lock:
        if not _quiet:
            _previous_hook = sys.unraisablehook
            sys.unraisablehook = _hook
        for h in handlers:
            _quiet[id(h)] = _quiet.get(id(h), 0) + 1
    try:
        yield
    finally:
        with _hook_lock:
            for h in handlers:
                _quiet[id(h)] -= 1
                if not _quiet[id(h)]:
                    del _quiet[id(h)]
            if not _quiet:
                if sys.unraisablehook is _hook:
                    sys.unraisablehook = _previous_hook or sys.__unraisablehook__
                _previous_hook = None
