"""The catalogue as data: frozen dataclasses that every pipeline stage shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class Card:
    """One question file, as written; ``validate`` decides whether it is well-formed."""

    path: Path  # relative to the repository root, for messages and the Source field
    front: Mapping[str, Any]  # the YAML front matter as parsed
    key_lines: Mapping[str, int]  # 1-based line of each front-matter key
    body: str
    body_line: int  # 1-based line where the body starts
    end_line: int  # line of the closing ``---`` (where missing keys are reported)

    @property
    def id(self) -> str:
        return _text(self.front.get("id"))

    @property
    def question(self) -> str:
        return _text(self.front.get("question"))

    @property
    def difficulty(self) -> str:
        return _text(self.front.get("difficulty"))

    @property
    def summary(self) -> str:
        return _text(self.front.get("summary"))

    @property
    def tags(self) -> tuple[str, ...]:
        tags = self.front.get("tags") or ()
        return tuple(str(t) for t in tags) if isinstance(tags, list) else ()

    @property
    def retired(self) -> bool:
        return self.front.get("retired") is True

    @property
    def answered(self) -> bool:
        return bool(self.body.strip())

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.end_line)


@dataclass(frozen=True)
class Section:
    folder: str
    title: str
    line: int  # line of this section in catalogue.yaml
    cards: tuple[Card, ...] = ()

    @property
    def tag(self) -> str:
        return tag_name(self.title)


@dataclass(frozen=True)
class Catalogue:
    """One folder of ``cards/``: one deck, one category."""

    slug: str  # the folder name, also the .apkg name
    path: Path  # catalogue.yaml, relative to the repository root
    front: Mapping[str, Any]
    key_lines: Mapping[str, int]
    sections: tuple[Section, ...] = ()
    stray_folders: tuple[str, ...] = ()  # folders not listed in catalogue.yaml

    @property
    def title(self) -> str:
        return _text(self.front.get("title"))

    @property
    def description(self) -> str:
        return _text(self.front.get("description"))

    @property
    def deck(self) -> str:
        return _text(self.front.get("deck")) or self.title

    @property
    def deck_id(self) -> int:
        value = self.front.get("deck_id")
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    @property
    def tag(self) -> str:
        return tag_name(self.title)

    @property
    def cards(self) -> tuple[Card, ...]:
        return tuple(card for section in self.sections for card in section.cards)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def tag_name(title: str) -> str:
    """``Generalization & Regularization`` -> ``Generalization_and_Regularization``."""
    words = title.replace("&", " and ").split()
    return "_".join("".join(ch for ch in w if ch.isalnum() or ch in "-_") for w in words)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
