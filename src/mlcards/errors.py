"""Problems in user input, reported as ``path:line: message``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class CardError(Exception):
    """One problem in one source file: where it is, what is wrong, how to fix it."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = self.path.as_posix() if self.line is None else f"{self.path.as_posix()}:{self.line}"
        return f"{where}: {self.message}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CardError) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


class CatalogueInvalid(Exception):
    """Raised once with every problem found, so that a user can fix them all in one go."""

    def __init__(self, problems: Iterable[CardError]) -> None:
        self.problems = sorted(set(problems), key=_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def _order(problem: CardError) -> tuple[str, int]:
    return (problem.path.as_posix(), problem.line or 0)
