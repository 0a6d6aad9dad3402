"""Stage 3: Markdown -> HTML fields, MathJax delimiters, highlighted code, flat media names."""

from __future__ import annotations

import hashlib
import html
import xml.etree.ElementTree as etree
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .errors import CardError
from .model import Card

IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")
FORBIDDEN_TAGS = ("script", "iframe", "object", "embed", "applet", "frame", "frameset",
                  "link", "meta", "base", "style", "form", "input", "button", "textarea")
RESOURCE_ATTRS = ("src", "srcset", "poster", "background", "data", "xlink:href", "lowsrc")
SAFE_LINK_SCHEMES = ("http", "https", "mailto", "")


@dataclass(frozen=True)
class RenderedCard:
    card: Card
    question: str
    summary: str
    answer: str
    media: dict[str, Path] = field(default_factory=dict)  # flat name in Anki -> file on disk


@dataclass(frozen=True)
class Rendered:
    cards: tuple[RenderedCard, ...]
    problems: tuple[CardError, ...]


class Renderer:
    """One Markdown engine, reused for every card of a build."""

    def __init__(self, root: Path) -> None:
        self.media_dir = (root / "media").resolve()
        self._images = _ImageExtension(self.media_dir)
        self._md = markdown.Markdown(
            extensions=["tables", "sane_lists", "pymdownx.superfences", "pymdownx.highlight",
                        "pymdownx.arithmatex", "pymdownx.betterem", self._images],
            extension_configs={
                "pymdownx.arithmatex": {"generic": True},
                "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight",
                                       "guess_lang": False},
            },
            output_format="html",
        )

    def markdown(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)

    def render(self, card: Card, root: Path) -> tuple[RenderedCard, list[CardError]]:
        """Render one card; problems name the line of the body they come from."""
        self._images.start(root / card.path.parent)
        answer = self.markdown(card.body)
        summary = self.markdown(card.summary)
        found = self._images.found
        problems = [CardError(card.path, _line_of(card, needle), message)
                    for needle, message in [*found.problems, *audit_html(answer, found.media)]]
        problems += [CardError(card.path, card.line_of("summary"), message)
                     for _, message in audit_html(summary, found.media)]
        return RenderedCard(card=card, question=html.escape(card.question, quote=False),
                            summary=summary, answer=answer, media=dict(found.media)), problems


def render(cards: Sequence[Card], root: Path) -> Rendered:
    """Render every answered card."""
    renderer = Renderer(root)
    done, problems = [], []
    for card in cards:
        rendered, found = renderer.render(card, root)
        done.append(rendered)
        problems += found
    return Rendered(tuple(done), tuple(problems))


def media_name(path: Path) -> str:
    """``media/loss.svg`` -> ``loss-1a2b3c4d5e.svg``: a changed file gets a new name in Anki."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"{path.stem}-{digest}{path.suffix.lower()}"


@dataclass
class _Found:
    media: dict[str, Path] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (text to locate, message)


class _ImageExtension(Extension):
    def __init__(self, media_dir: Path) -> None:
        super().__init__()
        self.media_dir = media_dir
        self.card_dir = media_dir
        self.found = _Found()

    def start(self, card_dir: Path) -> None:
        self.card_dir, self.found = card_dir, _Found()

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ImageRewriter(md, self), "mlcards-images", 5)


class _ImageRewriter(Treeprocessor):
    def __init__(self, md: markdown.Markdown, ext: _ImageExtension) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for i, child in enumerate(list(parent)):
                if child.tag == "table":  # wide tables scroll inside their own box on phones
                    wrapper = etree.Element("div", {"class": "table-wrap"})
                    parent.remove(child)
                    wrapper.append(child)
                    parent.insert(i, wrapper)
        for img in root.iter("img"):
            src = img.get("src", "")
            img.set("src", self._media(src) or "")  # a rejected image is reported, not shipped

    def _media(self, src: str) -> str | None:
        found, media_dir = self.ext.found, self.ext.media_dir
        if urlsplit(src).scheme or src.startswith("//"):
            found.problems.append((src, f"image `{src}` is not a file in media/: remote and "
                                   "`file:` images do not load offline on a phone; save it "
                                   "in media/ and write ![alt](../../../media/name.svg)"))
            return None
        target = (self.ext.card_dir / src).resolve()
        if not target.is_relative_to(media_dir):
            found.problems.append((src, f"image `{src}` resolves outside media/: keep images in "
                                   "media/ and link them as ../../../media/name.svg"))
        elif not target.exists():
            found.problems.append((src, f"image `{src}` not found: add "
                                   f"media/{target.relative_to(media_dir).as_posix()} or fix "
                                   "the path"))
        elif not target.is_file():
            found.problems.append((src, f"image `{src}` is not a regular file"))
        elif target.suffix.lower() not in IMAGE_SUFFIXES:
            found.problems.append((src, f"image `{src}` has an unsupported type: use "
                                   f"{', '.join(s[1:] for s in IMAGE_SUFFIXES)}"))
        else:
            name = media_name(target)
            found.media[name] = target
            return name
        return None


class _HtmlAudit(HTMLParser):
    def __init__(self, packaged: Collection[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.packaged = packaged
        self.problems: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append((f"<{tag}", f"<{tag}> is not allowed in a card: scripts, "
                                  "frames, embeds, styles and forms do not belong in a shared "
                                  "deck; remove it"))
        for name, value in attrs:
            value = value or ""
            scheme = urlsplit(value.strip()).scheme.lower()
            if name.startswith("on"):
                self.problems.append((name, f"event handler `{name}` on <{tag}> is not "
                                      "allowed: cards run no scripts; remove it"))
            elif name == "href" and scheme not in SAFE_LINK_SCHEMES:
                self.problems.append((value, f"link `{value}` uses `{scheme}:`, which is not "
                                      "allowed: link to http(s) pages only"))
            elif tag == "img" and name == "src" and (value in self.packaged or not value):
                continue  # a Markdown image the build checked (or one it already reported)
            elif name in RESOURCE_ATTRS and tag == "img":
                self.problems.append((value, f"raw <img src=\"{value}\"> is not allowed: write "
                                      "![alt](../../../media/name.svg) so the build can check "
                                      "and package the image"))
            elif name in RESOURCE_ATTRS:
                self.problems.append((value, f"`{name}=\"{value}\"` on <{tag}> loads a resource, "
                                      "which is not allowed: put images in media/"))
            elif name == "style" and "url(" in value.replace(" ", "").lower():
                self.problems.append(("url(", "`url(…)` in a style attribute loads a resource, "
                                      "which is not allowed: remove it"))


def audit_html(fragment: str, packaged: Collection[str] = ()) -> list[tuple[str, str]]:
    """What in this HTML would run code or load a resource: (text to locate, message)."""
    audit = _HtmlAudit(packaged)
    audit.feed(fragment)
    audit.close()
    return audit.problems


def _line_of(card: Card, needle: str) -> int:
    """The body line where ``needle`` first appears, else the body's first line."""
    lowered = needle.lower()
    for offset, line in enumerate(card.body.split("\n")):
        if lowered and lowered in line.lower():
            return card.body_line + offset
    return card.body_line
