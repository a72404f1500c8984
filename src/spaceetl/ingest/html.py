"""Saved HTML pages -> main text + metadata, with trafilatura (the strongest published main-text extractor)."""

from __future__ import annotations

import logging
import re

from ..errors import InputError

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def extract_html(html: str, path: str, min_chars: int) -> dict:
    import trafilatura

    # Precision first (keeps related links, comments, ads and data tables out); then recall, then recall with
    # tables. A later pass replaces the text only when it is more than twice as long: then the earlier pass has
    # cut the article (old table layouts, a page that is mostly a table), not merely left out furniture.
    doc, text = None, ""
    for mode in ({"favor_precision": True, "include_tables": False}, {"favor_recall": True, "include_tables": False},
                 {"favor_recall": True, "include_tables": True}):
        found = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, deduplicate=False, **mode)
        found_text = (getattr(found, "text", None) or "").strip() if found is not None else ""
        if doc is None or len(text) < RECALL_SWITCH_RATIO * len(found_text):
            doc, text = found, found_text
    text = _with_continuation(html, text)
    if len(text) < min_chars and (flat := _flattened(html)) is not None:
        return extract_html(flat, path, min_chars)
    if len(text) < min_chars:
        raise InputError(
            "no_article_text",
            f"HTML page has no article text ({len(text)} characters extracted): a login wall, index or empty page",
            stage="parse", path=path,
        )
    return {
        "body": text,
        "title": page_title(getattr(doc, "title", None), getattr(doc, "sitename", None), html),
        "authors": getattr(doc, "author", None),
        "publisher": getattr(doc, "sitename", None),
        "url": getattr(doc, "url", None),
        "published": getattr(doc, "date", None),
    }


# Container tags: a page wrapped in hundreds of nested <div>s is past the parser's depth limit (libxml2 stops at
# 256 levels), so the extractor sees nothing. Without its containers the page keeps its paragraphs and headings.
# ``[^<>]*`` stops at the next "<": linear even on "<div<div<div..." with no ">".
_CONTAINER_TAG = re.compile(r"</?(?:div|section|article|main|span|font|center|aside|header|footer|nav)\b[^<>]*>",
                            re.IGNORECASE)
DEEP_NESTING = 200


def _flattened(html: str) -> str | None:
    """The page without its container tags, when they are nested deeper than the parser follows; else None."""
    depth = deepest = 0
    for m in _CONTAINER_TAG.finditer(html):
        depth += -1 if m.group(0)[1] == "/" else 1
        deepest = max(deepest, depth)
    if deepest < DEEP_NESTING:
        return None
    return _CONTAINER_TAG.sub("", html)


_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—•»·]|-{1,2}|::)\s+")


def page_title(title: str | None, sitename: str | None, html: str) -> str | None:
    """The article's title without the site's name: "What is Rust? - Stack Overflow Blog" -> "What is Rust?".

    A part of a separated <title> is dropped when it is the site's name (as the page states it in og:site_name or
    as the extractor found it), or when the page's own <h1> is exactly one of the parts (then that part is the
    title). A title without separators, or whose parts match neither, is kept as it is."""
    if not title:
        return title
    parts = [p.strip() for p in _TITLE_SEPARATOR.split(title.strip()) if p.strip()]
    if len(parts) < 2:
        return title.strip()
    headings = _h1_texts(html)
    for part in parts:
        if _norm(part) in headings:
            return part
    site = _norm(sitename or "")
    if site:
        kept = [p for p in parts if _norm(p) != site and not (len(_norm(p)) >= 4 and _norm(p) in site)]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    return title.strip()


def _h1_texts(html: str) -> set[str]:
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # noqa: BLE001 - lxml raises parser errors of many kinds; the heading is optional
        return set()
    return {_norm(h.text_content()) for h in tree.iter("h1") if h.text_content().strip()}


RECALL_SWITCH_RATIO = 0.5
CONTINUATION_MIN_WORDS = 15  # a paragraph of prose, not a caption, teaser or link line
_SKIP_ANCESTORS = {"aside", "nav", "footer", "figure", "figcaption", "header", "form"}
_WORDS = re.compile(r"\w+")
_PROSE_END = re.compile(r"[.!?\"”)]$")


def _norm(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _container(el) -> tuple:
    """Tag, class and id of a paragraph's parent and grandparent: what makes 'the same kind of container'."""
    sig = []
    for _ in range(2):
        if el is None:
            break
        sig.append((el.tag, el.get("class"), el.get("id")))
        el = el.getparent()
    return tuple(sig)


def _with_continuation(html: str, text: str) -> str:
    """Sites that break an article with ad slots or 'related' boxes put the rest of it in further containers of
    the same kind; the extractor keeps only the first. Paragraphs of prose that follow the last extracted one in
    a container with the same parent/grandparent signature as the extracted ones are the article's continuation."""
    from lxml import html as lxml_html

    if not text:
        return text
    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # noqa: BLE001 - lxml raises parser errors of many kinds; the continuation is optional
        return text
    known = _norm(text)
    paragraphs = []
    for p in tree.iter("p"):
        if any(a.tag in _SKIP_ANCESTORS for a in p.iterancestors()):
            continue
        paragraphs.append((p, " ".join(p.text_content().split())))
    matched = [i for i, (_, t) in enumerate(paragraphs) if len(t.split()) >= 8 and _norm(t) in known]
    if len(matched) < 2:
        return text
    kinds = {_container(paragraphs[i][0].getparent()) for i in matched}
    extra = [t for p, t in paragraphs[matched[-1] + 1:]
             if _container(p.getparent()) in kinds and len(t.split()) >= CONTINUATION_MIN_WORDS
             and _PROSE_END.search(t) and _norm(t) not in known]
    return "\n".join([text, *extra])


_META_TIME = ("article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate",
              "date", "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date")


def page_published(html: str) -> str | None:
    """The publication date a page states, as text (with its time and zone when the page gives them).

    htmldate (1.x) is the strongest published date finder for web pages; its fast mode reads structured markup
    (meta tags, JSON-LD, <time>, the URL) and prefers the original over the modified date. When it finds nothing,
    the page's own meta tags are asked directly (they may hold forms htmldate rejects), and only then htmldate's
    extensive search through the text, which guesses: a bare copyright year comes back as 1 January, and that is
    not a publication date. A date the meta tags give for the same day replaces htmldate's, for its time and zone.
    """
    from htmldate import find_date

    stated = precise_published(html)
    stated_day = _plausible_day(stated)
    try:
        found = find_date(html, original_date=True, extensive_search=False)
        if not found:
            if stated_day:
                return stated
            found = find_date(html, original_date=True, extensive_search=True)
            if found and found.endswith("-01-01"):
                found = None
    except Exception:  # noqa: BLE001 - htmldate parses arbitrary markup; a failure means no date, not a bad page
        found = None
    if found and stated_day == found:
        return stated
    return found or (stated if stated_day else None)


def _plausible_day(text: str | None) -> str | None:
    """YYYY-MM-DD of a stated date, or None when it does not parse or is implausible for a web page (before 1990,
    or in the future: a page in another calendar, e.g. ۱۳۹۹/۰۲/۲۱, or a template's placeholder)."""
    from datetime import datetime, timedelta, timezone

    from .fields import parse_published

    if not text:
        return None
    m = re.match(r"\s*(\d{4})-(\d\d)-(\d\d)", text)
    parsed, _ = parse_published(text)
    if parsed is None:
        return None
    day = "-".join(m.groups()) if m else parsed.date().isoformat()
    if not "1990-01-01" <= day <= (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat():
        return None
    return day


def precise_published(html: str) -> str | None:
    """trafilatura reports publication *dates*; the page's own meta usually has the time and zone too."""
    import json

    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # noqa: BLE001 - lxml raises parser errors of many kinds; the meta time is optional
        return None
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in {k.lower() for k in _META_TIME} and meta.get("content"):
            return meta.get("content").strip()
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            try:
                data = json.loads(script.text)
            except ValueError:
                continue
            for item in data if isinstance(data, list) else [data]:
                if isinstance(item, dict) and item.get("datePublished"):
                    return str(item["datePublished"])
    return None
