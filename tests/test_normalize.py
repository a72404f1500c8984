"""Money, dates and the gazetteer."""

from datetime import date

import pytest

from spaceetl.normalize.dates import resolve_date
from spaceetl.normalize.gazetteer import load_gazetteer
from spaceetl.normalize.money import find_money, to_usd
from spaceetl.normalize.names import lookup_key


@pytest.mark.parametrize("text,value,currency", [
    ("a $1.5 billion deal", 1.5e9, "USD"),
    ("worth €1.5bn in total", 1.5e9, "EUR"),
    ("some 1.5 billion euros", 1.5e9, "EUR"),
    ("EUR 1.5 bln contract", 1.5e9, "EUR"),
    ("the $1.6B award", 1.6e9, "USD"),
    ("just two million dollars", 2e6, "USD"),
    ("a £150 million upgrade", 1.5e8, "GBP"),
    ("priced at $640M", 6.4e8, "USD"),
    ("budget of ¥30 billion for JAXA", 3e10, "JPY"),
    ("a US$ 2,500,000 grant", 2.5e6, "USD"),
])
def test_money_forms(text, value, currency):
    (m,) = find_money(text)
    assert m.value == pytest.approx(value) and m.currency == currency
    assert text[m.start:m.end] == m.text


def test_money_spans_and_several_amounts():
    text = "€1.5 billion (about $1.6 billion) was agreed."
    found = find_money(text)
    assert [(m.text, m.currency) for m in found] == [("€1.5 billion", "EUR"), ("$1.6 billion", "USD")]


def test_ambiguous_symbols_resolved_from_context_or_flagged():
    (m,) = find_money("The Canadian Space Agency will spend $40 million on the arm.")
    assert m.currency == "CAD" and not m.ambiguous
    (m,) = find_money("China's program received ¥2 billion in new funding.")
    assert m.currency == "CNY" and not m.ambiguous
    (m,) = find_money("The station costs ¥5 billion.")
    assert m.currency == "JPY" and m.ambiguous
    (m,) = find_money("It costs $5 million.", context="Ottawa officials said. Canada agreed. It costs $5 million.")
    assert m.currency == "USD" and m.ambiguous


def test_usd_conversion_uses_the_dated_rate_table():
    usd, year = to_usd(1.5e9, "EUR", 2024)
    assert year == 2024 and 1.5e9 < usd < 1.8e9
    assert to_usd(10.0, "USD", 2020) == (10.0, 2020)
    usd, year = to_usd(1.0, "EUR", 1990)  # outside the table: nearest year, recorded
    assert year is not None and year != 1990
    assert to_usd(1.0, "XXX", 2024) == (None, None)


@pytest.mark.parametrize("text,expected,resolution", [
    ("Oct. 15", date(2024, 10, 15), "day"),
    ("Oct. 11-12, 2024", date(2024, 10, 11), "day"),
    ("in January", date(2024, 1, 1), "month"),
    ("last month", date(2024, 9, 1), "month"),
    ("next year", date(2025, 1, 1), "year"),
    ("March 3, 2025", date(2025, 3, 3), "day"),
    ("2023", date(2023, 1, 1), "year"),
    ("December", date(2024, 12, 1), "month"),  # up to two months ahead: this year
    ("in February", date(2024, 2, 1), "month"),
])
def test_dates_resolved_against_publication(text, expected, resolution):
    got = resolve_date(text, date(2024, 10, 20))
    assert (got.value, got.resolution) == (expected, resolution)


def test_relative_dates_without_publication_date_stay_unresolved():
    got = resolve_date("last month", None)
    assert got.value is None and got.resolution == "unresolved" and got.relative
    assert resolve_date("the 1990s", date(2024, 1, 1)).resolution == "unresolved"


def test_gazetteer_aliases_each_map_to_exactly_one_entity():
    gaz = load_gazetteer()
    seen: dict[tuple[bool, str], str] = {}
    clashes = []
    for a in gaz.aliases:
        key = (a.case_sensitive, a.alias if a.case_sensitive else lookup_key(a.alias))
        if key in seen and seen[key] != a.entity.key:
            clashes.append((a.alias, seen[key], a.entity.key))
        seen.setdefault(key, a.entity.key)
    assert not clashes, clashes[:10]


@pytest.mark.parametrize("surface,canonical", [
    ("US", "United States"), ("U.S.", "United States"), ("United States", "United States"),
    ("America", "United States"), ("the United States'", "United States"),
    ("ASI", "Italian Space Agency"), ("Agenzia Spaziale Italiana", "Italian Space Agency"),
    ("Italian", "Italy"), ("SpaceX", "SpaceX"),
])
def test_gazetteer_canonicalises_variants(surface, canonical):
    hit = load_gazetteer().lookup(surface)
    assert hit is not None and hit.entity.canonical_name == canonical


def test_case_sensitive_acronyms_do_not_match_words():
    gaz = load_gazetteer()
    assert gaz.lookup("us") is None
    assert gaz.lookup("US") is not None


@pytest.mark.parametrize("text,expected", [
    ("members 3 million", []),                       # letter symbols need a word boundary and exact case
    ("3,000 pounds of cargo", []),                   # a mass, not sterling
    ("eur 5 things", []),
    ("C$40 million", [(4e7, "CAD")]),
    ("Rs. 200 million", [(2e8, "INR")]),
    ("₹500 crore", [(5e9, "INR")]),
])
def test_money_false_friends_and_letter_symbols(text, expected):
    assert [(m.value, m.currency) for m in find_money(text)] == expected
