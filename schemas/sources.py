"""``sources``: one row per input file, or per record of a multi-record file (JSON list, JSONL)."""

import pandera.polars as pa
import polars as pl

from ._base import ForeignKey, TableSpec

STATUSES = ["loaded", "duplicate", "unchanged", "quarantined", "skipped", "deleted"]


class Sources(pa.DataFrameModel):
    source_path: str = pa.Field(description="Path of the file relative to the raw folder.")
    record: pl.Int64 = pa.Field(ge=0, description="0 = the whole file; n >= 1 = the n-th record (JSONL line, JSON list item).")
    file_sha256: str = pa.Field(nullable=True, description="SHA-256 of the file's bytes (None if unreadable).")
    file_size: pl.Int64 = pa.Field(nullable=True, ge=0, description="Size in bytes.")
    mtime_ns: pl.Int64 = pa.Field(nullable=True, description="Modification time seen, for cheap change detection.")
    format: str = pa.Field(nullable=True, description="Detected format: txt, html, json, jsonl, md (+ '.gz').")
    encoding: str = pa.Field(nullable=True, description="Detected text encoding, e.g. utf-8, cp1252.")
    article_id: str = pa.Field(nullable=True, description="Article this record produced (also for duplicates); None "
                               "when quarantined or skipped, or deleted with SPACEETL_ON_DELETE=remove.")
    status: str = pa.Field(isin=STATUSES, description="What the latest run that saw the record did with it; 'deleted': "
                           "the file was gone from the raw folder (its article is kept unless SPACEETL_ON_DELETE=remove).")
    outcome: str = pa.Field(isin=["loaded", "duplicate", "quarantined", "skipped"], description="What became of the content when it was last processed (never 'unchanged'); 'skipped' = not an article (excluded name, tabular content, special file, link leaving the raw folder), never read as one.")
    reason: str = pa.Field(nullable=True, description="Why a record was quarantined or skipped, is a duplicate, or lost its article.")
    loaded_run_id: str = pa.Field(description="Run that last processed the content.")
    run_id: str = pa.Field(description="Latest run that saw the file (or found it deleted).")


SPEC = TableSpec(
    name="sources",
    contract=Sources,
    primary_key=("source_path", "record"),
    foreign_keys=(ForeignKey("article_id", "articles", "article_id"),),
    description="Provenance: every input file (or record) and what became of it.",
)
