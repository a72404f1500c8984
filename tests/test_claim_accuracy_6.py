"""Claim readings that a sixth hand judgement of real news found wrong, by general cause: a reporting verb in its
plain transitive sense ("maintains an office") read as a report; a that-clause under a verb of hoping read as
asserted; a gerund under a verb of anticipation read as a reported fact; a parenthetical reporting verb that did
not reach the infinitival clauses of its sentence; an aim noun with a copular infinitive ("one way to ... is to")
read as a doer; possessors, extraposed "it" and product appositions taken as subjects. The sentences are written
for these tests."""

from datetime import date

from conftest import extract_rows


def _claims(nlp, text, predicate=None):
    rows = extract_rows(nlp, text, date(2024, 10, 20))["claims"]
    return [c for c in rows if predicate is None or c["predicate"] == predicate]


def _one(nlp, text, predicate):
    (c,) = _claims(nlp, text, predicate)
    return c


# --- 1. modality ----------------------------------------------------------------------------------------------


def test_a_reporting_verb_with_a_noun_object_reports_nothing(nlp):
    c = _one(nlp, "Orbitex maintains an office in the Denver area throughout the year.", "maintain")
    assert (c["modality"], c["modality_cue"]) == ("asserted", None)
    # with a clause it still reports
    c = _one(nlp, "Orbitex maintains that the office is profitable.", "maintain")
    assert c["modality"] == "reported"


def test_a_that_clause_under_hope_is_hedged(nlp):
    text = "Whitmore hopes that the Kestrel rocket can fix that by offering dedicated rides for small payloads."
    c = _one(nlp, text, "fix")
    assert (c["modality"], c["modality_cue"]) == ("hedged", "hopes")


def test_a_gerund_under_anticipate_is_hedged_also_when_reported(nlp):
    c = _one(nlp, "Navy officials have said they anticipate buying 40 receivers.", "buy")
    assert (c["modality"], c["modality_cue"]) == ("hedged", "anticipate")


def test_a_parenthetical_reporting_verb_reports_the_infinitival_clauses_too(nlp):
    text = ("Also, Garcia said, the agency often hires engineers only to see them leave for other firms a few "
            "years later.")
    c = _one(nlp, text, "leave")
    assert (c["modality"], c["modality_cue"]) == ("reported", "said")
    assert _one(nlp, text, "hire")["modality"] == "reported"
