"""The real ML Breadth catalogue: exactly the seed's 62 questions, and a state that is current."""

from __future__ import annotations

import re
from pathlib import Path

from mlcards.build import check
from mlcards.load import load
from mlcards.state import STATE_FILE

from .conftest import REPO

SEED = Path(__file__).parent / "data" / "ml-breadth-catalogue.txt"


def seed_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """The seed page as (section, [(question, difficulty)]); its first three lines are the
    title, the description and a "studied" counter."""
    sections: list[tuple[str, list[tuple[str, str]]]] = []
    for line in SEED.read_text(encoding="utf-8").splitlines()[3:]:
        if line.startswith("- "):
            match = re.fullmatch(r"- (.*?)(easy|medium|hard)", line)
            assert match, line
            sections[-1][1].append((match[1], match[2]))
        elif line.strip():
            sections.append((line.strip(), []))
    return sections


def test_the_catalogue_holds_the_seed_questions_in_order_with_their_difficulty() -> None:
    (catalogue,) = load(REPO).catalogues
    actual = [(s.title, [(c.question, c.difficulty) for c in s.cards])
              for s in catalogue.sections]
    assert actual == seed_sections()
    assert sum(len(s.cards) for s in catalogue.sections) == 62
    assert catalogue.title == "ML Breadth" and catalogue.deck == "ML Breadth"


def test_the_real_catalogue_passes_check() -> None:
    checked = check(REPO)
    assert [len(p.notes) for p in checked.plans] == [
        sum(c.answered for c in load(REPO).catalogues[0].cards)]


def test_the_committed_build_state_matches_the_sources() -> None:
    """If this fails, run `mlcards build` and commit cards/*/build-state.tsv with your edit:
    otherwise a fresh clone stamps the edited notes with a new time on every build."""
    (plan,) = check(REPO).plans
    assert plan.new == plan.old, f"{plan.catalogue.slug}/{STATE_FILE} is out of date"
