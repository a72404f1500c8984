"""Scoring functions of the evaluation scripts, on tiny hand-made inputs (no external corpus needed)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import eval_attribution as ea  # noqa: E402
import eval_claims as ec  # noqa: E402
import eval_modality as em  # noqa: E402
from scoring import bootstrap_ci, ratio  # noqa: E402

TEXT = ('Mayor Lena Ortiz said the plan was "a serious mistake." She added: "We will fight it."\n\n'
        'The so-called "harbour deal" went ahead anyway.')
# brat spans written for TEXT: Source "Mayor Lena Ortiz", Content covering the first quote's clause,
# a pronoun Source "She" with the second quote as Content.
ANN = ("T1\tSource 0 16\tMayor Lena Ortiz\nT2\tCue 17 21\tsaid\nT3\tContent 22 55\tthe plan\n"
       "T4\tAttribution 17 21\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
       "T5\tSource 56 59\tShe\nT6\tCue 60 65\tadded\nT7\tContent 68 84;84 86\tWe\n"
       "T8\tAttribution 60 65\tadded\nE2\tAttribution:T8 Cue:T6 Source:T5 Content:T7\n")


def test_parse_brat_joins_spans_and_discontinuous_offsets():
    attrs = ea.parse_brat(ANN)
    assert [a.sources for a in attrs] == [[(0, 16)], [(56, 59)]]
    assert attrs[1].contents == [(68, 84), (84, 86)]


def test_only_quotes_inside_an_attribution_are_gold():
    segs = ea.quote_segments(TEXT)
    assert [TEXT[a:b] for a, b in segs] == ["a serious mistake.", "We will fight it.", "harbour deal"]
    gold = ea.gold_quotes(TEXT, ea.parse_brat(ANN))
    assert [TEXT[g.start:g.end] for g in gold] == ["a serious mistake.", "We will fight it."]
    assert [g.pronoun for g in gold] == [False, True]
    assert gold[0].source_text == "Mayor Lena Ortiz"


def test_unclosed_quote_runs_to_the_paragraph_end():
    text = '“First part of a long statement\n\n“Second part,” she said.'
    assert [text[a:b] for a, b in ea.quote_segments(text)] == ["First part of a long statement", "Second part,"]


def test_locate_aligns_a_joined_split_quote():
    body = '"We are ready," said Ortiz, "and we will win."'
    chars = ea.locate(body, "We are ready and we will win.", 0, len(body))
    assert [body[a:b] for a, b in chars] == ["We are ready", "and we will win"]


def test_match_is_strict_on_both_sides():
    gold = ea.gold_quotes(TEXT, ea.parse_brat(ANN))
    first = (gold[0].start, gold[0].end)
    scare = (TEXT.index("harbour"), TEXT.index("harbour") + len("harbour deal"))
    half = (first[0], first[0] + 4)  # covers less than half of the gold quote
    preds = [ea.Pred([first], ["Ortiz"]), ea.Pred([half], []), ea.Pred([scare], []),
             ea.Pred([(0, first[1])], ["she"])]  # swallows the narrative text before the quote
    correct, found = ea.match(gold, preds)
    assert correct == [True, False, False, False]
    assert found == {0: 0}


def test_every_quote_precision_counts_unattributed_and_unlocated_quotes_as_wrong():
    attrs = ea.parse_brat(ANN)
    gold = ea.gold_quotes(TEXT, attrs)
    contents = [c for a in attrs for c in a.contents]
    scare = (TEXT.index("harbour"), TEXT.index("harbour") + len("harbour deal"))
    inner = (TEXT.index("serious"), TEXT.index("serious") + len("serious"))  # inside the Content, not a segment
    preds = [ea.Pred([(gold[0].start, gold[0].end)], ["Ortiz"]), ea.Pred([scare], []), ea.Pred([], ["x"]),
             ea.Pred([inner], [])]
    assert ea.attributed(preds, contents) == [True, False, False, True]
    counts = ea.article_counts(gold, preds, [{"ortiz"}, set()], {}, contents)
    assert (counts["p_ok"], counts["n_pred"]) == (2, 4)
    assert ea.article_counts(gold, preds, [{"ortiz"}, set()], {})["p_ok"] == 1  # strict matching unchanged
    rows = {"claims": [{"quote_style": "direct", "quote_text": None, "start_char": 0, "end_char": 10}]}
    assert ea.pipeline_preds(rows, TEXT) == [] and len(ea.pipeline_preds(rows, TEXT, every=True)) == 1


def test_speaker_rule_accepts_surname_and_rejects_other_heads():
    assert ea.speaker_right("ortiz", ["Ortiz"])
    assert ea.speaker_right("ortiz", ["he", "Lena Ortiz"])
    assert ea.speaker_right("ortiz", ["Mayor Lena Ortiz, who chairs the board"])
    assert not ea.speaker_right("ortiz", ["Ortiz's spokesman"])
    assert not ea.speaker_right("ortiz", ["she"])
    assert not ea.speaker_right("conway", ["Trump"])
    assert ea.head_word("the Trump campaign") == "campaign"
    assert ea.speaker_right(ea.gold_heads("the president", "president"), ["the president"])
    assert ea.speaker_right(ea.gold_heads("Kay O’Neill", "O’Neill"), ["O'Neill"])
    heads = ea.gold_heads("Rep. Dana Moore (D-Ore.), a member of the panel", "Moore")
    assert heads == {"moore"} and not ea.speaker_right(heads, ["Rep"])
    # the string rule stops at "of"; the parse root still names the person
    assert ea.speaker_right(ea.gold_heads("Secretary of State Ann Lowe", "Lowe"), ["Ann Lowe"])


def test_article_counts_split_named_and_pronoun_sources():
    gold = ea.gold_quotes(TEXT, ea.parse_brat(ANN))
    preds = [ea.Pred([(gold[0].start, gold[0].end)], ["Ortiz"]),
             ea.Pred([(gold[1].start, gold[1].end)], ["She"])]
    c = ea.article_counts(gold, preds, ["ortiz", "she"], {56: ["Lena Ortiz"]})
    assert (c["n_pred"], c["p_ok"], c["n_gold"], c["found"]) == (2, 2, 2, 2)
    assert (c["named"], c["named_ok"]) == (1, 1)
    assert (c["pron"], c["pron_given"], c["pron_lab"], c["pron_lab_ok"]) == (1, 0, 1, 0)
    resolved = [preds[0], ea.Pred(preds[1].chars, ["She", "Lena Ortiz"])]
    c = ea.article_counts(gold, resolved, ["ortiz", "she"], {56: ["Lena Ortiz"]})
    assert (c["pron_given"], c["pron_lab_ok"]) == (1, 1)


def test_pipeline_rows_give_located_quotes_and_every_speaker_name():
    body = 'Officials met. "We are ready," said Ortiz, "and we will win." Talks went on.'
    start = body.index('"We')
    rows = {"entities": [{"entity_id": "ent_1", "canonical_name": "Lena Ortiz"}],
            "references": [{"mention_text": "Ortiz"}],  # tables a later version adds are ignored
            "claims": [dict(quote_style="direct", quote_text="We are ready and we will win.", speaker_text="Ortiz",
                            speaker_entity_id="ent_1", start_char=start, end_char=len(body) - 14, new_column=1),
                       dict(quote_style="indirect", quote_text=None, speaker_text="x", start_char=0, end_char=5)]}
    (pred,) = ea.pipeline_preds(rows, body)
    assert [body[a:b] for a, b in pred.chars] == ["We are ready", "and we will win"]
    assert pred.speakers == ["Ortiz", "Lena Ortiz"]


def test_textacy_peer_falls_back_to_paragraphs_on_an_unclosed_quote(nlp):
    pytest.importorskip("textacy")
    text = ('"The budget is settled and final," Mayor Lena Ortiz said on Monday.\n\n'
            'A council member added that "the vote was rushed.\n\nNobody else spoke.')
    doc = nlp(text)
    doc = nlp.get_pipe("lemmatizer")(doc) if "lemmatizer" in nlp.component_names else doc
    preds = ea.textacy_preds(doc)
    assert [text[a:b] for p in preds for a, b in p.chars] == ["The budget is settled and final,"]
    assert preds[0].speakers and preds[0].speakers[-1].endswith("Ortiz")


def test_bootstrap_interval_brackets_the_estimate_and_is_deterministic():
    per = [{"ok": 1, "n": 1}, {"ok": 0, "n": 1}, {"ok": 3, "n": 4}, {"ok": 2, "n": 2}]
    stat = lambda t: ratio(t["ok"], t["n"])  # noqa: E731
    lo, hi = bootstrap_ci(per, stat, n_resamples=500)
    assert lo < 0.75 < hi and 0.0 <= lo and hi <= 1.0
    assert (lo, hi) == bootstrap_ci(per, stat, n_resamples=500)
    assert bootstrap_ci([{"ok": 2, "n": 2}] * 3, stat) == (1.0, 1.0)


def test_attribution_script_refuses_the_test_split_and_skips_without_corpus(tmp_path):
    script = str(ROOT / "scripts" / "eval_attribution.py")
    out = subprocess.run([sys.executable, script, str(tmp_path), "--split", "test"], capture_output=True, text=True)
    assert out.returncode == 2 and "refusing" in out.stdout
    out = subprocess.run([sys.executable, script, str(tmp_path / "absent")], capture_output=True, text=True)
    assert out.returncode == 0 and "skipped" in out.stdout



# --- strict claim scoring (scripts/eval_claims.py) ------------------------------------------------------------

HELDOUT_SHA256 = "80f109ccca398ce77b8ff281d472024891c3e96524ee24c65c3b194afca1f68a"  # also in the README


def test_heldout_set_is_frozen():
    digest = hashlib.sha256((ROOT / "eval" / "heldout.jsonl").read_bytes()).hexdigest()
    assert digest == HELDOUT_SHA256, "eval/heldout.jsonl changed: the held-out figures are no longer comparable"


def test_object_rule_strict_and_lenient():
    assert ec.object_ok("a constellation", "a constellation of radar satellites")
    assert not ec.object_ok("a constellation", "radar satellites")
    assert not ec.object_ok("a constellation", None)
    assert ec.object_ok(None, None)
    assert not ec.object_ok(None, "Tuesday")  # an intransitive gold claim takes no object
    assert ec.object_ok(None, "Tuesday", strict=False)
    assert ec.object_ok("two radar satellites", "the satellites", strict=False)


def _claim(subject, predicate, obj, modality="asserted"):
    return dict(subject_text=subject, subject_entity_id=None, predicate=predicate, object_text=obj,
                modality=modality, modality_cue=None)


def test_score_claims_counts_objectless_gold_met_only_by_an_object():
    gold = [dict(subject="Nordsat", subject_canonical=None, predicate="say", object=None, modality="asserted",
                 cue=None),
            dict(subject="the agency", subject_canonical=None, predicate="buy", object="two launchers",
                 modality="hedged", cue="may")]
    pred = [_claim("Nordsat", "say", "Monday"), _claim("The agency", "buy", "two small launchers", "hedged")]
    strict = ec.score_claims(gold, pred, {})
    assert (strict["c_tp"], strict["sp_tp"], strict["objectless_met_by_object"]) == (1, 2, 1)
    assert (strict["mod_ok"], strict["mod_n"]) == (1, 1)
    lenient = ec.score_claims(gold, pred, {}, strict=False)
    assert (lenient["c_tp"], lenient["objectless_met_by_object"]) == (2, 0)
    # one predicted claim cannot match two gold claims
    twice = ec.score_claims(gold[:1] * 2, [_claim("Nordsat", "say", None)], {})
    assert (twice["c_tp"], twice["c_gold"]) == (1, 2)


# --- modality on MEANTIME-style token gold (scripts/eval_modality.py) -----------------------------------------

CONLL = "\n".join([
    "1\tRivet\t_\t_\t_\t_", "2\tAero\t_\t_\t_\t_", "3\twins\tB-E-1\tB-CERTAIN-1\tB-POS-1\tB-NON_FUTURE-1", "",
    "4\tMay\t_\t_\t_\t_", "5\t2\t_\t_\t_\t_", "",
    "6\tThe\t_\t_\t_\t_", "7\tfirm\t_\t_\t_\t_", "8\tmay\t_\t_\t_\t_",
    "9\tbuild\tB-E-2\tB-POSSIBLE-2\tB-POS-2\tB-FUTURE-2", "10\tit\t_\t_\t_\t_", "11\t,\t_\t_\t_\t_",
    "12\tbut\t_\t_\t_\t_", "13\tdid\t_\t_\t_\t_", "14\tn't\t_\t_\t_\t_",
    "15\tsay\tB-E-3\tB-CERTAIN-3\tB-NEG-3\tB-NON_FUTURE-3", "16\t``\t_\t_\t_\t_",
    "17\tsoon\tB-E-4\tB-UNDERSPECIFIED-4\tB-POS-4\t_", "18\t''\t_\t_\t_\t_", "19\t.\t_\t_\t_\t_", ""])


def test_gold_modality_mapping():
    assert em.gold_class("CERTAIN", "NEG") == em.gold_class("POSSIBLE", "NEG") == "negated"
    assert em.gold_class("POSSIBLE", "POS") == em.gold_class("PROBABLE", "UNDERSPECIFIED") == "hedged"
    assert em.gold_class("CERTAIN", "POS") == "asserted"
    assert em.gold_class("UNDERSPECIFIED", "POS") is None and em.gold_class("CERTAIN", "UNDERSPECIFIED") is None
    assert em.system_class("reported") == em.system_class("asserted") == "asserted"


def test_conll_tokens_become_text_with_offsets():
    art = em.parse_conll("x", CONLL)
    assert art.text == "Rivet Aero wins\n\nMay 2\n\nThe firm may build it, but didn't say “soon”."
    assert all(art.text[t.start:t.end] == t.text for t in art.tokens)
    events = [(t.text, em.gold_class(t.certainty, t.polarity)) for t in art.tokens if t.event == "B"]
    assert events == [("wins", "asserted"), ("build", "hedged"), ("say", "negated"), ("soon", None)]


def test_window_baseline():
    toks = em.parse_conll("x", CONLL).tokens
    idx = {t.text: i for i, t in enumerate(toks)}
    assert em.baseline_class(toks, idx["wins"]) == "asserted"
    assert em.baseline_class(toks, idx["build"]) == "hedged"
    assert em.baseline_class(toks, idx["say"]) == "negated"


def test_claims_align_to_the_event_at_their_predicate():
    art = em.parse_conll("x", CONLL)
    lemmas = [(t.start, t.end, {"wins": "win", "n't": "not"}.get(t.text, t.text.lower())) for t in art.tokens]
    starts = {t.start: i for i, t in enumerate(art.tokens) if t.event == "B"}
    body = art.text.index("The firm")
    claims = [dict(start_char=body, end_char=len(art.text), predicate="build", modality="hedged"),
              dict(start_char=body, end_char=len(art.text), predicate="build", modality="asserted"),  # same event
              dict(start_char=body, end_char=len(art.text), predicate="win", modality="asserted"),  # other sentence
              dict(start_char=0, end_char=15, predicate="win", modality="asserted")]
    aligned = em.align(claims, lemmas, starts)
    assert {art.tokens[i].text: c["modality"] for i, c in aligned.items()} == {"build": "hedged", "wins": "asserted"}


def test_confusion_counts_and_stats():
    c = em.confusion_counts([("asserted", "asserted"), ("hedged", "asserted"), ("hedged", "hedged"),
                             ("negated", "hedged")])
    assert em.STATS["accuracy"](c) == 0.5
    assert em.STATS["hedged recall"](c) == 0.5 and em.STATS["hedged precision"](c) == 0.5
    assert em.STATS["negated recall"](c) == 0.0
    assert abs(em.STATS["per-class recall, macro average"](c) - 0.5) < 1e-9


def test_modality_script_skips_without_corpus(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_modality.py"), str(tmp_path)],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "skipped" in out.stdout


def test_textacy_claim_peer_rows(nlp):
    pytest.importorskip("textacy")
    text = 'Nordsat bought two launchers. "We will build a plant," the firm said. The agency set up a new office.'
    doc = nlp(text)
    doc = nlp.get_pipe("lemmatizer")(doc) if "lemmatizer" in nlp.component_names else doc
    quotes, claims = ec.textacy_rows(doc, text)
    triples = {(c["subject_text"], c["predicate"], c["object_text"]) for c in claims}
    assert ("Nordsat", "buy", "launchers") in triples
    assert not any(c["predicate"] == "build" for c in claims)  # inside quote marks: not narrative text
    assert any(c["predicate"] == "set up" for c in claims)
    gold = [dict(subject="Nordsat", subject_canonical=None, predicate="buy", object="two launchers",
                 modality="asserted", cue=None)]
    assert ec.score_claims(gold, claims, {})["c_tp"] == 1
