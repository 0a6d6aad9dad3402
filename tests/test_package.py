"""The written .apkg: reproducible bytes, compressed, atomic, per-note change times."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from mlcards.build import build
from mlcards.errors import CatalogueInvalid

from .conftest import Repo


def notes_in(apkg: Path, tmp: Path) -> dict[str, int]:
    """card id -> note modification time, read straight from the package's collection."""
    with zipfile.ZipFile(apkg) as zf:
        (tmp / "col.sqlite").write_bytes(zf.read("collection.anki2"))
    with sqlite3.connect(tmp / "col.sqlite") as conn:
        rows = conn.execute("SELECT flds, mod FROM notes").fetchall()
    return {flds.split("\x1f")[7]: mod for flds, mod in rows}


def test_two_builds_of_the_same_sources_are_byte_identical(repo: Repo) -> None:
    build(repo.root, now=1_800_000_000)
    first = repo.apkg.read_bytes()
    build(repo.root, now=1_800_000_500)
    assert repo.apkg.read_bytes() == first


def test_a_fresh_clone_with_the_committed_state_builds_the_same_bytes(
        repo: Repo, tmp_path: Path) -> None:
    build(repo.root, now=1_800_000_000)
    first = repo.apkg.read_bytes()
    clone = Repo(tmp_path / "clone")
    import shutil

    for name in ("cards", "media"):
        shutil.copytree(repo.root / name, clone.root / name)
    build(clone.root, now=1_900_000_000)
    assert (clone.root / "dist" / "demo.apkg").read_bytes() == first


def test_only_changed_notes_get_a_newer_modification_time(repo: Repo, tmp_path: Path) -> None:
    build(repo.root, now=1_800_000_000)
    repo.edit("01-basics/02-loss.md", "Attention computes", "Loss sums up")
    build(repo.root, now=1_800_000_100)
    assert notes_in(repo.apkg, tmp_path) == {
        "attention": 1_800_000_000, "loss": 1_800_000_100, "kv-cache": 1_800_000_000}


def test_a_change_within_the_same_second_still_gets_a_newer_time(repo: Repo,
                                                                 tmp_path: Path) -> None:
    build(repo.root, now=1_800_000_000)
    repo.edit("01-basics/02-loss.md", "Attention computes", "Loss sums up")
    build(repo.root, now=1_800_000_000)
    assert notes_in(repo.apkg, tmp_path)["loss"] == 1_800_000_001


def test_the_package_is_compressed_with_sorted_fixed_date_entries(repo: Repo) -> None:
    build(repo.root)
    with zipfile.ZipFile(repo.apkg) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == ["collection.anki2", "media", "0"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
    db = infos[0]
    assert db.compress_size < db.file_size / 3


def test_media_are_stored_under_content_hashed_names(repo: Repo) -> None:
    build(repo.root)
    with zipfile.ZipFile(repo.apkg) as zf:
        names = zf.read("media").decode()
        (repo.root / "media" / "box.svg").write_text("<svg/>")
        build(repo.root)
    with zipfile.ZipFile(repo.apkg) as zf:
        changed = zf.read("media").decode()
    assert names.startswith('{"0": "box-') and names.endswith('.svg"}')
    assert changed != names


def test_a_failed_build_leaves_the_previous_deck_and_no_temporary_file(repo: Repo) -> None:
    build(repo.root)
    before = repo.apkg.read_bytes()
    repo.edit("01-basics/01-attention.md", "difficulty: medium", "difficulty: extreme")
    with pytest.raises(CatalogueInvalid):
        build(repo.root)
    assert repo.apkg.read_bytes() == before
    assert [p.name for p in repo.apkg.parent.iterdir()] == ["demo.apkg"]


def test_deleting_a_published_card_fails_with_the_retire_hint(repo: Repo) -> None:
    build(repo.root)
    (repo.catalogue / "01-basics" / "02-loss.md").unlink()
    with pytest.raises(CatalogueInvalid) as failure:
        build(repo.root)
    (problem,) = failure.value.problems
    assert str(problem).startswith("cards/demo/build-state.tsv:8: question `loss` was "
                                   "published but its file is gone")
    assert "`retired: true`" in str(problem)
