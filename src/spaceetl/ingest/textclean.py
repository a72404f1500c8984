"""Scraped-page text -> title, dateline, clean body, and the lines that were removed (kept for audit).

Pages saved as text arrive with the article wrapped in page furniture: a photo caption ending in
"(Photo credit: ...)", section labels ("News"), related headlines, photo credits ("by NAME/AFP via Getty
Images"), a dateline ("WASHINGTON — ", "WASHINGTON (June 21, 2020) —"), date lines ("Published: 21 Aug 2025
09:40 AEST", read by ``datelines``), and trailing junk ("Share this article") sometimes glued to the last
sentence. The rules below are deliberately conservative: a block is only removed when it matches one of them,
and everything removed is returned so nothing is silently lost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from .datelines import FoundDate, dated_dateline, day_first_evidence, meta_line

SECTION_LABELS = {
    "news", "world", "business", "space", "defense", "defence", "military", "opinion", "analysis", "tech",
    "technology", "science", "politics", "security", "telecom", "telecoms", "satellites", "launch", "policy",
    "industry", "europe", "asia", "americas", "breaking news", "exclusive", "top stories", "latest", "home",
    "commentary", "features", "feature", "press release", "cybersecurity", "economy", "markets",
}
JUNK_LINES = re.compile(
    r"^(real time analytics|share this( article| story)?|share on (facebook|twitter|x|linkedin)|advertisement|"
    r"ad|sponsored( content)?|subscribe( now)?|sign up for .*newsletter.*|read more.*|related( articles| stories)?:?|"
    r"more from .*|tags?:.*|comments?( \(\d+\))?|print|email|follow us.*|click here.*|"
    r"copyright .*|© .*|all rights reserved.*|loading\.*|you may also like|recommended( for you)?)$",
    re.IGNORECASE,
)
GLUED_JUNK = re.compile(
    r"(?<=[.!?\"”’)])\s*(real time analytics|share this article|advertisement|news|read more)\s*$",
    re.IGNORECASE,
)
CAPTION = re.compile(r"\((photo|image|picture|credit|photo credit|pictured)[^)]*\)\s*$|^(photo|image|caption)\s*:", re.IGNORECASE)
PHOTO_CREDIT = re.compile(
    r"(via getty images|getty images|/afp|/reuters|/ap\b|ap photo|afp photo|reuters/|photo by|photograph:|"
    r"shutterstock|/bloomberg|courtesy of)", re.IGNORECASE,
)
BYLINE = re.compile(r"^(by|written by|words by)\s+(?P<names>[^\n]{2,120})$", re.IGNORECASE)
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’\-]+(?:[ ,]+[A-Z][A-Za-z.'’\-]+){0,3})\s*(?:\([^)]{1,40}\))?\s*[—–]\s*|"
    r"^(?P<place2>[A-Z][A-Z.'’\-]+(?:[ ,]+[A-Z][A-Z.'’\-]+){0,3})\s+-{1,2}\s+"
)
# Lines that only navigation has: separators, footer links, all-capital box labels ("MOST READ THIS WEEK").
NAVIGATION = re.compile(
    r"^([|»›·•/\\-]+|about( us)?|advertise( with us)?|privacy( policy)?|contact( us)?|rss|terms( of (use|service))?|"
    r"cookie (policy|settings)|sitemap|careers)$", re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?\"”’…:;)]$")


@dataclass
class CleanText:
    title: str | None
    body: str
    dateline: str | None = None
    authors: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    published_text: str | None = None


def normalise_whitespace(text: str) -> str:
    """NFC, unified newlines, no trailing spaces, at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\ufeff", "")
    lines = [re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _blocks(text: str) -> list[str]:
    """Paragraph blocks. A block of several short lines with no blank line between them is split into lines,
    because scrapers often drop the blank lines between page elements."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if len(lines) > 1 and any(_word_count(ln) <= 20 and not SENTENCE_END.search(ln) for ln in lines):
            out.extend(lines)
        else:
            out.append(" ".join(lines) if len(lines) > 1 else lines[0])
    return out


def _word_count(s: str) -> int:
    return len(s.split())


def _is_body_paragraph(block: str) -> bool:
    words = _word_count(block)
    return words >= 25 or (words >= 8 and bool(SENTENCE_END.search(block)))


def _is_headline(block: str) -> bool:
    words = _word_count(block)
    return 2 <= words <= 30 and not re.search(r"[.!:;]$", block) and not block.startswith(("“", '"'))


def _classify_furniture(block: str) -> str | None:
    """Why a block is page furniture, or None if it may be content."""
    low = block.strip().lower().rstrip(":")
    if low in SECTION_LABELS:
        return "section"
    if JUNK_LINES.match(block.strip()):
        return "junk"
    if CAPTION.search(block):
        return "caption"
    if _word_count(block) <= 16 and PHOTO_CREDIT.search(block):
        return "photo_credit"
    if _word_count(block) <= 12 and BYLINE.match(block.strip()):
        return "byline"
    return None


def clean_scraped_text(text: str, *, extracted: bool = False) -> CleanText:
    """``extracted`` marks text that a main-text extractor already took out of an HTML page: the page furniture
    is mostly gone, so headline-like lines above the first paragraph are kept (sub-headings) and short blocks
    after the last paragraph are removed only when navigation shows among them (a "MOST READ" box, footer links)."""
    text = normalise_whitespace(text)
    blocks = _blocks(text)
    removed: list[str] = []
    authors: list[str] = []
    title: str | None = None
    kept: list[str] = []

    first_body = next((i for i, b in enumerate(blocks) if _is_body_paragraph(b) and not _classify_furniture(b)), len(blocks))
    last_body = max((i for i, b in enumerate(blocks) if _is_body_paragraph(b) and not _classify_furniture(b)), default=-1)

    # Date lines ("March 3, 2025", "Published: 21 Aug 2025 09:40 AEST", "By Jane Doe | March 3, 2025") are only
    # looked for in the title/byline area: above the first paragraph, or among the first three blocks.
    day_first = day_first_evidence(text)
    metas = {i: m for i in range(min(len(blocks), max(first_body, 3)))
             if (m := meta_line(blocks[i], day_first=day_first)) is not None}
    found: list[FoundDate] = []

    # A short first line above a longer headline is a section label ("Military Space"), not the title.
    top = [i for i in range(first_body) if _is_headline(blocks[i]) and not _classify_furniture(blocks[i]) and i not in metas]
    section_like = {top[0]} if len(top) >= 2 and _word_count(blocks[top[0]]) <= 3 < _word_count(blocks[top[1]]) else set()

    # In extracted text, short blocks after the last paragraph are page furniture only when navigation shows
    # there (a list of tour dates or results closing an article is content).
    tail_is_furniture = not extracted or any(
        NAVIGATION.match(b) or (b.isupper() and 2 <= _word_count(b) <= 6) for b in blocks[last_body + 1:])
    for i, block in enumerate(blocks):
        if i in metas:
            found.extend(metas[i].dates)
            if metas[i].byline_names:
                authors.extend(_split_authors(metas[i].byline_names))
            removed.append(f"[{'byline' if metas[i].byline_names else 'date'}] {block}")
            continue
        kind = "section" if i in section_like else _classify_furniture(block)
        if kind == "byline":
            names = BYLINE.match(block.strip()).group("names")  # type: ignore[union-attr]
            authors.extend(_split_authors(names))
            removed.append(f"[byline] {block}")
            continue
        if kind:
            removed.append(f"[{kind}] {block}")
            continue
        if i < first_body:
            # Above the story: the first headline-like line is the title, later ones are related headlines.
            if title is None and _is_headline(block):
                title = block
                removed.append(f"[title] {block}")
            elif _is_headline(block) and not extracted:
                removed.append(f"[related_headline] {block}")
            else:
                kept.append(block)
            continue
        if i > last_body and _word_count(block) <= 12 and tail_is_furniture:
            removed.append(f"[trailing] {block}")
            continue
        kept.append(block)

    if kept:
        glued = GLUED_JUNK.search(kept[-1])
        if glued and _word_count(kept[-1]) > 3:
            removed.append(f"[glued_junk] {glued.group(1)}")
            kept[-1] = kept[-1][: glued.start()].rstrip()

    dateline = None
    dated = dated_dateline(kept[0], day_first=day_first) if kept else None
    if dated:
        dateline, when, end = dated
        removed.append(f"[dateline] {kept[0][:end].strip()}")
        kept[0] = kept[0][end:]
        found.append(when)
    elif kept:
        m = DATELINE.match(kept[0])
        if m:
            place = (m.group("place") or m.group("place2") or "").strip(" ,")
            if place.split(",")[0].isupper():
                dateline = place
                removed.append(f"[dateline] {m.group(0).strip()}")
                kept[0] = kept[0][m.end():]

    best = min(found, key=lambda d: d.rank) if found else None
    if best and best.note:
        removed.append(f"[date_note] {best.note}")
    return CleanText(title=title, body="\n\n".join(kept).strip(), dateline=dateline, authors=authors, removed=removed,
                     published_at=best.at if best else None, published_text=best.text if best else None)


def _split_authors(names: str) -> list[str]:
    names = re.sub(r"\s*[|,]\s*(staff writer|reporter|correspondent|editor).*$", "", names, flags=re.IGNORECASE)
    parts = re.split(r"\s*(?:,| and | & )\s*", names)
    return [p.strip() for p in parts if p.strip() and len(p.split()) <= 5]
