"""Atomic file replacement: a reader sees the old file or the new one, never a mix."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

TEMP_SUFFIX = ".tmp"


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a hidden temporary path beside ``path``; when the block succeeds, the file written
    there is flushed to disk and renamed over ``path``. On failure it is removed. One left by a
    process killed meanwhile is removed by ``sweep``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(path)
    try:
        yield temp
        with temp.open("rb+") as f:
            os.fsync(f.fileno())
        temp.replace(path)
    finally:
        temp.unlink(missing_ok=True)


def replace_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data``: a reader sees the old file or the new one."""
    with atomic_output(path) as temp:
        temp.write_bytes(data)


def temp_path(path: Path, kind: str = "") -> Path:
    """``dir/.name[.kind].<pid>.tmp``: hidden, unique to this process, known to ``sweep``."""
    return path.with_name(f".{path.name}{'.' + kind if kind else ''}.{os.getpid()}{TEMP_SUFFIX}")


def sweep(folder: Path) -> None:
    """Remove temporary files that killed builds left in ``folder``."""
    if not folder.is_dir():
        return
    for temp in folder.glob(f".*{TEMP_SUFFIX}"):
        pid = temp.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            temp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` so that concurrent builds run one after another."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
