"""Write a file atomically: a temporary file beside it, fsync, then rename.

A reader never sees a half-written PDF, and a build that fails midway leaves
the previous file (if any) untouched and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, NamedTuple


class WrittenFile(NamedTuple):
    """What was written: the SHA-256 hex digest and the size in bytes."""

    sha256: str
    size: int


class _HashingWriter:
    """File-like wrapper that hashes and counts what passes through it."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self.size += len(data)
        return self._raw.write(data)

    def flush(self) -> None:
        self._raw.flush()

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def write_atomically(
    path: str | Path,
    write: Callable[[BinaryIO], None],
    *,
    overwrite: bool = False,
) -> WrittenFile:
    """Call ``write(fileobj)`` and publish the bytes at ``path`` atomically.

    Without ``overwrite`` an existing file is never replaced: FileExistsError
    is raised and nothing changes (documents are not overwritten silently).
    The parent directory is created if needed.
    """
    path = Path(path)
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as raw:
            writer = _HashingWriter(raw)
            write(writer)
            raw.flush()
            os.fsync(raw.fileno())
        _publish(tmp_name, path, overwrite)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(directory)
    return WrittenFile(writer.hexdigest(), writer.size)


def _publish(tmp_name: str, path: Path, overwrite: bool) -> None:
    if overwrite:
        os.replace(tmp_name, path)
        return
    # A hard link fails if the target appeared meanwhile: no-clobber without a race.
    try:
        os.link(tmp_name, path)
    except FileExistsError:
        raise
    except OSError:  # file system without hard links
        if path.exists():
            raise FileExistsError(f"{path} already exists") from None
        os.replace(tmp_name, path)
        return
    os.unlink(tmp_name)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
