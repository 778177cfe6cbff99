"""Crash-safe file writing for the FAISS index: temporary files, fsync, ``os.replace``."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def temporary_path(directory: Path, name: str) -> Iterator[Path]:
    """A fresh path ``<name>..tmp-*`` in ``directory``, removed on exit unless moved away."""
    descriptor, raw = tempfile.mkstemp(prefix=f"{name}..tmp-", dir=directory)
    os.close(descriptor)
    path = Path(raw)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def fsync_path(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_directory(directory: Path) -> None:
    """Make renames in ``directory`` durable; some filesystems refuse, the files are synced."""
    with contextlib.suppress(OSError):
        fsync_path(directory)


def replace_atomically(
    directory: Path, name: str, target: Path, write: Callable[[Path], object]
) -> None:
    """Write through ``write(path)`` into a temporary file, fsync it, move it to ``target``."""
    with temporary_path(directory, name) as temp:
        write(temp)
        fsync_path(temp)
        os.replace(temp, target)
