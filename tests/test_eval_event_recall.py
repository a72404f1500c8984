"""The event-recall scorer on a hand-made UD sentence: what counts as an event and a participant, and when a claim
reads it. The sentence is written for this test."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import eval_event_recall as er

# "The probe, which Vexa built, reached orbit." with a relative pronoun object and SpaceAfter=No before commas.
CONLLU = "\n".join("\t".join(row) for row in [
    ("1", "The", "the", "DET", "DT", "_", "2", "det", "_", "_"),
    ("2", "probe", "probe", "NOUN", "NN", "_", "7", "nsubj", "_", "SpaceAfter=No"),
    ("3", ",", ",", "PUNCT", ",", "_", "6", "punct", "_", "_"),
    ("4", "which", "which", "PRON", "WDT", "_", "6", "obj", "_", "_"),
    ("5", "Vexa", "Vexa", "PROPN", "NNP", "_", "6", "nsubj", "_", "_"),
    ("6", "built", "build", "VERB", "VBD", "_", "2", "acl:relcl", "_", "_"),
    ("7", "reached", "reach", "VERB", "VBD", "_", "0", "root", "_", "_"),
    ("8", "orbit", "orbit", "NOUN", "NN", "_", "7", "obj", "_", "SpaceAfter=No"),
    ("9", ".", ".", "PUNCT", ".", "_", "7", "punct", "_", "_"),
]) + "\n"


def test_parse_gum_rebuilds_text_and_links_relative_pronoun_to_its_noun():
    doc = er.parse_gum("t", "# newpar\n" + CONLLU)
    assert doc.text == "The probe, which Vexa built reached orbit."
    by_anchor = {doc.text[e.anchor[0]:e.anchor[1]]: sorted(doc.text[s:t] for s, t in e.participants)
                 for e in doc.events}
    assert by_anchor == {"built": ["Vexa", "probe"], "reached": ["orbit", "probe"]}


def test_recalled_needs_predicate_over_anchor_and_an_argument_over_a_participant():
    doc = er.parse_gum("t", CONLLU)
    built = next(e for e in doc.events if doc.text[e.anchor[0]:e.anchor[1]] == "built")
    vexa = (doc.text.index("Vexa"), doc.text.index("Vexa") + 4)
    assert er.recalled(built, [er.Reading(built.anchor, [vexa])])
    assert not er.recalled(built, [er.Reading(built.anchor, [(0, 3)])])  # "The": no participant
    assert not er.recalled(built, [er.Reading((0, 3), [vexa])])  # predicate elsewhere
