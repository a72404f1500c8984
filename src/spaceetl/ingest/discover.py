"""Find the raw files and decide which need reading. Unchanged files (same path, size and mtime, or same path
and content hash) are skipped without being parsed, so a re-run of an unchanged folder is cheap.

Nothing outside the raw folder is read unless asked for: a symbolic link is resolved and its target checked
against the resolved raw folder. Named pipes, sockets and devices are never opened (opening a FIFO blocks until a
writer appears). Files that are not articles by name (README, LICENSE, CSV manifests, images: the
include/exclude globs) are recorded as skipped, not read."""

from __future__ import annotations

import errno
import fnmatch
import logging
import os
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .decode import in_system_folder
from .models import FileEntry, Rejected

log = logging.getLogger(__name__)


#: Folders whose files are the kernel's, not the user's (environment, memory maps, devices): never read, even when
#: a link leads there and links outside the raw folder are allowed.
def own_output_paths(warehouse: Path, reports_dir: Path | None = None, spill_dir: Path | None = None) -> list[Path]:
    """The warehouse's own files and folders (its write-ahead log, reports, spill folders): when they lie inside
    the raw folder, a run must not read them back as articles."""
    paths = [warehouse, warehouse.with_name(warehouse.name + ".wal"), warehouse.with_name(warehouse.name + ".lock"),
             warehouse.with_name(warehouse.name + ".wait"),
             warehouse.parent / "spill",
             reports_dir or warehouse.parent / "reports"]
    if spill_dir is not None:
        paths.append(spill_dir)
    return paths


def walk(raw_dir: Path, include_hidden: bool = False, *, follow_outside_links: bool = False,
         include: Sequence[str] = ("*",), exclude: Sequence[str] = (),
         own_paths: Sequence[Path] = ()) -> Iterator[FileEntry | Rejected]:
    """Every regular file below ``raw_dir`` in a stable order. Broken links and unreadable entries are Rejected
    (quarantined); links leaving the folder, special files and excluded names are Rejected with ``skipped``.
    ``own_paths`` (the warehouse, its reports and spill folders) are left out without a row, logged once."""
    raw_dir = Path(raw_dir)
    root = raw_dir.resolve()
    own = {p.resolve() for p in own_paths}
    own_names = {p.name for p in own}
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=False):
        if not include_hidden:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        dirnames[:] = sorted(d for d in dirnames if not _is_own(Path(dirpath) / d, own, own_names))
        for name in sorted(filenames):
            if not include_hidden and name.startswith("."):
                continue
            path = Path(dirpath) / name
            if _is_own(path, own, own_names):
                continue
            yield _entry(path, display_path(path.relative_to(raw_dir).as_posix()), root, follow_outside_links,
                         include, exclude)


def _is_own(path: Path, own: set[Path], own_names: set[str]) -> bool:
    if path.name not in own_names or path.resolve() not in own:
        return False
    log.warning("not reading %s: it is the warehouse's own output (warehouse, reports or spill folder) inside the "
                "raw folder", path)
    return True


def _entry(path: Path, rel: str, root: Path, follow_outside_links: bool, include: Sequence[str],
           exclude: Sequence[str]) -> FileEntry | Rejected:
    skip = name_excluded(rel, include, exclude)
    if skip:
        return Rejected(rel, 0, "discover", "excluded_by_name", skip, skipped=True)
    try:
        lst = path.lstat()
        if stat.S_ISLNK(lst.st_mode):
            target = path.resolve(strict=True)
            if in_system_folder(target):
                return Rejected(rel, 0, "discover", "link_to_system_folder",
                                f"symbolic link points into /{target.parts[1]} (kernel or device "
                                "files): never read, even with SPACEETL_FOLLOW_OUTSIDE_LINKS", skipped=True)
            if not follow_outside_links and not target.is_relative_to(root):
                return Rejected(rel, 0, "discover", "link_outside_raw_folder",
                                "symbolic link points outside the raw folder and was not read "
                                "(SPACEETL_FOLLOW_OUTSIDE_LINKS=true allows it)", skipped=True)
        st = path.stat()  # follows symlinks: a dangling one raises
    except RuntimeError:  # Python's own loop detection in resolve()
        return _loop(rel)
    except FileNotFoundError:
        return Rejected(rel, 0, "discover", "broken_link", "symbolic link points to a missing file")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _loop(rel)
        return Rejected(rel, 0, "discover", "unreadable_file", f"cannot stat file: {exc.strerror or exc}")
    kind = special_kind(st.st_mode)
    if kind:
        return Rejected(rel, 0, "discover", "special_file", f"{kind}, not a regular file: never opened", skipped=True)
    if not stat.S_ISREG(st.st_mode):  # pragma: no cover - os.walk lists folders apart; nothing else remains
        return Rejected(rel, 0, "discover", "special_file", "not a regular file: never opened", skipped=True)
    return FileEntry(rel, path, st.st_size, st.st_mtime_ns)


def _loop(rel: str) -> Rejected:
    return Rejected(rel, 0, "discover", "symlink_loop", "symbolic link loop: the link leads back to itself, never to "
                                                         "a file")


_ESCAPE_LIKE = re.compile(r"\\x[0-9a-fA-F]{2}")
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def display_path(rel: str) -> str:
    """A relative path as a stable, storable string that still tells apart every byte sequence (the source's
    identity). A valid UTF-8 name without a ``\\xNN``-like run is itself (nearly every name); otherwise its
    backslashes are doubled and its undecodable bytes spelled ``\\xff``, so a name with the raw byte 0xFF
    (``bad\\xff.txt``) and a name written with a backslash, x, f, f (``bad\\\\xff.txt``) stay two sources. The file
    itself is still opened by its real name (``FileEntry.abs_path``)."""
    if not _UNDECODABLE.search(rel) and not _ESCAPE_LIKE.search(rel):
        return rel
    escaped = rel.replace("\\", "\\\\")
    return _UNDECODABLE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", escaped)


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
