#!/usr/bin/env python3
"""Sanity checks for the HTML main-text extraction eval set.

For every NN_slug.html / NN_slug.gold.txt pair:
  * gold formatting: UTF-8, paragraphs separated by exactly one blank line,
    no stray whitespace, no leftover HTML entities or tags;
  * every gold paragraph occurs, in order, in the page's visible text
    (scripts/styles dropped, entities unescaped, whitespace incl. NBSP collapsed);
  * text of boilerplate regions (captions, tables, asides, nav, footers, headlines,
    pull-quotes, comments, newsletter/share/ad/cookie/related blocks) is not in the gold;
  * gold word count is within 150-400.
Stdlib only. Exit code 1 on any failure.
"""
import html
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"script", "style", "noscript", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr"}
INLINE = {"a", "abbr", "b", "cite", "code", "em", "font", "i", "q", "small", "span",
          "strong", "sub", "sup", "time", "u", "mark"}
EXCL_TAGS = {"figcaption", "table", "aside", "nav", "footer", "h1", "blockquote", "title"}
EXCL_CLASS = re.compile(r"comment|newsletter|share|ad-container|ad-wrapper|related|cmp|"
                        r"cookie|standfirst|dek|summary|key-events|byline|meta|tags|"
                        r"most-read|most-popular|mostread", re.I)


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []          # [tag, capture_index_or_None]
        self.skip = 0
        self.out = []
        self.captures = []       # [tag, class, [text]]
        self.tags_seen = set()

    def handle_starttag(self, tag, attrs):
        self.tags_seen.add(tag)
        if tag in VOID:
            if tag in ("br", "hr", "img"):
                self.emit(" ")
            return
        if tag in SKIP:
            self.skip += 1
        a = dict(attrs)
        cls = a.get("class") or ""
        cap = None
        if tag in EXCL_TAGS or EXCL_CLASS.search(cls + " " + (a.get("id") or "")):
            cap = len(self.captures)
            self.captures.append([tag, cls, []])
        if tag not in INLINE:
            self.emit(" ")
        self.stack.append((tag, cap))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not any(t == tag for t, _ in self.stack):
            return  # stray end tag
        while self.stack:
            t, _ = self.stack.pop()
            if t in SKIP:
                self.skip -= 1
            if t == tag:
                break
        if tag not in INLINE:
            self.emit(" ")

    def emit(self, data):
        self.out.append(data)
        for _, cap in self.stack:
            if cap is not None:
                self.captures[cap][2].append(data)

    def handle_data(self, data):
        if not self.skip:
            self.emit(data)


def check_pair(html_path, gold_path):
    errors = []
    raw_gold = gold_path.read_bytes().decode("utf-8")
    if not raw_gold.endswith("\n") or raw_gold.endswith("\n\n"):
        errors.append("gold must end with exactly one newline")
    if "\r" in raw_gold or "\t" in raw_gold or "\u00a0" in raw_gold:
        errors.append("gold contains CR, tab or NBSP")
    if re.search(r"&[#\w]+;|<[a-zA-Z/]", raw_gold):
        errors.append("gold contains an HTML entity or tag")
    if "\n\n\n" in raw_gold:
        errors.append("gold has more than one blank line between paragraphs")
    paras = raw_gold.strip("\n").split("\n\n")
    for p in paras:
        if "\n" in p:
            errors.append(f"paragraph spans several lines: {p[:50]!r}")
        if p != p.strip() or "  " in p:
            errors.append(f"stray whitespace in paragraph: {p[:50]!r}")

    parser = Page()
    parser.feed(html_path.read_text(encoding="utf-8"))
    parser.close()
    text = norm("".join(parser.out))
    pos = 0
    for p in paras:
        q = norm(p)
        i = text.find(q, pos)
        if i < 0:
            where = "out of order" if q in text else "NOT FOUND"
            errors.append(f"{where}: {q[:70]!r}")
        else:
            pos = i + len(q)

    gold_flat = norm(" ".join(paras))
    for tag, cls, chunks in parser.captures:
        b = norm("".join(chunks))
        if len(b) < 25:
            continue
        if all(norm(p) in b for p in paras):
            continue  # layout container around the whole article (e.g. table layout, body field)
        for p in paras:
            if norm(p) in b:
                errors.append(f"gold paragraph lies inside excluded <{tag} class={cls!r}>: {p[:50]!r}")
        if tag != "blockquote" and b in gold_flat:
            errors.append(f"excluded <{tag} class={cls!r}> text found in gold: {b[:60]!r}")

    words = len(raw_gold.split())
    if not 150 <= words <= 400:
        errors.append(f"word count {words} outside 150-400")
    if "title" not in parser.tags_seen:
        errors.append("page has no <title>")
    return paras, words, errors, parser.tags_seen


def main():
    pairs = sorted(HERE.glob("[0-9][0-9]_*.html"))
    failed = False
    print(f"{'file':48} {'paras':>5} {'words':>5}  page elements")
    for h in pairs:
        g = h.with_name(h.stem + ".gold.txt")
        if not g.exists():
            print(f"{h.name}: missing gold file")
            failed = True
            continue
        paras, words, errors, tags = check_pair(h, g)
        feats = [t for t in ("nav", "aside", "footer", "article", "figure", "table", "blockquote")
                 if t in tags]
        print(f"{h.name:48} {len(paras):5} {words:5}  {','.join(feats)}")
        for e in errors:
            print("    FAIL:", e)
        failed |= bool(errors)
    orphans = [g.name for g in HERE.glob("*.gold.txt")
               if not g.with_name(g.name[:-len(".gold.txt")] + ".html").exists()]
    for o in orphans:
        print(f"{o}: gold file without page")
        failed = True
    print("FAILED" if failed else f"OK: {len(pairs)} pairs")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
