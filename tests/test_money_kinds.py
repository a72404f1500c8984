"""Country-qualified dollar amounts with their conversion, and prices per share or per unit, which are never a
claim's deal value. Sentences written for these tests."""

from datetime import date

import pytest

from spaceetl.nlp.rows import ArticleContext, article_rows
from spaceetl.normalize.money import find_money
from spaceetl.schemas.amounts import SPEC


def rows_for(nlp, text: str):
    return article_rows(nlp(text), ArticleContext("art_" + "4" * 20, text, date(2025, 6, 2), "run_test"))


def test_country_adjective_names_the_dollar_and_the_parenthetical_is_its_usd_conversion():
    text = "The operator booked a contract worth $1.2 billion Canadian ($900 million) for two satellites."
    cad, usd = find_money(text, context=text)
    assert (cad.text, cad.currency, cad.ambiguous, cad.converts) == ("$1.2 billion Canadian", "CAD", False, None)
    assert (usd.text, usd.currency, usd.converts) == ("$900 million", "USD", 0)


def test_country_adjective_before_a_noun_is_left_to_the_sentence_rule():
    text = "Kestrel won a $2 million Canadian contract."
    (m,) = find_money(text, context=text)
    assert m.text == "$2 million"  # the adjective modifies "contract", it is not part of the amount


def test_an_australian_amount_with_a_us_conversion():
    text = "The ground station cost $40 million Australian (about $26 million) to build."
    aud, usd = find_money(text, context=text)
    assert (aud.currency, usd.currency, usd.converts) == ("AUD", "USD", 0)


@pytest.mark.parametrize("text,kind", [
    ("The board declared a dividend of $3.45 per share.", "per_share"),
    ("The stock closed at $12.50 a share.", "per_share"),
    ("The terminals sell for $599 each unit.", "unit_price"),
    ("The constellation costs $12 million per satellite.", "unit_price"),
    ("The agency paid $12 million for the satellite.", "total"),
    ("The firm issued 3 million shares worth $45 million.", "total"),
])
def test_amount_kind(text, kind):
    (m,) = [m for m in find_money(text, context=text)]
    assert m.kind == kind


def test_per_share_price_is_typed_and_never_a_claims_amount(nlp):
    text = "Vantor Space agreed to buy Kestrel Orbital for $8.50 per share."
    out = rows_for(nlp, text)
    (amount,) = out["amounts"]
    assert amount["amount_kind"] == "per_share"
    assert all(c["amount_id"] is None for c in out["claims"])
    SPEC.contract.validate(SPEC.frame(out["amounts"]))


def test_conversion_rows_link_to_the_country_qualified_amount(nlp):
    text = "MDA signed a contract worth $1.2 billion Canadian ($900 million) with the Canadian Space Agency."
    out = rows_for(nlp, text)
    cad = next(a for a in out["amounts"] if a["currency"] == "CAD")
    usd = next(a for a in out["amounts"] if a["currency"] == "USD")
    assert usd["converts_amount_id"] == cad["amount_id"] and cad["converts_amount_id"] is None
    assert text[cad["start_char"]:cad["end_char"]] == cad["text"] == "$1.2 billion Canadian"
    assert {c["amount_id"] for c in out["claims"] if c["amount_id"]} == {cad["amount_id"]}
    SPEC.contract.validate(SPEC.frame(out["amounts"]))
