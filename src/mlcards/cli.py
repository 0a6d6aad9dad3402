"""The command line: parse options, call the library, print, exit (1 = bad input, 2 = usage)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from . import __version__

T = TypeVar("T")
ROOT_HELP = "Repository root (default: the nearest folder above here that has cards/)."


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds ``cards/``."""
    for folder in [start, *start.parents]:
        if (folder / "cards").is_dir():
            return folder
    raise click.UsageError("no cards/ folder here or above: run mlcards inside the repository, "
                           "or pass --root")


def _root(root: Path | None) -> Path:
    return root.resolve() if root else find_root(Path.cwd())


root_option = click.option("--root", type=click.Path(file_okay=False, path_type=Path),
                           help=ROOT_HELP)
strict_option = click.option("--strict", is_flag=True,
                             help="Treat questions without an answer as errors.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlcards")
@click.option("--debug", is_flag=True, help="Show a full traceback on errors (for bug reports).")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Compile the Markdown catalogue in cards/ into Anki decks in dist/.

    \b
    Example:
      mlcards check        # validate every card, print every problem
      mlcards build        # write dist/ml-breadth.apkg
      mlcards diff         # what re-importing the next build will change
      mlcards preview      # offline HTML preview of every card in dist/preview/
      mlcards stats        # answered / total and words, per section
    """


@main.command()
@root_option
@strict_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the .apkg files (default: dist/ under the root).")
def build(root: Path | None, strict: bool, out: Path | None) -> None:
    """Validate, render and write one .apkg per catalogue.

    A deck is written to a temporary file and renamed into place, so a failed build leaves
    the previous deck untouched. Questions without an answer are left out (a warning says
    which); with --strict they are errors. Also updates cards/<catalogue>/build-state.tsv
    (commit it): it records when each note last changed, so that re-importing updates exactly
    the notes you edited.

    \b
    Example:
      mlcards build
      mlcards build --strict --out /tmp/decks
    """
    from .build import Checked, deck_path
    from .build import build as run_build
    from .diff import diff_plan

    root = _root(root)

    def announce(checked: Checked) -> None:
        _warn(checked.warnings)
        for plan in checked.plans:
            previous = deck_path(root, plan, out)
            click.echo(diff_plan(plan, previous, _shown(root, previous), details=False)
                       .summary())

    written, _ = _guard(lambda: run_build(root, out, strict=strict, before_write=announce))
    for deck in written:
        click.echo(f"wrote {_shown(root, deck.path)}: {deck.notes} notes, {deck.media} media "
                   f"files, {_size(deck.size)}")


@main.command(short_help="What importing the next build will change.")
@root_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where the last build was written (default: dist/ under the root).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, for scripts.")
def diff(root: Path | None, out: Path | None, as_json: bool) -> None:
    """Show what importing the next build will do: notes added, changed (which fields and
    tags), retired and unchanged, and whether the note type changes. Compares the sources with
    the last build in dist/ (or, without one, with build-state.tsv). Writes nothing.

    \b
    Example:
      mlcards diff
      mlcards diff --json
    """
    import json

    from .build import check as run_check
    from .build import deck_path
    from .diff import diff_plan

    root = _root(root)
    checked = _guard(lambda: run_check(root))
    diffs = []
    for plan in checked.plans:
        previous = deck_path(root, plan, out)
        diffs.append(diff_plan(plan, previous, _shown(root, previous)))
    if as_json:
        click.echo(json.dumps({"catalogues": [d.as_json() for d in diffs]}, indent=2,
                              ensure_ascii=False))
        return
    _warn(checked.warnings)
    for d in diffs:
        click.echo(f"{d.summary()} (compared with {d.compared_with})")
        for card_id in d.added:
            click.echo(f"  added    {card_id}")
        for change in d.changed:
            what = [*change.fields]
            what += [f"+tag {t}" for t in change.tags_added]
            what += [f"-tag {t}" for t in change.tags_removed]
            detail = ", ".join(what) if d.details else "content (last build not found)"
            click.echo(f"  changed  {change.id}: {detail}")
        for card_id in d.retired:
            click.echo(f"  retired  {card_id}")


@main.command(short_help="Validate every card; write nothing.")
@root_option
@strict_option
def check(root: Path | None, strict: bool) -> None:
    """Validate every card and report every problem at once; writes nothing.

    \b
    Example:
      mlcards check --strict
    """
    from .build import check as run_check

    checked = _guard(lambda: run_check(_root(root), strict=strict))
    _warn(checked.warnings)
    notes = sum(len(plan.notes) for plan in checked.plans)
    click.echo(f"ok: {len(checked.plans)} catalogue(s), {notes} notes ready to build")


@main.command()
@root_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (default: dist/preview/ under the root).")
@click.option("--mathjax", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              envvar="MLCARDS_MATHJAX", help="A MathJax 3 bundle (es5/tex-svg-full.js) to "
              "typeset math as Anki does [env: MLCARDS_MATHJAX]; ./scripts/test fetches one "
              "into .cache/mathjax/.")
def preview(root: Path | None, out: Path | None, mathjax: Path | None) -> None:
    """Write an offline HTML preview of every card to dist/preview/.

    Uses the deck's own templates, CSS and rendering. Open dist/preview/index.html in a
    browser: it has a night-mode switch and a section filter; each card also has a page of
    its own (front and back), as Anki shows it. No network needed.

    \b
    Example:
      mlcards preview && xdg-open dist/preview/index.html
    """
    from .build import check as run_check
    from .preview import write_preview

    root = _root(root)
    checked = _guard(lambda: run_check(root))
    _warn(checked.warnings)
    index = write_preview(checked, out or root / "dist" / "preview", mathjax=mathjax)
    notes = sum(len(plan.notes) for plan in checked.plans)
    click.echo(f"wrote {_shown(root, index)}: {notes} cards")


@main.command(short_help="Answered / total and words, per section and difficulty.")
@root_option
def stats(root: Path | None) -> None:
    """Per section and difficulty: answered / total questions, and words in the answers.

    \b
    Example:
      mlcards stats
    """
    from .load import load
    from .model import DIFFICULTIES

    loaded = load(_root(root))
    for catalogue in loaded.catalogues:
        click.echo(f"{catalogue.title or catalogue.slug}")
        header = f"  {'section':<34}{'answered':>9}" + "".join(f"{d:>9}" for d in DIFFICULTIES)
        click.echo(header + f"{'words':>8}{'retired':>9}")
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        all_words = all_retired = 0
        for section in catalogue.sections:
            counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for card in section.cards:
                for key in (card.difficulty, "all"):
                    counts[key][0] += card.answered
                    counts[key][1] += 1
                    totals[key][0] += card.answered
                    totals[key][1] += 1
            words = sum(len(card.body.split()) for card in section.cards)
            retired = sum(card.retired for card in section.cards)
            all_words, all_retired = all_words + words, all_retired + retired
            click.echo(_stats_row(section.title, counts, words, retired))
        click.echo(_stats_row("total", totals, all_words, all_retired))
    for problem in loaded.problems:
        click.echo(f"warning: {problem}", err=True)


def _stats_row(name: str, counts: dict[str, list[int]], words: int, retired: int) -> str:
    from .model import DIFFICULTIES

    def cell(key: str) -> str:
        done, total = counts.get(key, [0, 0])
        return f"{done}/{total}" if total else "-"

    return (f"  {name[:33]:<34}{cell('all'):>9}" + "".join(f"{cell(d):>9}" for d in DIFFICULTIES)
            + f"{words:>8}{retired:>9}")


def _guard(action: Callable[[], T]) -> T:
    """Run ``action``; a user's mistake becomes its messages and exit code 1, not a traceback."""
    from .errors import CatalogueInvalid

    debug = bool(click.get_current_context().find_root().params.get("debug"))
    try:
        return action()
    except CatalogueInvalid as e:
        for problem in e.problems:
            click.echo(str(problem), err=True)
        n = len(e.problems)
        click.echo(f"error: {n} problem{'s' if n != 1 else ''} found; nothing was written",
                   err=True)
        raise SystemExit(1) from None
    except click.ClickException:
        raise
    except OSError as e:
        if debug:
            raise
        where = f" {e.filename}" if e.filename else ""
        click.echo(f"error: cannot read or write{where}: {e.strerror or e}; the previous deck "
                   "and state are unchanged", err=True)
        raise SystemExit(1) from None
    except Exception as e:
        if debug:
            raise
        click.echo(f"internal error: {type(e).__name__}: {e}\nThis is a bug in mlcards: run "
                   "the same command with --debug and report the traceback.", err=True)
        raise SystemExit(70) from None


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def _shown(root: Path, path: Path) -> str:
    return (path.relative_to(root) if path.is_relative_to(root) else path).as_posix()


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.2f} MiB"
