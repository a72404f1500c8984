"""Find the raw files and decide which need reading. Unchanged files (same path, size and mtime, or same path
and content hash) are skipped without being parsed, so a re-run of an unchanged folder is cheap."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .models import FileEntry, Rejected

log = logging.getLogger(__name__)


def walk(raw_dir: Path, include_hidden: bool = False) -> Iterator[FileEntry | Rejected]:
    """Every regular file below ``raw_dir`` in a stable order; broken links and unreadable entries are Rejected."""
    raw_dir = Path(raw_dir)
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False):
        if not include_hidden:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        dirnames.sort()
        for name in sorted(filenames):
            if not include_hidden and name.startswith("."):
                continue
            path = Path(dirpath) / name
            rel = display_path(path.relative_to(raw_dir).as_posix())
            try:
                st = path.stat()  # follows symlinks: a dangling one raises
            except FileNotFoundError:
                yield Rejected(rel, 0, "discover", "broken_link", "symbolic link points to a missing file")
                continue
            except OSError as exc:
                yield Rejected(rel, 0, "discover", "unreadable_file", f"cannot stat file: {exc.strerror or exc}")
                continue
            if not path.is_file():
                continue
            yield FileEntry(rel, path, st.st_size, st.st_mtime_ns)


def display_path(rel: str) -> str:
    """A file name that is not valid UTF-8 (``bad\\xff.txt``) as a stable, storable string: its undecodable bytes
    spelled as ``\\xff``. The file itself is still opened by its real name (``FileEntry.abs_path``)."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class KnownFile:
    size: int | None
    mtime_ns: int | None
    file_sha256: str | None


def is_unchanged(entry: FileEntry, known: Mapping[str, KnownFile]) -> bool | None:
    """True/False when size+mtime decide it; None when only the content hash can tell (same size, new mtime)."""
    prev = known.get(entry.rel_path)
    if prev is None or prev.size != entry.size:
        return False
    if prev.mtime_ns == entry.mtime_ns:
        return True
    return None
