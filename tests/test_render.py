"""Markdown -> Anki HTML: math delimiters, code, tables, media names, what is rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlcards.load import load
from mlcards.render import Renderer, audit_html, media_name, sanitise

from .conftest import Repo


@pytest.fixture
def md(tmp_path: Path) -> Renderer:
    return Renderer(tmp_path)


def test_inline_and_display_math_become_mathjax_delimiters(md: Renderer) -> None:
    html = md.markdown("Loss $a_i * b_j$ here.\n\n$$\n\\sum_i x_i^2 \\\\ y_*\n$$\n")
    assert "\\(a_i * b_j\\)" in html
    assert "\\[\n\\sum_i x_i^2 \\\\ y_*\n\\]" in html


def test_backslashes_underscores_and_asterisks_inside_math_are_untouched(md: Renderer) -> None:
    html = md.markdown(r"$\mathbb{E}_{x \sim p}[\ell(x)] = a*b*c \_ \{1\}$")
    assert r"\(\mathbb{E}_{x \sim p}[\ell(x)] = a*b*c \_ \{1\}\)" in html
    assert "<em>" not in html


def test_dollars_inside_code_stay_code(md: Renderer) -> None:
    html = md.markdown("Run `echo $HOME $x$`.\n\n```bash\nexport A=$B # $c$\n```\n")
    assert "<code>echo $HOME $x$</code>" in html
    assert "\\(" not in html and "$B" in html


def test_an_escaped_dollar_is_a_dollar(md: Renderer) -> None:
    assert md.markdown(r"It costs \$5 and \$6.") == "<p>It costs $5 and $6.</p>"


def test_fenced_code_is_highlighted_with_css_classes(md: Renderer) -> None:
    html = md.markdown("```python\nx = 1  # one\n```\n")
    assert '<div class="highlight"><pre>' in html
    assert '<span class="c1"># one</span>' in html and "style=" not in html


def test_tables_are_wrapped_so_they_scroll_on_a_phone(md: Renderer) -> None:
    html = md.markdown("| a | b |\n|---|---|\n| 1 | $x$ |\n")
    assert html.startswith('<div class="table-wrap"><table>')
    assert "<td><span class=\"arithmatex\">\\(x\\)</span></td>" in html


def test_images_get_content_hashed_flat_names(repo: Repo) -> None:
    (card,) = [c for c in load(repo.root).catalogues[0].cards if c.id == "kv-cache"]
    rendered, problems = Renderer(repo.root).render(card)
    name = media_name(repo.root / "media" / "box.svg")
    assert problems == []
    assert f'<img alt="A box" src="{name}">' in rendered.answer
    assert rendered.media == {name: (repo.root / "media" / "box.svg").resolve()}
    assert name.startswith("box-") and name.endswith(".svg") and len(name) == len("box-.svg") + 10


@pytest.mark.parametrize("fragment, flagged", [
    ("<script>x()</script>", "<script> is not allowed"),
    ("<iframe src='a.html'></iframe>", "<iframe> is not allowed"),
    ('<a href="javascript:alert(1)">x</a>', "link `javascript:alert(1)` is not allowed"),
    ('<span onmouseover="x()">x</span>', "event handler `onmouseover`"),
    ('<img src="https://example.com/x.png">', 'raw <img src="https://example.com/x.png">'),
    ('<video poster="https://example.com/p.png"></video>', "<video> is not allowed"),
    ('<div style="background: url(https://e.com/x.png)">x</div>', "`style` on <div>"),
    ('<link rel="stylesheet" href="https://e.com/s.css">', "<link> is not allowed"),
    ("<object data='x.swf'></object>", "<object> is not allowed"),
    ("<embed src='x.swf'>", "<embed> is not allowed"),
    ('<a href="file:///etc/passwd">x</a>', "link `file:///etc/passwd` is not allowed"),
    ('<a href="//evil.example/x">x</a>', "link `//evil.example/x` is not allowed"),
    ('<svg><image href="https://e.com/x.png"/></svg>', "<svg> is not allowed"),
    ('<p data-x="1">x</p>', "attribute `data-x` on <p> is not allowed"),
])
def test_html_that_runs_code_or_loads_resources_is_flagged(fragment: str, flagged: str) -> None:
    assert any(flagged in message for _, message in audit_html(fragment))


def test_the_sanitiser_removes_whatever_is_off_the_allow_list() -> None:
    assert sanitise('<p onclick="x()">a<script>b()</script></p><iframe></iframe>') == "<p>a</p>"
    assert sanitise('<a href="javascript:x()">y</a>') == "<a>y</a>"


def test_layout_html_and_links_are_allowed() -> None:
    assert audit_html('<div class="note"><a href="https://arxiv.org">paper</a><br></div>') == []
