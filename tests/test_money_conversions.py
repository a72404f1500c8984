"""Money in parentheses and the year of the USD rate. Sentences written for these tests."""

import datetime as dt
from datetime import date

from spaceetl.nlp.rows import ArticleContext, article_rows
from spaceetl.normalize.money import find_money, latest_rate_year


def rows_for(nlp, text: str, published: date | None):
    return article_rows(nlp(text), ArticleContext("art_" + "2" * 20, text, published, "run_test"))


def test_parenthetical_dollar_after_a_foreign_amount_is_usd_and_linked():
    text = "The Hong Kong satellite operator raised HK$1.28 billion ($163.73 million) from investors in Hong Kong."
    hkd, usd = find_money(text, context=text)
    assert (hkd.text, hkd.currency, hkd.converts) == ("HK$1.28 billion", "HKD", None)
    assert (usd.text, usd.currency, usd.ambiguous, usd.converts) == ("$163.73 million", "USD", False, 0)


def test_conversion_with_a_hedge_and_in_the_other_direction():
    text = "The agency will spend €1.5bn (about $1.6bn) on the launcher, and $10 million (€9 million) on studies."
    found = find_money(text)
    assert [(m.currency, m.converts) for m in found] == [("EUR", None), ("USD", 0), ("USD", None), ("EUR", 2)]


def test_a_same_currency_aside_is_not_a_conversion():
    text = "The Canadian firm paid $5 million ($2 million in cash) for the licence."
    assert all(m.converts is None for m in find_money(text, context=text))


def test_conversion_rows_point_at_the_amount_they_convert(nlp):
    text = "A Hong Kong operator signed a HK$1.28 billion ($163.73 million) deal for two satellites."
    amounts = rows_for(nlp, text, date(2025, 6, 2))["amounts"]
    original = next(a for a in amounts if a["currency"] == "HKD")
    conversion = next(a for a in amounts if a["text"] == "$163.73 million")
    assert conversion["currency"] == "USD" and conversion["usd_value"] == 163.73e6
    assert conversion["converts_amount_id"] == original["amount_id"] and original["converts_amount_id"] is None
    claims = rows_for(nlp, text, date(2025, 6, 2))["claims"]
    assert {c["amount_id"] for c in claims if c["amount_id"]} <= {original["amount_id"]}


class _FrozenDate(dt.date):
    @classmethod
    def today(cls):
        return cls(2020, 1, 1)


def test_rate_year_never_comes_from_the_day_of_the_run(nlp, monkeypatch):
    import spaceetl.nlp.rows as rows_module

    monkeypatch.setattr(rows_module, "date", _FrozenDate)
    text = "The ministry paid €40 million for the ground station."
    undated = rows_for(nlp, text, None)["amounts"][0]
    assert undated["fx_year"] == latest_rate_year() != 2020
    dated = rows_for(nlp, text, date(2021, 5, 4))["amounts"][0]
    assert dated["fx_year"] == 2021
    in_sentence = rows_for(nlp, "On March 3, 2022, the ministry paid €40 million for the ground station.", None)
    assert in_sentence["amounts"][0]["fx_year"] == 2022
