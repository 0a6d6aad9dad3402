"""Stage 3: Markdown -> HTML fields, MathJax delimiters, highlighted code, flat media names."""

from __future__ import annotations

import hashlib
import html
import multiprocessing as mp
import os
import xml.etree.ElementTree as etree
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .cache import RenderCache
from .errors import CardError
from .model import Card

IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif")
MAX_MEDIA_BYTES = 5 * 1024 * 1024
PARALLEL_FROM = 32  # new cards to render before worker processes pay for their start-up
# What a card's HTML may contain. Everything else is reported (with its line) and, should
# anything slip past the report, removed by the sanitiser (nh3) before it reaches a deck.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "ol": {"start", "type"},
    "col": {"span"},
    "colgroup": {"span"},
    "details": {"open"},
}
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "applet", "frame", "frameset", "link",
               "meta", "base", "style", "form", "input", "button", "textarea", "svg", "math",
               "video", "audio", "source", "picture", "template", "noscript"}
LINK_SCHEMES = ("http", "https", "mailto", "")


@dataclass(frozen=True)
class RenderedCard:
    card: Card
    question: str
    summary: str
    answer: str
    media: dict[str, Path] = field(default_factory=dict)  # flat name in Anki -> file on disk


# What rendering one card gives: summary and answer HTML, media (flat name -> file), and
# problems as (line, message).
Rendered = tuple[str, str, dict[str, Path], list[tuple[int, str]]]


class Renderer:
    """One Markdown engine, reused for every card of a build."""

    def __init__(self, root: Path, *, cache: bool = True) -> None:
        self.root = root
        self.media_dir = (root / "media").resolve()
        self._names: dict[Path, str] = {}
        self._images = _ImageExtension(self.media_dir, self._media_name)
        self._cache = RenderCache.open(root, self.media_dir) if cache else None
        self._engine: markdown.Markdown | None = None

    @property
    def _md(self) -> markdown.Markdown:
        """The Markdown engine, built on first use (a build served by the cache or by worker
        processes never needs one here)."""
        if self._engine is None:
            self._engine = self._new_engine()
        return self._engine

    def _new_engine(self) -> markdown.Markdown:
        return markdown.Markdown(
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

    def render(self, card: Card) -> tuple[RenderedCard, list[CardError]]:
        """Render one card; problems name the line of the body they come from."""
        return self.render_all([card])[0]

    def render_all(self, cards: Sequence[Card]) -> list[tuple[RenderedCard, list[CardError]]]:
        """Render cards, reusing cached results; many new ones are shared out over the CPUs."""
        keys = [self._cache.key(card) if self._cache else "" for card in cards]
        done: list[Rendered | None] = (self._cache.get_many(keys, self._media_name)
                                       if self._cache else [None] * len(cards))
        todo = [i for i, hit in enumerate(done) if hit is None]
        for i, result in zip(todo, self._render_many([cards[i] for i in todo]),
                             strict=True):
            done[i] = result
            if self._cache:
                self._cache.put(keys[i], result)
        out = []
        for card, entry in zip(cards, done, strict=True):
            assert entry is not None
            summary, answer, media, problems = entry
            out.append((RenderedCard(card=card, question=html.escape(card.question, quote=False),
                                     summary=summary, answer=answer, media=media),
                        [CardError(card.path, line, message) for line, message in problems]))
        return out

    def _render_many(self, cards: Sequence[Card]) -> list[Rendered]:
        workers = min(os.cpu_count() or 1, 8)
        if len(cards) < PARALLEL_FROM or workers < 2 or "fork" not in mp.get_all_start_methods():
            return [self._render(card) for card in cards]
        # Small chunks: the workers stay busy to the end and hold little memory at a time.
        chunks = [list(cards[i:i + 32]) for i in range(0, len(cards), 32)]
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            return [rendered for part in pool.map(_render_chunk, [self.root] * len(chunks), chunks)
                    for rendered in part]

    def close(self) -> None:
        """Save what this build rendered for the next one."""
        if self._cache:
            self._cache.close()

    def _render(self, card: Card) -> Rendered:
        self._images.start(self.root / card.path.parent)
        answer = self.markdown(card.body)
        summary = self.markdown(card.summary)
        found = self._images.found
        problems = [(_line_of(card, needle), message) for needle, message in found.problems]
        clean_answer, clean_summary = sanitise(answer, found.media), sanitise(summary, found.media)
        if clean_answer != answer:  # the sanitiser removed something: say what, and where
            problems += [(_line_of(card, needle), message)
                         for needle, message in audit_html(answer, found.media)]
        if clean_summary != summary:
            problems += [(card.line_of("summary"), message)
                         for _, message in audit_html(summary, found.media)]
        return clean_summary, clean_answer, dict(found.media), problems

    def _media_name(self, path: Path) -> str:
        if path not in self._names:
            self._names[path] = media_name(path)
        return self._names[path]


_worker_renderers: dict[Path, Renderer] = {}


def _render_chunk(root: Path, cards: list[Card]) -> list[Rendered]:
    """In a worker process: render cards with the worker's own renderer (no cache)."""
    renderer = _worker_renderers.setdefault(root, Renderer(root, cache=False))
    return [renderer._render(card) for card in cards]


def media_name(path: Path) -> str:
    """``media/loss.svg`` -> ``loss-1a2b3c4d5e.svg``: a changed file gets a new name in Anki."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return f"{path.stem}-{digest}{path.suffix.lower()}"


@dataclass
class _Found:
    media: dict[str, Path] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (text to locate, message)


class _ImageExtension(Extension):
    def __init__(self, media_dir: Path, name_of: Callable[[Path], str]) -> None:
        super().__init__()
        self.media_dir = media_dir
        self.name_of = name_of
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
        elif target.stat().st_size > MAX_MEDIA_BYTES:
            found.problems.append((src, f"image `{src}` is larger than "
                                   f"{MAX_MEDIA_BYTES // 1024 // 1024} MiB: shrink it (SVG, or "
                                   "a compressed PNG or WebP)"))
        else:
            name = self.ext.name_of(target)
            found.media[name] = target
            return name
        return None


class _HtmlAudit(HTMLParser):
    """Checks rendered HTML against the allow-list and says, for each rejection, why."""

    def __init__(self, packaged: Collection[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.packaged = packaged
        self.problems: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            why = ("scripts, frames, embeds, styles and forms do not belong in a shared deck"
                   if tag in ACTIVE_TAGS else "it is not on the list of tags a card may use")
            self.problems.append((f"<{tag}", f"<{tag}> is not allowed in a card: {why}; "
                                  "remove it"))
            return
        for name, value in attrs:
            self._attribute(tag, name, (value or "").strip())

    handle_startendtag = handle_starttag

    def _attribute(self, tag: str, name: str, value: str) -> None:
        scheme = urlsplit(value).scheme.lower()
        if name.startswith("on"):
            self.problems.append((name, f"event handler `{name}` on <{tag}> is not allowed: "
                                  "cards run no scripts; remove it"))
        elif tag == "img" and name == "src":
            if value and value not in self.packaged:  # empty: a Markdown image already reported
                self.problems.append((value, f'raw <img src="{value}"> is not allowed: write '
                                      "![alt](../../../media/name.svg) so the build can check "
                                      "and package the image"))
        elif name == "href":
            if scheme not in LINK_SCHEMES or value.startswith("//"):
                self.problems.append((value, f"link `{value}` is not allowed: link to "
                                      "http(s) pages only"))
        elif name == "style":
            self.problems.append(("style=", f"`style` on <{tag}> is not allowed: colours and "
                                  "layout belong in the note type's CSS (they would break night "
                                  "mode), and styles can load remote resources; use a class"))
        elif name not in ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]:
            self.problems.append((name, f"attribute `{name}` on <{tag}> is not allowed; "
                                  "remove it"))


def audit_html(fragment: str, packaged: Collection[str] = ()) -> list[tuple[str, str]]:
    """What in this HTML is off the allow-list: (text to locate it, message)."""
    audit = _HtmlAudit(packaged)
    audit.feed(fragment)
    audit.close()
    return audit.problems


def sanitise(fragment: str, packaged: Collection[str] = ()) -> str:
    """The final gate: the maintained sanitiser keeps only the allow-list, whatever slipped by;
    an image keeps its ``src`` only if it names a file the build packaged."""
    import nh3

    def only_packaged_images(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src" and value not in packaged:
            return None
        if attribute == "href" and value.strip().startswith("//"):
            return None  # protocol-relative: a remote address without a scheme
        return value

    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=set(LINK_SCHEMES) - {""}, link_rel=None,
                     strip_comments=True, attribute_filter=only_packaged_images)


def _line_of(card: Card, needle: str) -> int:
    """The body line where ``needle`` first appears, else the body's first line."""
    lowered = needle.lower()
    for offset, line in enumerate(card.body.split("\n")):
        if lowered and lowered in line.lower():
            return card.body_line + offset
    return card.body_line
