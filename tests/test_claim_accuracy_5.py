"""Claim readings that a fifth hand judgement of real news found wrong, by general cause: a bare relative or
interrogative pronoun taken as the object; a zero relative clause whose gap (the object) was filled with a
prepositional adjunct; an infinitive with its own subject under a verb of expectation read as asserted; a
backshifted "would" under a parenthetical reporting verb read as a hedge; a sentence-final "X said" the parser
made a conjunct losing its report; an apposition hung on the wrong noun; a predicative gerund or a participle
after "had" read as a verb with a doer. The sentences are written for these tests."""

from datetime import date

from conftest import claims_of as _claims
from conftest import extract_rows
from conftest import one_claim as _one

# --- 1. a relative pronoun is never the object ------------------------------------------------------------------


def test_a_relative_object_under_an_infinitive_is_the_modified_noun(nlp):
    text = "The new rocket engines that the Navy has been trying to fund are not expected to fly before 2030."
    c = _one(nlp, text, "fund")
    assert c["object_text"] == "The new rocket engines"
    assert (c["modality"], c["modality_cue"]) == ("hedged", "trying to")


def test_a_free_relative_what_takes_the_clause_complement_not_the_pronoun(nlp):
    c = _one(nlp, "Orbitex did not give prices, but stressed what it called the low cost of the service.", "call")
    assert c["object_text"] == "the low cost of the service"
    assert all(x["object_text"] not in {"what", "that", "which"} for x in _claims(nlp, (
        "Orbitex did not give prices, but stressed what it called the low cost of the service.")))
    # a "that" the parser tagged as a conjunction and made an object (as it does in some longer sentences) is
    # no object either
    from spaceetl.nlp.rows import ArticleContext, article_rows

    text = ("Orbitex moved its plant from Bremen, Germany, to a new one in Kiel, Germany, that the company "
            "announced in May.")
    doc = nlp(text)
    that = next(t for t in doc if t.lower_ == "that")
    assert that.tag_ == "IN" and that.head.lower_ == "announced"
    that.dep_ = "dobj"
    rows = article_rows(doc, ArticleContext("art_" + "5" * 20, text, date(2024, 10, 20), "run_test"))["claims"]
    (c,) = [c for c in rows if c["predicate"] == "announce"]
    assert c["object_text"] != "that"
    # a demonstrative "that" is a real object
    assert _one(nlp, "So, we are building that.", "build")["object_text"] == "that"


# --- 2. the gap of a relative clause ----------------------------------------------------------------------------


def test_a_zero_relative_clause_acts_on_the_modified_noun_not_an_adjunct(nlp):
    text = ("Even if the rover is ready in 2027, the gloves the crew would wear on their lunar walks will not be "
            "finished until 2028.")
    assert _one(nlp, text, "wear")["object_text"] == "the gloves"
    # a relative word inside the clause ("from which") or a clause-taking verb puts the gap elsewhere
    text = "The payloads would be released in a transfer orbit from which they can maneuver to other destinations."
    assert _one(nlp, text, "maneuver")["object_text"] != "a transfer orbit"
    assert _one(nlp, "Many members oppose a mission they claim does not support exploration goals.", "claim")[
        "object_text"] != "a mission"
    # a noun of time is where the event happens, not what it acts on
    (c,) = _claims(nlp, "The day the crew landed in Houston was cold.", "land") or [None]
    assert c is None or c["object_text"] != "The day"


def test_an_intensifying_reflexive_subject_does_not_make_the_relative_host_an_object(nlp):
    text = ("The flight is a test for later cargo missions to the station, which themselves serve as a bridge to "
            "private outposts.")
    assert _one(nlp, text, "serve")["object_text"] != "the station"


# --- 3. modality ------------------------------------------------------------------------------------------------


def test_an_infinitive_with_its_own_subject_under_expect_is_hedged(nlp):
    c = _one(nlp, "Helion Corp. expects the U.S. Navy to award a launch contract by the end of 2025.", "award")
    assert (c["modality"], c["modality_cue"]) == ("hedged", "expects")
    # a plain infinitive under "expected" keeps its hedge
    assert _one(nlp, "The Navy is expected to award a launch contract by the end of 2025.", "award")[
        "modality"] == "hedged"


def test_a_backshifted_would_under_a_parenthetical_reporting_verb_is_reported(nlp):
    c = _one(nlp, "Those flights, the agency added, would include landings on Mars.", "include")
    assert (c["modality"], c["modality_cue"]) == ("reported", "added")
    # another modal there still hedges
    assert _one(nlp, "Those flights, the agency added, could include landings on Mars.", "include")[
        "modality"] == "hedged"


def test_a_trailing_said_made_a_conjunct_reports_the_absolute_with_clause(nlp):
    text = ("Attendance also rose, with 410 firms renting stands in 2023, a nine percent rise from the year "
            "before, Maria Lopez, the show director, said by email.")
    c = _one(nlp, text, "rent")
    assert (c["modality"], c["modality_cue"]) == ("reported", "said")
    # "and" before the second verb makes it a second event, not an attribution
    assert _one(nlp, "Orbitex built the probe in Bremen and its chief engineer said nothing.", "build")[
        "modality"] == "asserted"


# --- 4. subjects: appositions and gerunds -----------------------------------------------------------------------


def test_an_apposition_hung_on_a_name_far_before_it_makes_no_claim_about_that_name(nlp):
    text = ("Reyes, whose career includes rover software work at the Ames Research Center and a stint at Google "
            "Books, the huge book scanning project, said the software can sort images.")
    assert [c for c in _claims(nlp, text, "be") if c["subject_text"] == "Reyes"] == []
    # a plain apposition after a name still gives its claim, as does one after a bracket that belongs to the name
    (c,) = _claims(nlp, "Hispamar, a unit of the Redeia group, will bid for the licence.", "be")
    assert (c["subject_text"], c["object_text"]) == ("Hispamar", "a unit of the Redeia group")
    (c,) = _claims(nlp, "Rep. Dana Ortiz (D-Ohio), chairwoman of the space subcommittee, spoke at the hearing.", "be")
    assert c["object_text"] == "chairwoman of the space subcommittee"


def test_an_apposition_summing_up_a_gerund_clause_is_not_about_its_object(nlp):
    text = ("The agency hopes to spur business in orbit by sending a sports drink to the International Space "
            "Station, a project that has drawn criticism from one lawmaker.")
    assert _claims(nlp, text, "be") == []


def test_a_predicative_gerund_has_no_doer(nlp):
    assert _claims(nlp, "Weigel said one key deadline is testing the engines, which differ for each rocket.",
                   "test") == []
    # a progressive with a doer stays, a mission or a team included
    c = _one(nlp, "Weigel said the crew is testing the engines this week.", "test")
    assert (c["subject_text"], c["object_text"]) == ("the crew", "the engines")
    assert _one(nlp, "The mission is also planning cuts to its second camera.", "plan")["subject_text"] == "The mission"


# --- 6. a participle after "had" --------------------------------------------------------------------------------


def test_a_participle_describing_the_object_of_had_is_no_claim(nlp):
    text = ("We were really excited about the experience that Maria and her team had going back to the early "
            "Iridium days.")
    assert _claims(nlp, text, "go") == []
    # a perfect progressive is still a verb with a doer
    assert _one(nlp, "Maria had been testing the radios for a month.", "test")["subject_text"] == "Maria"


# --- 5. amounts -------------------------------------------------------------------------------------------------


def _amount_of(nlp, text, predicate):
    out = extract_rows(nlp, text, date(2024, 10, 20))
    (c,) = [c for c in out["claims"] if c["predicate"] == predicate]
    return next((a for a in out["amounts"] if a["amount_id"] == c["amount_id"]), None)


def test_a_sum_owned_by_another_noun_in_an_of_phrase_is_not_the_claims_amount(nlp):
    text = "The firm has already secured pledges for about half of Orbitex Constellation's projected $3 billion cost."
    assert _amount_of(nlp, text, "secure") is None
    # the parser may make the participle after the possessive a verb: still the cost's amount, and no claim
    text = ("The firm has already received pledges for about two-thirds of Orbitex Constellation’s projected $3 "
            "billion cost.")
    assert _amount_of(nlp, text, "receive") is None
    assert _claims(nlp, text, "project") == []
    # the claim's own amount stays
    amount = _amount_of(nlp, "The firm has already secured pledges worth $3 billion for the constellation.", "secure")
    assert amount is not None and amount["text"] == "$3 billion"


def test_a_bare_dollar_is_us_when_the_article_spells_out_the_other_dollar():
    from spaceetl.normalize.money import find_money

    text = ("Ottawa will give 192 million Canadian dollars ($154 million) to the firm. The firm has received about "
            "$1.15 billion from Canada's government.")
    assert [(m.text, m.currency) for m in find_money(text, context=text)] == [
        ("192 million Canadian dollars", "CAD"), ("$154 million", "USD"), ("$1.15 billion", "USD")]
    prefixed = "Ottawa gave C$40 million. The firm got $1.15 billion from Canada's government."
    assert find_money(prefixed, context=prefixed)[1].currency == "USD"
    # with no explicit mark anywhere, the sentence's country still names the dollar (the written-down rule)
    plain = "The firm has received about $1.15 billion from Canada's government."
    assert find_money(plain, context=plain)[0].currency == "CAD"


# --- 7. object entity is the head's ------------------------------------------------------------------------------


def test_a_product_name_modifying_a_non_class_head_is_not_the_object_entity(nlp):
    c = _one(nlp, "Rocket Lab has moved Electron operations from its main plant in Auckland to a new site.", "move")
    assert c["object_text"] == "Electron operations" and c["object_name"] is None
    # a class noun ("rocket") the name names is still the object's entity
    c = _one(nlp, "Rocket Lab will launch the Electron rocket from Virginia.", "launch")
    assert c["object_name"] is not None and "Electron" in c["object_name"]
    # also when the parser cut the head out of a hyphenated coordination
    c = _one(nlp, "Airbus said it was moving its Skynet 5A military X- and UHF-band telecommunications satellite "
                  "over the Pacific.", "move")
    assert c["object_name"] is not None and c["object_name"].startswith("Skynet")
