"""News-API field names -> article fields. Exports name the same thing many ways (``content`` / ``body`` /
``text``, ``publishedAt`` / ``date`` ...) and each API has its own record shape; both are listed in one
reviewable file, ``data/news_api_shapes.yaml``, so the README's table of accepted names is that file. The first
non-empty candidate wins; a known API shape's own names are tried before the generic ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from dateutil import parser as dateparser

from ..data import cached_per_data_dir, read_yaml

SHAPES_FILE = "news_api_shapes.yaml"
RANKS_FILE = "author_ranks.yaml"


@dataclass(frozen=True)
class Shape:
    name: str
    detect: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class ShapeTable:
    record_lists: tuple[tuple[str, ...], ...]
    value_keys: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]
    shapes: tuple[Shape, ...]
    summary_min_chars: int
    summary_min_words: int


@cached_per_data_dir
def shape_table() -> ShapeTable:
    raw = read_yaml(SHAPES_FILE) or {}
    minimum = raw.get("summary_minimum") or {}
    return ShapeTable(
        record_lists=tuple(tuple(str(p).split(".")) for p in raw.get("record_lists", ())),
        value_keys=tuple(str(k) for k in raw.get("value_keys", ())),
        fields={k: tuple(str(n) for n in v) for k, v in (raw.get("fields") or {}).items()},
        shapes=tuple(Shape(name, tuple(spec.get("detect", ())),
                           {k: tuple(str(n) for n in v) for k, v in (spec.get("fields") or {}).items()})
                     for name, spec in (raw.get("shapes") or {}).items()),
        summary_min_chars=int(minimum.get("chars", 30)),
        summary_min_words=int(minimum.get("words", 5)),
    )


def __getattr__(name: str) -> Any:
    if name == "FIELD_CANDIDATES":  # the generic names, as this module exposed them before the shapes file
        return shape_table().fields
    raise AttributeError(name)


def detect_shape(record: dict[str, Any]) -> Shape | None:
    """The first known API shape all of whose ``detect`` keys the record has."""
    for shape in shape_table().shapes:
        if shape.detect and all(key in record for key in shape.detect):
            return shape
    return None


def _lookup(record: dict[str, Any], key: str) -> Any:
    if key in record:
        return record[key]
    if "." not in key:
        return None
    value: Any = record
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def candidates(record: dict[str, Any], field: str) -> tuple[str, ...]:
    shape = detect_shape(record)
    own = shape.fields.get(field, ()) if shape else ()
    return own + tuple(k for k in shape_table().fields.get(field, ()) if k not in own)


def first_value(record: dict[str, Any], field: str) -> Any:
    for key in candidates(record, field):
        value = _lookup(record, key)
        if value not in (None, "", [], {}):
            if isinstance(value, dict) and field in ("body", "summary", "title", "section", "published"):
                value = as_text(value)  # {"#text": ...}, {"$t": ...}: an XML-to-JSON text node
                if not value:
                    continue
            return value
    return None


def article_text(record: dict[str, Any]) -> tuple[Any, bool]:
    """(text, summary_only). The full text when the record has one; otherwise its summary or description, which
    still makes an article (flagged): an API export of summaries must not be quarantined whole."""
    body = first_value(record, "body")
    if _has_text(body):
        return body, False
    summary = first_value(record, "summary")
    if _has_text(summary):
        return summary, True
    return body, False


def _has_text(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, list) and any(isinstance(v, str) and v.strip() for v in value)


def record_list(data: Any) -> Any:
    """The list of records inside an API response (``{"articles": {"results": [...]}}`` for Event Registry,
    ``{"rss": {"channel": {"item": [...]}}}`` for a converted feed); ``data`` itself when it holds none."""
    if not isinstance(data, dict):
        return data
    for path in shape_table().record_lists:
        value: Any = data
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, list):
            return value
    return data


def body_minimums(summary_only: bool, min_body_chars: int, min_words: int) -> tuple[int, int]:
    """A summary (or a GDELT headline) is short by nature; the data file sets its own floor."""
    if not summary_only:
        return min_body_chars, min_words
    table = shape_table()
    return min(min_body_chars, table.summary_min_chars), min(min_words, table.summary_min_words)


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        value = next((value[k] for k in shape_table().value_keys if value.get(k) not in (None, "", [], {})), None)
        if isinstance(value, (dict, list)):
            return as_text(value)
        if value is None:
            return None
    if isinstance(value, list):
        value = ", ".join(t for t in (as_text(v) for v in value) if t)
    text = str(value).strip()
    return text or None


def url_of(record: dict[str, Any]) -> str | None:
    """A record's URL; an Atom ``link`` list gives its ``alternate`` (or first) link, never the list joined."""
    value = first_value(record, "url")
    if isinstance(value, list):
        links = [v for v in value if v not in (None, "", {})]
        alternate = [v for v in links if isinstance(v, dict) and v.get("@rel", v.get("rel")) in (None, "alternate")]
        value = (alternate or links or [None])[0]
    return as_text(value)


_AUTHOR_LABEL = re.compile(r"^(?:(?:view )?(?:all )?(?:posts|articles|stories) by|posted by|written by|words by|by)\s+",
                           re.IGNORECASE)
_NO_AUTHOR = re.compile(r"^(?:no author|unknown|anonymous|admin|staff)$", re.IGNORECASE)


def as_authors(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, list):
        names = [as_text(v) for v in value]
    else:
        names = re.split(r"\s*(?:;|,| and | & )\s*", str(value))
    names = [_AUTHOR_LABEL.sub("", n).strip() for n in names if n]
    return [n for n in names if n and not _NO_AUTHOR.match(n)] or None


_ORDINAL_CLASS = r"(?:1st|2nd|3rd|First|Second|Third) Class"


@cached_per_data_dir
def _rank_pattern() -> re.Pattern[str]:
    raw = read_yaml(RANKS_FILE) or {}
    ranks = sorted({str(r) for r in raw.get("ranks", ())}, key=len, reverse=True)
    alternatives = [re.escape(r).replace(re.escape("{class}"), _ORDINAL_CLASS).replace(re.escape("{n}"), r"\s?[1-5]")
                    for r in ranks]
    services = "|".join(re.escape(s) for s in sorted(raw.get("services", ()), key=len, reverse=True))
    service = rf"(?:(?:{services})\s+)?" if services else ""
    # The rank must be followed by a name of at least two capitalised words: "Major Tom" is left alone, but
    # "Staff Sgt. Jane Roe" is split.
    return re.compile(rf"^(?P<rank>{service}(?:{'|'.join(alternatives)}))\s+(?P<name>[A-Z][\w.'’-]*(?:\s+[\w.'’-]+)+)$")


def split_rank(author: str) -> tuple[str | None, str]:
    """("Staff Sgt.", "Jane Roe") for "Staff Sgt. Jane Roe"; (None, author) when it opens with no known rank.
    A rank is an attribute of the writer, not part of the name an analyst groups bylines by."""
    match = _rank_pattern().match(author.strip())
    if not match:
        return None, author
    return match.group("rank"), match.group("name").strip()


def authors_with_ranks(authors: list[str] | None) -> tuple[list[str] | None, list[str | None] | None]:
    """(names, ranks) in the same order; ranks is None when no author has one."""
    if not authors:
        return authors, None
    pairs = [split_rank(a) for a in authors]
    if all(rank is None for rank, _ in pairs):
        return authors, None
    return [name for _, name in pairs], [rank for rank, _ in pairs]


def publisher_from_url(url: str | None) -> str | None:
    """A news-API record without a publisher still names its site in the URL: ``https://www.spacenews.com/x`` ->
    ``spacenews.com`` (the registrable host, without ``www.``/``m.``/``amp.``)."""
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host or "." not in host or host.replace(".", "").isdigit():
        return None
    return re.sub(r"^(?:www\d?|m|amp|mobile)\.", "", host.lower().rstrip("."))


_TRUNCATION_MARK = re.compile(r"\s*(…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")


def strip_api_truncation(body: str) -> tuple[str, bool]:
    """NewsAPI-style '... [+1234 chars]' tails mark a truncated body."""
    new = _TRUNCATION_MARK.sub("", body)
    return new, new != body


def parse_published(value: Any) -> tuple[datetime | None, str | None]:
    """(UTC timestamp, original text). Naive times are taken as UTC; epoch numbers as seconds (or ms); zone
    abbreviations are read with the reviewable table in ``data/time_zones.csv``."""
    if value is None or value == "":
        return None, None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc), str(value)
        except (OverflowError, OSError, ValueError):
            return None, str(value)
    text = str(value).strip()
    from .datelines import dateutil_zones

    try:  # "21 Aug 2025 09:40 AEST": zone abbreviations from data/time_zones.csv
        parsed = dateparser.parse(text, fuzzy=False, tzinfos=dateutil_zones)
    except (ValueError, OverflowError, TypeError):
        return None, text
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc), text
