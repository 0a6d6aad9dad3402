"""Change times: unchanged content keeps its time, changed content always gets a newer one."""

from __future__ import annotations

from pathlib import Path

from mlcards.state import Stamp, read_state, restamp, write_state


def test_new_content_is_stamped_now() -> None:
    assert restamp({}, {"a": "h1"}, now=100) == {"a": Stamp("h1", 100)}


def test_unchanged_content_keeps_its_time() -> None:
    assert restamp({"a": Stamp("h1", 50)}, {"a": "h1"}, now=100) == {"a": Stamp("h1", 50)}


def test_changed_content_gets_a_strictly_newer_time_even_if_the_clock_is_behind() -> None:
    assert restamp({"a": Stamp("h1", 100)}, {"a": "h2"}, now=90) == {"a": Stamp("h2", 101)}


def test_stamps_of_notes_not_built_this_time_are_kept() -> None:
    assert restamp({"gone": Stamp("h", 5)}, {}, now=9) == {"gone": Stamp("h", 5)}


def test_the_state_file_round_trips_sorted_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "build-state.tsv"
    write_state(path, {"b": Stamp("h2", 1_800_000_000), "a": Stamp("h1", 1_700_000_000)})
    lines = path.read_text().splitlines()
    assert lines[-2:] == ["a\th1\t1700000000\t2023-11-14T22:13:20Z",
                          "b\th2\t1800000000\t2027-01-15T08:00:00Z"]
    stamps, problems = read_state(path, Path("state.tsv"))
    assert problems == []
    assert stamps == {"a": Stamp("h1", 1_700_000_000), "b": Stamp("h2", 1_800_000_000)}
    assert [stamps["a"].line, stamps["b"].line] == [5, 6]


def test_an_unreadable_state_line_is_reported_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "build-state.tsv"
    path.write_text("a\th1\tnot-a-time\n")
    _, problems = read_state(path, Path("cards/x/build-state.tsv"))
    assert [str(p) for p in problems] == [
        "cards/x/build-state.tsv:1: unreadable state line: restore this file from git "
        "(git checkout -- cards/x/build-state.tsv)"]
