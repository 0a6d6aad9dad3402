"""An offline HTML preview of every card, made with the note type's own templates and CSS.

``dist/preview/index.html`` shows every card (front, then back) with a light/night switch and
a section filter; ``dist/preview/cards/<id>.front.html`` and ``.back.html`` are each card
alone, as Anki's card view renders it (a ``<body class="card">``). Media sit beside them under
the same flat names Anki uses. Nothing is fetched from the network.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from .build import Checked
from .package import FIELDS, Note, note_type

MATHJAX_FILE = "_mathjax.js"
FIELD_REF = re.compile(r"\{\{([^{}]+)\}\}")

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
{extra}</head>
<body class="{body_class}">
{content}
</body></html>
"""

INDEX_CSS = """
html, body { margin: 0; }
.pv-bar { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: 8px 16px;
  align-items: center; padding: 10px 14px; background: #24292f; color: #fff;
  font: 14px system-ui, sans-serif; }
.pv-bar select, .pv-bar button { font: inherit; }
.pv-card { border-bottom: 6px solid #8c959f; }
.pv-card .pv-side { font: 12px system-ui, sans-serif; color: #8c959f; padding: 6px 14px 0; }
.pv-card.pv-hidden { display: none; }
"""

INDEX_SCRIPT = """<script>
function pvTheme(night) {
  document.querySelectorAll('.card').forEach(function (el) {
    el.classList.toggle('nightMode', night);
  });
}
function pvSection(value) {
  document.querySelectorAll('.pv-card').forEach(function (el) {
    el.classList.toggle('pv-hidden', value !== '' && el.dataset.section !== value);
  });
}
</script>"""


def fill(template: str, fields: Mapping[str, str]) -> str:
    """Anki's field substitution for the plain ``{{Field}}`` references our templates use."""
    def value(match: re.Match[str]) -> str:
        return fields[match.group(1).strip()]

    return FIELD_REF.sub(value, template)


def card_sides(note: Note) -> tuple[str, str]:
    """The front and back HTML of a note, as Anki renders them (without its own wrapper)."""
    nt = note_type()
    fields = {name: value for (name, _), value in zip(FIELDS, note.fields, strict=True)}
    front = fill(nt.front, fields)
    back = fill(nt.back, {**fields, "FrontSide": front})
    return front, back


def write_preview(checked: Checked, out: Path, extra_css: str = "",
                  mathjax: Path | None = None) -> Path:
    """Write the preview of every catalogue into ``out``; returns the index page.

    ``mathjax``: a MathJax 3 bundle (e.g. ``es5/tex-svg-full.js``) to typeset math as Anki
    does; without it the preview shows the TeX source between ``\\(`` and ``\\)``.
    """
    if out.exists():
        shutil.rmtree(out)
    (out / "cards").mkdir(parents=True)
    css = note_type().css + extra_css
    script = ""
    if mathjax is not None:
        shutil.copyfile(mathjax, out / MATHJAX_FILE)
        shutil.copyfile(mathjax, out / "cards" / MATHJAX_FILE)
        script = f'<script src="{MATHJAX_FILE}" async></script>'

    blocks = []
    sections: list[str] = []
    for plan in checked.plans:
        for name, source in plan.media.items():
            shutil.copyfile(source, out / name)
            shutil.copyfile(source, out / "cards" / name)
        for note in plan.notes:
            front, back = card_sides(note)
            section = note.fields[4]
            if section not in sections:
                sections.append(section)
            for side, content in (("front", front), ("back", back)):
                page = PAGE.format(title=html.escape(f"{note.card_id} ({side})"), css=css,
                                   extra=script, body_class="card", content=content)
                (out / "cards" / f"{note.card_id}.{side}.html").write_text(page, "utf-8")
            blocks.append(_index_block(note.card_id, section, front, back))
    index = out / "index.html"
    index.write_text(PAGE.format(
        title="mlcards preview", css=css + INDEX_CSS, extra=INDEX_SCRIPT + script, body_class="",
        content=_toolbar(sections, len(blocks)) + "\n".join(blocks)), "utf-8")
    return index


def _index_block(card_id: str, section: str, front: str, back: str) -> str:
    return (f'<section class="pv-card" id="{html.escape(card_id)}" '
            f'data-section="{html.escape(section)}">'
            f'<div class="pv-side">{html.escape(card_id)}: front · '
            f'<a href="cards/{card_id}.front.html">alone</a></div>'
            f'<div class="card">{front}</div>'
            f'<div class="pv-side">back · <a href="cards/{card_id}.back.html">alone</a></div>'
            f'<div class="card">{back}</div></section>')


def _toolbar(sections: Sequence[str], count: int) -> str:
    options = "".join(f'<option value="{html.escape(s)}">{html.escape(s)}</option>'
                      for s in sections)
    return ('<div class="pv-bar"><strong>mlcards preview</strong>'
            f'<span>{count} cards</span>'
            '<label>Section <select onchange="pvSection(this.value)">'
            f'<option value="">All</option>{options}</select></label>'
            '<label><input type="checkbox" onchange="pvTheme(this.checked)"> Night mode'
            '</label></div>')
