"""``mentions``: every place an entity is named, with its exact span in ``articles.body``."""

import pandera.polars as pa
import polars as pl

from ._base import ForeignKey, Span, TableSpec


class Mentions(pa.DataFrameModel):
    mention_id: str = pa.Field(unique=True, description="Article + span.")
    article_id: str = pa.Field(description="Article the mention is in.")
    entity_id: str = pa.Field(description="Canonical entity the mention refers to.")
    text: str = pa.Field(str_length={"min_value": 1}, description="Surface text, exactly body[start_char:end_char].")
    label: str = pa.Field(description="Entity label of this mention (ORG, GPE, PERSON, ...).")
    start_char: pl.Int64 = pa.Field(ge=0, description="Start offset (0-based, characters) into articles.body.")
    end_char: pl.Int64 = pa.Field(ge=1, description="End offset (exclusive).")
    sentence_index: pl.Int64 = pa.Field(ge=0, description="Sentence number within the article (0-based).")
    role: str = pa.Field(nullable=True, isin=["government", "demonym"], description="'government' for a capital standing for its state; 'demonym' for 'Italian' -> Italy.")
    linked: bool = pa.Field(description="True when resolved through the gazetteer.")
    source: str = pa.Field(isin=["gazetteer", "model", "model+gazetteer"], description="Which component found the span.")
    title: str = pa.Field(nullable=True, description="For a person: the job title or rank written just before the name ('NASA Administrator', 'Staff Sgt.', 'President and COO'); never part of the entity's name.")
    run_id: str = pa.Field(description="Run that wrote the row.")

    @pa.dataframe_check(description="span is non-empty")
    def span_ordered(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("end_char") > pl.col("start_char"))


SPEC = TableSpec(
    name="mentions",
    contract=Mentions,
    primary_key=("mention_id",),
    foreign_keys=(ForeignKey("article_id", "articles", "article_id"), ForeignKey("entity_id", "entities", "entity_id")),
    span=Span(),
    description="Entity mentions with character spans into articles.body.",
)
