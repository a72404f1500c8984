"""Document-level reference resolution: one test per rule, on sentences written for these tests."""

from datetime import date

import pytest
from conftest import extract_rows

from spaceetl.nlp.references import reference_rules


def rows(nlp, text):
    return extract_rows(nlp, text, date(2025, 3, 1))


def resolved(nlp, text):
    """{(expression, rule): canonical name}"""
    out = rows(nlp, text)
    names = {e["entity_id"]: e["canonical_name"] for e in out["entities"]}
    return {(r["text"], r["rule"]): names[r["entity_id"]] for r in out["references"]}


def test_short_name_joins_the_full_name_and_its_mentions(nlp):
    text = ("The European Commission opened a tender for secure links. "
            "The Commission expects bids from four consortia by June.")
    out = rows(nlp, text)
    by_text = {m["text"]: m["entity_id"] for m in out["mentions"]}
    assert by_text["Commission"] == by_text["European Commission"]
    assert any(r["rule"] == "short_name" and r["text"] == "Commission" for r in out["references"])


def test_acronym_joins_the_full_name(nlp):
    text = ("The Orbital Debris Watch Foundation published a census of dead satellites. "
            "ODWF counted 2,000 objects above 800 kilometres.")
    out = rows(nlp, text)
    acr = [r for r in out["references"] if r["text"] == "ODWF"]
    assert acr and acr[0]["rule"] == "acronym"


def test_surname_is_recorded_with_its_antecedent(nlp):
    text = "Greta Lindqvist runs the launch office. Lindqvist said the pad would reopen in May."
    out = rows(nlp, text)
    (ref,) = [r for r in out["references"] if r["text"] == "Lindqvist"]
    assert ref["rule"] == "surname" and ref["antecedent_text"] == "Greta Lindqvist"


def test_pronoun_it_is_the_organisation_subject(nlp):
    text = "The ministry of defence in Oslo cancelled the order. Kongsberg said it would appeal the decision."
    assert resolved(nlp, text)[("it", "pronoun")] == "Kongsberg"


def test_pronoun_respects_gender(nlp):
    text = ("Mark Olsen met Helen Carrick at the trade fair in Farnborough. "
            "She said the tender would close in spring.")
    assert resolved(nlp, text)[("She", "pronoun")] == "Helen Carrick"


def test_pronoun_prefers_the_earlier_subject(nlp):
    text = "Paolo Ferri briefed Tom Ashby on the budget. He warned that costs were rising."
    assert resolved(nlp, text)[("He", "pronoun")] == "Paolo Ferri"


def test_entity_counts_by_its_most_salient_occurrence(nlp):
    """The nearest occurrence of Colby is a possessive; the subject earlier in that sentence still counts."""
    text = ("Retired admiral Osric Colby is speaking out, and he says Senator Wes Harlan has the best plan for the "
            "navy. In a radio interview, Colby made clear that the cuts under Governor Abel Quint had hurt his service. "
            "\u201cIt was demoralizing to serve,\u201d he told the host.")
    assert resolved(nlp, text)[("he", "pronoun")] == "Osric Colby"


def test_main_clause_speaker_beats_the_subject_of_the_reported_clause(nlp):
    """Okonjo is named often and known to be a woman, but she is the subject of what Achebe said."""
    text = ("Maria Okonjo toured three states this week. Okonjo spoke about jobs, and Okonjo met farmers. "
            "Okonjo thanked the volunteers in Dayton, where Okonjo won the primary. "
            "Rowan Achebe said Okonjo does not show consistency on the budget. "
            "\u201cIt only comes up when the cameras are on,\u201d she said.")
    assert resolved(nlp, text)[("she", "pronoun")] == "Rowan Achebe"


def test_judging_verb_does_not_make_a_speaker_salient(nlp):
    """'because he cannot defend his record' is not speech: the speaker chain stays with the campaign director."""
    text = ("Campaign director Avery Lindqvist said Moreau was reduced to insults because Moreau cannot defend "
            "the record. \u201cThis is schoolyard behaviour,\u201d she said.")
    assert resolved(nlp, text)[("she", "pronoun")] == "Avery Lindqvist"


def test_judging_verb_with_a_quote_makes_a_speaker_salient(nlp):
    """'Ruiz called the ruling “a huge win”' is speech: the next 'he said' is Ruiz, not the earlier speaker."""
    text = ("In a statement, Aldo Reyes said the ruling would force the county to reopen the rolls. He said that "
            "the county would appeal.\n\nParty chairman Tomas Ruiz called the ruling “a huge win for voters.”\n\n"
            "“The ruling restores a basic principle,” he said in a statement.")
    out = rows(nlp, text)
    names = {e["entity_id"]: e["canonical_name"] for e in out["entities"]}
    last = [r for r in out["references"] if r["text"] == "he"][-1]
    assert names[last["entity_id"]] == "Tomas Ruiz"


def test_clearly_resolved_speaker_pronoun_tells_the_gender(nlp):
    """'she said' resolved to Achebe with a clear lead: a later 'he' is not Achebe."""
    text = ("Rowan Achebe said the budget was short. \u201cWe need more,\u201d she said.\n\n"
            "Achebe agreed with Kit Okonjo on the cuts. \u201cThey came too fast,\u201d he said.")
    assert resolved(nlp, text)[("he", "pronoun")] == "Kit Okonjo"


def test_first_name_alone_gives_the_gender(nlp):
    text = "Kevin met Laura Hines at the depot on Friday. She said the convoy would leave at dawn."
    assert resolved(nlp, text)[("She", "pronoun")] == "Laura Hines"


def test_sentences_inside_a_quote_do_not_count_as_distance(nlp):
    """Five quoted sentences lie between the name and the pronoun; the narrative moved on by one."""
    text = ("Nadia Ferrante watched the launch from the roof.\n\n"
            "“Go. Go now. Keep going. Do not stop. Please do not stop,” she says.\n\n"
            "She then asks the crew to wait, and repeatedly says, “Hold the count.”")
    out = rows(nlp, text)
    names = {e["entity_id"]: e["canonical_name"] for e in out["entities"]}
    last = [r for r in out["references"] if r["text"] == "She"][-1]
    assert names[last["entity_id"]] == "Nadia Ferrante"


def test_object_pronoun_is_not_the_subject_of_its_own_verb(nlp):
    text = "Paolo Ferri met Tom Ashby in Rome. Ferri praised him for the launch."
    assert resolved(nlp, text)[("him", "pronoun")] == "Tom Ashby"


def test_expletive_it_is_not_resolved(nlp):
    text = "Airbus delivered the satellite. It is expected that the launch will slip."
    assert ("It", "pronoun") not in resolved(nlp, text)


def test_definite_description_of_a_company(nlp):
    text = "Eutelsat posted higher revenue. The company said demand for broadband grew."
    assert resolved(nlp, text)[("The company", "description")] == "Eutelsat"


def test_definite_description_prefers_the_head_noun_in_the_name(nlp):
    text = ("Eutelsat and the Italian Space Agency signed a study contract. "
            "The agency will pay for the first phase.")
    assert resolved(nlp, text)[("The agency", "description")] == "Italian Space Agency"


def test_description_with_modifier(nlp):
    text = "SES bought two satellites from Thales. The Luxembourg-based operator will fly them in 2027."
    assert resolved(nlp, text)[("The Luxembourg-based operator", "description")] == "SES"


def test_role_description_is_the_person_with_that_role(nlp):
    text = ("Defence Minister Karl Brandt met Anna Weiss, an analyst, in Berlin. "
            "The minister said the budget was final.")
    assert resolved(nlp, text)[("The minister", "description")] == "Karl Brandt"


def test_relative_pronoun_is_its_head_noun(nlp):
    text = "Hispasat, which is controlled by Redeia, ordered a new satellite."
    assert resolved(nlp, text)[("which", "relative")] == "Hispasat"


def test_resolution_feeds_claim_subjects(nlp):
    text = "The Norwegian Space Agency reviewed the bids. It will award the contract in May."
    out = rows(nlp, text)
    (c,) = [c for c in out["claims"] if c["predicate"] == "award"]
    assert c["subject_text"] == "It"
    names = {e["entity_id"]: e["canonical_name"] for e in out["entities"]}
    assert names[c["subject_entity_id"]] == "Norwegian Space Agency"


def test_rule_data_is_reviewable():
    rules = reference_rules()
    assert "PERSON" in rules.pronouns["she"][0] and rules.pronouns["she"][1] == "f"
    assert "company" in rules.descriptions["company"][1]
    assert "minister" in rules.person_roles


@pytest.mark.parametrize("n", [50, 400])
def test_resolution_cost_is_linear(nlp, n):
    """Every pronoun looks back over a bounded history: a long article resolves every pronoun, and no reference
    reaches further back than the history allows."""
    para = "Vega Orbital signed a contract with Nordsat. It will build four satellites. "
    text = para * n
    out = rows(nlp, text)
    assert sum(1 for r in out["references"] if r["rule"] == "pronoun") == n
    assert all(r["start_char"] - r["antecedent_start"] < 200 for r in out["references"] if r["antecedent_start"] is not None)


def test_head_walk_stops_at_a_second_sentence_root_inside_the_span(nlp):
    """spaCy makes a new Token object on every access, so a walk up the heads must compare indices: with an
    identity test a span holding a second root ("Alpha" is its own head) would loop for ever."""
    import signal

    from spacy.tokens import Doc

    from spaceetl.nlp.entities import Link
    from spaceetl.nlp.rows import _modifier_of

    doc = Doc(nlp.vocab, words=["Alpha", "Beta"], heads=[0, 1], deps=["ROOT", "ROOT"])
    link = Link("org:alpha", "Alpha", "ORG", None, None, None, False, None, "Alpha")
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(TimeoutError("head walk did not stop")))
    signal.alarm(5)
    try:
        assert _modifier_of(doc[0], doc[1], doc[0:2], link) is False
    finally:
        signal.alarm(0)


def _inside(r):
    return r["antecedent_start"] is not None and r["antecedent_end"] > r["start_char"]


def test_description_never_resolves_to_a_name_inside_itself(nlp):
    """"the GOES-east satellite" holds the name GOES (before a hyphen, so it does not count as naming the
    satellite); that name is part of the description, not an earlier mention it refers back to."""
    text = ("Forecasters rely on a fleet of weather spacecraft run by NOAA. Engineers said on Monday that the "
            "GOES-east satellite had lost a thruster and would drift for a week.")
    out = rows(nlp, text)  # extract_rows itself asserts that every antecedent starts before its reference
    assert not [r for r in out["references"] if _inside(r)]
    assert not [r for r in out["references"] if r["text"] == "the GOES-east satellite"]


def test_description_with_a_name_inside_takes_the_earlier_mention(nlp):
    text = ("NOAA launched its newest GOES spacecraft in March. Engineers said on Monday that the GOES-east "
            "satellite had lost a thruster and would drift for a week.")
    (ref,) = [r for r in rows(nlp, text)["references"] if r["text"] == "the GOES-east satellite"]
    assert ref["rule"] == "description" and ref["antecedent_start"] == text.index("GOES")
    assert ref["name"] == "Geostationary Operational Environmental Satellite"


def test_resolver_methods_stay_small():
    """The resolver is a class of small rules; ``resolve`` is its entry point."""
    import inspect

    from spaceetl.nlp import references

    assert not hasattr(references.Resolution, "entity_of")
    for name, fn in inspect.getmembers(references.Resolver, inspect.isfunction):
        assert len(inspect.getsource(fn).splitlines()) <= 80, name
