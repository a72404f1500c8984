"""``article_signatures`` and ``article_bands``: the MinHash index that links syndicated near-copies into stories.
Internal to the pipeline (analysts use ``articles.story_id``), but declared here like every other table."""

import pandera.polars as pa
import polars as pl

from ._base import ForeignKey, TableSpec


class ArticleSignatures(pa.DataFrameModel):
    article_id: str = pa.Field(unique=True, description="Article.")
    signature: pl.List(pl.UInt32) = pa.Field(description="128 MinHash values over 5-word shingles of the body.")
    run_id: str = pa.Field(description="Run that wrote the row.")


class ArticleBands(pa.DataFrameModel):
    article_id: str = pa.Field(description="Article.")
    band: pl.Int32 = pa.Field(ge=0, description="LSH band number (0-31).")
    bucket: pl.Int64 = pa.Field(description="Hash of the band's 4 signature values; equal buckets = candidate pair.")
    run_id: str = pa.Field(description="Run that wrote the row.")


SIGNATURES = TableSpec(name="article_signatures", contract=ArticleSignatures, primary_key=("article_id",),
                       foreign_keys=(ForeignKey("article_id", "articles", "article_id"),),
                       description="MinHash signature per article (near-duplicate detection).")
BANDS = TableSpec(name="article_bands", contract=ArticleBands, primary_key=("article_id", "band"),
                  foreign_keys=(ForeignKey("article_id", "articles", "article_id"),),
                  description="LSH band hashes per article (near-duplicate candidate lookup).")
