"""``claims``: who did or said what, to whom, for how much, when, and how certain the wording is."""

import pandera.polars as pa
import polars as pl

from ._base import ForeignKey, Span, TableSpec

CLAIM_TYPES = ["quote", "agreement", "transaction", "capability", "statement", "attribute"]
MODALITIES = ["asserted", "reported", "hedged", "negated"]


class Claims(pa.DataFrameModel):
    claim_id: str = pa.Field(unique=True, description="Article + sentence span + clause number.")
    article_id: str = pa.Field(description="Article the claim is in.")
    claim_type: str = pa.Field(isin=CLAIM_TYPES, description="quote, agreement, transaction, capability (capability/operation), statement, or attribute (what a named thing is, from an apposition or a copula: 'Hispasat, a unit of Redeia', 'Avanti is the largest operator').")
    subject_entity_id: str = pa.Field(nullable=True, description="Entity doing or saying it, where one is named.")
    subject_text: str = pa.Field(nullable=True, description="Subject as written.")
    predicate: str = pa.Field(str_length={"min_value": 1}, description="Verb lemma with particle ('sign', 'stand up').")
    object_entity_id: str = pa.Field(nullable=True, description="Entity the claim is about or with, where one is named.")
    object_text: str = pa.Field(nullable=True, description="Object noun phrase as written (whitespace collapsed; cut with '…' after 160 characters).")
    object_start_char: pl.Int64 = pa.Field(nullable=True, ge=0, description="Object phrase start offset into articles.body; a mention of object_entity_id lies inside [object_start_char, object_end_char).")
    object_end_char: pl.Int64 = pa.Field(nullable=True, ge=1, description="Object phrase end offset (exclusive).")
    object_possessor_entity_id: str = pa.Field(nullable=True, description="Owner of the object named inside the object phrase, never the object itself: 'its lander' -> the company 'its' stands for, 'NASA's budget' or 'the SpaceX launch' -> NASA, SpaceX.")
    speaker_entity_id: str = pa.Field(nullable=True, description="For quotes and reported claims: who said it (entity).")
    speaker_text: str = pa.Field(nullable=True, description="Speaker as written, e.g. 'an unnamed government official'.")
    quote_text: str = pa.Field(nullable=True, description="The quoted words, without quote marks.")
    quote_style: str = pa.Field(nullable=True, isin=["direct", "indirect"], description="'direct' (in quote marks) or 'indirect' (X said that ...); None for other claims.")
    reporting_verb: str = pa.Field(nullable=True, description="say, add, caution, according to, ...")
    attribution: str = pa.Field(nullable=True, description="Outlet or document the claim is attributed to ('Bloomberg', 'the joint statement').")
    modality: str = pa.Field(isin=MODALITIES, description="asserted, reported, hedged or negated.")
    modality_cue: str = pa.Field(nullable=True, description="The word(s) that set the modality.")
    party_entity_ids: pl.List(pl.String) = pa.Field(nullable=True, description="Every organisation and country named in the clause (subject, object, 'with X', 'to Y'): the parties the cross-source view lines claims up by.")
    amount_id: str = pa.Field(nullable=True, description="Money amount attached to the clause.")
    claim_date: pl.Date = pa.Field(nullable=True, description="Date attached to the clause, resolved.")
    claim_date_text: str = pa.Field(nullable=True, description="Date as written.")
    place_text: str = pa.Field(nullable=True, description="Place attached to the clause.")
    sentence: str = pa.Field(str_length={"min_value": 1}, description="The sentence, exactly body[start_char:end_char].")
    start_char: pl.Int64 = pa.Field(ge=0, description="Sentence start offset into articles.body.")
    end_char: pl.Int64 = pa.Field(ge=1, description="Sentence end offset (exclusive).")
    sentence_index: pl.Int64 = pa.Field(ge=0, description="Sentence number within the article.")
    confidence: pl.Float64 = pa.Field(ge=0, le=1, description="Heuristic confidence of the extraction.")
    run_id: str = pa.Field(description="Run that wrote the row.")

    @pa.dataframe_check(description="the object span lies inside the claim's sentence and reads as object_text")
    def object_span_matches(cls, data) -> pl.LazyFrame:
        """Makes ``object_entity_id`` checkable against ``mentions``: the stored span is the phrase as written.
        ``sentence`` is ``body[start_char:end_char]``, so the object's text is sliced out of it; whitespace is
        collapsed and a text cut with '…' must be a prefix of the slice."""
        rel_start = pl.col("object_start_char") - pl.col("start_char")
        length = pl.col("object_end_char") - pl.col("object_start_char")
        written = (pl.col("sentence").str.slice(rel_start.clip(lower_bound=0), length.clip(lower_bound=0))
                   .str.replace_all(r"\s+", " ").str.strip_chars())
        cut = pl.col("object_text").str.ends_with("…")
        same = pl.when(cut).then(written.str.starts_with(pl.col("object_text").str.strip_suffix("…"))) \
            .otherwise(written == pl.col("object_text"))
        no_span = pl.col("object_start_char").is_null() & pl.col("object_end_char").is_null()
        inside = (rel_start >= 0) & (length > 0) & (pl.col("object_end_char") <= pl.col("end_char"))
        return data.lazyframe.select(no_span | (inside & same.fill_null(False)))


SPEC = TableSpec(
    name="claims",
    contract=Claims,
    primary_key=("claim_id",),
    foreign_keys=(
        ForeignKey("article_id", "articles", "article_id"),
        ForeignKey("subject_entity_id", "entities", "entity_id"),
        ForeignKey("object_entity_id", "entities", "entity_id"),
        ForeignKey("object_possessor_entity_id", "entities", "entity_id"),
        ForeignKey("speaker_entity_id", "entities", "entity_id"),
        ForeignKey("amount_id", "amounts", "amount_id"),
    ),
    span=Span(text="sentence"),
    description="Claims extracted from the dependency parse, with attribution and modality.",
)
