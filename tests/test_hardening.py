"""Adversarial input, faults and concurrency: a correct deck or a clear error, nothing lost,
nothing from outside the repository let in."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pytest
from click.testing import CliRunner, Result

from mlcards.cli import main
from mlcards.load import MAX_FILE_BYTES

from .conftest import Repo, card_text

CARD = "01-basics/01-attention.md"
FRONT = {"id": "attention", "question": "What is attention?", "difficulty": "medium",
         "summary": "Weighted lookup."}


def run(repo: Repo, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--root", str(repo.root)])


def errors_of(repo: Repo) -> list[str]:
    """Build, expect a refusal, and return its messages (all but the closing count)."""
    result = run(repo, "build")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("error: ") and lines[-1].endswith("nothing was written")
    return lines[:-1]


def image(repo: Repo, src: str) -> None:
    repo.edit(CARD, "### Core idea", f"### Core idea\n\n![x]({src})")


@pytest.fixture
def built(repo: Repo) -> Repo:
    assert run(repo, "build").exit_code == 0
    return repo


def assert_untouched(repo: Repo, before: bytes) -> None:
    assert repo.apkg.read_bytes() == before
    assert sorted(p.name for p in repo.apkg.parent.iterdir()) == ["demo.apkg"]


# Containment: no file from outside media/ (or the repository) reaches a deck.

@pytest.mark.parametrize("src, message", [
    ("/etc/passwd", "image `/etc/passwd` resolves outside media/"),
    ("../../../media/../cards/demo/catalogue.yaml",
     "image `../../../media/../cards/demo/catalogue.yaml` resolves outside media/"),
    ("../../../../outside.svg", "image `../../../../outside.svg` resolves outside media/"),
    ("file:///etc/passwd", "image `file:///etc/passwd` is not a file in media/"),
    ("/dev/zero", "image `/dev/zero` resolves outside media/"),
])
def test_image_paths_leading_out_of_media_are_rejected(built: Repo, src: str,
                                                       message: str) -> None:
    before = built.apkg.read_bytes()
    image(built, src)
    assert errors_of(built) == [f"cards/demo/{CARD}:9: {message}: keep images in media/ and "
                                "link them as ../../../media/name.svg"
                                if "resolves" in message else
                                f"cards/demo/{CARD}:9: {message}: remote and `file:` images do "
                                "not load offline on a phone; save it in media/ and write "
                                "![alt](../../../media/name.svg)"]
    assert_untouched(built, before)


def test_a_media_symlink_to_a_file_outside_the_repository_is_rejected(
        built: Repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    secret = tmp_path_factory.mktemp("outside") / "secret.svg"
    secret.write_text("<svg>secret</svg>")
    (built.root / "media" / "leak.svg").symlink_to(secret)
    image(built, "../../../media/leak.svg")
    assert errors_of(built) == [f"cards/demo/{CARD}:9: image `../../../media/leak.svg` "
                                "resolves outside media/: keep images in media/ and link them "
                                "as ../../../media/name.svg"]


def test_a_media_symlink_to_a_device_is_rejected(built: Repo) -> None:
    (built.root / "media" / "zero.svg").symlink_to("/dev/zero")
    image(built, "../../../media/zero.svg")
    assert "resolves outside media/" in errors_of(built)[0]


def test_a_fifo_in_media_is_not_read(built: Repo) -> None:
    os.mkfifo(built.root / "media" / "pipe.svg")
    image(built, "../../../media/pipe.svg")
    assert errors_of(built) == [f"cards/demo/{CARD}:9: image `../../../media/pipe.svg` is not "
                                "a regular file"]


def test_a_card_file_linking_outside_the_repository_is_rejected(
        built: Repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "evil.md"
    outside.write_text(card_text({**FRONT, "id": "evil", "question": "Evil?"}))
    (built.catalogue / "01-basics" / "09-evil.md").symlink_to(outside)
    assert errors_of(built) == ["cards/demo/01-basics/09-evil.md: is a link to a file outside "
                                "the repository: card sources must live in cards/; copy the "
                                "file here"]


def test_no_file_from_outside_media_ever_appears_in_a_deck(built: Repo) -> None:
    with zipfile.ZipFile(built.apkg) as zf:
        names = zf.namelist()
        media = zf.read("media").decode()
    assert names == ["collection.anki2", "media", "0"]
    assert media.startswith('{"0": "box-')


# Malformed and hostile sources.

@pytest.mark.parametrize("content, message", [
    (b"", "1: no front matter: start the file with a line `---`, then id, question, difficulty "
          "and summary, then a closing `---`"),
    (b"---\nid: a\n---\n\x00binary", "4: contains a NUL byte (is it a binary file?): save it "
                                      "as plain UTF-8 text"),
    (b"---\nid: [\xff]\n---\n", "2: not valid UTF-8 (byte 0xff): save the file with UTF-8 "
                                "encoding"),
    (b"---\nid: !!python/object/apply:os.system [echo hi]\nquestion: Q\n---\nA",
     "2: invalid YAML: could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object/apply:os.system'; check indentation, and quote values "
     "that contain `: ` or start with a special character"),
    (b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     b"c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\nA",
     "3: YAML aliases (`*name`) are not allowed in front matter: write the value out"),
    (b"---\nid: " + b"[" * 50 + b"]" * 50 + b"\n---\nA",
     "2: YAML nested more than 8 levels deep: front matter holds flat `key: value` lines"),
])
def test_malformed_card_files_get_a_located_error(built: Repo, content: bytes,
                                                  message: str) -> None:
    before = built.apkg.read_bytes()
    built.write_raw(CARD, content)
    assert errors_of(built) == [f"cards/demo/{CARD}:{message}"]
    assert_untouched(built, before)


def test_a_huge_card_file_is_rejected_without_being_read(built: Repo) -> None:
    built.write_raw(CARD, card_text(FRONT, "word " * (MAX_FILE_BYTES // 5 + 10)))
    (message,) = errors_of(built)
    assert message == (f"cards/demo/{CARD}: is 256 KiB, above the 256 KiB limit for one card: "
                       "split it")


def test_bom_crlf_and_very_long_lines_are_fine(built: Repo) -> None:
    text = card_text(FRONT, "### Core idea\n\n" + "long " * 4000 + "\n").replace("\n", "\r\n")
    built.write_raw(CARD, "\ufeff" + text)
    assert run(built, "build").exit_code == 0


def test_deeply_nested_lists_and_quotes_render_or_fail_cleanly(built: Repo) -> None:
    nested = "".join("    " * i + "- item\n" for i in range(60)) + "\n" + ">" * 300 + " deep\n"
    built.write_raw(CARD, card_text(FRONT, nested))
    result = run(built, "build")
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output


# Faults: the previous deck survives, byte for byte, and nothing temporary is left.

def test_a_build_killed_mid_write_leaves_the_previous_deck(built: Repo) -> None:
    before = built.apkg.read_bytes()
    built.edit(CARD, "Attention computes", "Attention now computes")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for delay in (0.05, 0.15, 0.3, 0.5, 0.8):
        proc = subprocess.Popen([sys.executable, "-m", "mlcards", "build", "--root",
                                 str(built.root)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = built.apkg.read_bytes()
        assert data == before or zipfile.ZipFile(built.apkg).testzip() is None
        if data != before:
            break  # the build completed before the kill: the new deck is whole
    assert run(built, "build").exit_code == 0  # the next build sweeps any leftovers
    assert sorted(p.name for p in built.apkg.parent.iterdir()) == ["demo.apkg"]
    assert not list(built.catalogue.glob(".*.tmp"))


def test_a_full_disk_leaves_the_previous_deck_and_says_so(
        built: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    before = built.apkg.read_bytes()
    state = (built.catalogue / "build-state.tsv").read_bytes()
    built.edit(CARD, "Attention computes", "Attention now computes")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("mlcards.files.os.fsync", full)
    result = run(built, "build")
    assert result.exit_code == 1
    assert result.stderr == ("error: cannot read or write: No space left on device; the "
                             "previous deck and state are unchanged\n")
    assert_untouched(built, before)
    assert (built.catalogue / "build-state.tsv").read_bytes() == state


def test_a_read_only_dist_leaves_the_previous_deck_and_says_so(built: Repo) -> None:
    before = built.apkg.read_bytes()
    built.edit(CARD, "Attention computes", "Attention now computes")
    dist = built.apkg.parent
    if subprocess.run(["chattr", "+i", str(dist)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here to make dist/ read-only even for root")
    try:
        result = run(built, "build")
    finally:
        subprocess.run(["chattr", "-i", str(dist)], check=True)
    assert result.exit_code == 1
    assert result.stderr == (f"error: cannot read or write {dist}/.demo.apkg.db.{os.getpid()}.tmp:"
                             " Operation not permitted; the previous deck and state are "
                             "unchanged\n")
    assert_untouched(built, before)


def test_a_missing_media_folder_is_a_located_error(built: Repo) -> None:
    before = built.apkg.read_bytes()
    shutil.rmtree(built.root / "media")
    assert errors_of(built) == ["cards/demo/02-advanced/01-kv.md:11: image "
                                "`../../../media/box.svg` not found: add media/box.svg or fix "
                                "the path"]
    assert_untouched(built, before)


def test_debug_shows_the_traceback_for_a_bug_report(
        built: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(sys.modules["mlcards.build"], "write_deck", broken)
    quiet = run(built, "build")
    assert quiet.exit_code == 70 and "Traceback" not in quiet.output
    assert "internal error: RuntimeError: boom" in quiet.stderr
    loud = CliRunner().invoke(main, ["--debug", "build", "--root", str(built.root)])
    assert isinstance(loud.exception, RuntimeError)


# Concurrency.

def test_two_builds_started_at_once_both_finish_with_the_same_deck_as_one(built: Repo) -> None:
    single = built.apkg.read_bytes()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [subprocess.Popen([sys.executable, "-m", "mlcards", "build", "--root",
                               str(built.root)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert built.apkg.read_bytes() == single
    assert sorted(p.name for p in built.apkg.parent.iterdir()) == ["demo.apkg"]
