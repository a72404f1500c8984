"""Claims: active/passive, conjoined subjects, quotes and their layouts, modality cues."""

from datetime import date

import pytest

from spaceetl.nlp.rows import ArticleContext, article_rows


def claims(nlp, text):
    rows = article_rows(nlp(text), ArticleContext("art_" + "1" * 20, text, date(2024, 10, 20), "run_test"))
    for c in rows["claims"]:
        assert text[c["start_char"]:c["end_char"]] == c["sentence"]
    return rows["claims"]


def test_active_agreement_with_amount_and_date(nlp):
    text = "Italy signed a $1.5 billion agreement with SpaceX on Oct. 15."
    (c,) = [c for c in claims(nlp, text) if c["predicate"] == "sign"]
    assert c["subject_entity_id"] == "gz:country-it"
    assert c["claim_type"] in {"agreement", "transaction"}
    assert c["amount_id"] is not None and c["claim_date"] == date(2024, 10, 15)
    assert c["modality"] == "asserted"


def test_passive_voice_subject_is_the_agent(nlp):
    text = "The contract was awarded by the Space Development Agency to Rocket Lab."
    (c,) = [c for c in claims(nlp, text) if c["predicate"] == "award"]
    assert "Space Development Agency" in c["subject_text"]
    assert "contract" in c["object_text"]


def test_conjoined_subjects_give_one_claim_each(nlp):
    text = "Japan and India signed a lunar exploration pact."
    subjects = {c["subject_entity_id"] for c in claims(nlp, text) if c["predicate"] == "sign"}
    assert {"gz:country-jp", "gz:country-in"} <= subjects


def test_phrasal_verb_predicate(nlp):
    text = "Italy stood up a new Space Operations Command in 2020."
    assert any(c["predicate"] == "stand up" and c["claim_type"] == "capability" for c in claims(nlp, text))


@pytest.mark.parametrize("text,modality,cue", [
    ("Italy is reportedly negotiating a deal with SpaceX.", "hedged", "reportedly"),
    ("The agreement could cost Rome more than planned, officials fear.", "hedged", "could"),
    ("Airbus did not sign the contract.", "negated", "not"),
    ("Airbus denied signing a contract with Berlin.", "negated", "denied"),
    ("NATO signed the framework, according to the joint statement.", "reported", "according to"),
    ("NATO signed the framework last week.", "asserted", None),
    ("Kestrel Orbital will launch a no-fail mission for the navy in March.", "asserted", None),  # a compound
    ("The navy set up a no-fly zone around the range.", "asserted", None),
    ("Kestrel Orbital said no deal was signed.", "negated", "no"),  # ... but "no deal" still negates
])
def test_modality_cues(nlp, text, modality, cue):
    cs = [c for c in claims(nlp, text) if c["claim_type"] != "quote"]
    assert cs, text
    assert (cs[0]["modality"], cs[0]["modality_cue"]) == (modality, cue)


def test_quote_with_speaker_after(nlp):
    text = "“The deal is a leap forward for secure communications,” said Alessandro Rossi, a defense analyst."
    (q,) = [c for c in claims(nlp, text) if c["claim_type"] == "quote"]
    assert q["quote_text"] == "The deal is a leap forward for secure communications"
    assert q["speaker_text"].startswith("Alessandro Rossi") and q["speaker_entity_id"]
    assert q["reporting_verb"] == "say" and q["modality"] == "reported"


def test_quote_split_around_attribution_and_straight_quotes(nlp):
    text = '"We are buying satellites in batches," said Derek Haskins, "and the schedule is holding."'
    (q,) = [c for c in claims(nlp, text) if c["claim_type"] == "quote"]
    assert q["quote_text"] == "We are buying satellites in batches and the schedule is holding."
    assert q["speaker_text"] == "Derek Haskins"


def test_multi_sentence_quote_speaker_before(nlp):
    text = "Maria Conti said: “Europe must move faster. The window is closing. Nobody will wait for us.”"
    (q,) = [c for c in claims(nlp, text) if c["claim_type"] == "quote"]
    assert q["speaker_text"] == "Maria Conti"
    assert q["quote_text"].count(".") == 3


def test_unnamed_speaker_kept_as_description(nlp):
    text = "“Outsourcing this is risky,” cautioned an unnamed government official."
    (q,) = [c for c in claims(nlp, text) if c["claim_type"] == "quote"]
    assert q["speaker_text"] == "an unnamed government official" and q["speaker_entity_id"] is None
    assert q["reporting_verb"] == "caution"


def test_attribution_to_a_document(nlp):
    text = "“Both sides reiterated their determination to cooperate,” according to the joint statement."
    (q,) = [c for c in claims(nlp, text) if c["claim_type"] == "quote"]
    assert q["attribution"] == "the joint statement"


@pytest.mark.parametrize("text,predicate,modality,cue", [
    ("Italy is expected to sign the contract next month.", "sign", "hedged", "expected to"),
    ("The agency plans to launch the first satellite in 2027.", "launch", "hedged", "plans to"),
    ("Airbus declined to comment on the figure.", "comment", "negated", "declined to"),
    ("Rome denied that the cabinet approved the deal.", "approve", "negated", "denied"),
    ("Officials said that Norway would join the programme.", "join", "reported", "said"),  # backshifted "will"
    ("Officials said that Norway joined the programme.", "join", "reported", "said"),
])
def test_modality_from_governing_verbs(nlp, text, predicate, modality, cue):
    (c,) = [c for c in claims(nlp, text) if c["predicate"] == predicate]
    assert (c["modality"], c["modality_cue"]) == (modality, cue)


def test_agentless_deal_denial_is_kept_for_the_cross_source_view(nlp):
    text = "Talks between Germany and Airbus are ongoing, but no deal has been reached, the company said."
    (c,) = [c for c in claims(nlp, text) if c["predicate"] == "reach"]
    assert c["subject_text"] is None and c["modality"] == "negated"
    assert {"gz:country-de"} <= set(c["party_entity_ids"])
