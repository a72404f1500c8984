"""Plain records passed between ingestion steps (before they become polars frames)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class FileEntry:
    """A file found in the raw folder; ``rel_path`` is its identity in ``sources``."""

    rel_path: str
    abs_path: Path
    size: int
    mtime_ns: int


@dataclass
class RawArticle:
    """One article as read from one file (or one record of a multi-record file)."""

    source_path: str
    record: int
    format: str
    body: str
    encoding: str | None = None
    file_sha256: str | None = None
    title: str | None = None
    authors: list[str] | None = None
    publisher: str | None = None
    url: str | None = None
    published_text: str | None = None
    published_at: datetime | None = None
    dateline: str | None = None
    removed_text: list[str] = field(default_factory=list)
    summary_only: bool = False
    section: str | None = None
    author_ranks: list[str | None] | None = None
    metadata_source: str | None = None
    metadata_fields: list[str] | None = None

    def metadata_columns(self) -> dict:
        """The ``articles`` columns an API shape or a metadata sidecar fills (see ``ingest/sidecars.py``)."""
        return dict(summary_only=self.summary_only, section=self.section, author_ranks=self.author_ranks,
                    metadata_source=self.metadata_source, metadata_fields=self.metadata_fields)


@dataclass
class Rejected:
    """An input that cannot become an article. Becomes a quarantine row (and a ``sources`` row); with ``skipped``
    it is not a bad article but not an article at all (a README, a manifest, a FIFO): a ``sources`` row with
    status ``skipped`` and no quarantine row."""

    source_path: str
    record: int
    stage: str
    check: str
    reason: str
    payload: str | None = None
    format: str | None = None
    encoding: str | None = None
    file_sha256: str | None = None
    skipped: bool = False
