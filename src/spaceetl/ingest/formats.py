"""Detect a file's format from its content; the extension is only a tie-breaker."""

from __future__ import annotations

import json
import re

_HTML = re.compile(r"<(!doctype html|html|head|body|article|div|p)[\s>]", re.IGNORECASE)


_TEXT_EXTENSIONS = (".txt", ".text", ".md", ".markdown")


def _parses_as_json(text: str) -> bool:
    """Whole-file JSON, or JSON Lines (judged by the first line, so one broken line later is still quarantined as
    a broken JSON line rather than turning the file into text)."""
    try:
        json.loads(text)
        return True
    except ValueError:
        pass
    lines = [ln for ln in text.split("\n") if ln.strip()]
    try:
        return bool(lines) and isinstance(json.loads(lines[0]), (dict, list))
    except ValueError:
        return False


def detect_format(text: str, name: str) -> str:
    """One of json, jsonl, md, html, txt."""
    head = text.lstrip()[:4096]
    lower_name = name.lower().removesuffix(".gz")
    if head.startswith(("{", "[")) and lower_name.endswith(_TEXT_EXTENSIONS) and not _parses_as_json(text):
        # "[Updated 3 March] ..." or "{Sponsored}" opening an article saved as .txt: the extension says text and the
        # content is not JSON, so it is text (a .txt that *does* hold JSON is still read as JSON).
        return "md" if lower_name.endswith((".md", ".markdown")) else "txt"
    if head.startswith(("{", "[")):
        if lower_name.endswith((".jsonl", ".ndjson")):
            return "jsonl"
        first_line = head.split("\n", 1)[0].strip()
        if head.startswith("{") and first_line.endswith("}") and "\n{" in text.lstrip()[:200_000]:
            return "jsonl"
        return "json"
    if lower_name.endswith((".json", ".jsonl", ".ndjson")):
        return "jsonl" if lower_name.endswith((".jsonl", ".ndjson")) else "json"  # and fail as JSON, precisely
    if head.startswith("---\n") and "\n---" in head[4:]:
        return "md"
    if _HTML.search(head[:2048]) and head.startswith("<"):
        return "html"
    if head.startswith(("<style", "<script", "<meta", "<link", "<title", "<!--")) and _HTML.search(text[:500_000]):
        return "html"  # a saved page that opens with its styles or scripts before the <html> tag
    if lower_name.endswith((".html", ".htm")) and _HTML.search(head):
        return "html"
    if lower_name.endswith((".md", ".markdown")):
        return "md"
    return "txt"
