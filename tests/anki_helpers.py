"""A real Anki collection (PyPI ``anki``, Anki's own engine) for tests: import and study."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from anki.collection import Collection
from anki.import_export_pb2 import (
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportAnkiPackageUpdateCondition,
)

IF_NEWER = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER


def import_deck(col: Collection, apkg: Path) -> Any:
    """Import as Anki desktop does with its default options; returns Anki's import log."""
    options = ImportAnkiPackageOptions(merge_notetypes=False, update_notes=IF_NEWER,
                                       update_notetypes=IF_NEWER, with_scheduling=False,
                                       with_deck_configs=False)
    request = ImportAnkiPackageRequest(package_path=str(apkg), options=options)
    return col.import_anki_package(request).log


def study(col: Collection, deck_name: str, answers: list[int]) -> list[int]:
    """Answer the next cards of a deck with Anki's scheduler; returns the card ids studied."""
    deck_id = col.decks.id_for_name(deck_name)
    assert deck_id
    col.decks.select(deck_id)
    studied = []
    for ease in answers:
        card = col.sched.getCard()
        assert card is not None, "no card left to study"
        card.start_timer()
        col.sched.answerCard(card, ease)  # type: ignore[arg-type]
        studied.append(card.id)
    return studied


def schedule(col: Collection, card_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """Everything a review leaves behind: card scheduling columns and its review log."""
    out = {}
    for cid in card_ids:
        card = col.db.first("SELECT ivl, due, reps, lapses, type, queue, factor, left, data "
                            "FROM cards WHERE id = ?", cid)
        revlog = col.db.all("SELECT id, ease, ivl, lastIvl, factor, type FROM revlog "
                            "WHERE cid = ? ORDER BY id", cid)
        out[cid] = (tuple(card), tuple(tuple(r) for r in revlog))
    return out


def notes_by_card_id(col: Collection) -> dict[str, Any]:
    return {col.get_note(nid)["CardId"]: col.get_note(nid) for nid in col.find_notes("")}
