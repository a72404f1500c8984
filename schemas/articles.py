"""``articles``: one row per distinct cleaned article body. Identity is the body's content hash, so the same
story saved twice is one article; files are provenance (see ``sources``)."""

import pandera.polars as pa
import polars as pl

from ._base import TableSpec

LANGUAGE_PATTERN = r"^[a-z]{2,3}$|^und$"


class Articles(pa.DataFrameModel):
    article_id: str = pa.Field(unique=True, str_startswith="art_", description="'art_' + first 20 hex of content_sha256.")
    title: str = pa.Field(nullable=True, description="Headline as found in the file (None when none could be found).")
    authors: pl.List(pl.String) = pa.Field(nullable=True, description="Author names, bylines stripped of 'By'.")
    publisher: str = pa.Field(nullable=True, description="Outlet or site name.")
    url: str = pa.Field(nullable=True, description="Canonical URL when the file names one.")
    published_at: pl.Datetime(time_zone="UTC") = pa.Field(nullable=True, description="Publication time in UTC.")
    published_text: str = pa.Field(nullable=True, description="The publication date exactly as given in the file.")
    dateline: str = pa.Field(nullable=True, description="Dateline place, e.g. 'WASHINGTON' from 'WASHINGTON — ...'.")
    language: str = pa.Field(str_matches=LANGUAGE_PATTERN, description="ISO 639-1 code detected from the body; 'und' if unknown.")
    body: str = pa.Field(str_length={"min_value": 1}, description="Cleaned article text; every character offset indexes into it.")
    word_count: pl.Int64 = pa.Field(ge=0, description="Whitespace-separated words in body.")
    content_sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of body (UTF-8).")
    removed_text: pl.List(pl.String) = pa.Field(nullable=True, description="Lines removed from the raw text (captions, bylines, junk), kept for audit.")
    source_format: str = pa.Field(description="Format of the first file the article came from.")
    nlp_status: str = pa.Field(isin=["processed", "skipped_language", "truncated"], description="What the NLP stage did.")
    story_id: str = pa.Field(description="Story the article tells: its own id, or that of the earlier article it is a near-copy of. Count independent sources with count(DISTINCT story_id). When that article is deleted the story moves to one of its remaining articles.")
    near_duplicate_of: str = pa.Field(nullable=True, description="The earlier article this one is a near-copy of; cleared when that article is deleted (an edited file's old version, or a deleted file's article).")
    near_duplicate_similarity: pl.Float64 = pa.Field(nullable=True, ge=0, le=1, description="Estimated Jaccard similarity of word shingles.")
    run_id: str = pa.Field(description="Run that loaded the article.")
    summary_only: bool = pa.Field(description="True when the record held no full article text: the body is the news API's summary or description, the truncated start of the article ('[+N chars]' stripped), or (GDELT DOC) only the headline. Filter it out for claim counts that need the whole story.")
    section: str = pa.Field(nullable=True, description="Section, desk or category the file, record or metadata sidecar names (e.g. 'operations').")
    author_ranks: pl.List(pl.String) = pa.Field(nullable=True, description="Military rank or rating of each author, in the order of authors (null for an author without one): 'Staff Sgt.' for 'Staff Sgt. Jane Roe', whose name in authors is 'Jane Roe'. Null when no author has a rank.")
    metadata_source: str = pa.Field(nullable=True, description="Metadata sidecar (manifest.csv, metadata.jsonl, ... beside the file; path relative to the raw folder) that supplied some of this article's fields; null when none did.")
    metadata_fields: pl.List(pl.String) = pa.Field(nullable=True, description="Columns whose value came from metadata_source (e.g. ['published_at', 'url', 'publisher', 'section']); the file's own metadata always wins, the sidecar only fills gaps.")


class ArticleWarnings(pa.DataFrameModel):
    """Rows failing these are loaded but counted: a missing title or date is a data-quality warning."""

    title: str = pa.Field(nullable=False, description="missing title")
    published_at: pl.Datetime(time_zone="UTC") = pa.Field(nullable=False, description="missing publication date")
    language: str = pa.Field(isin=["en"], description="not English: loaded, skipped by the English model")
    word_count: pl.Int64 = pa.Field(ge=50, description="very short article")

    class Config:
        strict = False


SPEC = TableSpec(
    name="articles",
    contract=Articles,
    warnings=ArticleWarnings,
    primary_key=("article_id",),
    description="One row per distinct article body (exact copies collapse into one; see sources).",
)
