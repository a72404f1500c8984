"""``amounts``: money mentions as value + ISO currency, with a USD value from the shipped rate table."""

import pandera.polars as pa
import polars as pl

from ._base import ForeignKey, Span, TableSpec


class Amounts(pa.DataFrameModel):
    amount_id: str = pa.Field(unique=True, description="Article + span.")
    article_id: str = pa.Field(description="Article the amount is in.")
    text: str = pa.Field(str_length={"min_value": 1}, description="Surface text, exactly body[start_char:end_char].")
    value: pl.Float64 = pa.Field(gt=0, description="Amount in units of currency (1.5 billion -> 1500000000).")
    currency: str = pa.Field(str_matches=r"^[A-Z]{3}$", description="ISO 4217 code.")
    currency_ambiguous: bool = pa.Field(description="The symbol could mean several currencies ('$', '¥'); the default or context was used.")
    usd_value: pl.Float64 = pa.Field(nullable=True, ge=0, description="value converted with the rate of fx_year.")
    fx_year: pl.Int64 = pa.Field(nullable=True, description="Year of the annual average rate used for usd_value: the article's publication year, else the year of a date in the amount's sentence, else the newest year of the rate table (never the day of the run).")
    start_char: pl.Int64 = pa.Field(ge=0, description="Start offset into articles.body.")
    end_char: pl.Int64 = pa.Field(ge=1, description="End offset (exclusive).")
    sentence_index: pl.Int64 = pa.Field(ge=0, description="Sentence number within the article.")
    converts_amount_id: str = pa.Field(nullable=True, description="For a conversion in parentheses ('HK$1.28 billion ($163.73 million)'): the amount it restates in another currency. NULL for an amount in its own right; count deals over rows where it is NULL.")
    amount_kind: str = pa.Field(nullable=True, isin=["total", "per_share", "unit_price"], description="'total' for an amount in its own right; 'per_share' ('a dividend of $3.45 per share') or 'unit_price' ('$12 million per satellite') for a price of one share or unit, which is never a claim's deal value. Sum deal values over rows where it is 'total' (NULL on rows written before the column existed).")
    run_id: str = pa.Field(description="Run that wrote the row.")


SPEC = TableSpec(
    name="amounts",
    contract=Amounts,
    primary_key=("amount_id",),
    foreign_keys=(ForeignKey("article_id", "articles", "article_id"),
                  ForeignKey("converts_amount_id", "amounts", "amount_id")),
    span=Span(),
    description="Money mentions, normalised.",
)
