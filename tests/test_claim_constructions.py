"""Claims from constructions the verb-clause rules did not read: nominal events, relative and participial clauses,
passives with a by-agent, coordinated predicates, light verbs and phrasal synonyms (``nlp/constructions.py``,
patterns in ``data/claim_rules.yaml``). Every sentence was written for these tests."""

from datetime import date

import pytest
from conftest import extract_rows

from spaceetl.nlp.constructions import (
    ConstructionRulesError,
    _substitute,
    construction_rules,
)


def claims_of(nlp, text):
    rows = extract_rows(nlp, text, date(2025, 6, 2))
    names = {e["entity_id"]: e["canonical_name"] for e in rows["entities"]}
    return rows["claims"], names


def triples(nlp, text):
    claims, _ = claims_of(nlp, text)
    return {(c["subject_text"], c["predicate"], c["object_text"]) for c in claims}


def assert_row_shape(claim, text):
    """The object span reads as object_text inside the sentence; the sentence span reads as the sentence."""
    if claim["object_text"] is not None:
        s, e = claim["object_start_char"], claim["object_end_char"]
        assert claim["start_char"] <= s < e <= claim["end_char"]
        assert " ".join(text[s:e].split()) == claim["object_text"]
    assert text[claim["start_char"]:claim["end_char"]] == claim["sentence"]


def test_nominal_event_with_a_possessor(nlp):
    text = "Norway's pledge of €240 million to the launch programme was welcomed in Oslo on Friday."
    claims, names = claims_of(nlp, text)
    (c,) = [c for c in claims if c["predicate"] == "pledge"]
    assert names[c["subject_entity_id"]] == "Norway"
    assert c["subject_text"] == "Norway"
    assert c["object_text"] == "€240 million"
    assert c["claim_type"] == "agreement"
    assert_row_shape(c, text)


def test_nominal_event_between_two_parties_gives_a_claim_per_party(nlp):
    text = "The $800 million deal between Portugal and Rocket Lab was announced in Lisbon."
    claims, names = claims_of(nlp, text)
    agree = [c for c in claims if c["predicate"] == "agree"]
    assert {names.get(c["subject_entity_id"]) for c in agree} == {"Portugal", "Rocket Lab"}
    assert all(c["claim_type"] == "transaction" and c["amount_id"] is not None for c in agree)
    for c in agree:
        assert_row_shape(c, text)


def test_nominal_event_takes_the_modality_of_its_clause(nlp):
    text = "The deal between Portugal and Rocket Lab could collapse next week."
    claims, _ = claims_of(nlp, text)
    agree = [c for c in claims if c["predicate"] == "agree"]
    assert agree and all(c["modality"] == "hedged" for c in agree)


def test_relative_clause_object_is_the_noun_not_the_pronoun(nlp):
    text = "The weather satellite, which Thales Alenia Space assembled, arrived in Kourou on Monday."
    assert ("Thales Alenia Space", "assemble", "The weather satellite") in triples(nlp, text)


def test_passive_relative_clause_with_by_agent(nlp):
    text = "The relay satellite, which was financed by Eutelsat, failed after two years."
    claims, names = claims_of(nlp, text)
    (c,) = [c for c in claims if c["predicate"] == "finance"]
    assert names[c["subject_entity_id"]] == "Eutelsat"
    assert c["object_text"] == "The relay satellite"
    assert_row_shape(c, text)


def test_participle_with_by_agent(nlp):
    text = "A contract awarded by the Bundeswehr to Hensoldt covers twelve radar units."
    claims, _ = claims_of(nlp, text)
    (c,) = [c for c in claims if c["predicate"] == "award"]
    assert c["subject_text"] == "the Bundeswehr"
    assert c["object_text"] == "A contract"
    assert_row_shape(c, text)


def test_coordinated_predicates_share_the_object(nlp):
    text = "Rocket Lab designed and tested the new kick stage."
    found = triples(nlp, text)
    assert ("Rocket Lab", "design", "the new kick stage") in found
    assert ("Rocket Lab", "test", "the new kick stage") in found


def test_coordinated_predicates_with_own_objects_keep_them(nlp):
    text = "Rocket Lab built the engine and tested the kick stage."
    found = triples(nlp, text)
    assert ("Rocket Lab", "build", "the engine") in found
    assert ("Rocket Lab", "build", "the kick stage") not in found


@pytest.mark.parametrize("text, predicate, obj", [
    ("The Danish government will take a decision on the radar next spring.", "decide", "the radar"),
    ("Poland held talks with Airbus about the tanker fleet.", "talk", "Airbus"),
])
def test_light_verbs_read_as_the_nouns_verb(nlp, text, predicate, obj):
    claims, _ = claims_of(nlp, text)
    (c,) = [c for c in claims if c["predicate"] == predicate]
    assert c["object_text"] == obj
    assert not any(c["predicate"] in {"take", "hold"} for c in claims)
    assert_row_shape(c, text)


def test_phrasal_synonym_meets_the_plain_verb(nlp):
    called = triples(nlp, "Firefly called off the launch attempt.")
    scrubbed = triples(nlp, "Firefly scrubbed the launch attempt.")
    assert ("Firefly", "cancel", "the launch attempt") in called
    assert ("Firefly", "cancel", "the launch attempt") in scrubbed


def test_no_claim_from_an_event_noun_without_a_named_party(nlp):
    claims, _ = claims_of(nlp, "The deal was a surprise to the market.")
    assert not any(c["predicate"] == "agree" for c in claims)


def test_unknown_placeholder_in_pattern_is_a_typed_error():
    assert "deal" in construction_rules().event_nouns
    with pytest.raises(ConstructionRulesError):
        _substitute({"LEMMA": {"IN": "$nope"}}, {})


def test_by_phrase_of_time_is_no_agent(nlp):
    text = "Kepler Orbital is assembling a relay satellite, with a launch expected by the end of June."
    claims, _ = claims_of(nlp, text)
    assert not any(c["predicate"] == "expect" and c["subject_text"] and "June" in c["subject_text"] for c in claims)


def test_passive_with_a_demonstrative_subject_stays_out(nlp):
    text = "That could be followed by crewed flights to the lunar south pole."
    claims, _ = claims_of(nlp, text)
    assert not any(c["predicate"] == "follow" for c in claims)


def test_participle_of_a_light_verb_reads_as_the_nouns_verb(nlp):
    text = "Senators rejected a proposal made by the Finance Ministry in May."
    claims, _ = claims_of(nlp, text)
    assert any(c["predicate"] == "propose" and c["subject_text"] == "the Finance Ministry" for c in claims)


def test_nominal_event_with_a_by_agent(nlp):
    text = "The acquisition of Orbital Forge by Helion Dynamics closed in March."
    claims, names = claims_of(nlp, text)
    (c,) = [c for c in claims if c["predicate"] == "acquire"]
    assert c["subject_text"] == "Helion Dynamics"
    assert c["object_text"] == "Orbital Forge"
    assert_row_shape(c, text)
