"""Property-based fuzzing: whatever the sources hold, the result is a deck or `path:line`
errors; never a traceback, never a hang; and no HTML off the allow-list reaches a field."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcards.build import build, check
from mlcards.errors import CatalogueInvalid
from mlcards.model import Card
from mlcards.render import Renderer, audit_html

from .conftest import Repo, default_cards

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LOCATED = re.compile(r"^cards/demo/[^:]+(:\d+)?: \S")

MARKDOWN_BITS = st.sampled_from([
    "$", "$$", "\\$", "`", "```", "```python\n", "*", "_", "|", "---", "<", ">", "#", "[", "]",
    "(", ")", "!", "\\", "\n", "\n\n", "    ", "- ", "1. ", "> ", "&", "&amp;", "<script>",
    "<img src=x onerror=alert(1)>", "<a href='javascript:x'>", "<div>", "</div>", "<!--",
    "![a](../../../media/box.svg)", "![b](http://x/y.png)", "$x_1^2$", "\\(", "\\]", "{{",
    "}}", "\x00", "\r\n", "\ufeff", "é", "日本", "\u202e", "\t", "|---|---|\n",
])
BODY = st.lists(st.one_of(MARKDOWN_BITS, st.text(max_size=20)), max_size=40).map("".join)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30),
                   st.sampled_from(["easy", "medium", "hard", "kv-cache", "Q?"]))
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=5),
                                                                      inner, max_size=3)),
                     max_leaves=10)
KEY = st.one_of(st.sampled_from(["id", "question", "difficulty", "summary", "tags",
                                 "retired"]), st.text(max_size=10))


def located_or_built(root: Path) -> None:
    """The property: a deck, or only located messages (never any other exception)."""
    try:
        build(root)
    except CatalogueInvalid as e:
        assert e.problems
        for problem in e.problems:
            assert LOCATED.match(str(problem)), str(problem)
    else:
        assert (root / "dist" / "demo.apkg").is_file()


def fresh_repo(tmp: str) -> Repo:
    repo = Repo(Path(tmp))
    repo.write_catalogue()
    for rel, front in default_cards().items():
        repo.write_card(rel, front)
    (repo.root / "media").mkdir()
    (repo.root / "media" / "box.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return repo


@FUZZ
@given(front=st.dictionaries(KEY, VALUE, max_size=8), body=BODY)
def test_any_front_matter_and_body_gives_a_deck_or_located_errors(
        front: dict[str, Any], body: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = fresh_repo(tmp)
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
        repo.write_raw("01-basics/01-attention.md", text)
        located_or_built(repo.root)


@FUZZ
@given(raw=st.binary(max_size=300), prefix=st.sampled_from([b"", b"---\n", b"\xef\xbb\xbf---\n"]))
def test_any_bytes_in_a_card_file_give_a_deck_or_located_errors(raw: bytes,
                                                                prefix: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = fresh_repo(tmp)
        repo.write_raw("02-advanced/01-kv.md", prefix + raw)
        located_or_built(repo.root)


@FUZZ
@given(yaml_text=st.text(max_size=200))
def test_any_catalogue_yaml_gives_a_deck_or_located_errors(yaml_text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = fresh_repo(tmp)
        (repo.catalogue / "catalogue.yaml").write_text(yaml_text, encoding="utf-8")
        try:
            check(repo.root)
        except CatalogueInvalid as e:
            assert all(LOCATED.match(str(p)) for p in e.problems), e.problems


@FUZZ
@given(names=st.lists(st.text(alphabet="abc-_.09", min_size=1, max_size=6), max_size=4))
def test_any_extra_folders_and_files_give_a_deck_or_located_errors(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = fresh_repo(tmp)
        for i, name in enumerate(names):
            if name in (".", ".."):
                continue
            target = repo.catalogue / name
            if target.exists():
                continue
            if i % 2:
                target.mkdir(exist_ok=True)
                (target / "x.md").write_text("---\nid: x\n---\n")
            else:
                target.write_text("stray")
        located_or_built(repo.root)


@FUZZ
@given(body=BODY, summary=BODY)
def test_what_reaches_a_field_is_always_on_the_allow_list(body: str, summary: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = fresh_repo(tmp)
        card = Card(path=Path("cards/demo/01-basics/01-a.md"), front={"summary": summary},
                    key_lines={}, body=body, body_line=7, end_line=6)
        rendered, _ = Renderer(repo.root).render(card)
        assert audit_html(rendered.answer, rendered.media) == []
        assert audit_html(rendered.summary, rendered.media) == []
