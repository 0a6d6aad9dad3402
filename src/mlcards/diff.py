"""What importing the next build will do, compared with the last build of each catalogue."""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import Plan
from .package import FIELDS, Note
from .state import NOTETYPE_KEY


@dataclass(frozen=True)
class NoteChange:
    id: str
    fields: tuple[str, ...]  # names of the fields that changed; empty if unknown
    tags_added: tuple[str, ...] = ()
    tags_removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeckDiff:
    catalogue: str
    added: tuple[str, ...]
    changed: tuple[NoteChange, ...]
    retired: tuple[str, ...]  # newly retired in this build
    unchanged: int
    notetype_changed: bool
    compared_with: str  # the previous .apkg, or the state file when there is none
    details: bool = field(default=True)  # False when field-level changes are unknown

    def summary(self) -> str:
        return (f"{self.catalogue}: {len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.retired)} retired, {self.unchanged} unchanged; note type "
                f"{'changed' if self.notetype_changed else 'unchanged'}")

    def as_json(self) -> dict[str, Any]:
        return {
            "catalogue": self.catalogue, "compared_with": self.compared_with,
            "added": list(self.added),
            "changed": [{"id": c.id, "fields": list(c.fields), "tags_added": list(c.tags_added),
                         "tags_removed": list(c.tags_removed)} for c in self.changed],
            "retired": list(self.retired), "unchanged": self.unchanged,
            "notetype_changed": self.notetype_changed,
        }


def diff_plan(plan: Plan, previous: Path, shown_as: str, *, details: bool = True) -> DeckDiff:
    """Compare a plan with the last build: notes added and changed come from the state file;
    with ``details``, the previous package (if any) tells which fields and tags changed."""
    before = _read_notes(previous) if details and previous.is_file() else None
    added, changed, retired, unchanged = [], [], [], 0
    for note in plan.notes:
        old = plan.old.get(note.card_id)
        if old is None:
            added.append(note.card_id)
        elif old.digest == plan.new[note.card_id].digest:
            unchanged += 1
        else:
            changed.append(_change(note, before.get(note.guid) if before else None))
            if note.tags[0].endswith("::retired") and (
                    before is None or note.tags[0] not in before.get(note.guid, ((), ()))[1]):
                retired.append(note.card_id)
    old_type, new_type = plan.old.get(NOTETYPE_KEY), plan.new[NOTETYPE_KEY]
    return DeckDiff(
        catalogue=plan.catalogue.slug, added=tuple(added), changed=tuple(changed),
        retired=tuple(retired), unchanged=unchanged,
        notetype_changed=old_type is None or old_type.digest != new_type.digest,
        compared_with=shown_as if before is not None else plan.state_path.as_posix(),
        details=before is not None)


def _change(note: Note, before: tuple[tuple[str, ...], tuple[str, ...]] | None) -> NoteChange:
    if before is None:
        return NoteChange(note.card_id, ())
    old_fields, old_tags = before
    names = tuple(name for (name, _), new, old in zip(FIELDS, note.fields, old_fields,
                                                      strict=False) if new != old)
    return NoteChange(note.card_id, names,
                      tuple(t for t in note.tags if t not in old_tags),
                      tuple(t for t in old_tags if t not in note.tags))


def _read_notes(apkg: Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """guid -> (fields, tags) of every note in a package written by mlcards."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "collection.anki2"
        with zipfile.ZipFile(apkg) as zf:
            db.write_bytes(zf.read("collection.anki2"))
        conn = sqlite3.connect(db)
        try:
            rows = conn.execute("SELECT guid, flds, tags FROM notes").fetchall()
        finally:
            conn.close()
    return {guid: (tuple(flds.split("\x1f")), tuple(tags.split())) for guid, flds, tags in rows}
