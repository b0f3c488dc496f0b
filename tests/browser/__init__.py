"""Real-browser tests (headless Chromium via Playwright); see README.md here. A package, so that its conftest
and helpers do not shadow tests/conftest.py, which other test modules import as ``conftest``."""
