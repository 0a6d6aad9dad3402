"""Built decks in a real Anki collection: import, study, regenerate, re-import."""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from anki.collection import Collection

from mlcards import package
from mlcards.build import build
from mlcards.load import load
from mlcards.package import MODEL_NAME

from .anki_helpers import import_deck, notes_by_card_id, schedule, study
from .conftest import Repo

pytestmark = pytest.mark.anki
CRUMB = "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}"


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "anki").mkdir()
    collection = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield collection
    collection.close()


class _Text(HTMLParser):
    """Visible text of a rendered card (what Anki would show), without its <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip = tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_real_catalogue_imports_with_tags_rendered_cards_and_media(
        real_repo: Path, col: Collection) -> None:
    (catalogue,) = load(real_repo).catalogues
    answered = {c.id: c for c in catalogue.cards if c.answered}
    assert answered, "the real catalogue has no answered question yet"
    section_of = {c.id: s for s in catalogue.sections for c in s.cards}

    build(real_repo)
    log = import_deck(col, real_repo / "dist" / "ml-breadth.apkg")

    assert len(log.new) == len(answered)
    assert col.note_count() == len(answered) == col.card_count()
    notes = notes_by_card_id(col)
    assert set(notes) == set(answered)
    for card_id, note in notes.items():
        card = answered[card_id]
        assert sorted(note.tags) == sorted(
            {f"ML_Breadth::{section_of[card_id].tag}", f"difficulty::{card.difficulty}",
             *card.tags})
        (anki_card,) = note.cards()
        front, back = visible_text(anki_card.question()), visible_text(anki_card.answer())
        assert card.question in front and f"ML Breadth {CRUMB} " in front
        assert front in back and len(back) > len(front) + 200
        for name in re.findall(r'<img[^>]+src="([^"]+)"', note["Answer"]):
            assert (Path(col.media.dir()) / name).is_file(), f"{card_id}: {name} not imported"
    assert col.decks.id_for_name("ML Breadth")


def test_new_cards_come_in_catalogue_order(real_repo: Path, col: Collection) -> None:
    (catalogue,) = load(real_repo).catalogues
    expected = [c.id for c in catalogue.cards if c.answered]
    build(real_repo)
    import_deck(col, real_repo / "dist" / "ml-breadth.apkg")
    cards = [col.get_card(cid) for cid in col.find_cards("is:new")]
    by_due = sorted(cards, key=lambda c: c.due)
    assert [c.note()["CardId"] for c in by_due] == expected


def test_regenerating_after_edits_keeps_every_review_and_makes_no_duplicate(
        repo: Repo, col: Collection) -> None:
    build(repo.root)
    import_deck(col, repo.apkg)
    studied = study(col, "Demo", [3, 4, 1])
    reviewed = schedule(col, studied)
    assert all(revlog for _, revlog in reviewed.values())

    repo.edit("01-basics/01-attention.md", "Attention computes", "Scaled attention computes")
    (repo.catalogue / "01-basics" / "02-loss.md").rename(
        repo.catalogue / "02-advanced" / "02-loss.md")
    repo.edit("02-advanced/01-kv.md", "difficulty: hard", "difficulty: medium")
    build(repo.root)
    log = import_deck(col, repo.apkg)

    assert (len(log.new), len(log.updated)) == (0, 3)
    assert col.note_count() == 3 and col.card_count() == 3
    assert [m["name"] for m in col.models.all()].count(MODEL_NAME) == 1
    notes = notes_by_card_id(col)
    assert "Scaled attention computes" in notes["attention"]["Answer"]
    assert "Demo_Track::Advanced_and_Hard" in notes["loss"].tags
    assert notes["loss"]["Section"] == "Advanced & Hard"
    assert "difficulty::medium" in notes["kv-cache"].tags
    assert "difficulty::hard" not in notes["kv-cache"].tags
    assert schedule(col, studied) == reviewed


def test_rebuild_without_changes_updates_nothing(repo: Repo, col: Collection) -> None:
    build(repo.root)
    import_deck(col, repo.apkg)
    build(repo.root)
    log = import_deck(col, repo.apkg)
    assert (len(log.new), len(log.updated)) == (0, 0)


def test_editing_one_answer_updates_exactly_that_note(repo: Repo, col: Collection) -> None:
    build(repo.root)
    import_deck(col, repo.apkg)
    studied = study(col, "Demo", [3, 3, 3])
    reviewed = schedule(col, studied)
    repo.edit("01-basics/02-loss.md", "Attention computes", "Loss sums up")
    build(repo.root)
    log = import_deck(col, repo.apkg)
    assert (len(log.new), [n.fields[-2] for n in log.updated]) == (0, ["loss"])
    assert schedule(col, studied) == reviewed


def test_a_users_edit_in_anki_survives_a_rebuild_that_did_not_touch_that_note(
        repo: Repo, col: Collection) -> None:
    build(repo.root)
    import_deck(col, repo.apkg)
    note = notes_by_card_id(col)["attention"]
    note["Reserved"] = "my own mnemonic"
    note.tags.append("marked")
    col.update_note(note)
    repo.edit("01-basics/02-loss.md", "Attention computes", "Loss sums up")
    build(repo.root)
    import_deck(col, repo.apkg)
    note = notes_by_card_id(col)["attention"]
    assert note["Reserved"] == "my own mnemonic"
    assert "marked" in note.tags


def test_a_new_question_is_added_without_touching_the_others(
        repo: Repo, col: Collection) -> None:
    build(repo.root)
    import_deck(col, repo.apkg)
    repo.write_card("02-advanced/02-new.md", {"id": "new-one", "question": "New?",
                                              "difficulty": "easy", "summary": "Yes."})
    build(repo.root)
    log = import_deck(col, repo.apkg)
    assert (len(log.new), len(log.updated)) == (1, 0)


def test_a_retired_question_stays_tagged_so_users_can_find_it(
        repo: Repo, col: Collection) -> None:
    build(repo.root)
    import_deck(col, repo.apkg)
    repo.edit("01-basics/02-loss.md", "summary:", "retired: true\nsummary:")
    build(repo.root)
    import_deck(col, repo.apkg)
    assert col.find_notes("tag:Demo_Track::retired") == [notes_by_card_id(col)["loss"].id]
    assert "Retired" in notes_by_card_id(col)["loss"]["Answer"]


def test_a_css_only_change_reaches_the_collections_note_type(
        repo: Repo, col: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    build(repo.root)
    import_deck(col, repo.apkg)
    restyled = dataclasses.replace(package.note_type(),
                                   css=package.note_type().css + "\n.mlc { letter-spacing: 0; }")
    monkeypatch.setattr(package, "note_type", lambda: restyled)
    monkeypatch.setattr(sys.modules["mlcards.build"], "note_type", lambda: restyled)
    build(repo.root)
    log = import_deck(col, repo.apkg)
    assert (len(log.new), len(log.updated)) == (0, 0)
    assert col.models.by_name(MODEL_NAME)["css"].endswith(".mlc { letter-spacing: 0; }")
