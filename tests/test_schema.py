"""The note type's schema is frozen: changing it would make every user re-import with
"Merge note types" (Anki refuses to update notes whose note type schema changed).

If you truly need a schema change, read README.md, "Changing the note type", first.
"""

from __future__ import annotations

from mlcards.package import FIELDS, MODEL_ID, SORT_FIELD, TEMPLATE_ID, TEMPLATE_NAME, guid_for

WHY = ("the note type's schema changed: published decks would stop updating until every user "
       "re-imports with 'Merge note types'; see README, 'Changing the note type'")


def test_note_type_fields_ids_and_order_are_pinned() -> None:
    assert list(FIELDS) == [
        ("Question", 1607392401),
        ("Summary", 1607392402),
        ("Answer", 1607392403),
        ("Category", 1607392404),
        ("Section", 1607392405),
        ("Difficulty", 1607392406),
        ("Source", 1607392407),
        ("CardId", 1607392408),
        ("Reserved", 1607392409),
    ], WHY


def test_note_type_model_template_and_sort_field_are_pinned() -> None:
    assert (MODEL_ID, TEMPLATE_ID, TEMPLATE_NAME, SORT_FIELD) == (
        1607392319, 1607392501, "Question → Answer", 0), WHY


def test_note_guids_come_from_the_card_id_alone() -> None:
    """Changing how GUIDs are made would duplicate every note in every user's collection."""
    assert guid_for("kv-cache") == "jcw=9-lavN"
    assert guid_for("kv-cache") != guid_for("kv-caches")
