"""Money mentions -> value, ISO currency and a USD value from the shipped annual rate table.

Found with patterns built from ``data/currencies.csv`` (symbols, codes and names), not from the NER's MONEY
label alone: the small model misses "EUR 1.5 bln" and splits "€1.5bn". Ambiguous symbols ("$", "¥") are resolved
from the sentence where it names a country ("Canadian", "Chinese"), otherwise the default currency is used and the
amount is flagged ``currency_ambiguous``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..data import cached_per_data_dir, read_csv, read_yaml

SCALES = {
    "trillion": 1e12, "tn": 1e12, "tr": 1e12, "billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9,
    "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "mil": 1e6, "crore": 1e7, "lakh": 1e5, "thousand": 1e3, "k": 1e3,
}
WORD_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "several": None, "half a": 0.5,
}
# Symbol -> (default currency, {context word -> currency}) for symbols several currencies share.
AMBIGUOUS_SYMBOLS = {
    "$": ("USD", {"canad": "CAD", "australia": "AUD", "new zealand": "NZD", "singapore": "SGD", "hong kong": "HKD",
                  "mexic": "MXN"}),
    "¥": ("JPY", {"china": "CNY", "chinese": "CNY", "yuan": "CNY", "renminbi": "CNY", "beijing": "CNY"}),
}


@dataclass(frozen=True)
class Money:
    text: str
    start: int
    end: int
    value: float
    currency: str
    ambiguous: bool
    converts: int | None = None  # index (in the same result list) of the amount this one restates in parentheses
    kind: str = "total"  # "total", or a price of one share ("per_share") or one unit ("unit_price")


@dataclass(frozen=True)
class CurrencyTable:
    by_symbol: dict[str, str]
    by_name: dict[str, str]
    codes: frozenset[str]
    pattern: re.Pattern


@cached_per_data_dir
def currency_table() -> CurrencyTable:
    by_symbol: dict[str, str] = {}
    by_name: dict[str, str] = {}
    codes = set()
    for row in read_csv("currencies.csv"):
        code = row["code"].upper()
        codes.add(code)
        for sym in filter(None, row.get("symbols", "").split("|")):
            if sym.isalpha() and sym.upper() == sym and len(sym) == 3:
                continue  # codes are matched as codes
            by_symbol.setdefault(sym, code)
        for name in filter(None, row.get("names", "").lower().split("|")):
            by_name.setdefault(name, code)
    by_symbol.update({"$": "USD", "¥": "JPY"})
    # Symbols made of letters ("Rs", "C$") and ISO codes match case-sensitively and on a word boundary, so
    # "members 3 million" is not 3 million rupees; scale words and currency names match in any case.
    plain = sorted((s for s in by_symbol if not any(ch.isalpha() for ch in s)), key=len, reverse=True)
    lettered = sorted((s for s in by_symbol if any(ch.isalpha() for ch in s)), key=len, reverse=True)
    names = sorted(by_name, key=len, reverse=True)
    code_alt = "|".join(sorted(codes))
    num = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    words = "|".join(sorted((w for w in WORD_NUMBERS if WORD_NUMBERS[w] is not None), key=len, reverse=True))
    scale_words = r"trillion|billion|million|thousand|crore|lakh|bln|mln|bn|mn|tn|mil"
    prefix = (
        rf"(?P<pcur>{'|'.join(re.escape(s) for s in plain)}|\b(?:{'|'.join(re.escape(s) for s in lettered)})\.?(?![A-Za-z])|"
        rf"\b(?:{code_alt})\b)\s?(?P<pnum>{num})(?:\s?(?P<pscale>(?i:{scale_words}))\b|(?P<pscale1>[bBmMkK])\b)?"
    )
    suffix = (
        rf"\b(?P<snum>{num}|(?i:{words}))(?:[\s-](?P<sscale>(?i:{scale_words})))?\s"
        rf"(?P<scur>(?i:{'|'.join(re.escape(n) for n in names)})\b|(?:{code_alt})\b)"
    )
    pattern = re.compile(rf"{prefix}|{suffix}")
    return CurrencyTable(by_symbol, by_name, frozenset(codes), pattern)


def _number(text: str) -> float | None:
    t = text.lower().replace(",", "")
    if t in WORD_NUMBERS:
        return WORD_NUMBERS[t]
    try:
        return float(t)
    except ValueError:
        return None


def find_money(text: str, context: str | None = None) -> list[Money]:
    """All money amounts in ``text`` with character offsets into it. ``context`` (e.g. the whole article) helps
    resolve '$' and '¥'; the sentence around the amount is always used first."""
    table = currency_table()
    out: list[Money] = []
    for m in table.pattern.finditer(text):
        if m.group("pcur"):
            raw_cur, num, scale = m.group("pcur"), m.group("pnum"), m.group("pscale") or m.group("pscale1")
            code = raw_cur.upper() if raw_cur.upper() in table.codes else table.by_symbol.get(raw_cur)
        else:
            raw_cur, num, scale = m.group("scur"), m.group("snum"), m.group("sscale")
            if raw_cur.upper() in table.codes and raw_cur.isupper():
                code = raw_cur.upper()
            else:
                code = table.by_name.get(raw_cur.lower())
            if num.lower() == "a" and not scale:
                continue  # "a dollar" is not an amount worth keeping
            if code == "GBP" and not scale and text[m.end():m.end() + 4].lower() == " of ":
                continue  # "3,000 pounds of cargo" is a mass
        value = _number(num)
        if code is None and raw_cur.rstrip(".") in table.by_symbol:
            code = table.by_symbol[raw_cur.rstrip(".")]
        if code is None or value is None:
            continue
        value *= SCALES.get((scale or "").lower(), 1.0)
        ambiguous = False
        end = m.end()
        qualified = _qualifier(raw_cur, text, end) if m.group("pcur") else None
        if qualified is not None:
            code, end = qualified  # "$1.2 billion Canadian": the adjective names the dollar
        elif raw_cur in AMBIGUOUS_SYMBOLS:
            code, ambiguous = _resolve_symbol(raw_cur, text, m.start(), m.end(), context)
        if value <= 0:
            continue
        out.append(Money(text[m.start():end], m.start(), end, value, code, ambiguous, kind=_kind(text, end)))
    return _link_conversions(text, out)


@dataclass(frozen=True)
class MoneyRules:
    qualifiers: dict[str, tuple[re.Pattern, dict[str, str]]]  # symbol -> (pattern, adjective -> currency)
    per_share: re.Pattern
    unit_price: re.Pattern
    explicit: dict[str, re.Pattern]  # currency -> an amount written with that currency's own mark


@cached_per_data_dir
def money_rules() -> MoneyRules:
    """The qualifier and price-unit patterns of data/money_rules.yaml, compiled once."""
    data = read_yaml("money_rules.yaml")
    qualifiers = {}
    for symbol, names in (data.get("symbol_qualifiers") or {}).items():
        alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        pattern = re.compile(rf"\s+(?P<q>{alt})(?=\s*(?:dollars?\b|[(\[,.;:)]|$))")
        qualifiers[symbol] = (pattern, {str(k): str(v) for k, v in names.items()})

    def per(words) -> re.Pattern:
        alt = "|".join(re.escape(str(w)) for w in sorted(words, key=len, reverse=True))
        return re.compile(rf"\s*(?:per|a|an|each|/)\s*(?:{alt})\b", re.IGNORECASE)

    return MoneyRules(qualifiers, per(data.get("per_share_words") or []), per(data.get("unit_price_words") or []),
                      _explicit_marks(data.get("explicit_currency_marks") or {}))


def _explicit_marks(marks: dict) -> dict[str, re.Pattern]:
    """One pattern per currency: a mark right before a number ("C$192") or after a number and its scale ("192
    million Canadian dollars")."""
    out = {}
    for code, where in marks.items():
        before = "|".join(re.escape(m) for m in sorted(where.get("before") or [], key=len, reverse=True))
        after = "|".join(re.escape(m) for m in sorted(where.get("after") or [], key=len, reverse=True))
        parts = []
        if before:
            parts.append(rf"(?<![A-Za-z$])(?:{before})\s?\d")
        if after:
            # tried from a number's first character only: from every digit it would rescan the rest of the number
            parts.append(rf"(?<![\d.,])[.,]?\d[\d.,]*(?:\s+(?:thousand|million|billion|trillion))?\s+(?:{after})\b")
        if parts:
            out[str(code)] = re.compile("|".join(parts))
    return out


def _qualifier(symbol: str, text: str, end: int) -> tuple[str, int] | None:
    """(currency, new end) when a country adjective right after the amount names the symbol's currency."""
    rule = money_rules().qualifiers.get(symbol)
    m = rule[0].match(text, end) if rule is not None else None
    return (rule[1][m.group("q")], m.end()) if m is not None else None


def _kind(text: str, end: int) -> str:
    """"per_share" for "$3.45 per share", "unit_price" for "$12 million per satellite", else "total"."""
    rules = money_rules()
    if rules.per_share.match(text, end):
        return "per_share"
    if rules.unit_price.match(text, end):
        return "unit_price"
    return "total"


# "HK$1.28 billion ($163.73 million)", "€1.5bn (about $1.6bn)": an amount in parentheses right after another one
# restates it in another currency.
_CONVERSION_OPEN = re.compile(r"\s*[(\[]\s*(?:(?:about|approximately|approx\.|around|roughly|some|nearly|almost|or|i\.e\.|"
                              r"equivalent to|worth|~|≈)\s*)?$", re.IGNORECASE)
_CONVERSION_CLOSE = re.compile(r"^\s*(?:at (?:current|today's|today’s) (?:exchange )?rates?\s*)?[)\]]")


def _link_conversions(text: str, found: list[Money]) -> list[Money]:
    """Mark each parenthetical conversion with the amount it converts. Its currency is its own sign's: a bare
    "$" after an amount in another currency is the US dollar (that is what such a conversion is for), whatever
    else the sentence names."""
    from dataclasses import replace

    out = list(found)
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        if prev.converts is not None or cur.currency == prev.currency and not cur.text.startswith("$"):
            continue
        if not _CONVERSION_OPEN.fullmatch(text[prev.end:cur.start]) or not _CONVERSION_CLOSE.match(text[cur.end:]):
            continue
        currency, ambiguous = cur.currency, cur.ambiguous
        if cur.text.startswith("$") and prev.currency != "USD":
            currency, ambiguous = "USD", False
        if currency == prev.currency:
            continue  # "$5 million ($2 million of it in cash)": not a conversion
        out[i] = replace(cur, currency=currency, ambiguous=ambiguous, converts=i - 1)
    return out


SENTENCE_WINDOW = 600  # characters searched either side of a "$" for its sentence: cost independent of article length


def _resolve_symbol(symbol: str, text: str, start: int, end: int, context: str | None) -> tuple[str, bool]:
    default, hints = AMBIGUOUS_SYMBOLS[symbol]
    before = text[max(0, start - 4):start]
    if symbol == "$" and before.rstrip().endswith(("US", "U.S.")):
        return "USD", False
    lo, hi = max(0, start - SENTENCE_WINDOW), min(len(text), end + SENTENCE_WINDOW)
    sent_start = max(text.rfind(". ", lo, start), text.rfind("\n", lo, start), lo - 1) + 1
    sent_end_candidates = [i for i in (text.find(". ", end, hi), text.find("\n", end, hi)) if i != -1]
    sentence = text[sent_start:min(sent_end_candidates) if sent_end_candidates else hi].lower()
    for hint, code in hints.items():
        if hint in sentence:
            if context is not None and _writes_out(context, code):
                return default, False  # the article spells that dollar out where it means it
            return code, False
    if context is not None and _context_names_hint(context, symbol):
        return default, True  # the article names another dollar/yen country: say we are not sure
    return default, symbol == "¥"


@lru_cache(maxsize=32)
def _writes_out(context: str, code: str) -> bool:
    """Whether the article writes amounts in ``code`` with an explicit mark (money_rules.yaml
    ``explicit_currency_marks``: "C$192 million", "192 million Canadian dollars")."""
    pattern = money_rules().explicit.get(code)
    return pattern is not None and pattern.search(context) is not None


@lru_cache(maxsize=8)
def _context_names_hint(context: str, symbol: str) -> bool:
    """Once per article and symbol (an article with thousands of "$" is lowercased once, not once per "$")."""
    low = context.lower()
    return any(h in low for h in AMBIGUOUS_SYMBOLS[symbol][1])


@cached_per_data_dir
def _rates() -> dict[str, dict[int, float]]:
    rates: dict[str, dict[int, float]] = {}
    for row in read_csv("fx_rates.csv"):
        rates.setdefault(row["currency"].upper(), {})[int(row["year"])] = float(row["usd_per_unit"])
    return rates


def latest_rate_year() -> int:
    """The year used when an amount has no date of its own and its article none either: the newest year in the
    rate table (a fixed rule, so a re-run on another day gives the same USD values)."""
    return max(year for table in _rates().values() for year in table)


def to_usd(value: float, currency: str, year: int) -> tuple[float | None, int | None]:
    """(USD value, year of the rate used): the rate of ``year``, or the nearest year the table has."""
    if currency == "USD":
        return value, year
    table = _rates().get(currency)
    if not table:
        return None, None
    used = year if year in table else min(table, key=lambda y: abs(y - year))
    return value * table[used], used
