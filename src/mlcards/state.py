"""When each note's compiled content last changed, kept in a committed file per catalogue.

Anki applies an incoming note only if its modification time is newer than the one it has,
so a note's time must move exactly when its content does: never for an unchanged note (that
would overwrite a user's own edits in Anki), always for a changed one (or the edit would never
reach them). The time is remembered with a hash of the content, so a fresh clone rebuilds to
the same times and the same bytes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .errors import CardError
from .files import replace_atomically

STATE_FILE = "build-state.tsv"
NOTETYPE_KEY = "@notetype"
HEADER = """\
# mlcards build state: when each note's compiled content last changed.
# Written by `mlcards build`; commit it together with the card sources. Do not edit by hand:
# a line is removed only for a question that was never published (see README, "Removing").
# id\tcontent hash\tchanged (unix seconds)\tchanged (UTC)
"""


@dataclass(frozen=True)
class Stamp:
    digest: str
    changed: int  # unix seconds
    line: int = field(default=0, compare=False)  # where it stands in the file, for messages


def content_hash(parts: Iterable[str]) -> str:
    """A short, stable hash of a note's fields and tags (or the note type's templates and CSS)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:20]


def read_state(path: Path, shown_as: Path) -> tuple[dict[str, Stamp], list[CardError]]:
    """Parse a state file; a missing file is an empty state (the first build)."""
    stamps: dict[str, Stamp] = {}
    problems: list[CardError] = []
    if not path.is_file():
        return stamps, problems
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 3 or not fields[2].isdigit():
            problems.append(CardError(shown_as, number, "unreadable state line: restore this "
                                      f"file from git (git checkout -- {shown_as.as_posix()})"))
            continue
        stamps[fields[0]] = Stamp(fields[1], int(fields[2]), number)
    return stamps, problems


def restamp(old: Mapping[str, Stamp], digests: Mapping[str, str], now: float | None = None
            ) -> dict[str, Stamp]:
    """New stamps: unchanged content keeps its time; changed content gets a strictly newer one."""
    clock = int(time.time() if now is None else now)
    stamps = dict(old)
    for key, digest in digests.items():
        before = old.get(key)
        if before is None:
            stamps[key] = Stamp(digest, clock)
        elif before.digest != digest:
            stamps[key] = Stamp(digest, max(clock, before.changed + 1))
    return stamps


def write_state(path: Path, stamps: Mapping[str, Stamp]) -> None:
    """Write the state atomically, sorted by id, one line per note."""
    lines = [HEADER]
    for key in sorted(stamps):
        stamp = stamps[key]
        when = datetime.fromtimestamp(stamp.changed, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines.append(f"{key}\t{stamp.digest}\t{stamp.changed}\t{when}\n")
    text = "".join(lines)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    replace_atomically(path, text.encode("utf-8"))
