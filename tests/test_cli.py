"""The command line, driven with CliRunner: exit codes, exact messages, dist/ left alone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mlcards import __version__
from mlcards.cli import main

from .conftest import Repo


def run(repo: Repo, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--root", str(repo.root)])


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"mlcards, version {__version__}\n"


@pytest.mark.parametrize("command", ["build", "check", "diff", "stats"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and f"mlcards {command}" in result.output


def test_build_writes_the_deck_and_says_what_it_wrote(repo: Repo) -> None:
    result = run(repo, "build")
    assert result.exit_code == 0, result.output
    assert repo.apkg.is_file()
    size = repo.apkg.stat().st_size
    assert result.stdout == (
        "demo: 3 added, 0 changed, 0 retired, 0 unchanged; note type changed\n"
        f"wrote dist/demo.apkg: 3 notes, 1 media files, {size / 1024:.1f} KiB\n")


def test_check_validates_without_writing(repo: Repo) -> None:
    result = run(repo, "check")
    assert result.exit_code == 0
    assert result.stdout == "ok: 1 catalogue(s), 3 notes ready to build\n"
    assert not (repo.root / "dist").exists()
    assert not (repo.catalogue / "build-state.tsv").exists()


def test_unanswered_questions_are_left_out_with_one_warning(repo: Repo) -> None:
    repo.write_card("02-advanced/02-open.md", {"id": "open", "question": "Open?",
                                               "difficulty": "hard", "summary": ""}, body="")
    result = run(repo, "build")
    assert result.exit_code == 0
    assert result.stderr == (
        "warning: 1 of 4 questions in demo have no answer yet and were left out: "
        "cards/demo/02-advanced/ (1); --strict makes this an error\n")
    assert "3 notes" in result.stdout


def test_strict_makes_unanswered_questions_errors(repo: Repo) -> None:
    repo.write_card("02-advanced/02-open.md", {"id": "open", "question": "Open?",
                                               "difficulty": "hard", "summary": ""}, body="")
    result = run(repo, "build", "--strict")
    assert result.exit_code == 1
    assert result.stderr == (
        "cards/demo/02-advanced/02-open.md:6: no answer yet: write the answer below the front "
        "matter (or build without --strict to leave it out)\n"
        "error: 1 problem found; nothing was written\n")
    assert not repo.apkg.exists()


def test_stats_counts_answered_questions_and_words(repo: Repo) -> None:
    repo.write_card("02-advanced/02-open.md", {"id": "open", "question": "Open?",
                                               "difficulty": "hard", "summary": ""}, body="")
    result = run(repo, "stats")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Demo Track"
    assert lines[2].split() == ["Basics", "2/2", "1/1", "1/1", "-", "26", "0"]
    assert lines[3].split() == ["Advanced", "&", "Hard", "1/2", "-", "-", "1/2", "15", "0"]
    assert lines[4].split() == ["total", "3/4", "1/1", "1/1", "1/2", "41", "0"]


def test_no_cards_folder_is_a_usage_error(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert "no cards/ folder here or above" in result.stderr


BAD_INPUTS = {
    "malformed front matter YAML": (
        lambda r: r.write_raw("01-basics/01-attention.md",
                              "---\nid: attention\nquestion: [unclosed\ndifficulty: easy\n---\nA"),
        ["cards/demo/01-basics/01-attention.md:4: invalid YAML: did not find expected ',' or "
         "']'; check indentation, and quote values that contain `: ` or start with "
         "a special character"]),
    "front matter never closed": (
        lambda r: r.write_raw("01-basics/01-attention.md", "---\nid: attention\n"),
        ["cards/demo/01-basics/01-attention.md:1: front matter is not closed: add a line `---` "
         "after the last key"]),
    "no front matter": (
        lambda r: r.write_raw("01-basics/01-attention.md", "Just an answer.\n"),
        ["cards/demo/01-basics/01-attention.md:1: no front matter: start the file with a line "
         "`---`, then id, question, difficulty and summary, then a closing `---`"]),
    "missing key": (
        lambda r: r.write_card("01-basics/01-attention.md", {
            "id": "attention", "question": "What is attention?", "summary": "S."}),
        ["cards/demo/01-basics/01-attention.md:5: missing `difficulty`: add `difficulty: …` "
         "to the front matter"]),
    "unknown key": (
        lambda r: r.write_card("01-basics/01-attention.md", {
            "id": "attention", "question": "What is attention?", "difficulty": "easy",
            "summary": "S.", "sumary": "typo"}),
        ["cards/demo/01-basics/01-attention.md:6: unknown key `sumary` (did you mean "
         "`summary`?); allowed: id, question, difficulty, summary, tags, retired"]),
    "bad id": (
        lambda r: r.write_card("01-basics/01-attention.md", {
            "id": "Attention_Is", "question": "What is attention?", "difficulty": "easy",
            "summary": "S."}),
        ["cards/demo/01-basics/01-attention.md:2: bad id 'Attention_Is': use a lowercase slug "
         "of letters, digits and single hyphens, e.g. `kv-cache`"]),
    "duplicate id": (
        lambda r: r.write_card("02-advanced/02-again.md", {
            "id": "attention", "question": "Attention again?", "difficulty": "easy",
            "summary": "S."}),
        ["cards/demo/02-advanced/02-again.md:2: duplicate id `attention`, also used by "
         "cards/demo/01-basics/01-attention.md:2: ids are permanent, so give the newer card a "
         "new id"]),
    "bad difficulty": (
        lambda r: r.write_card("01-basics/01-attention.md", {
            "id": "attention", "question": "What is attention?", "difficulty": "medim",
            "summary": "S."}),
        ["cards/demo/01-basics/01-attention.md:4: bad difficulty 'medim': use easy, medium or "
         "hard (did you mean `medium`?)"]),
    "section folder not in catalogue.yaml": (
        lambda r: r.write_card("03-extra/01-x.md", {
            "id": "x", "question": "X?", "difficulty": "easy", "summary": "S."}),
        ["cards/demo/03-extra: section folder not listed in cards/demo/catalogue.yaml: add "
         "`- folder: 03-extra` with its `title:` to `sections`, or move its cards into a "
         "listed section"]),
    "duplicate question text": (
        lambda r: r.write_card("02-advanced/02-again.md", {
            "id": "again", "question": "what is  ATTENTION?", "difficulty": "easy",
            "summary": "S."}),
        ["cards/demo/02-advanced/02-again.md:3: duplicate question, same text as "
         "cards/demo/01-basics/01-attention.md:3: reword one, or retire one with "
         "`retired: true`"]),
    "missing image": (
        lambda r: r.edit("01-basics/01-attention.md", "### Core idea",
                         "### Core idea\n\n![Plot](../../../media/nope.svg)"),
        ["cards/demo/01-basics/01-attention.md:9: image `../../../media/nope.svg` not found: "
         "add media/nope.svg or fix the path"]),
    "image outside media/": (
        lambda r: r.edit("01-basics/01-attention.md", "### Core idea",
                         "### Core idea\n\n![Secret](../../catalogue.yaml)"),
        ["cards/demo/01-basics/01-attention.md:9: image `../../catalogue.yaml` resolves outside "
         "media/: keep images in media/ and link them as ../../../media/name.svg"]),
    "remote image": (
        lambda r: r.edit("01-basics/01-attention.md", "### Core idea",
                         "### Core idea\n\n![x](https://example.com/x.png)"),
        ["cards/demo/01-basics/01-attention.md:9: image `https://example.com/x.png` is not a "
         "file in media/: remote and `file:` images do not load offline on a phone; save it "
         "in media/ and write ![alt](../../../media/name.svg)"]),
    "script tag": (
        lambda r: r.edit("01-basics/01-attention.md", "### Core idea",
                         "### Core idea\n\n<script>alert(1)</script>"),
        ["cards/demo/01-basics/01-attention.md:9: <script> is not allowed in a card: scripts, "
         "frames, embeds, styles and forms do not belong in a shared deck; remove it"]),
    "event handler": (
        lambda r: r.edit("01-basics/01-attention.md", "### Core idea",
                         '### Core idea\n\n<div onclick="steal()">x</div>'),
        ["cards/demo/01-basics/01-attention.md:9: event handler `onclick` on <div> is not "
         "allowed: cards run no scripts; remove it"]),
    "non-UTF-8 file": (
        lambda r: r.write_raw("01-basics/01-attention.md",
                              b"---\nid: attention\nquestion: caf\xe9?\n---\n"),
        ["cards/demo/01-basics/01-attention.md:3: not valid UTF-8 (byte 0xe9): save the file "
         "with UTF-8 encoding"]),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_is_reported_at_its_line_and_leaves_dist_alone(repo: Repo, case: str) -> None:
    assert run(repo, "build").exit_code == 0
    before = repo.apkg.read_bytes()
    state_before = (repo.catalogue / "build-state.tsv").read_bytes()
    spoil, expected = BAD_INPUTS[case]
    spoil(repo)
    for command in ("check", "build"):
        result = run(repo, command)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.splitlines() == [
            *expected, f"error: {len(expected)} problem{'s' if len(expected) > 1 else ''} "
            "found; nothing was written"]
    assert repo.apkg.read_bytes() == before
    assert (repo.catalogue / "build-state.tsv").read_bytes() == state_before
    assert sorted(p.name for p in repo.apkg.parent.iterdir()) == ["demo.apkg"]


def test_every_problem_is_reported_at_once_in_file_and_line_order(repo: Repo) -> None:
    for case in ("bad difficulty", "missing image", "section folder not in catalogue.yaml",
                 "non-UTF-8 file"):
        BAD_INPUTS[case][0](repo)
    repo.write_card("02-advanced/01-kv.md", {"id": "kv-cache", "question": "KV?",
                                             "difficulty": "hard", "summary": "S.", "tag": []})
    result = run(repo, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        BAD_INPUTS["non-UTF-8 file"][1][0],
        "cards/demo/02-advanced/01-kv.md:6: unknown key `tag` (did you mean `tags`?); allowed: "
        "id, question, difficulty, summary, tags, retired",
        BAD_INPUTS["section folder not in catalogue.yaml"][1][0],
        "error: 3 problems found; nothing was written",
    ]


def test_diff_after_editing_one_card_names_exactly_that_card_and_field(repo: Repo) -> None:
    assert run(repo, "build").exit_code == 0
    repo.edit("01-basics/02-loss.md", "Attention computes", "Loss sums up")
    result = run(repo, "diff")
    assert result.exit_code == 0
    assert result.stdout == (
        "demo: 0 added, 1 changed, 0 retired, 2 unchanged; note type unchanged "
        "(compared with dist/demo.apkg)\n"
        "  changed  loss: Answer\n")


def test_diff_reports_moves_difficulty_changes_new_and_retired_cards_as_json(repo: Repo) -> None:
    assert run(repo, "build").exit_code == 0
    repo.edit("02-advanced/01-kv.md", "difficulty: hard", "difficulty: medium")
    repo.edit("01-basics/02-loss.md", "summary:", "retired: true\nsummary:")
    repo.write_card("02-advanced/02-new.md", {"id": "new-one", "question": "New?",
                                              "difficulty": "easy", "summary": "Yes."})
    result = run(repo, "diff", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"catalogues": [{
        "catalogue": "demo", "compared_with": "dist/demo.apkg",
        "added": ["new-one"],
        "changed": [
            {"id": "loss", "fields": ["Answer"], "tags_added": ["Demo_Track::retired"],
             "tags_removed": ["Demo_Track::Basics"]},
            {"id": "kv-cache", "fields": ["Difficulty"], "tags_added": ["difficulty::medium"],
             "tags_removed": ["difficulty::hard"]},
        ],
        "retired": ["loss"], "unchanged": 1, "notetype_changed": False,
    }]}


def test_build_prints_the_same_summary_as_diff(repo: Repo) -> None:
    assert run(repo, "build").exit_code == 0
    repo.edit("01-basics/02-loss.md", "Attention computes", "Loss sums up")
    summary = run(repo, "diff").stdout.splitlines()[0].split(" (compared")[0]
    assert run(repo, "build").stdout.splitlines()[0] == summary


def test_check_warns_about_media_files_no_answer_uses(repo: Repo) -> None:
    (repo.root / "media" / "orphan.png").write_bytes(b"png")
    result = run(repo, "check")
    assert result.exit_code == 0
    assert result.stderr == ("warning: media/orphan.png is not used by any answer: link it "
                             "from one, or delete it\n")
