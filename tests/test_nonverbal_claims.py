"""Claims without a verb of their own (appositions, copulas, valuations), plural descriptions of a group of parties
("the two sides"), and quotes inside quotes. One test per rule, on sentences written for these tests."""

from datetime import date

import pytest
from conftest import extract_rows

from spaceetl.nlp.claim_rules import claim_rules
from spaceetl.nlp.claims import apposition_of, copula_parts
from spaceetl.nlp.quotes import find_quotes, single_quotes


def extract(nlp, text):
    return extract_rows(nlp, text, date(2025, 6, 2))


def attributes(nlp, text):
    return [(c["subject_text"], c["predicate"], c["object_text"])
            for c in extract(nlp, text)["claims"] if c["claim_type"] == "attribute"]


# --- appositions --------------------------------------------------------------------------------------------

def test_apposition_of_a_named_company_is_an_attribute_claim(nlp):
    text = "Nordlys Orbital, a subsidiary of Telenor, booked two launches on Tuesday."
    claims = extract(nlp, text)["claims"]
    (c,) = [c for c in claims if c["claim_type"] == "attribute"]
    assert (c["subject_text"], c["predicate"], c["object_text"]) == ("Nordlys Orbital", "be", "a subsidiary of Telenor")
    assert c["modality"] == "asserted"
    assert any(c["predicate"] == "book" for c in claims)  # the sentence's own claim is still there


def test_apposition_giving_a_persons_role(nlp):
    text = "Ingrid Halvorsen, head of procurement at the Norwegian Space Agency, signed the order."
    assert ("Ingrid Halvorsen", "be", "head of procurement at the Norwegian Space Agency") in attributes(nlp, text)


def test_apposition_in_reported_speech_is_reported(nlp):
    text = "Analysts said Hispasat, a unit of Redeia, would bid for the second batch."
    (c,) = [c for c in extract(nlp, text)["claims"] if c["claim_type"] == "attribute"]
    assert c["modality"] == "reported" and c["object_text"] == "a unit of Redeia"


@pytest.mark.parametrize("text", [
    "The European Space Agency (ESA) will fund the study.",       # a second name, not a description
    "The launch from Kourou, on Monday, went well.",              # a date
    "Marta Ruiz, 54, joined the board in May.",                   # an age
    "Airbus signed with three partners: Italy, France and Spain.",  # a list
    "The company, which builds radar satellites, hired 40 engineers.",  # not a named head
    "Rome is weighing an arrangement with SpaceX, a move that critics have questioned.",  # about the clause
    "The selectors picked Orla Byrne, the automatic choices for the relay.",  # a plural for one name
])
def test_no_apposition_claim_for_names_dates_ages_lists(nlp, text):
    assert attributes(nlp, text) == []


def test_apposition_in_a_verbless_sentence_ends(nlp):
    # a sentence whose root is a noun: the search for the governing verb stops at the root
    text = "New orders for Nordlys Orbital, a subsidiary of Telenor."
    assert attributes(nlp, text) == [("Nordlys Orbital", "be", "a subsidiary of Telenor")]


def test_apposition_rule_needs_a_named_head_a_separator_and_a_phrase(nlp):
    # "The operator" is not named; "Redeia, bid." is a verb misread as a bare-noun apposition
    doc = nlp("Hispasat, a unit of Redeia, bid. The operator, a unit of Redeia, bid.")
    heads = [apposition_of(t) for t in doc if t.dep_ == "appos"]
    assert [h.text for h in heads if h is not None] == ["Hispasat"]


# --- copulas ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("Avanti is the largest satellite operator in Britain.", ("Avanti", "be", "the largest satellite operator in Britain")),
    ("Rocket Lab became the first company to launch from New Zealand.",
     ("Rocket Lab", "become", "the first company to launch from New Zealand")),
    ("Eutelsat remains the main shareholder of the venture.", ("Eutelsat", "remain", "the main shareholder of the venture")),
])
def test_copula_with_a_predicate_noun_about_a_named_thing(nlp, text, expected):
    assert expected in attributes(nlp, text)


def test_copula_about_a_named_thing_through_a_relative_pronoun(nlp):
    text = "Hispasat, which is the largest operator in Spain, filed the bid."
    assert ("Hispasat", "be", "the largest operator in Spain") in attributes(nlp, text)


def test_negated_copula_keeps_its_negation(nlp):
    text = "Avanti is not the largest operator in Europe."
    (c,) = [c for c in extract(nlp, text)["claims"] if c["claim_type"] == "attribute"]
    assert (c["modality"], c["modality_cue"]) == ("negated", "not")


def test_predicate_noun_is_not_a_reference_to_an_earlier_entity(nlp):
    # "the largest operator" says what Avanti is; it must not be resolved as "the operator" -> Airbus
    text = "Avanti bought capacity from Airbus. Avanti is the largest operator in Britain."
    out = extract(nlp, text)
    assert not [r for r in out["references"] if r["rule"] == "description"]
    (c,) = [c for c in out["claims"] if c["claim_type"] == "attribute"]
    assert c["object_entity_id"] is None


def test_valuation_is_a_transaction_with_its_amount(nlp):
    text = "The contract is worth €300 million, the ministry said."
    out = extract(nlp, text)
    (c,) = [c for c in out["claims"] if c["predicate"] == "be worth"]
    assert c["claim_type"] == "transaction" and c["subject_text"] == "The contract"
    assert c["object_text"] == "€300 million" and c["amount_id"] == out["amounts"][0]["amount_id"]
    assert c["modality"] == "reported"


@pytest.mark.parametrize("text", [
    "The launch was successful.",                  # an adjective only: an opinion, not a claim
    "The market is a mess.",                       # nothing named
    "Avanti is expected to grow.",                 # not a predicate noun
    "It was the first time in a decade.",          # an unnamed subject
    "There is a deal on the table.",               # existential
    "The aim is to double capacity.",              # a clause
])
def test_no_copula_claim_without_a_named_subject_and_a_predicate_noun(nlp, text):
    claims = extract(nlp, text)["claims"]
    assert not [c for c in claims if c["predicate"] in {"be", "become", "remain", "be worth"}], text


def test_copula_rule_returns_object_predicate_and_type(nlp):
    rules = claim_rules()
    doc = nlp("The deal is worth $80 million.")
    obj, predicate, ctype = copula_parts(doc[2], rules)
    assert (predicate, ctype) == ("be worth", "transaction") and obj.ent_type_ == "MONEY"
    assert copula_parts(nlp("The launch was successful.")[2], rules) is None


# --- groups: "the two sides", "both companies", "the partners" ----------------------------------------------

def test_the_two_companies_after_a_conjoined_subject(nlp):
    text = ("Leonardo and Thales Alenia Space will deliver the radar satellite in October. "
            "The two companies hired 300 engineers for the work.")
    out = extract(nlp, text)
    hires = {c["subject_name"] for c in out["claims"] if c["predicate"] == "hire"}
    assert hires == {"Leonardo", "Thales Alenia Space"}
    refs = [(r["text"], r["name"], r["rule"], r["antecedent_text"]) for r in out["references"] if r["rule"] == "group"]
    assert refs == [("The two companies", "Leonardo", "group", "Leonardo"),
                    ("The two companies", "Thales Alenia Space", "group", "Thales Alenia Space")]
    assert len({r["reference_id"] for r in out["references"]}) == len(out["references"])


def test_the_partners_after_an_agreement(nlp):
    text = "Avio signed an agreement with Airbus on Monday. The partners will build four upper stages."
    builds = {c["subject_name"] for c in extract(nlp, text)["claims"] if c["predicate"] == "build"}
    assert builds == {"Avio", "Airbus"}


def test_both_countries_and_the_two_sides(nlp):
    text = ("Japan and India signed a lunar pact in Tokyo. Both countries want a rover on the Moon by 2029. "
            "The two sides will meet again in May.")
    claims = extract(nlp, text)["claims"]
    assert {c["subject_name"] for c in claims if c["predicate"] == "want"} == {"Japan", "India"}
    assert {c["subject_name"] for c in claims if c["predicate"] == "meet"} == {"Japan", "India"}


def test_group_as_speaker_gives_one_quote_claim_per_member(nlp):
    text = "Leonardo and Airbus will merge their satellite units next year, the two companies said."
    says = [c for c in extract(nlp, text)["claims"] if c["predicate"] == "say"]
    assert {(c["subject_name"], c["speaker_name"]) for c in says} == {("Leonardo", "Leonardo"), ("Airbus", "Airbus")}


@pytest.mark.parametrize("text", [
    # the count does not fit the group
    "Leonardo and Airbus signed a deal. The three companies will share the work.",
    # no count: "the companies" is mostly generic
    "Leonardo and Airbus signed a deal. The companies compete in many markets.",
    # described, not referred to
    "Leonardo and Airbus signed a deal. Both sides of the Atlantic welcomed it.",
    # the types do not fit: two companies are not two countries
    "Leonardo and Airbus signed a deal. The two countries welcomed it.",
])
def test_group_description_not_resolved_when_it_does_not_fit(nlp, text):
    assert not [r for r in extract(nlp, text)["references"] if r["rule"] == "group"]


# --- quotes inside quotes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "\"He told me 'we will not sign' and left,\" Costa said.",          # straight double, straight single inside
    "“He told me ‘we will not sign’ and left,” Costa said.",            # curly double, curly single inside
    "'He told me \"we will not sign\" and left,' Costa said.",          # straight single, straight double inside
    "‘He told me “we will not sign” and left,’ Costa said.",            # curly single, curly double inside
    "“He told me “we will not sign” and left,” Costa said.",            # curly double inside curly double
])
def test_quote_inside_a_quote_is_the_outer_speakers_words(nlp, text):
    (found,) = find_quotes(text)  # one quote: the outer one, from the first mark to its closing mark
    assert (found[0], found[3]) == (0, text.index(" Costa"))
    (q,) = [c for c in extract(nlp, "Maria Costa runs the office. " + text)["claims"] if c["quote_style"] == "direct"]
    assert q["speaker_name"] == "Maria Costa"
    assert q["quote_text"].startswith("He told me") and "we will not sign" in q["quote_text"]
    assert q["quote_text"].endswith("and left")


@pytest.mark.parametrize("text", [
    "It's Rocket Lab's call, and the partners' deal is done.",
    "Rocket Lab’s rocket flew in the ’90s and it’s still flying.",
    "The companies' shares rose; SpaceX's fell.",
])
def test_an_apostrophe_is_never_a_quote_mark(text):
    assert single_quotes(text) == [] and find_quotes(text) == []


@pytest.mark.parametrize("text", [
    "Senator calls rival's plan a 'Disgusting Fraud' in late-night post",   # a headline's quoted words
    "Senator calls rival's plan a 'Disgusting Fraud.'\n\nThe senator spoke on Friday.",  # ... ending in a stop
    "The minister's 'sovereign' connectivity plan won support.",            # a scare quote
])
def test_single_marks_without_speech_layout_are_not_quotes(text):
    assert single_quotes(text) and find_quotes(text) == []


@pytest.mark.parametrize("text", [
    "'We will not sign the accord,' Costa said.",
    "'We will not sign the accord.' Costa said it twice.",
    "‘We will not sign the accord!’ said Maria Costa.",
])
def test_single_marks_with_speech_layout_are_quotes(text):
    assert len(find_quotes(text)) == 1


def test_a_one_letter_single_quote_does_not_swallow_the_quote_after_it():
    text = "Inmate 'A' said: \"The ruling ends an illegal 'law' at last.\""
    assert [text[a:d] for a, _, _, d in find_quotes(text)] == ['"The ruling ends an illegal \'law\' at last."']


def test_apostrophes_inside_single_quotes_do_not_end_the_quote():
    text = "‘It’s Rocket Lab’s call and the partners’ money,’ Costa said."
    assert [text[b:c] for _, b, c, _ in find_quotes(text)] == ["It’s Rocket Lab’s call and the partners’ money,"]


# --- through the warehouse: the contracts accept the new claim type and reference rule ----------------------

def test_attribute_claims_and_group_references_load_and_reach_the_views(tmp_path):
    from spaceetl import warehouse as wh
    from spaceetl.config import load_settings
    from spaceetl.pipeline import run

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "pact.txt").write_text(
        "Telespazio, a joint venture of Leonardo and Thales, signed an agreement with Airbus on Monday to build "
        "four relay satellites. The partners will share a ground station in southern Italy.\n\n"
        "Telespazio is the largest satellite services company in Italy, and the agreement is worth "
        "€300 million, the two companies said in a joint statement on Tuesday.\n", encoding="utf-8")
    settings = load_settings(raw_dir=raw, warehouse=tmp_path / "w.duckdb", busy_retry_s=5, lock_timeout_s=5)
    run(settings)
    with wh.session(settings.warehouse, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM quarantine WHERE stage <> 'read'").fetchone()[0] == 0
        groups = conn.execute("""SELECT r.text, e.canonical_name FROM entity_references r JOIN entities e USING (entity_id)
                                 WHERE r.rule = 'group' ORDER BY r.start_char, e.canonical_name""").fetchall()
        assert ("The partners", "Airbus") in groups and ("the two companies", "Airbus") in groups
        attrs = conn.execute("SELECT predicate, object_text FROM claims WHERE claim_type = 'attribute'").fetchall()
        assert ("be", "a joint venture of Leonardo and Thales") in attrs
        assert ("be", "the largest satellite services company in Italy") in attrs
        worth = conn.execute("""SELECT c.claim_type, a.text FROM claims c JOIN amounts a USING (amount_id)
                                WHERE c.predicate = 'be worth'""").fetchall()
        assert worth == [("transaction", "€300 million")]
        families = {f for (f,) in conn.execute("SELECT DISTINCT predicate_family FROM v_cross_source_claims").fetchall()}
        assert "attribute" in families
