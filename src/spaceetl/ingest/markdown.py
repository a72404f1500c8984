"""Markdown body -> the plain text that is stored and analysed.

Entities, amounts and claims are found in the stored body, so markup left in it ends up inside them (a link
``[Sentinel-1C](https://www.esa.int/...)`` became the entity "Sentinel-1C](https://www.esa.int/"). The body is
therefore rendered with a real CommonMark parser (markdown-it-py, with GFM tables and strikethrough) and every
offset refers to the rendered text:

- links keep their text, images and raw HTML tags are dropped (the text inside HTML blocks is kept), HTML comments
  are dropped;
- emphasis, heading marks and block-quote marks are removed; headings and paragraphs become paragraphs;
- each list item and each table row becomes a line of its own (table cells joined by `` | ``);
- fenced and indented code is not prose: it is left out of the body and reported (``[code] ...``) for audit, as
  are image alt texts (``[image] ...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape

_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass
class RenderedMarkdown:
    text: str
    removed: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _html_text(html: str) -> str:
    """Visible text of an HTML fragment, without comments, scripts or styles."""
    html = _COMMENT.sub("", html)
    html = re.sub(r"<(script|style)\b.*?</\1\s*>", "", html, flags=re.DOTALL | re.IGNORECASE)
    html = re.sub(r"<br\s*/?>|</p\s*>|</div\s*>|</li\s*>|</h\d\s*>|</tr\s*>", "\n", html, flags=re.IGNORECASE)
    return unescape(_TAG.sub("", html))


def _inline(tokens, removed: list[str]) -> str:
    out: list[str] = []
    for tok in tokens or []:
        if tok.type in ("text", "code_inline"):
            out.append(tok.content)
        elif tok.type == "softbreak":
            out.append(" ")
        elif tok.type == "hardbreak":
            out.append("\n")
        elif tok.type == "image":
            alt = "".join(c.content for c in tok.children or [])
            removed.append(f"[image] {alt}".rstrip())
        elif tok.type == "html_inline" and re.match(r"<br\s*/?>", tok.content, re.IGNORECASE):
            out.append("\n")
        # other inline HTML (tags, comments) is markup, not text
    return "".join(out)


def render_markdown(source: str) -> RenderedMarkdown:
    """Markdown -> plain text: blocks separated by a blank line; each list item and table row is a block of its
    own, so that a list of short sentences is not merged into one paragraph by the scraped-text clean-up."""
    tokens = _parser().parse(source)
    removed: list[str] = []
    blocks: list[str] = []
    line_group: list[str] = []  # lines of the current list or table, emitted as one block
    row: list[str] | None = None
    depth_list = 0

    def flush_group() -> None:
        if line_group:
            blocks.extend(line_group)
            line_group.clear()

    for tok in tokens:
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if depth_list == 0:
                flush_group()
            depth_list += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth_list -= 1
            if depth_list == 0:
                flush_group()
        elif kind == "table_open":
            flush_group()
        elif kind == "table_close":
            flush_group()
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            if row is not None and any(c.strip() for c in row):
                line_group.append(" | ".join(c.strip() for c in row))
            row = None
        elif kind == "inline":
            text = _inline(tok.children, removed).strip()
            if row is not None:
                row.append(text)
            elif depth_list:
                if text:
                    line_group.append(text)
            elif text:
                blocks.append(text)
        elif kind in ("fence", "code_block"):
            code = tok.content.strip("\n")
            if code.strip():
                removed.append(f"[code] {code[:300]}")
        elif kind == "html_block":
            text = _html_text(tok.content).strip()
            if text:
                (line_group if depth_list else blocks).append(text)
    flush_group()
    text = "\n\n".join(b for b in blocks if b.strip())
    return RenderedMarkdown(text=text, removed=removed)
