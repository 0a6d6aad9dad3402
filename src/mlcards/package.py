"""Stage 4: the note type, the notes and the media -> one ``.apkg`` per catalogue.

The only module that knows genanki. genanki writes the collection (a hidden temporary SQLite
file); this module then gives each note the time its content last changed, and zips the result
reproducibly (fixed entry dates, sorted media, compressed) into a file that replaces the old one
atomically.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path
from typing import IO

import genanki

from .files import atomic_output, temp_path
from .state import content_hash

MODEL_ID = 1607392319
MODEL_NAME = "mlcards interview card"
GUID_NAMESPACE = "mlcards"
# Frozen once published: adding, removing or reordering fields, or changing an id or the sort
# field, forces every user to re-import with "Merge note types". tests/test_schema.py pins it.
FIELDS = (
    ("Question", 1607392401),
    ("Summary", 1607392402),
    ("Answer", 1607392403),
    ("Category", 1607392404),
    ("Section", 1607392405),
    ("Difficulty", 1607392406),
    ("Source", 1607392407),
    ("CardId", 1607392408),
    ("Reserved", 1607392409),  # spare, so that a new field never needs a schema change
)
TEMPLATE_NAME, TEMPLATE_ID = "Question → Answer", 1607392501
SORT_FIELD = 0
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LIGHT_CODE_STYLE, NIGHT_CODE_STYLE = "default", "github-dark"


@dataclass(frozen=True)
class Note:
    card_id: str
    fields: tuple[str, ...]  # in the order of FIELDS
    tags: tuple[str, ...]
    due: int  # position among new cards, so that they come in catalogue order

    @cached_property
    def guid(self) -> str:
        return guid_for(self.card_id)

    @cached_property
    def digest(self) -> str:
        return content_hash([*self.fields, " ".join(self.tags)])


@dataclass(frozen=True)
class NoteType:
    css: str
    front: str
    back: str

    @property
    def digest(self) -> str:
        return content_hash([self.css, self.front, self.back, repr(FIELDS), TEMPLATE_NAME])


def guid_for(card_id: str) -> str:
    """The note's permanent identity in Anki: derived from the card id, never from text."""
    return str(genanki.guid_for(GUID_NAMESPACE, card_id))


@cache
def note_type() -> NoteType:
    """The templates and CSS shipped with the package, with light and night code colours."""
    from pygments.formatters import HtmlFormatter

    here = files("mlcards") / "templates"
    night = [".card.nightMode .highlight", ".card.night_mode .highlight"]
    css = "\n".join([
        (here / "card.css").read_text(encoding="utf-8"),
        "/* Code colours (Pygments). */",
        HtmlFormatter(style=LIGHT_CODE_STYLE).get_style_defs(".highlight"),  # type: ignore[no-untyped-call]
        ".card.nightMode .highlight span, .card.night_mode .highlight span { color: var(--fg); }",
        HtmlFormatter(style=NIGHT_CODE_STYLE).get_style_defs(night),  # type: ignore[no-untyped-call]
    ])
    return NoteType(css=css, front=(here / "front.html").read_text(encoding="utf-8"),
                    back=(here / "back.html").read_text(encoding="utf-8"))


def write_deck(out: Path, *, deck_id: int, deck_name: str, description: str,
               notes: Sequence[Note], note_mtimes: Mapping[str, int], notetype_mtime: int,
               media: Mapping[str, Path]) -> None:
    """Write ``out`` atomically: a failure leaves any previous file untouched."""
    out.parent.mkdir(parents=True, exist_ok=True)
    database = temp_path(out, "db")
    try:
        _collection(database, deck_id, deck_name, description, notes, note_mtimes,
                    notetype_mtime)
        with atomic_output(out) as temp, zipfile.ZipFile(temp, "w") as zf:
            with database.open("rb") as db, _entry(zf, "collection.anki2") as entry:
                shutil.copyfileobj(db, entry, 1 << 20)
            names = sorted(media)
            with _entry(zf, "media") as entry:
                entry.write(json.dumps({str(i): n for i, n in enumerate(names)}).encode())
            for i, name in enumerate(names):
                with _entry(zf, str(i)) as entry:
                    entry.write(media[name].read_bytes())
    finally:
        database.unlink(missing_ok=True)


def _entry(zf: zipfile.ZipFile, name: str) -> IO[bytes]:
    """A zip entry with a fixed date, so that the same content gives the same bytes."""
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    # Level 1: a fifth of the uncompressed size, at a fraction of level 6's time.
    info._compresslevel = 1  # type: ignore[attr-defined]  # ZipInfo.compress_level in 3.13
    return zf.open(info, "w", force_zip64=True)


def _collection(path: Path, deck_id: int, deck_name: str, description: str,
                notes: Sequence[Note], note_mtimes: Mapping[str, int], notetype_mtime: int
                ) -> None:
    """Write the deck's Anki collection (SQLite) to ``path``."""
    nt = note_type()
    model = genanki.Model(
        MODEL_ID, MODEL_NAME,
        fields=[{"name": name, "id": field_id} for name, field_id in FIELDS],
        templates=[{"name": TEMPLATE_NAME, "id": TEMPLATE_ID, "qfmt": nt.front,
                    "afmt": nt.back}],
        css=nt.css, sort_field_index=SORT_FIELD)
    deck = genanki.Deck(deck_id, deck_name, description=description)
    for note in notes:
        deck.add_note(_Note(model=model, fields=list(note.fields), tags=list(note.tags),
                            guid=note.guid, due=note.due))
    newest = max([notetype_mtime, *note_mtimes.values()])
    path.unlink(missing_ok=True)
    path.touch()  # an unwritable folder fails here, as an OSError that names the file
    conn = sqlite3.connect(path)
    try:
        cursor = conn.cursor()
        # A scratch file: no journal and no syncing while it is built (the zip is synced).
        cursor.execute("PRAGMA journal_mode = OFF")
        cursor.execute("PRAGMA synchronous = OFF")
        # Ids count up from the newest change time: deterministic for the same sources.
        genanki.Package(deck).write_to_db(cursor, newest, _ids(newest))
        note_ids = dict(cursor.execute("SELECT guid, id FROM notes").fetchall())
        mtimes = [(note_mtimes[note.card_id], note_ids[note.guid]) for note in notes]
        cursor.executemany("UPDATE notes SET mod = ? WHERE id = ?", mtimes)
        cursor.executemany("UPDATE cards SET mod = ? WHERE nid = ?", mtimes)  # nid is indexed
        (models_json,) = cursor.execute("SELECT models FROM col").fetchone()
        models = json.loads(models_json)
        models[str(MODEL_ID)]["mod"] = notetype_mtime
        cursor.execute("UPDATE col SET models = ?, mod = ?",
                       (json.dumps(models, sort_keys=True), newest * 1000))
        conn.commit()
    finally:
        conn.close()


class _Note(genanki.Note):  # type: ignore[misc]
    """genanki's note without its regex check of field HTML: render.sanitise has already
    passed every field through an HTML parser and the nh3 sanitiser."""

    def _check_invalid_html_tags_in_fields(self) -> None:
        pass


def _ids(start_seconds: int) -> object:
    from itertools import count

    return count(start_seconds * 1000)
