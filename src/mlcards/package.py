"""Stage 4: the note type, the notes and the media -> one ``.apkg`` per catalogue.

The only module that knows genanki. genanki writes the collection (in memory); this module
then gives each note the time its content last changed, and zips the result reproducibly
(fixed entry dates, sorted media, compressed) into a file that replaces the old one atomically.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

import genanki

from .files import replace_atomically
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

    @property
    def guid(self) -> str:
        return guid_for(self.card_id)

    @property
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
    collection = _collection(deck_id, deck_name, description, notes, note_mtimes,
                             notetype_mtime)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        _add(zf, "collection.anki2", collection)
        names = sorted(media)
        _add(zf, "media", json.dumps({str(i): n for i, n in enumerate(names)}).encode())
        for i, name in enumerate(names):
            _add(zf, str(i), media[name].read_bytes())
    replace_atomically(out, buffer.getvalue())


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.external_attr = 0o644 << 16
    # Level 1: a fifth of the uncompressed size, at a fraction of level 6's time.
    zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


def _collection(deck_id: int, deck_name: str, description: str, notes: Sequence[Note],
                note_mtimes: Mapping[str, int], notetype_mtime: int) -> bytes:
    """The deck's Anki collection (SQLite), built in memory."""
    nt = note_type()
    model = genanki.Model(
        MODEL_ID, MODEL_NAME,
        fields=[{"name": name, "id": field_id} for name, field_id in FIELDS],
        templates=[{"name": TEMPLATE_NAME, "id": TEMPLATE_ID, "qfmt": nt.front,
                    "afmt": nt.back}],
        css=nt.css, sort_field_index=SORT_FIELD)
    deck = genanki.Deck(deck_id, deck_name, description=description)
    for note in notes:
        deck.add_note(genanki.Note(model=model, fields=list(note.fields), tags=list(note.tags),
                                   guid=note.guid, due=note.due))
    newest = max([notetype_mtime, *note_mtimes.values()])
    conn = sqlite3.connect(":memory:")
    try:
        cursor = conn.cursor()
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
        cursor.execute("VACUUM")
        return conn.serialize()
    finally:
        conn.close()


def _ids(start_seconds: int) -> object:
    from itertools import count

    return count(start_seconds * 1000)
