"""Runs the pipeline: load -> validate -> render -> package. The library entry point."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CardError, CatalogueInvalid
from .files import exclusive, sweep
from .load import load
from .model import Catalogue, Section
from .package import Note, note_type, write_deck
from .render import RenderedCard, Renderer
from .state import NOTETYPE_KEY, STATE_FILE, Stamp, read_state, restamp, write_state
from .validate import ID_PATTERN, validate

RETIRED_NOTICE = ('<div class="mlc-retired">Retired: this question left the catalogue. '
                  "You can delete this note in Anki (search <code>tag:{tag}::retired</code>)."
                  "</div>\n")


@dataclass(frozen=True)
class Plan:
    """What one catalogue compiles to, before anything is written."""

    catalogue: Catalogue
    notes: tuple[Note, ...]
    media: dict[str, Path]
    old: dict[str, Stamp]
    new: dict[str, Stamp]

    @property
    def state_path(self) -> Path:
        return self.catalogue.path.parent / STATE_FILE


@dataclass(frozen=True)
class DeckWritten:
    catalogue: str
    path: Path
    notes: int
    media: int
    size: int


@dataclass(frozen=True)
class Checked:
    plans: tuple[Plan, ...]
    warnings: tuple[str, ...] = field(default=())


def check(root: Path, *, strict: bool = False, now: float | None = None) -> Checked:
    """Validate and render everything; raise ``CatalogueInvalid`` with every problem found."""
    loaded = load(root)
    report = validate(loaded.catalogues, strict=strict)
    problems: list[CardError] = [*loaded.problems, *report.errors]
    renderer = Renderer(root)
    plans = []
    for catalogue in loaded.catalogues:
        answered = [(section, card) for section in catalogue.sections for card in section.cards
                    if card.front and card.answered]
        rendered = []
        for (section, _), (done, found) in zip(
                answered, renderer.render_all([card for _, card in answered]),
                strict=True):
            rendered.append((section, done))
            problems += found
        notes = tuple(_note(catalogue, section, r, position)
                      for position, (section, r) in enumerate(rendered))
        state_path = catalogue.path.parent / STATE_FILE
        old, state_problems = read_state(root / state_path, state_path)
        problems += state_problems
        if not loaded.problems:  # an unreadable file may be the "missing" card
            problems += _removed(catalogue, old, state_path)
        digests = {note.card_id: note.digest for note in notes}
        digests[NOTETYPE_KEY] = note_type().digest
        media = {name: path for _, r in rendered for name, path in r.media.items()}
        plans.append(Plan(catalogue, notes, media, old, restamp(old, digests, now)))
    renderer.close()
    if problems:
        raise CatalogueInvalid(problems)
    return Checked(tuple(plans), (*report.warnings, *_unused_media(root, plans)))


def build(root: Path, out_dir: Path | None = None, *, strict: bool = False,
          now: float | None = None, before_write: Callable[[Checked], None] | None = None
          ) -> tuple[list[DeckWritten], tuple[str, ...]]:
    """Check, then write ``dist/<catalogue>.apkg`` for each catalogue and update its state.

    Builds of one repository run one at a time (a lock on ``cards/``), so two started at
    once both finish, each reading the state the other left.
    """
    with exclusive(root / "cards"):
        checked = check(root, strict=strict, now=now)
        if before_write:
            before_write(checked)
        return write(root, checked, out_dir), checked.warnings


def write(root: Path, checked: Checked, out_dir: Path | None = None) -> list[DeckWritten]:
    """Write each checked catalogue's deck atomically, then record its new state."""
    written = []
    for plan in checked.plans:
        out = deck_path(root, plan, out_dir)
        sweep(out.parent)
        sweep(root / plan.state_path.parent)
        write_deck(out, deck_id=plan.catalogue.deck_id, deck_name=plan.catalogue.deck,
                   description=plan.catalogue.description, notes=plan.notes,
                   note_mtimes={n.card_id: plan.new[n.card_id].changed for n in plan.notes},
                   notetype_mtime=plan.new[NOTETYPE_KEY].changed, media=plan.media)
        write_state(root / plan.state_path, plan.new)
        written.append(DeckWritten(catalogue=plan.catalogue.slug, path=out,
                                   notes=len(plan.notes), media=len(plan.media),
                                   size=out.stat().st_size))
    return written


def deck_path(root: Path, plan: Plan, out_dir: Path | None = None) -> Path:
    return (out_dir or root / "dist") / f"{plan.catalogue.slug}.apkg"


def _note(catalogue: Catalogue, section: Section, rendered: RenderedCard, position: int
          ) -> Note:
    card = rendered.card
    answer = rendered.answer
    if card.retired:
        answer = RETIRED_NOTICE.format(tag=catalogue.tag) + answer
        place = f"{catalogue.tag}::retired"
    else:
        place = f"{catalogue.tag}::{section.tag}"
    tags = (place, f"difficulty::{card.difficulty}", *card.tags)
    fields = (rendered.question, rendered.summary, answer, catalogue.title, section.title,
              card.difficulty, card.path.as_posix(), card.id, "")
    return Note(card_id=card.id, fields=fields, tags=tuple(dict.fromkeys(tags)), due=position)


def _unused_media(root: Path, plans: list[Plan]) -> list[str]:
    media_dir = root / "media"
    if not media_dir.is_dir():
        return []
    used = {path for plan in plans for path in plan.media.values()}
    return [f"media/{f.name} is not used by any answer: link it from one, or delete it"
            for f in sorted(media_dir.iterdir())
            if f.is_file() and not f.name.startswith(".") and f.resolve() not in used]


def _removed(catalogue: Catalogue, old: dict[str, Stamp], state_path: Path) -> list[CardError]:
    if any(not ID_PATTERN.fullmatch(card.id) for card in catalogue.cards):
        return []  # a card without a readable id may be the "missing" one; its error comes first
    present = {card.id for card in catalogue.cards}
    return [CardError(state_path, stamp.line, f"question `{key}` was published but its file is "
                      "gone: Anki never deletes notes, so restore the file and set "
                      "`retired: true` (users can then find and delete it); if it was never "
                      "published, delete this line")
            for key, stamp in old.items() if key != NOTETYPE_KEY and key not in present]

