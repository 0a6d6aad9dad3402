"""Every card in a real browser, at phone and desktop width, in light and night mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlcards.build import check
from mlcards.preview import write_preview

from .browser import THEMES, VIEWPORTS, audit, chromium, require_mathjax
from .conftest import REPO, Repo

pytestmark = pytest.mark.browser

WIDE_CARD = """\
### Overflow

```python
x = {long}
```

| {head} |
| {rule} |
| {cells} |

![A very wide figure](../../../media/wide.svg)

A long URL https://example.com/{word} and a long word {word}.
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def real_preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("preview")
    write_preview(check(REPO), out, mathjax=require_mathjax())
    return out


def card_pages(preview: Path) -> list[Path]:
    return sorted((preview / "cards").glob("*.html"))


def audit_all(browser: Any, pages: list[Path], shots: Path | None = None,
              shoot: tuple[str, ...] = ()) -> list[str]:
    problems = []
    for viewport, (width, height) in VIEWPORTS.items():
        for theme in THEMES:
            page = browser.new_page(viewport={"width": width, "height": height})
            for path in pages:
                page.goto(path.as_uri())
                problems += [f"{path.name} {viewport} {theme}: {p}" for p in audit(page, theme)]
                if shots and path.name.split(".")[0] in shoot and ".back." in path.name:
                    shots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=shots / f"{path.stem}-{viewport}-{theme}.png",
                                    full_page=True)
            page.close()
    return problems


def test_every_real_card_reads_well_with_its_math_typeset_on_phone_and_desktop_in_both_themes(
        browser: Any, real_preview: Path, request: pytest.FixtureRequest) -> None:
    pages = card_pages(real_preview)
    assert len(pages) == 2 * len(check(REPO).plans[0].notes) > 0
    shots = request.config.getoption("--screenshots")
    problems = audit_all(browser, pages, Path(shots) if shots else None,
                         shoot=("kv-cache", "normalization-layers", "mixed-precision"))
    assert problems == []


@pytest.fixture
def wide(repo: Repo) -> Repo:
    """A card with a 300-character code line, a 12-column table, a wide image, a long word."""
    cols = [f"column {i}" for i in range(12)]
    (repo.root / "media" / "wide.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="300">'
        '<rect width="2000" height="300" fill="#4477aa"/></svg>')
    body = WIDE_CARD.format(long="1 + " * 75, head=" | ".join(cols),
                            rule=" | ".join("---" for _ in cols),
                            cells=" | ".join("cell value" for _ in cols), word="w" * 120)
    repo.write_card("02-advanced/02-wide.md", {"id": "wide", "question": "Wide?",
                                               "difficulty": "hard", "summary": "Wide."}, body)
    return repo


def test_a_card_with_a_long_code_line_a_wide_table_and_a_wide_image_does_not_overflow(
        browser: Any, wide: Repo) -> None:
    out = write_preview(check(wide.root), wide.root / "preview").parent
    assert audit_all(browser, [out / "cards" / "wide.back.html"]) == []


BROKEN = """
.mlc .highlight pre { overflow-x: visible !important; }
.mlc .table-wrap { overflow-x: visible !important; }
.mlc img { max-width: none !important; }
.mlc { overflow-wrap: normal !important; word-wrap: normal !important; }
.card { overflow-wrap: normal !important; word-wrap: normal !important; }
"""


def test_the_checks_catch_a_broken_stylesheet(browser: Any, wide: Repo) -> None:
    out = write_preview(check(wide.root), wide.root / "preview", extra_css=BROKEN).parent
    problems = audit_all(browser, [out / "cards" / "wide.back.html"])
    assert any("page scrolls sideways" in p and "phone" in p for p in problems)
    assert any("image wider than the viewport" in p for p in problems)


def test_the_checks_catch_unreadable_night_colours(browser: Any, wide: Repo) -> None:
    css = ".card.nightMode { --fg: #333333; } .card.nightMode .highlight .n { color: #222; }"
    out = write_preview(check(wide.root), wide.root / "preview", extra_css=css).parent
    problems = audit_all(browser, [out / "cards" / "wide.back.html"])
    assert any("night: contrast" in p for p in problems)
    assert not any("light: contrast" in p for p in problems)


def test_the_preview_index_opens_offline_with_every_card(
        browser: Any, real_preview: Path) -> None:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((real_preview / "index.html").as_uri())
    count = page.evaluate("document.querySelectorAll('.pv-card').length")
    assert count == len(check(REPO).plans[0].notes)
    page.select_option("select", "Loss Functions")
    visible = page.evaluate("[...document.querySelectorAll('.pv-card')]"
                            ".filter(e => e.offsetParent !== null).length")
    assert 0 < visible < count
    page.check("input[type=checkbox]")
    assert page.evaluate("document.querySelector('.card').classList.contains('nightMode')")
    assert all(url.startswith("file://") for url in requests)
    page.close()


def test_the_checks_catch_math_that_does_not_typeset(browser: Any, repo: Repo) -> None:
    repo.edit("01-basics/01-attention.md", "Attention computes", "Broken $x^2^3$ and")
    out = write_preview(check(repo.root), repo.root / "preview", mathjax=require_mathjax())
    problems = audit_all(browser, [out.parent / "cards" / "attention.back.html"])
    assert any("math error" in p for p in problems)


def test_display_math_wider_than_a_phone_scrolls_inside_the_card(browser: Any,
                                                               repo: Repo) -> None:
    wide = " + ".join(f"x_{{{i}}}^2" for i in range(60))
    repo.edit("01-basics/01-attention.md", "### Core idea", f"### Core idea\n\n$$\n{wide}\n$$\n")
    out = write_preview(check(repo.root), repo.root / "preview", mathjax=require_mathjax())
    assert audit_all(browser, [out.parent / "cards" / "attention.back.html"]) == []
