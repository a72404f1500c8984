"""``dates``: date mentions resolved against the article's publication date."""

import pandera.polars as pa
import polars as pl

from ._base import ForeignKey, Span, TableSpec


class Dates(pa.DataFrameModel):
    date_id: str = pa.Field(unique=True, description="Article + span.")
    article_id: str = pa.Field(description="Article the date is in.")
    text: str = pa.Field(str_length={"min_value": 1}, description="Surface text, exactly body[start_char:end_char].")
    resolved_date: pl.Date = pa.Field(nullable=True, description="First day of the resolved period; None if unresolved.")
    resolution: str = pa.Field(isin=["day", "month", "year", "unresolved"], description="Granularity of resolved_date.")
    relative: bool = pa.Field(description="True for 'last month', 'next year', 'in January' (needs the publication date).")
    start_char: pl.Int64 = pa.Field(ge=0, description="Start offset into articles.body.")
    end_char: pl.Int64 = pa.Field(ge=1, description="End offset (exclusive).")
    sentence_index: pl.Int64 = pa.Field(ge=0, description="Sentence number within the article.")
    run_id: str = pa.Field(description="Run that wrote the row.")


SPEC = TableSpec(
    name="dates",
    contract=Dates,
    primary_key=("date_id",),
    foreign_keys=(ForeignKey("article_id", "articles", "article_id"),),
    span=Span(),
    description="Date mentions, resolved where possible.",
)
