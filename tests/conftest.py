"""Small catalogues built in tmp_path from dicts, and the real one."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
       '<rect width="40" height="20" fill="#888"/></svg>\n')

ANSWER = """\
### Core idea

Attention computes $\\mathrm{softmax}(QK^\\top/\\sqrt{d_k})V$.

```python
scores = q @ k.T
```
"""


def card_text(front: dict[str, Any], body: str = ANSWER) -> str:
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n" + body


def default_cards() -> dict[str, dict[str, Any]]:
    """Three answered cards in two sections; keys are paths below the catalogue folder."""
    return {
        "01-basics/01-attention.md": {"id": "attention", "question": "What is attention?",
                                      "difficulty": "medium", "summary": "Weighted lookup."},
        "01-basics/02-loss.md": {"id": "loss", "question": "What is a loss?",
                                 "difficulty": "easy", "summary": "What we minimise.",
                                 "tags": ["core"]},
        "02-advanced/01-kv.md": {"id": "kv-cache", "question": "What is a KV cache?",
                                 "difficulty": "hard", "summary": "Cached keys and values."},
    }


class Repo:
    """A repository root in tmp_path: cards/demo/ with its catalogue, media/ and dist/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.catalogue = root / "cards" / "demo"

    def write_catalogue(self, **overrides: Any) -> None:
        data: dict[str, Any] = {
            "title": "Demo Track", "description": "A small test catalogue.", "deck": "Demo",
            "deck_id": 1234567890,
            "sections": [{"folder": "01-basics", "title": "Basics"},
                         {"folder": "02-advanced", "title": "Advanced & Hard"}],
        }
        data.update(overrides)
        self.catalogue.mkdir(parents=True, exist_ok=True)
        (self.catalogue / "catalogue.yaml").write_text(yaml.safe_dump(data, sort_keys=False))

    def write_card(self, rel: str, front: dict[str, Any], body: str = ANSWER) -> Path:
        path = self.catalogue / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(card_text(front, body), encoding="utf-8")
        return path

    def write_raw(self, rel: str, content: str | bytes) -> Path:
        path = self.catalogue / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.catalogue / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    @property
    def apkg(self) -> Path:
        return self.root / "dist" / "demo.apkg"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A valid three-card catalogue with one image."""
    r = Repo(tmp_path)
    r.write_catalogue()
    for rel, front in default_cards().items():
        r.write_card(rel, front)
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "box.svg").write_text(SVG)
    r.edit("02-advanced/01-kv.md", "```python", "![A box](../../../media/box.svg)\n\n```python")
    return r


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[], Repo]:
    return lambda: Repo(tmp_path)


@pytest.fixture
def real_repo(tmp_path: Path) -> Path:
    """A copy of this repository's cards/ and media/, so a build cannot touch the real state."""
    for name in ("cards", "media"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="browser tests also write PNGs of representative cards to DIR")
