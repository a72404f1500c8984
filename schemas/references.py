"""``entity_references``: every short name, pronoun, definite description and relative pronoun resolved to an entity
within its article, with the antecedent and the rule that resolved it, so any resolution can be audited."""

import pandera.polars as pa
import polars as pl

from ._base import ForeignKey, Span, TableSpec

RULES = ["short_name", "acronym", "surname", "pronoun", "description", "relative", "group"]


class References(pa.DataFrameModel):
    reference_id: str = pa.Field(unique=True, description="Article + span (+ the entity, for a group's one row per member).")
    article_id: str = pa.Field(description="Article the expression is in.")
    start_char: pl.Int64 = pa.Field(ge=0, description="Start offset (0-based, characters) into articles.body.")
    end_char: pl.Int64 = pa.Field(ge=1, description="End offset (exclusive).")
    text: str = pa.Field(str_length={"min_value": 1}, description="The expression as written ('it', 'the company', 'Commission'), exactly body[start_char:end_char].")
    entity_id: str = pa.Field(description="Entity the expression refers to.")
    rule: str = pa.Field(isin=RULES, description="short_name, acronym, surname, pronoun, description, relative, or group ('the two sides': one row per member) (see nlp/references.py).")
    antecedent_start: pl.Int64 = pa.Field(nullable=True, ge=0, description="Start offset of the earlier mention it was resolved to.")
    antecedent_end: pl.Int64 = pa.Field(nullable=True, ge=1, description="End offset of that mention (exclusive).")
    antecedent_text: str = pa.Field(nullable=True, description="That mention as written.")
    sentence_index: pl.Int64 = pa.Field(ge=0, description="Sentence number within the article (0-based).")
    run_id: str = pa.Field(description="Run that wrote the row.")

    @pa.dataframe_check(description="span is non-empty and the antecedent comes first")
    def span_ordered(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("end_char") > pl.col("start_char"))
                                     & (pl.col("antecedent_start").is_null() | (pl.col("antecedent_start") < pl.col("start_char"))))


SPEC = TableSpec(
    name="entity_references",
    contract=References,
    primary_key=("reference_id",),
    foreign_keys=(ForeignKey("article_id", "articles", "article_id"), ForeignKey("entity_id", "entities", "entity_id")),
    span=Span(),
    description="Resolved references (short names, pronouns, descriptions, relative pronouns) with spans into articles.body.",
)
