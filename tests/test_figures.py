"""The figures in media/ are exactly what scripts/figures.py draws, and every one is used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mlcards.build import check

from .conftest import REPO


def test_the_figure_script_reproduces_every_committed_figure_byte_for_byte(
        tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "figures.py"), "--out",
                    str(tmp_path)], check=True, capture_output=True)
    drawn = sorted(p.name for p in tmp_path.glob("*.svg"))
    committed = sorted(p.name for p in (REPO / "media").glob("*.svg"))
    assert drawn == committed and len(drawn) >= 14
    for name in drawn:
        assert (tmp_path / name).read_bytes() == (REPO / "media" / name).read_bytes(), name


def test_every_figure_is_small_and_used_by_an_answer_with_alt_text() -> None:
    checked = check(REPO)
    assert not [w for w in checked.warnings if "media/" in w]
    for plan in checked.plans:
        for note in plan.notes:
            assert 'alt=""' not in note.fields[2], f"{note.card_id}: an image has no alt text"
    for svg in (REPO / "media").glob("*.svg"):
        assert svg.stat().st_size < 150 * 1024, svg.name
