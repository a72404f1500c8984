"""Find the raw files and decide which need reading. Unchanged files (same path, size and mtime, or same path
and content hash) are skipped without being parsed, so a re-run of an unchanged folder is cheap.

Nothing outside the raw folder is read unless asked for: a symbolic link is resolved and its target checked
against the resolved raw folder. Named pipes, sockets and devices are never opened (opening a FIFO blocks until a
writer appears). Files that are not articles by name (README, LICENSE, CSV manifests, images: the
include/exclude globs) are recorded as skipped, not read."""

from __future__ import annotations

import fnmatch
import logging
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .models import FileEntry, Rejected

log = logging.getLogger(__name__)


def walk(raw_dir: Path, include_hidden: bool = False, *, follow_outside_links: bool = False,
         include: Sequence[str] = ("*",), exclude: Sequence[str] = ()) -> Iterator[FileEntry | Rejected]:
    """Every regular file below ``raw_dir`` in a stable order. Broken links and unreadable entries are Rejected
    (quarantined); links leaving the folder, special files and excluded names are Rejected with ``skipped``."""
    raw_dir = Path(raw_dir)
    root = raw_dir.resolve()
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False):
        if not include_hidden:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        dirnames.sort()
        for name in sorted(filenames):
            if not include_hidden and name.startswith("."):
                continue
            path = Path(dirpath) / name
            rel = display_path(path.relative_to(raw_dir).as_posix())
            skip = name_excluded(rel, include, exclude)
            if skip:
                yield Rejected(rel, 0, "discover", "excluded_by_name", skip, skipped=True)
                continue
            try:
                lst = path.lstat()
                if stat.S_ISLNK(lst.st_mode):
                    target = path.resolve(strict=True)
                    if not follow_outside_links and not target.is_relative_to(root):
                        yield Rejected(rel, 0, "discover", "link_outside_raw_folder",
                                       "symbolic link points outside the raw folder and was not read "
                                       "(SPACEETL_FOLLOW_OUTSIDE_LINKS=true allows it)", skipped=True)
                        continue
                st = path.stat()  # follows symlinks: a dangling one raises
            except (FileNotFoundError, RuntimeError):  # RuntimeError: a symlink loop
                yield Rejected(rel, 0, "discover", "broken_link", "symbolic link points to a missing file")
                continue
            except OSError as exc:
                yield Rejected(rel, 0, "discover", "unreadable_file", f"cannot stat file: {exc.strerror or exc}")
                continue
            kind = special_kind(st.st_mode)
            if kind:
                yield Rejected(rel, 0, "discover", "special_file", f"{kind}, not a regular file: never opened",
                               skipped=True)
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            yield FileEntry(rel, path, st.st_size, st.st_mtime_ns)


def display_path(rel: str) -> str:
    """A file name that is not valid UTF-8 (``bad\\xff.txt``) as a stable, storable string: its undecodable bytes
    spelled as ``\\xff``. The file itself is still opened by its real name (``FileEntry.abs_path``)."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def special_kind(mode: int) -> str | None:
    for test, kind in ((stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device")):
        if test(mode):
            return kind
    return None


def split_globs(value: str | Sequence[str]) -> tuple[str, ...]:
    """Settings hold globs as one comma-separated string (easy to set in an environment variable)."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(p.strip() for p in items if p and p.strip())


def name_excluded(rel_path: str, include: Sequence[str], exclude: Sequence[str]) -> str | None:
    """Why a file is skipped by name, or None. Globs match the file name or the relative path, ignoring case;
    a ``.gz`` file is also matched without its ``.gz`` (``manifest.csv.gz`` is a CSV)."""
    name = rel_path.rsplit("/", 1)[-1].lower()
    names = {name, rel_path.lower()}
    if name.endswith(".gz"):
        names |= {name[:-3], rel_path.lower()[:-3]}
    for pattern in exclude:
        if any(fnmatch.fnmatchcase(n, pattern.lower()) for n in names):
            return f"not an article: the name matches the exclude glob '{pattern}' (SPACEETL_EXCLUDE)"
    from .sidecars import skip_reason  # a manifest (metadata.jsonl) is read for the files beside it, not as one

    if sidecar := skip_reason(rel_path):
        return sidecar
    if include and not any(fnmatch.fnmatchcase(n, p.lower()) for p in include for n in names):
        return "not an article: the name matches no include glob (SPACEETL_INCLUDE)"
    return None



@dataclass(frozen=True)
class KnownFile:
    size: int | None
    mtime_ns: int | None
    file_sha256: str | None
    outcome: str | None = None


def is_unchanged(entry: FileEntry, known: Mapping[str, KnownFile]) -> bool | None:
    """True/False when size+mtime decide it; None when only the content hash can tell (same size, new mtime)."""
    prev = known.get(entry.rel_path)
    if prev is None or prev.size != entry.size:
        return False
    if prev.mtime_ns == entry.mtime_ns:
        return True
    return None
