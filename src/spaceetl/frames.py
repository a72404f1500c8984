"""What one batch of input produces: polars frames shaped by the contracts, plus provenance for ``sources``."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from .schemas import ARTICLE_TABLES, QUARANTINE

RECORD_SCHEMA = {
    "source_path": pl.String, "record": pl.Int64, "article_id": pl.String, "format": pl.String,
    "encoding": pl.String, "file_sha256": pl.String, "status": pl.String, "reason": pl.String,
}


@dataclass
class BatchOutput:
    """Everything a batch produced. ``records`` has one row per input record (good or rejected); ``quarantine``
    the rejected inputs; ``tables`` the article-derived rows; ``stats`` counters for the run summary."""

    tables: dict[str, pl.DataFrame]
    records: pl.DataFrame
    quarantine: pl.DataFrame
    stats: dict[str, float] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> "BatchOutput":
        return cls({t.name: t.empty() for t in ARTICLE_TABLES}, pl.DataFrame(schema=RECORD_SCHEMA), QUARANTINE.empty())
