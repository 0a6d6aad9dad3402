"""Caches that let a rebuild redo only what changed: rendered cards, parsed front matter.

Keyed by everything rendering reads: the card's summary and body, its folder (images are
relative to it), the lines they start on (errors name them), and the versions of this module's
rendering and of the libraries doing it. Images are checked again on every hit: the file must
still be inside media/ with the same content, or the entry is not used. A cache that cannot be
opened or written is simply not used. It lives in ``.cache/mlcards/`` (not committed).

Parsed front matter is keyed by its exact text and the PyYAML version, and kept only when it
holds plain values (text, whole numbers, booleans, null, lists and mappings of them), which a
JSON round trip gives back unchanged; anything else (a date, a float) is parsed every time.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Card

if TYPE_CHECKING:
    from .render import Rendered

RENDER_VERSION = "1"  # bump when rendering changes in a way the library versions do not show
FRONT_VERSION = "1"  # likewise for parsing front matter
LIBRARIES = ("markdown", "pymdown-extensions", "pygments", "nh3")


class RenderCache:
    def __init__(self, conn: sqlite3.Connection, root: Path, media_dir: Path) -> None:
        self._conn = conn
        self._root = root
        self._media_dir = media_dir
        self._new: dict[str, str] = {}
        self._files: dict[str, Path | None] = {}
        self._salt = json.dumps([RENDER_VERSION, *(_version(lib) for lib in LIBRARIES)])

    @classmethod
    def open(cls, root: Path, media_dir: Path) -> RenderCache | None:
        conn = _connect(root, "rendered")
        return cls(conn, root, media_dir) if conn else None

    def key(self, card: Card) -> str:
        parts = [self._salt, card.path.parent.as_posix(), card.summary, card.body,
                 card.body_line, card.line_of("summary")]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def get_many(self, keys: Sequence[str], name_of: Callable[[Path], str]
                 ) -> list[Rendered | None]:
        """The cached renders of ``keys`` (None where there is none, or it is stale)."""
        found: dict[str, str] = {}
        try:
            for start in range(0, len(keys), 500):
                batch = keys[start:start + 500]
                marks = ",".join("?" * len(batch))
                found.update(self._conn.execute(
                    f"SELECT key, value FROM rendered WHERE key IN ({marks})", batch))
        except sqlite3.Error:
            return [None] * len(keys)
        return [self._decode(found[key], name_of) if key in found else None for key in keys]

    def _decode(self, value: str, name_of: Callable[[Path], str]) -> Rendered | None:
        summary, answer, media, problems = json.loads(value)
        files = {}
        for name, relative in media.items():
            path = self._checked(relative)
            if path is None or name_of(path) != name:
                return None  # the image changed or moved: render again
            files[name] = path
        return summary, answer, files, [(line, message) for line, message in problems]

    def _checked(self, relative: str) -> Path | None:
        """The image file, if it is (still) a regular file inside media/; once per build."""
        if relative not in self._files:
            path = (self._root / relative).resolve()
            ok = path.is_relative_to(self._media_dir) and path.is_file()
            self._files[relative] = path if ok else None
        return self._files[relative]

    def put(self, key: str, rendered: Rendered) -> None:
        summary, answer, media, problems = rendered
        relative = {name: path.relative_to(self._root.resolve()).as_posix()
                    for name, path in media.items()}
        self._new[key] = json.dumps([summary, answer, relative, problems])

    def close(self) -> None:
        _save(self._conn, "rendered", self._new)


class FrontMatterCache:
    """Parsed front matter of card files, so that unchanged files are not parsed again."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._new: dict[str, str] = {}
        self._salt = json.dumps([FRONT_VERSION, _version("pyyaml")])

    @classmethod
    def open(cls, root: Path) -> FrontMatterCache | None:
        conn = _connect(root, "parsed")
        return cls(conn) if conn else None

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._salt}\n{text}".encode()).hexdigest()

    def get(self, text: str) -> tuple[dict[str, Any], dict[str, int]] | None:
        try:
            row = self._conn.execute("SELECT value FROM parsed WHERE key = ?",
                                     (self._key(text),)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        front, key_lines = json.loads(row[0])
        return front, key_lines

    def put(self, text: str, front: dict[str, Any], key_lines: dict[str, int]) -> None:
        if _plain(front):
            self._new[self._key(text)] = json.dumps([front, key_lines])

    def close(self) -> None:
        _save(self._conn, "parsed", self._new)


def _plain(value: Any) -> bool:
    """Whether a JSON round trip gives ``value`` back exactly (same types, same values)."""
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is list:
        return all(_plain(item) for item in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def _connect(root: Path, table: str) -> sqlite3.Connection | None:
    try:
        folder = root / ".cache" / "mlcards"
        folder.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(folder / "render.sqlite", timeout=10)
        conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, "
                     "value TEXT NOT NULL)")
    except (OSError, sqlite3.Error):
        return None
    return conn


def _save(conn: sqlite3.Connection, table: str, rows: dict[str, str]) -> None:
    try:
        with conn:
            conn.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", rows.items())
    except sqlite3.Error:
        pass  # a cache that cannot be written is only slower
    finally:
        conn.close()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"
