"""Helpers for the real-browser tests: Debian's Chromium driven by Playwright, offline pages, what a page shows.

The fixtures in ``tests/browser/conftest.py`` wrap these; tests import the plain helpers directly (JupyterLab's
are in ``labkit.py``)::

    from .browserkit import broken_images, horizontal_overflow, open_file

Nothing here downloads a browser: Playwright launches the Chromium the system provides (Debian's ``chromium``
package; ``.ci/install-chromium`` installs it). Every page is offline: a route on its browser context aborts any
request that is not ``file:``, ``data:``, ``blob:`` or to this machine (127.0.0.1, localhost, [::1]) and records it.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]

#: Screenshots and other files a person reviews after a test run (git-ignored); ``INCIDENTKIT_TEST_OUTPUT`` moves it.
TEST_OUTPUT = Path(os.environ.get("INCIDENTKIT_TEST_OUTPUT", "") or REPO / "test-output").resolve()
SCREENSHOTS = TEST_OUTPUT / "screenshots"

#: The two widths every page is looked at: a laptop and a phone (CSS pixels; the phone is an iPhone 12-15's width).
VIEWPORTS: dict[str, dict[str, int]] = {
    "desktop": {"width": 1400, "height": 900},
    "phone": {"width": 390, "height": 844},
}

#: Flags added to the ones Playwright always passes. Playwright already sets --headless, --no-sandbox (its
#: ``chromium_sandbox`` defaults to False; needed as root), --no-first-run, --disable-background-networking,
#: --disable-component-update, --disable-sync, --disable-extensions, --disable-dev-shm-usage and a fresh temporary
#: --user-data-dir that it deletes on close (passing our own --user-data-dir is an error in Playwright).
#: The resolver rule is a second fence behind the request routes: no host name but localhost resolves, so nothing
#: the routes do not see (a WebSocket, a browser-internal fetch) can reach the network either.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--disable-gpu",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)

#: Where to look for a Chromium, in order (``INCIDENTKIT_CHROMIUM`` first when set).
CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/lib/chromium/chromium")

#: Reports of the default plan (reports/plan.yaml) that the ``report_site`` fixture renders: one trends page and
#: one theatre brief (~6 s on 2 cores); ``report_site_all`` renders them all.
SITE_REPORTS: tuple[str, ...] = ("trends-russia", "brief-north-caucasus-2024")

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
LOCAL_SCHEMES = frozenset({"file", "data", "blob", "about"})


def in_ci() -> bool:
    """True when the environment says this is CI (``CI=true``, as GitHub Actions, GitLab and ``.ci/run`` set it)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def find_chromium() -> str | None:
    """The Chromium executable to drive: ``$INCIDENTKIT_CHROMIUM``, ``chromium`` on PATH, or Debian's paths."""
    wanted = os.environ.get("INCIDENTKIT_CHROMIUM", "").strip()
    if wanted:
        return wanted if os.access(wanted, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in CHROMIUM_PATHS if os.access(p, os.X_OK)), None)


def file_url(path: Path | str) -> str:
    """The ``file://`` URL of a local file."""
    return Path(path).resolve().as_uri()


def is_local(url: str) -> bool:
    """True for URLs a test page may load: local files and inline data, and servers on this machine."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and (parts.hostname or "") in LOCAL_HOSTS


# --- what a page asked for and what it printed ---------------------------------------------------------------


@dataclass(frozen=True)
class BlockedRequest:
    """A request the page made that was aborted because it left this machine."""

    url: str
    resource_type: str  # "script", "stylesheet", "image", "font", "fetch", "document", ...
    page_url: str  # the page (frame) that asked

    def __str__(self) -> str:
        return f"{self.resource_type} {self.url} (asked by {self.page_url})"


@dataclass
class NetworkLog:
    """Every request a browser context aborted, in order; ``not log`` means the page asked for nothing outside."""

    blocked: list[BlockedRequest] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.blocked)

    def __len__(self) -> int:
        return len(self.blocked)

    def urls(self) -> list[str]:
        """The blocked URLs, in the order asked, each once."""
        return list(dict.fromkeys(r.url for r in self.blocked))

    def hosts(self) -> list[str]:
        """The hosts the page tried to reach, each once."""
        return list(dict.fromkeys(urlsplit(r.url).hostname or r.url for r in self.blocked))

    def describe(self) -> str:
        return "\n".join(str(r) for r in self.blocked) or "(no request left this machine)"


def block_network(context: Any) -> NetworkLog:
    """Abort every request of a Playwright browser context that would leave this machine; return the record."""
    log = NetworkLog()

    def handle(route: Any) -> None:
        request = route.request
        if is_local(request.url):
            route.fallback()
            return
        frame = request.frame if request.resource_type != "document" else None
        log.blocked.append(BlockedRequest(request.url, request.resource_type, frame.url if frame else ""))
        route.abort("blockedbyclient")

    context.route("**/*", handle)
    return log


@dataclass(frozen=True)
class ConsoleEntry:
    """A console message (``kind`` "error", "warning", ...) or an uncaught exception (``kind`` "pageerror")."""

    kind: str
    text: str
    url: str  # the script or resource the message is about, when the browser says

    def __str__(self) -> str:
        return f"[{self.kind}] {self.text}" + (f" ({self.url})" if self.url else "")


@dataclass
class ConsoleLog:
    """Console messages and uncaught exceptions of every page of a context."""

    entries: list[ConsoleEntry] = field(default_factory=list)

    def errors(self, network: NetworkLog | None = None) -> list[ConsoleEntry]:
        """Console errors and uncaught exceptions; with ``network``, without the load failures of blocked URLs.

        Chromium logs "Failed to load resource: net::ERR_BLOCKED_BY_CLIENT" for every request the routes abort:
        those are what ``network`` already records, not errors of the page's own code.
        """
        blocked = set(network.urls()) if network is not None else set()
        return [
            e
            for e in self.entries
            if e.kind in {"error", "pageerror"}
            and not (e.url in blocked and "ERR_BLOCKED_BY_CLIENT" in e.text)
        ]


def watch_console(page: Any, log: ConsoleLog) -> None:
    """Record a page's console messages and uncaught exceptions into ``log``."""

    def on_console(msg: Any) -> None:
        location = msg.location or {}
        log.entries.append(ConsoleEntry(msg.type, msg.text, location.get("url", "")))

    def on_error(exc: Any) -> None:
        log.entries.append(ConsoleEntry("pageerror", str(exc), ""))

    page.on("console", on_console)
    page.on("pageerror", on_error)


# --- looking at pages ----------------------------------------------------------------------------------------


def open_file(page: Any, path: Path | str, *, timeout: float = 30_000) -> Any:
    """Open a local file (a report page, the index) from its ``file://`` URL and wait for its ``load`` event."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no page to open at {path}")
    return page.goto(file_url(path), wait_until="load", timeout=timeout)


def slug(text: str) -> str:
    """A file-name-safe form of a test name or label."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "page"


def screenshot(
    page: Any,
    name: str,
    *,
    viewports: tuple[str, ...] = ("desktop", "phone"),
    full_page: bool = True,
    folder: Path | None = None,
) -> list[Path]:
    """Save a PNG of the page at each viewport width, as ``<folder>/<name>--<viewport>-<width>.png``.

    The viewport is resized in place (the page reflows) and restored afterwards. Returns the files written.
    """
    folder = folder or SCREENSHOTS
    folder.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    written = []
    try:
        for key in viewports:
            size = VIEWPORTS[key]
            page.set_viewport_size(size)
            page.wait_for_timeout(150)  # let layout and resize observers settle
            target = folder / f"{slug(name)}--{key}-{size['width']}.png"
            page.screenshot(path=str(target), full_page=full_page, animations="disabled")
            written.append(target)
    finally:
        if before:
            page.set_viewport_size(before)
    return written


_OVERFLOW_JS = """
([selector, scrollInBox]) => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const cls = (el.getAttribute('class') || '').trim().split(/\\s+/).filter(Boolean).slice(0, 3);
    if (cls.length) s += '.' + cls.join('.');
    const alt = el.getAttribute('alt') || el.getAttribute('src') || '';
    return alt ? s + ' [' + alt.slice(0, 80) + ']' : s;
  };
  // The nearest ancestor that scrolls sideways (overflow-x auto or scroll): what it holds is seen through it.
  const scroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') return a;
    }
    return null;
  };
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 && r.height === 0) continue;           // not rendered
    if (style.visibility === 'hidden') continue;
    const reasons = [];
    const box = scrollInBox ? scroller(el) : null;          // a wide table scrolls in its box, not the page
    const edges = box ? box.getBoundingClientRect() : r;
    const what = box ? `its scrolling box (${describe(box)})` : 'right edge';
    if (edges.right > vw + 0.5) reasons.push(`${what} at ${Math.round(edges.right)} px > viewport ${vw} px`);
    if (edges.left < -0.5) reasons.push(`left edge at ${Math.round(edges.left)} px < 0`);
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0)
      reasons.push(`content ${el.scrollWidth} px wide in a box ${el.clientWidth} px wide`);
    if (reasons.length) out.push({
      element: describe(el), tag: el.tagName.toLowerCase(), left: r.left, right: r.right, width: r.width,
      scroll_width: el.scrollWidth, client_width: el.clientWidth, viewport_width: vw, reasons,
    });
  }
  return out;
}
"""

#: What ``horizontal_overflow`` checks by default: the things that break a narrow page.
OVERFLOW_SELECTOR = "table, figure, img, pre, svg"


def horizontal_overflow(
    page: Any, selector: str = OVERFLOW_SELECTOR, *, scroll_in_box: bool = False
) -> list[dict[str, Any]]:
    """Every element matching ``selector`` that overflows horizontally, at the page's current viewport.

    An element overflows when its box reaches past the viewport's right (or left) edge, or when its content is
    wider than its box (``scrollWidth > clientWidth``: a table or ``pre`` that the reader must scroll sideways, or
    text spilling out of a fixed-width table). With ``scroll_in_box=True`` an element inside a box that scrolls
    sideways (``overflow-x: auto``, the report pages' tables on a phone) is checked by that box's edges instead:
    it scrolls inside its box, the page does not. Each result names the element and says why (``reasons``); an
    empty list means nothing overflows.
    """
    return page.evaluate(_OVERFLOW_JS, [selector, scroll_in_box])


def document_overflow(page: Any) -> int:
    """How many CSS pixels the whole page is wider than the viewport (0: no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


_IMAGES_JS = """
async () => {
  const images = [...document.images];
  for (const img of images) img.loading = 'eager';           // thumbnails are lazy: load them all now
  await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener('load', done, {once: true});
    img.addEventListener('error', done, {once: true});
    setTimeout(done, 10000);
  })));
  return images.filter((img) => !(img.complete && img.naturalWidth > 0))
               .map((img) => (img.getAttribute('src') || '').slice(0, 200));
}
"""


def broken_images(page: Any) -> list[str]:
    """The ``src`` of every image on the page that does not load (lazy ones are loaded first); empty when all do."""
    return page.evaluate(_IMAGES_JS)
