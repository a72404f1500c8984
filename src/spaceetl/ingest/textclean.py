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

from .datelines import FoundDate, MetaLine, dated_dateline, day_first_evidence, meta_line

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
# A caption ends in "(Photo credit: ...)" or starts "Photo:". Only the last parenthesis of a block is looked at
# (``_is_caption``): searching "(photo[^)]*)$" from every "(photo" of a body is quadratic in its length.
CAPTION_TAIL = re.compile(r"\((photo|image|picture|credit|photo credit|pictured)", re.IGNORECASE)
CAPTION_HEAD = re.compile(r"(photo|image|caption)\s*:", re.IGNORECASE)
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
SENTENCE_END_CHARS = frozenset('.!?"”’…:;)')
#: How much of a block's end is searched for junk glued to the last sentence, and of its start for a dateline.
GLUED_TAIL = 200
DATELINE_WINDOW = 300
# A news outlet's tag in brackets opening or closing a paragraph ("[SpaceNews] WASHINGTON —", "... said. [Reuters]"):
# one to three words, each starting with a capital letter (so "[Updated 4 March 2025]" is not one). Brackets inside
# a sentence ("told [NASA] that") are an editor's insertion and stay. A news digest sets the tags between its items
# inside one paragraph ("... the staff. [SpaceNews] NASA has selected ..."): a tag between a sentence's end and a
# capital letter is removed too, or the parser takes it for the next sentence's subject.
_TAG = r"\[[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,2}\](?!\()"
OUTLET_TAG = re.compile(rf"(?m)^{_TAG} ?|(?<=[.!?\"”’)]) ?{_TAG}$|(?<=[.!?\"”’)]) {_TAG}(?= [A-Z“\"])")
# Script text a scraper kept from the page ("window.dataLayer = window.dataLayer || [];", "googletag.cmd.push(
# function() { ... });"): a block with one of these and the punctuation share of code, never prose.
SCRIPT_HINT = re.compile(r"\bfunction\s*\(|\b(?:var|let|const)\s+[\w$]+\s*=|\bwindow\.|\bdocument\.|"
                         r"\bgoogletag\b|\badsbygoogle\b|\.push\(|=>|\bnew Date\(|\bfbq\(|\bgtag\(")
_DROP_SCRIPT_PUNCT = str.maketrans("", "", "{}();=[]|&$")
SCRIPT_PUNCT_SHARE = 0.04


#: Kinds of removed blocks that are page furniture: two copies of an article that differ only in these are the same
#: article to a reader. Other removed blocks (a trailing line, a caption, a dateline) are text a reader
#: sees, so they take part in deciding whether two records are the same article (``reader_sha256``).
FURNITURE_KINDS = frozenset({"section", "junk", "photo_credit", "script", "outlet_tag", "glued_junk", "date",
                             "date_note", "byline", "related_headline", "title", "field_problem", "nul_characters", "api_truncation_marker"})


def reader_sha256(body: str, removed: list[str]) -> str:
    """SHA-256 of what a reader would read as the article: the body and every removed block that is neither
    furniture nor the headline (the same text under another headline is the same article). The cleaner drops
    lines, so two different records can share a clean body; they are one article only when this hash agrees too."""
    import hashlib

    seen = [r for r in removed if r[1:].split("]", 1)[0] not in FURNITURE_KINDS]
    text = "\n\n".join([body, *seen])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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
        if len(lines) > 1 and any(_word_count(ln) <= 20 and not _ends_sentence(ln) for ln in lines):
            out.extend(lines)
        else:
            out.append(" ".join(lines) if len(lines) > 1 else lines[0])
    return out


def _word_count(s: str) -> int:
    return len(s.split())


def _ends_sentence(s: str) -> bool:
    return s[-1:] in SENTENCE_END_CHARS


def _is_caption(block: str) -> bool:
    if CAPTION_HEAD.match(block):
        return True
    block = block.rstrip()
    if not block.endswith(")"):
        return False
    opening = block.rfind(")", 0, len(block) - 1) + 1  # the last group runs from after the previous ")"
    return CAPTION_TAIL.search(block, opening) is not None


def _is_script(block: str) -> bool:
    sample = block[:2000]
    punct = len(sample) - len(sample.translate(_DROP_SCRIPT_PUNCT))  # C-speed count; prose is ruled out here
    return punct >= SCRIPT_PUNCT_SHARE * len(sample) and SCRIPT_HINT.search(sample) is not None


def _strip_outlet_tags(text: str) -> tuple[str, list[str]]:
    if "[" not in text:
        return text, []
    tags: list[str] = []

    def drop(m: re.Match[str]) -> str:
        tags.append(f"[outlet_tag] {m.group(0).strip()}")
        return ""

    return OUTLET_TAG.sub(drop, text), tags


def _is_body_paragraph(block: str) -> bool:
    words = _word_count(block)
    return words >= 25 or (words >= 8 and _ends_sentence(block))


def _is_headline(block: str) -> bool:
    words = _word_count(block)
    return 2 <= words <= 30 and block[-1:] not in ".!:;" and not block.startswith(("“", '"'))


def _classify_furniture(block: str) -> str | None:
    """Why a block is page furniture, or None if it may be content."""
    low = block.strip().lower().rstrip(":")
    if low in SECTION_LABELS:
        return "section"
    if JUNK_LINES.match(block.strip()):
        return "junk"
    if _is_caption(block):
        return "caption"
    if _is_script(block):
        return "script"
    if _word_count(block) <= 16 and PHOTO_CREDIT.search(block):
        return "photo_credit"
    if _word_count(block) <= 12 and BYLINE.match(block.strip()):
        return "byline"
    return None


@dataclass
class _Layout:
    """Where the story lies among a text's blocks, decided once before the blocks are sorted."""

    blocks: list[str]
    first_body: int
    last_body: int
    metas: dict[int, MetaLine]
    section_like: set[int]
    tail_is_furniture: bool
    day_first: bool | None


def _layout(text: str, extracted: bool) -> _Layout:
    blocks = _blocks(text)
    body = [i for i, b in enumerate(blocks) if _is_body_paragraph(b) and not _classify_furniture(b)]
    first_body = body[0] if body else len(blocks)
    last_body = body[-1] if body else -1
    # Date lines ("March 3, 2025", "Published: 21 Aug 2025 09:40 AEST", "By Jane Doe | March 3, 2025") are only
    # looked for in the title/byline area: above the first paragraph, or among the first three blocks.
    day_first = day_first_evidence(text)
    metas = {i: m for i in range(min(len(blocks), max(first_body, 3)))
             if (m := meta_line(blocks[i], day_first=day_first)) is not None}
    # A short first line above a longer headline is a section label ("Military Space"), not the title.
    top = [i for i in range(first_body) if _is_headline(blocks[i]) and not _classify_furniture(blocks[i]) and i not in metas]
    section_like = {top[0]} if len(top) >= 2 and _word_count(blocks[top[0]]) <= 3 < _word_count(blocks[top[1]]) else set()
    # In extracted text, short blocks after the last paragraph are page furniture only when navigation shows
    # there (a list of tour dates or results closing an article is content).
    tail_is_furniture = not extracted or any(
        NAVIGATION.match(b) or (b.isupper() and 2 <= _word_count(b) <= 6) for b in blocks[last_body + 1:])
    return _Layout(blocks, first_body, last_body, metas, section_like, tail_is_furniture, day_first)


def clean_scraped_text(text: str, *, extracted: bool = False) -> CleanText:
    """``extracted`` marks text that a main-text extractor already took out of an HTML page: the page furniture
    is mostly gone, so headline-like lines above the first paragraph are kept (sub-headings) and short blocks
    after the last paragraph are removed only when navigation shows among them (a "MOST READ" box, footer links).
    Every step is linear in the text's length: no pattern is searched from every position of a whole body."""
    text, tags = _strip_outlet_tags(normalise_whitespace(text))
    layout = _layout(text, extracted)
    out = CleanText(title=None, body="", removed=tags)
    found: list[FoundDate] = []
    kept: list[str] = []
    for i, block in enumerate(layout.blocks):
        block = _sort_block(i, block, layout, extracted, out, found)
        if block is not None:
            kept.append(block)
    _cut_glued_junk(kept, out.removed)
    _take_dateline(kept, layout.day_first, out, found)
    best = min(found, key=lambda d: d.rank) if found else None
    if best and best.note:
        out.removed.append(f"[date_note] {best.note}")
    out.body = "\n\n".join(kept).strip()
    if best:
        out.published_at, out.published_text = best.at, best.text
    return out


def _sort_block(i: int, block: str, layout: _Layout, extracted: bool, out: CleanText,
                found: list[FoundDate]) -> str | None:
    """The block if it is content; otherwise None, with the block noted in ``out.removed`` under its kind (and
    its title, authors or dates taken)."""
    meta = layout.metas.get(i)
    if meta is not None:
        found.extend(meta.dates)
        if meta.byline_names:
            out.authors.extend(_split_authors(meta.byline_names))
        out.removed.append(f"[{'byline' if meta.byline_names else 'date'}] {block}")
        return None
    kind = "section" if i in layout.section_like else _classify_furniture(block)
    if kind == "byline":
        out.authors.extend(_split_authors(BYLINE.match(block.strip()).group("names")))  # type: ignore[union-attr]
    if kind:
        out.removed.append(f"[{kind}] {block}")
        return None
    if i < layout.first_body:
        return _above_story(block, extracted, out)
    if i > layout.last_body and _word_count(block) <= 12 and layout.tail_is_furniture:
        out.removed.append(f"[trailing] {block}")
        return None
    return block


def _above_story(block: str, extracted: bool, out: CleanText) -> str | None:
    """Above the story: the first headline-like line is the title, later ones are related headlines."""
    if out.title is None and _is_headline(block):
        out.title = block
        out.removed.append(f"[title] {block}")
        return None
    if _is_headline(block) and not extracted:
        out.removed.append(f"[related_headline] {block}")
        return None
    return block


def _cut_glued_junk(kept: list[str], removed: list[str]) -> None:
    """'Share this article' glued to the last sentence. Only the end of the last block is searched."""
    if not kept:
        return
    tail_start = max(0, len(kept[-1]) - GLUED_TAIL)
    glued = GLUED_JUNK.search(kept[-1], tail_start)
    if glued and _word_count(kept[-1]) > 3:
        removed.append(f"[glued_junk] {glued.group(1)}")
        kept[-1] = kept[-1][: glued.start()].rstrip()


def _take_dateline(kept: list[str], day_first: bool | None, out: CleanText, found: list[FoundDate]) -> None:
    """'WASHINGTON (June 21, 2020) —' or 'WASHINGTON —' opening the first paragraph."""
    if not kept:
        return
    dated = dated_dateline(kept[0][:DATELINE_WINDOW], day_first=day_first)
    if dated:
        out.dateline, when, end = dated
        out.removed.append(f"[dateline] {kept[0][:end].strip()}")
        kept[0] = kept[0][end:]
        found.append(when)
        return
    m = DATELINE.match(kept[0][:DATELINE_WINDOW])
    if m:
        place = (m.group("place") or m.group("place2") or "").strip(" ,")
        if place.split(",")[0].isupper():
            out.dateline = place
            out.removed.append(f"[dateline] {m.group(0).strip()}")
            kept[0] = kept[0][m.end():]


def _split_authors(names: str) -> list[str]:
    names = re.sub(r"\s*[|,]\s*(staff writer|reporter|correspondent|editor).*$", "", names, flags=re.IGNORECASE)
    parts = re.split(r"\s*(?:,| and | & )\s*", names)
    return [p.strip() for p in parts if p.strip() and len(p.split()) <= 5]
