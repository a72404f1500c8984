"""Load the hand-labelled evaluation set (eval/gold.jsonl) and give gold entity spans character offsets.

Gold entities are listed in order of appearance by surface text; offsets are found by scanning forward for each
surface form on word boundaries, so the scorer compares exact spans."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold.jsonl"


def load_gold(path: Path = GOLD) -> list[dict]:
    articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for art in articles:
        art["published_date"] = date.fromisoformat(art["published"]) if art.get("published") else None
        art["entity_spans"] = locate(art["text"], art["entities"])
    return articles


def locate(text: str, entities: list[dict]) -> list[tuple[int, int, str, str]]:
    spans: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    cursor = 0  # mentions are listed in order of appearance
    for ent in entities:
        surface = ent["text"]
        pattern = re.compile(r"(?<![\w])" + re.escape(surface) + r"(?![\w])")
        start = cursor
        while True:
            m = pattern.search(text, start)
            if m is None:
                raise ValueError(f"gold entity {surface!r} not found after offset {cursor}")
            if not any(a < m.end() and m.start() < b for a, b in taken):  # not inside an earlier mention
                break
            start = m.start() + 1
        taken.append((m.start(), m.end()))
        cursor = m.start()
        spans.append((m.start(), m.end(), ent["label"], ent.get("canonical") or surface))
    return spans


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
