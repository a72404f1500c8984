"""Metadata sidecars: a manifest (CSV, TSV or JSON lines) beside the article files that states what the files do
not, such as the publication date of a scraped text that carries none. Collections saved as bare text (DVIDS,
press-release dumps) keep their dates, URLs and sections there, and without it most of their articles have no date.

A manifest is found by name (``data/metadata_sidecars.yaml``) in the folder of the file being read, loaded once per
process and folder, and reloaded when a manifest in that folder is added, removed or edited. It only fills fields
the file does not state itself, and says so: ``metadata_source`` names the manifest and ``metadata_fields`` the
fields it supplied.

Every article read also has its authors' military ranks moved into ``author_ranks`` (``fields.split_rank``), so
the hook here is the one place an article's metadata is completed after its file is parsed.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..data import cached_per_data_dir, read_yaml
from ..errors import InputError
from . import fields
from .models import FileEntry, RawArticle

log = logging.getLogger(__name__)

SIDECARS_FILE = "metadata_sidecars.yaml"


@dataclass(frozen=True)
class SidecarRules:
    file_names: tuple[str, ...]
    max_bytes: int
    file_key: tuple[str, ...]
    url_key: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]


@cached_per_data_dir
def rules() -> SidecarRules:
    raw = read_yaml(SIDECARS_FILE) or {}
    return SidecarRules(
        file_names=tuple(str(p).lower() for p in raw.get("file_names", ())),
        max_bytes=int(raw.get("max_bytes", 50_000_000)),
        file_key=tuple(raw.get("file_key", ())),
        url_key=tuple(raw.get("url_key", ())),
        fields={k: tuple(v) for k, v in (raw.get("fields") or {}).items()},
    )


def is_sidecar_name(name: str) -> bool:
    """True for a file name that is a metadata manifest (matched without a trailing ``.gz``, any case)."""
    base = name.rsplit("/", 1)[-1].lower()
    base = base[:-3] if base.endswith(".gz") else base
    return any(fnmatch.fnmatchcase(base, pattern) for pattern in rules().file_names)


def skip_reason(rel_path: str) -> str | None:
    """Why discovery skips a manifest: it describes articles, it is not one."""
    if is_sidecar_name(rel_path):
        return "metadata sidecar: read for the dates, authors, URLs and sections of the files beside it, not an article"
    return None


@dataclass
class SidecarIndex:
    """Rows of the manifests of one folder, by file key (name and stem, lower case) and by normalised URL."""

    by_file: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    by_url: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    def find(self, file_name: str, url: str | None) -> tuple[str, dict[str, Any]] | None:
        for key in file_keys(file_name):
            if key in self.by_file:
                return self.by_file[key]
        if url:
            return self.by_url.get(normalise_url(url))
        return None


_cache: dict[str, tuple[tuple, SidecarIndex]] = {}
_cache_lock = threading.Lock()
_listing: dict[str, tuple[int, tuple[str, ...]]] = {}


_EXTENSION = re.compile(r"(?=[a-z0-9]*[a-z])[a-z0-9]{1,6}")


def file_keys(name: str) -> list[str]:
    """``001-a.txt.gz`` -> [``001-a.txt.gz``, ``001-a.txt``, ``001-a``]: manifests name files with or without
    their extensions."""
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    keys = [base]
    if base.endswith(".gz"):
        base = base[:-3]
        keys.append(base)
    stem, dot, ext = base.rpartition(".")
    if dot and stem and _EXTENSION.fullmatch(ext):  # "v1.2-report" has no extension to drop
        keys.append(stem)
    return keys


def normalise_url(url: str) -> str:
    """Scheme, ``www.``, a fragment and a trailing slash do not make another page."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip().lower()
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def _folder_signature(folder: Path) -> tuple | None:
    """(name, size, mtime) of each manifest in the folder; None when it has none. The folder is listed again only
    when its own mtime changes (a file added, removed or renamed), so a folder of many files is not listed once
    per file; the manifests themselves are stat'ed every time, so an edit in place is seen."""
    try:
        mtime = folder.stat().st_mtime_ns
        with _cache_lock:
            listed = _listing.get(str(folder))
        if listed is None or listed[0] != mtime:
            with os.scandir(folder) as it:
                names = tuple(sorted(e.name for e in it if is_sidecar_name(e.name) and e.is_file()))
            with _cache_lock:
                _listing[str(folder)] = (mtime, names)
        else:
            names = listed[1]
        found = []
        for name in names:
            st = (folder / name).stat()
            found.append((name, st.st_size, st.st_mtime_ns))
    except OSError:
        return None
    return tuple(found) or None


def index_for(folder: Path) -> SidecarIndex | None:
    """The manifests of ``folder``, cached per process until one of them changes."""
    signature = _folder_signature(folder)
    key = str(folder)
    if signature is None:
        return None
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached[0] == signature:
            return cached[1]
    index = SidecarIndex()
    for name, size, _ in signature:
        if size > rules().max_bytes:
            log.warning("metadata sidecar %s is %d bytes, over the %d-byte limit: ignored", folder / name, size,
                        rules().max_bytes)
            continue
        try:
            rows = read_manifest(folder / name)
        except (InputError, OSError, csv.Error, ValueError) as exc:
            log.warning("metadata sidecar %s cannot be read, ignored: %s", folder / name, exc)
            continue
        _add_rows(index, name, rows, folder / name)
    with _cache_lock:
        _cache[key] = (signature, index)
    return index


def _add_rows(index: SidecarIndex, name: str, rows: list[dict[str, Any]], path: Path) -> None:
    """Earlier manifests (by name) win over later ones for the same file or URL; a clash is logged."""
    spec = rules()
    columns = set().union(*(r.keys() for r in rows)) if rows else set()
    file_col = next((c for c in spec.file_key if c in columns), None)
    url_cols = [c for c in spec.url_key if c in columns]
    if file_col is None and not url_cols:
        log.warning("metadata sidecar %s has no file column (%s) and no URL column: ignored", path,
                    ", ".join(spec.file_key[:4]))
        return
    for row in rows:
        target = str(row.get(file_col) or "").strip() if file_col else ""
        for key in file_keys(target) if target else []:
            if key in index.by_file and index.by_file[key][0] != name:
                log.debug("metadata sidecar %s: %s already described by %s", path, key, index.by_file[key][0])
            index.by_file.setdefault(key, (name, row))
        for col in url_cols:
            url = str(row.get(col) or "").strip()
            if url:
                index.by_url.setdefault(normalise_url(url), (name, row))


def read_manifest(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV/TSV (header row) or JSON-lines manifest, decoded like any raw file."""
    from .decode import decode_text, gunzip_if_needed

    data, _ = gunzip_if_needed(path.read_bytes(), str(path), max_bytes=rules().max_bytes, max_ratio=100.0)
    text, _ = decode_text(data, str(path))
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson")):
        rows = []
        for line in text.splitlines():
            if line.strip():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(record, dict):
                    rows.append(record)
        return rows
    delimiter = "\t" if name.endswith(".tsv") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [{(k or "").strip().lstrip("\ufeff"): (v.strip() if isinstance(v, str) else v) for k, v in row.items()} for row in reader]


def _column(row: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = row.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def apply_row(article: RawArticle, row: dict[str, Any], source: str) -> None:
    """Fill the fields the article lacks from one manifest row and record which ones."""
    spec = rules().fields
    supplied: list[str] = []
    if article.published_at is None:
        value = _column(row, spec.get("published", ()))
        published_at, published_text = fields.parse_published(value)
        if published_at is not None:
            article.published_at, article.published_text = published_at, published_text
            supplied.append("published_at")
    if not article.authors:
        authors = fields.as_authors(_column(row, spec.get("authors", ())))
        if authors:
            article.authors = authors
            supplied.append("authors")
    # A publisher the reader only derived from the URL's host (no field named it) gives way to the manifest's.
    derived = article.publisher is not None and article.publisher == fields.publisher_from_url(article.url)
    for name, attr in (("url", "url"), ("publisher", "publisher"), ("title", "title"), ("section", "section")):
        if not getattr(article, attr) or (attr == "publisher" and derived):
            value = fields.as_text(_column(row, spec.get(name, ())))
            if value:
                setattr(article, attr, value)
                supplied.append(attr)
    if supplied:
        article.metadata_source = source
        article.metadata_fields = supplied


def complete_metadata(items: list[Any], entry: FileEntry) -> list[Any]:
    """The hook the reader calls for each file: manifest fields, then author ranks. Never raises for bad input:
    a broken manifest is logged and ignored, the articles load as they were read."""
    articles = [item for item in items if isinstance(item, RawArticle)]
    if not articles:
        return items
    index = index_for(Path(entry.abs_path).parent)
    folder = entry.rel_path.rsplit("/", 1)[0] + "/" if "/" in entry.rel_path else ""
    for article in articles:
        if index is not None:
            found = index.find(entry.rel_path, article.url)
            if found is not None:
                apply_row(article, found[1], folder + found[0])
        article.authors, article.author_ranks = fields.authors_with_ranks(article.authors)
    return items
