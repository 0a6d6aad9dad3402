"""Stage 1: read ``cards/`` into the model. Parsing only; the rules live in ``validate``."""

from __future__ import annotations

import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .cache import FrontMatterCache
from .errors import CardError
from .model import Card, Catalogue, Section

# libyaml's parser when PyYAML has it (it is many times faster); same results, same marks.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CATALOGUE_FILE = "catalogue.yaml"
FENCE = "---"
MAX_FILE_BYTES = 256 * 1024  # a long answer is ~10 KiB; anything near this is a mistake
MAX_YAML_DEPTH = 8


@dataclass(frozen=True)
class Loaded:
    catalogues: tuple[Catalogue, ...]
    problems: tuple[CardError, ...]


def load(root: Path, *, cache: bool = True) -> Loaded:
    """Read every catalogue below ``root/cards``; unreadable files become problems."""
    parsed = FrontMatterCache.open(root) if cache else None
    try:
        return _load(root, parsed)
    finally:
        if parsed:
            parsed.close()


def _load(root: Path, parsed: FrontMatterCache | None) -> Loaded:
    cards_dir = root / "cards"
    problems: list[CardError] = []
    if not cards_dir.is_dir():
        problems.append(CardError("cards", None, "no cards/ folder here: run mlcards from the "
                                  "repository root, or pass --root"))
        return Loaded((), tuple(problems))
    catalogues = []
    for folder in sorted(p for p in cards_dir.iterdir() if p.is_dir() and _inside(root, p)):
        if not (folder / CATALOGUE_FILE).is_file():
            problems.append(CardError(folder.relative_to(root), None,
                                      f"catalogue folder without {CATALOGUE_FILE}: add one "
                                      "with title, deck, deck_id and sections"))
            continue
        catalogues.append(_load_catalogue(root, folder, problems, parsed))
    return Loaded(tuple(catalogues), tuple(problems))


def _load_catalogue(root: Path, folder: Path, problems: list[CardError],
                    parsed: FrontMatterCache | None) -> Catalogue:
    path = (folder / CATALOGUE_FILE).relative_to(root)
    text = _read_text(root / path, path, problems) if _readable(root, root / path, problems) \
        else None
    front, key_lines, nodes = _parse_yaml(text or "", path, 1, problems)
    sections = []
    listed = set()
    raw_sections = front.get("sections")
    for item, line in zip(raw_sections if isinstance(raw_sections, list) else [],
                          nodes.get("sections", []), strict=False):
        if not isinstance(item, dict):
            problems.append(CardError(path, line, "each section needs `folder:` and `title:`"))
            continue
        name = str(item.get("folder", ""))
        listed.add(name)
        section_dir = folder / name
        cards = tuple(_load_card(root, p, problems, parsed)
                      for p in sorted(section_dir.glob("*.md"))
                      if _readable(root, p, problems)) \
            if name and _inside(root, section_dir) and section_dir.is_dir() else ()
        sections.append(Section(folder=name, title=str(item.get("title", "")).strip(),
                                line=line, cards=cards))
    stray = tuple(sorted(p.name for p in folder.iterdir()
                         if p.is_dir() and p.name not in listed and not p.name.startswith(".")))
    return Catalogue(slug=folder.name, path=path, front=front, key_lines=key_lines,
                     sections=tuple(sections), stray_folders=stray)


def _load_card(root: Path, file: Path, problems: list[CardError],
               parsed: FrontMatterCache | None) -> Card:
    path = file.relative_to(root)
    text = _read_text(file, path, problems)
    empty = Card(path=path, front={}, key_lines={}, body="", body_line=1, end_line=1)
    if text is None:
        return empty
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        problems.append(CardError(path, 1, "no front matter: start the file with a line "
                                  "`---`, then id, question, difficulty and summary, then a "
                                  "closing `---`"))
        return empty
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE)
    except StopIteration:
        problems.append(CardError(path, 1, "front matter is not closed: add a line `---` "
                                  "after the last key"))
        return empty
    front_text = "\n".join(lines[1:end])
    hit = parsed.get(front_text) if parsed else None
    if hit:
        front, key_lines = hit
    else:
        before = len(problems)
        front, key_lines, _ = _parse_yaml(front_text, path, 2, problems)
        if parsed and len(problems) == before:
            parsed.put(front_text, front, key_lines)
    body = "\n".join(lines[end + 1:])
    return Card(path=path, front=front, key_lines=key_lines, body=body,
                body_line=end + 2, end_line=end + 1)


def _inside(root: Path, path: Path) -> bool:
    """Whether ``path``, symlinks followed, stays inside the repository."""
    return path.resolve().is_relative_to(root.resolve())


def _readable(root: Path, file: Path, problems: list[CardError]) -> bool:
    """A regular file of sane size inside the repository (its folder was checked already)."""
    path = file.relative_to(root)
    try:
        info = file.stat()  # follows a symlink; checked for containment below
    except OSError:
        info = None
    if file.is_symlink() and not _inside(root, file):
        problems.append(CardError(path, None, "is a link to a file outside the repository: "
                                  "card sources must live in cards/; copy the file here"))
    elif info is None or not stat.S_ISREG(info.st_mode):
        problems.append(CardError(path, None, "is not a regular file: replace it with a "
                                  "Markdown file"))
    elif info.st_size > MAX_FILE_BYTES:
        problems.append(CardError(path, None, f"is {info.st_size // 1024} KiB, above the "
                                  f"{MAX_FILE_BYTES // 1024} KiB limit for one card: split it"))
    else:
        return True
    return False


def _read_text(file: Path, path: Path, problems: list[CardError]) -> str | None:
    data = file.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        problems.append(CardError(path, line, f"not valid UTF-8 (byte 0x{data[e.start]:02x}): "
                                  "save the file with UTF-8 encoding"))
        return None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.append(CardError(path, line, "contains a NUL byte (is it a binary file?): "
                                  "save it as plain UTF-8 text"))
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _parse_yaml(text: str, path: Path, first_line: int, problems: list[CardError]
                ) -> tuple[dict[str, Any], dict[str, int], dict[str, list[int]]]:
    """Parse a YAML mapping and remember the line of each key (and of each list item)."""
    shape = _shape_problem(text)
    if shape:
        line, message = shape
        problems.append(CardError(path, first_line + line, message))
        return {}, {}, {}
    try:
        loader = Loader(text)
    except yaml.reader.ReaderError as e:
        line = first_line + text[: e.position].count("\n")
        problems.append(CardError(path, line, f"invalid YAML: character {e.character!r} is not "
                                  "allowed: remove it"))
        return {}, {}, {}
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = first_line + (mark.line if mark else 0)
        problems.append(CardError(path, line, f"invalid YAML: {e.problem or e.context}; check "
                                  "indentation, and quote values that contain `: ` or start "
                                  "with a special character"))
        return {}, {}, {}
    except yaml.YAMLError as e:
        problems.append(CardError(path, first_line, f"invalid YAML: {e}"))
        return {}, {}, {}
    finally:
        loader.dispose()
    if data is None:
        return {}, {}, {}
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        problems.append(CardError(path, first_line, "front matter must be `key: value` lines"))
        return {}, {}, {}
    key_lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = first_line + key_node.start_mark.line
        if key in key_lines:
            problems.append(CardError(path, line, f"duplicate key `{key}` (first on line "
                                      f"{key_lines[key]}): keep one"))
        key_lines.setdefault(key, line)
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = [first_line + item.start_mark.line for item in value_node.value]
    return {str(k): v for k, v in data.items()}, key_lines, item_lines


def _shape_problem(text: str) -> tuple[int, str] | None:
    """Aliases and deep nesting have no use in front matter, and can make a YAML bomb."""
    if not _may_be_deep_or_aliased(text):
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            line = event.start_mark.line if event.start_mark else 0
            if isinstance(event, yaml.AliasEvent):
                return line, ("YAML aliases (`*name`) are not allowed in front matter: write "
                              "the value out")
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return line, (f"YAML nested more than {MAX_YAML_DEPTH} levels deep: front "
                                  "matter holds flat `key: value` lines")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # the full parse reports it, with its line
    return None


def _may_be_deep_or_aliased(text: str) -> bool:
    """A cheap test that rules out aliases and deep nesting for ordinary front matter (only
    then is the full event scan skipped): no `*`, no `&`, few brackets or dashes, and no line
    indented deeper than the nesting limit allows."""
    if "*" in text or "&" in text:
        return True
    if text.count("[") + text.count("{") + text.count("- ") + text.count("-\n") > MAX_YAML_DEPTH:
        return True
    return any(len(line) - len(line.lstrip()) > 2 * MAX_YAML_DEPTH for line in text.split("\n"))
