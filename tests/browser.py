"""Headless Chromium (Debian's ``chromium``) driven by Playwright, and the checks a person
would make by looking at a card: nothing scrolls sideways, text is readable, images load."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
THEMES = ("light", "night")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-extensions"]

AUDIT_JS = r"""
() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    problems.push(`page scrolls sideways: ${root.scrollWidth}px wide in a ${window.innerWidth}px viewport`);
  }
  const rgba = (s) => {
    const m = s.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el) || el.closest('style,script')) continue;
    seen.add(el);
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const inCode = !!el.closest('.highlight');
    const need = inCode ? 3 : 4.5;
    const ratio = contrast(rgba(style.color), background(el));
    if (ratio < need) {
      problems.push(`contrast ${ratio.toFixed(2)} < ${need} for "${node.textContent.trim().slice(0, 40)}" (${style.color} on rgb(${background(el).slice(0, 3)}))`);
    }
  }
  for (const img of document.images) {
    if (!img.complete || img.naturalWidth === 0) problems.push(`image not loaded: ${img.getAttribute('src')}`);
    const box = img.getBoundingClientRect();
    if (box.right > window.innerWidth + 1) problems.push(`image wider than the viewport: ${img.getAttribute('src')}`);
  }
  return problems;
}
"""


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
