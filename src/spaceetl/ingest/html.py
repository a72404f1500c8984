"""Saved HTML pages -> main text + metadata, with trafilatura (the strongest published main-text extractor)."""

from __future__ import annotations

import logging

from ..errors import InputError

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def extract_html(html: str, path: str, min_chars: int) -> dict:
    import trafilatura

    # Precision first (keeps related links, comments and ads out); old table layouts that give nothing that way
    # get a second, recall-oriented pass before the page is declared empty.
    for mode in ({"favor_precision": True}, {"favor_recall": True}):
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                          deduplicate=False, **mode)
        text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
        if len(text) >= min_chars:
            break
    if len(text) < min_chars:
        raise InputError(
            "no_article_text",
            f"HTML page has no article text ({len(text)} characters extracted): a login wall, index or empty page",
            stage="parse", path=path,
        )
    return {
        "body": text,
        "title": getattr(doc, "title", None),
        "authors": getattr(doc, "author", None),
        "publisher": getattr(doc, "sitename", None),
        "url": getattr(doc, "url", None),
        "published": getattr(doc, "date", None),
    }


_META_TIME = ("article:published_time", "og:published_time", "datePublished", "pubdate", "publishdate",
              "date", "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date")


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
