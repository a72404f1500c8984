"""Claim readings that a fourth hand judgement of real news found wrong, by general cause: the attribution of a
clause reported by a verb of finding or by a reporting verb inside a concessive clause; a backshifted "would"
under a reporting verb read as a hedge; an event inside the source phrase of "according to" read as vouched for by
that source; conditional and intended events read as asserted; an embedded question read as reported. The
sentences are written for these tests."""


from conftest import claims_of as _claims


def _modality(nlp, text, predicate):
    (c,) = _claims(nlp, text, predicate)
    return c["modality"], c["modality_cue"]


# --- attribution kept -------------------------------------------------------------------------------------------


def test_a_finding_reported_by_a_non_person_subject_is_reported(nlp):
    text = ("The two studies, run by separate teams, conclude that older dose estimates overstate the exposure "
            "of the crew.")
    (c,) = _claims(nlp, text, "overstate")
    assert (c["modality"], c["modality_cue"]) == ("reported", "conclude")
    assert c["subject_text"] == "older dose estimates"
    # the verb alone is no report
    assert _modality(nlp, "Orbitex concluded a supply deal with the agency in March.", "conclude") == (
        "asserted", None)


def test_a_reporting_verb_in_a_concessive_clause_reports_its_complement(nlp):
    text = "The flight will mostly test the tug, although he said it will also carry two customer cubesats."
    assert _modality(nlp, text, "carry") == ("reported", "said")
    assert _modality(nlp, text, "test") == ("asserted", None)


def test_a_backshifted_would_under_a_reporting_verb_is_reported(nlp):
    assert _modality(nlp, "The plan noted further savings would come from cuts in grant programs.", "come") == (
        "reported", "noted")
    # another modal under the reporting verb still hedges
    assert _modality(nlp, "The officials said the agency could buy more rockets.", "buy") == ("hedged", "could")


# --- attribution not added --------------------------------------------------------------------------------------


def test_an_event_in_the_source_phrase_of_according_to_is_not_reported_by_it(nlp):
    text = ("The office will close next year, the agency said in a memo to staff, according to documents "
            "obtained by Orbit Wire.")
    (c,) = _claims(nlp, text, "obtain")
    assert (c["modality"], c["modality_cue"]) == ("asserted", None)
    assert c["speaker_text"] is None
    assert _modality(nlp, text, "close") == ("reported", "said")


# --- conditions and intentions ----------------------------------------------------------------------------------


def test_a_conditional_main_clause_is_hedged(nlp):
    text = "If the board approves the plan, Orbitex will build a second factory."
    assert _modality(nlp, text, "build") == ("hedged", "if")
    assert _modality(nlp, text, "approve") == ("hedged", "if")


def test_a_condition_on_a_prediction_leaves_the_prediction_made(nlp):
    text = "If the tax bill passes, analysts predict the agency will be short of cash."
    assert _modality(nlp, text, "predict") == ("reported", "predict")


def test_a_reporting_verb_whose_misread_complement_is_the_main_clause_reports_nothing_below_it(nlp):
    text = ("Once the agency confirms the probe's health, which can take a month, it will replace the relay as the "
            "primary satellite focused on storms.")
    assert _modality(nlp, text, "focus") == ("asserted", None)


def test_a_future_relative_clause_on_an_intended_event_is_hedged(nlp):
    text = ("If the regulator does not grant a stay by Friday, Orbitex intends to go to the appeals court, where it "
            "will seek a review of the order.")
    assert _modality(nlp, text, "seek")[0] == "hedged"
    assert _modality(nlp, text, "go")[0] == "hedged"
    # on an asserted event the relative clause stays asserted
    text = "Orbitex went to the appeals court, where it will seek a review of the order."
    assert _modality(nlp, text, "seek") == ("asserted", None)


# --- open questions ---------------------------------------------------------------------------------------------


def test_an_embedded_question_under_too_soon_to_say_is_hedged(nlp):
    text = "Analysts said it is too soon to say what role Orbitex will play in the new venture."
    modality, cue = _modality(nlp, text, "play")
    assert modality == "hedged" and cue != "say"


def test_an_embedded_question_under_declined_to_say_is_hedged_not_negated(nlp):
    text = "The officials declined to say how many rockets they would buy."
    assert _modality(nlp, text, "buy")[0] == "hedged"


# --- subjects ---------------------------------------------------------------------------------------------------


def test_a_copular_purpose_infinitive_has_no_reason_as_doer(nlp):
    text = "But the main reason, and the reason the prime proposed the move, is to meet demand in the region."
    assert not _claims(nlp, text, "meet")


def test_a_participle_after_a_noun_does_not_take_the_main_subject(nlp):
    # parsed with "announced" as a conjunct of "has": it is the contract that was announced and that assists
    text = ("The operator has several study contracts to fund design and test work, including one announced May 5 "
            "to assist its work on lunar landers.")
    assert [c["subject_text"] for c in _claims(nlp, text, "assist")] in ([], [None])
    # a true conjunct keeps the subject
    (c,) = _claims(nlp, "Orbitex signed a deal with the agency and announced a second one.", "announce")
    assert c["subject_text"] == "Orbitex"


def test_the_company_is_the_most_recent_company(nlp):
    text = ("Orbitex holds a stake in Northern Launch Services. Northern Launch Services plans to build a spaceport "
            "in Nova Scotia. The company would have to build the launch site and raise the funding.")
    claims = [c for c in _claims(nlp, text, "build") if c["subject_text"] == "The company"]
    assert claims and {c["subject_name"] for c in claims} == {"Northern Launch Services"}


# --- predicates -------------------------------------------------------------------------------------------------


def test_a_plural_noun_tagged_as_a_verb_makes_no_claim(nlp):
    text = "The veteran astronaut holds NASA records for the longest single flight."
    assert not _claims(nlp, text, "record")
    (c,) = _claims(nlp, text, "hold")
    assert c["object_text"] == "NASA records for the longest single flight"
    # after a verb that takes a clause, the verb stays a verb
    (c,) = _claims(nlp, "She thinks NASA plans a second flight.", "plan")
    assert c["subject_name"] == "NASA"


def test_a_heading_glued_to_the_next_sentence_is_no_subject(nlp):
    # a feed's body flattened to one line: the section heading lost its line break
    text = ("The director said the plan holds. Budget cuts and other changes The spending plan also seeks to close "
            "the agency's education office.")
    (c,) = _claims(nlp, text, "close")
    assert c["subject_text"] == "The spending plan"
    # a title after a noun inside a sentence with a verb is no heading
    (c,) = _claims(nlp, "He told the newspaper The Times that the launch slipped.", "slip")
    assert c["modality"] == "reported"
    doc = nlp("He told the newspaper The Times that the launch slipped.")
    assert len(list(doc.sents)) == 1


def test_a_firm_named_like_a_person_that_says_things_is_the_company(nlp):
    # the model types the firm's name a person; its last word makes it a firm, so "The company" and "it" find it
    text = ("Maxar holds a stake in the venture. A site in Nova Scotia could host launches of a Ukrainian rocket. "
            "Marrow Launch Services, a Canadian company founded by three Americans, said Tuesday it selected a "
            "location near Canso as its launch site. The company would have to build the launch site.")
    (c,) = [c for c in _claims(nlp, text, "build") if c["subject_text"] == "The company"]
    assert c["subject_name"] == "Marrow Launch Services"
    (c,) = _claims(nlp, text, "select")
    assert c["subject_name"] == "Marrow Launch Services"


def test_an_embedded_question_under_a_verb_of_finding_is_hedged(nlp):
    text = "The course will help the firms determine which products can benefit from tests in orbit."
    assert _modality(nlp, text, "benefit")[0] == "hedged"
