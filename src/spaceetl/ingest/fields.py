"""News-API field names -> article fields. Exports name the same thing many ways (``content`` / ``body`` /
``text``, ``publishedAt`` / ``date`` ...); the first non-empty candidate wins. Listed here, in one place, so the
README's table of accepted names is this table."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from dateutil import parser as dateparser

FIELD_CANDIDATES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "name", "webTitle"),
    "body": ("content", "body", "text", "article_body", "articleBody", "full_text", "fullText", "maintext", "description"),
    "url": ("url", "link", "canonical_url", "webUrl", "uri"),
    "publisher": ("publisher", "source", "site_name", "sitename", "outlet", "source_name", "domain", "feed"),
    "authors": ("authors", "author", "byline", "creator", "creators", "writer"),
    "published": ("published_at", "publishedAt", "published", "date", "pubDate", "datePublished",
                  "webPublicationDate", "date_publish", "published_date", "time", "timestamp", "created_at"),
}

_TRUNCATION_MARK = re.compile(r"\s*(…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")


def first_value(record: dict[str, Any], field: str) -> Any:
    for key in FIELD_CANDIDATES[field]:
        value = record.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        value = value.get("name") or value.get("title") or value.get("id")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v)
    text = str(value).strip()
    return text or None


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
