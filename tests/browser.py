"""Headless Chromium (Debian's ``chromium``) driven by Playwright, and the checks a person
would make by looking at a card: nothing scrolls sideways, text is readable, images load."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
THEMES = ("light", "night")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-extensions"]

AUDIT_JS = (Path(__file__).parent / "audit.js").read_text(encoding="utf-8")


def mathjax_path() -> Path | None:
    """MathJax 3, as Anki bundles it: $MLCARDS_MATHJAX or the copy ./scripts/test fetches."""
    configured = os.environ.get("MLCARDS_MATHJAX")
    path = Path(configured) if configured else (
        Path(__file__).resolve().parent.parent / ".cache" / "mathjax" / "tex-svg-full.js")
    return path if path.is_file() else None


def require_mathjax() -> Path:
    path = mathjax_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("MathJax is missing: ./scripts/test fetches it with npm")
        pytest.skip("MathJax is missing (./scripts/test fetches it with npm)")
    return path


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium; skipped where none is installed, except in CI where it must be."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: ./scripts/test installs it as root")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def audit(page: Any, theme: str) -> list[str]:
    """Problems a reader would see on the card now loaded in ``page``, in ``theme``."""
    if theme == "night":
        page.evaluate("document.body.classList.add('nightMode')")
    return list(page.evaluate(AUDIT_JS))
