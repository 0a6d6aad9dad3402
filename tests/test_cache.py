"""The caches in .cache/mlcards/ only ever save time: never a stale or different result."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlcards.build import build, check
from mlcards.errors import CatalogueInvalid
from mlcards.load import load

from .conftest import Repo


def test_a_build_from_a_warm_cache_is_byte_identical_to_one_from_none(real_repo: Path) -> None:
    build(real_repo, now=1_800_000_000)
    cold = (real_repo / "dist" / "ml-breadth.apkg").read_bytes()
    assert (real_repo / ".cache" / "mlcards" / "render.sqlite").is_file()
    build(real_repo, now=1_800_000_000)
    assert (real_repo / "dist" / "ml-breadth.apkg").read_bytes() == cold


def test_an_edited_answer_or_image_is_rendered_again(repo: Repo) -> None:
    first = {n.card_id: n.fields for n in check(repo.root).plans[0].notes}
    repo.edit("02-advanced/01-kv.md", "Attention computes", "Caching computes")
    (repo.root / "media" / "box.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    second = {n.card_id: n.fields for n in check(repo.root).plans[0].notes}
    assert "Caching computes" in second["kv-cache"][2]
    assert first["kv-cache"][2] != second["kv-cache"][2]
    assert first["attention"] == second["attention"]
    shutil.rmtree(repo.root / ".cache")
    assert {n.card_id: n.fields for n in check(repo.root).plans[0].notes} == second


def test_an_image_swapped_for_a_link_outside_media_is_refused_despite_the_cache(
        repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    check(repo.root)
    outside = tmp_path_factory.mktemp("outside") / "box.svg"
    outside.write_text("<svg>secret</svg>")
    (repo.root / "media" / "box.svg").unlink()
    (repo.root / "media" / "box.svg").symlink_to(outside)
    with pytest.raises(CatalogueInvalid, match="resolves outside media/"):
        check(repo.root)


def test_front_matter_that_json_cannot_hold_exactly_is_parsed_every_time(repo: Repo) -> None:
    repo.edit("01-basics/01-attention.md", "question: What is attention?",
              "question: 2024-01-01")
    for _ in range(2):
        with pytest.raises(CatalogueInvalid, match="`question` must be text"):
            check(repo.root)
    cached = load(repo.root).catalogues[0].cards
    fresh = load(repo.root, cache=False).catalogues[0].cards
    assert [(c.front, c.key_lines) for c in cached] == [(c.front, c.key_lines) for c in fresh]
