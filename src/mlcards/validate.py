"""Stage 2: every rule of CARD_FORMAT.md that can be checked on the sources; all problems."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CardError
from .model import DIFFICULTIES, Card, Catalogue

ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CARD_KEYS = ("id", "question", "difficulty", "summary", "tags", "retired")
REQUIRED_CARD_KEYS = ("id", "question", "difficulty", "summary")
CATALOGUE_KEYS = ("title", "description", "deck", "deck_id", "sections")
REQUIRED_CATALOGUE_KEYS = ("title", "deck_id", "sections")
SECTION_KEYS = ("folder", "title")


@dataclass
class Report:
    errors: list[CardError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def validate(catalogues: Sequence[Catalogue], *, strict: bool = False) -> Report:
    """Check every catalogue and card; unanswered questions are warnings unless ``strict``."""
    report = Report()
    for catalogue in catalogues:
        report.errors += _check_catalogue(catalogue)
        for card in catalogue.cards:
            report.errors += _check_card(card)
        report.errors += _duplicate_questions(catalogue.cards)
        _unanswered(catalogue, strict, report)
    report.errors += _duplicate_ids([c for cat in catalogues for c in cat.cards])
    return report


def _check_catalogue(catalogue: Catalogue) -> Iterable[CardError]:
    path = catalogue.path
    if not catalogue.front:
        return  # load already reported why it could not be read
    yield from _keys(path, catalogue.front, catalogue.key_lines, CATALOGUE_KEYS,
                     REQUIRED_CATALOGUE_KEYS, 1)
    if "title" in catalogue.front and not catalogue.title:
        yield CardError(path, catalogue.line_of("title"), "`title` is empty: name the catalogue")
    deck_id = catalogue.front.get("deck_id")
    if "deck_id" in catalogue.front and catalogue.deck_id <= 0:
        yield CardError(path, catalogue.line_of("deck_id"),
                        f"`deck_id` must be a positive whole number, not {deck_id!r}: "
                        "pick one once and never change it")
    if "sections" in catalogue.front and not isinstance(catalogue.front["sections"], list):
        yield CardError(path, catalogue.line_of("sections"),
                        "`sections` must be a list of `- folder: …` / `title: …` entries")
    seen: dict[str, int] = {}
    for section in catalogue.sections:
        raw = next((s for s in catalogue.front.get("sections") or []
                    if isinstance(s, dict) and str(s.get("folder", "")) == section.folder), {})
        for key in raw:
            if key not in SECTION_KEYS:
                yield CardError(path, section.line, f"unknown section key `{key}`"
                                f"{_did_you_mean(str(key), SECTION_KEYS)}")
        if not section.folder or not section.title:
            yield CardError(path, section.line, "each section needs `folder:` and `title:`")
            continue
        if section.folder in seen:
            yield CardError(path, section.line, f"section folder `{section.folder}` is listed "
                            f"twice (first on line {seen[section.folder]}): keep one")
        seen.setdefault(section.folder, section.line)
        folder = path.parent / section.folder
        if not section.cards:
            yield CardError(path, section.line, f"section folder {folder.as_posix()}/ is missing "
                            "or holds no .md file: create it, or remove the section")
    for name in catalogue.stray_folders:
        yield CardError(path.parent / name, None, f"section folder not listed in "
                        f"{path.as_posix()}: add `- folder: {name}` with its `title:` to "
                        "`sections`, or move its cards into a listed section")


def _check_card(card: Card) -> Iterable[CardError]:
    path, front = card.path, card.front
    if not front:
        return  # load already reported why it could not be read
    yield from _keys(path, front, card.key_lines, CARD_KEYS, REQUIRED_CARD_KEYS, card.end_line)
    if "id" in front and not (isinstance(front["id"], str)
                              and ID_PATTERN.fullmatch(front["id"])):
        yield CardError(path, card.line_of("id"), f"bad id {front['id']!r}: use a lowercase "
                        "slug of letters, digits and single hyphens, e.g. `kv-cache`")
    for key in ("question", "summary"):
        if key in front and not isinstance(front[key], str) and front[key] is not None:
            yield CardError(path, card.line_of(key), f"`{key}` must be text")
    if "question" in front and not card.question:
        yield CardError(path, card.line_of("question"), "`question` is empty: write the question")
    if "difficulty" in front and card.difficulty not in DIFFICULTIES:
        yield CardError(path, card.line_of("difficulty"),
                        f"bad difficulty {front['difficulty']!r}: use easy, medium or hard"
                        f"{_did_you_mean(str(front['difficulty']), DIFFICULTIES)}")
    if card.answered and "summary" in front and not card.summary:
        yield CardError(path, card.line_of("summary"), "`summary` is empty: an answered "
                        "question needs its 30-second answer in `summary`")
    tags = front.get("tags")
    if tags is not None and not (isinstance(tags, list)
                                 and all(isinstance(t, str) and t and not any(c.isspace()
                                         for c in t) for t in tags)):
        yield CardError(path, card.line_of("tags"), "`tags` must be a list of words without "
                        "spaces, e.g. `tags: [inference, llm]`")
    if "retired" in front and not isinstance(front["retired"], bool):
        yield CardError(path, card.line_of("retired"), "`retired` must be true or false")


def _keys(path: Path, front: Mapping[str, Any], lines: Mapping[str, int],
          allowed: Sequence[str], required: Sequence[str], end_line: int
          ) -> Iterable[CardError]:
    """Unknown keys (with a "did you mean") and missing required keys."""
    for key in front:
        if key not in allowed:
            yield CardError(path, lines.get(key, end_line), f"unknown key `{key}`"
                            f"{_did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}")
    for key in required:
        if key not in front:
            yield CardError(path, end_line, f"missing `{key}`: add `{key}: …` to the "
                            "front matter")


def _duplicate_ids(cards: Sequence[Card]) -> Iterable[CardError]:
    by_id: dict[str, list[Card]] = defaultdict(list)
    for card in cards:
        if card.id:
            by_id[card.id].append(card)
    for card_id, same in by_id.items():
        for card in same[1:]:
            first = same[0]
            yield CardError(card.path, card.line_of("id"), f"duplicate id `{card_id}`, also "
                            f"used by {first.path.as_posix()}:{first.line_of('id')}: ids are "
                            "permanent, so give the newer card a new id")


def _duplicate_questions(cards: Sequence[Card]) -> Iterable[CardError]:
    seen: dict[str, Card] = {}
    for card in cards:
        key = " ".join(card.question.casefold().split())
        if not key:
            continue
        if key in seen:
            first = seen[key]
            yield CardError(card.path, card.line_of("question"), "duplicate question, same "
                            f"text as {first.path.as_posix()}:{first.line_of('question')}: "
                            "reword one, or retire one with `retired: true`")
        seen.setdefault(key, card)


def _unanswered(catalogue: Catalogue, strict: bool, report: Report) -> None:
    missing = [c for c in catalogue.cards if c.front and not c.answered]
    if not missing:
        return
    if strict:
        report.errors += [CardError(c.path, c.end_line, "no answer yet: write the answer below "
                                    "the front matter (or build without --strict to leave it "
                                    "out)") for c in missing]
        return
    where: dict[str, int] = defaultdict(int)
    for card in missing:
        where[card.path.parent.as_posix()] += 1
    places = ", ".join(f"{folder}/ ({n})" for folder, n in where.items())
    report.warnings.append(f"{len(missing)} of {len(catalogue.cards)} questions in "
                           f"{catalogue.slug} have no answer yet and were left out: {places}; "
                           "--strict makes this an error")


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""
