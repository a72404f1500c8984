"""A claim's object entity is the thing the object phrase names, never its owner, and the object's span is stored
so that this can be checked: a mention of ``object_entity_id`` always lies inside the object span. Sentences
written for these tests."""

from datetime import date

import polars as pl
import pytest
from conftest import extract_rows

from spaceetl.schemas.claims import SPEC


def rows(nlp, text):
    out = extract_rows(nlp, text, date(2025, 6, 2))
    names = {e["entity_id"]: e["canonical_name"] for e in out["entities"]}
    for c in out["claims"]:
        c["possessor_name"] = names.get(c["object_possessor_entity_id"])
    return out


def claim(out, predicate):
    (c,) = [c for c in out["claims"] if c["predicate"] == predicate]
    return c


def test_possessive_pronoun_is_the_owner_not_the_object(nlp):
    out = rows(nlp, "Kestrel Orbital built a small rover in Toulouse. The company later tested its lander at a "
                    "range in Spain.")
    c = claim(out, "test")
    assert c["object_text"] == "its lander"
    assert c["object_entity_id"] is None  # the lander is not Kestrel Orbital
    assert c["possessor_name"] == "Kestrel Orbital"


def test_named_possessor_is_kept_apart(nlp):
    c = claim(rows(nlp, "NASA defended the agency's work in Earth science."), "defend")
    assert c["object_entity_id"] is None
    assert c["possessor_name"] == "NASA"


def test_product_name_modifying_the_head_is_the_object(nlp):
    out = rows(nlp, "Airbus Defence and Space launched its Skynet 5A military communications satellite in 2007.")
    c = claim(out, "launch")
    assert c["object_name"] is not None and c["object_name"].startswith("Skynet")
    assert c["possessor_name"] == "Airbus Defence and Space"


def test_a_named_object_head_is_the_object(nlp):
    c = claim(rows(nlp, "The European Space Agency hired Lockheed Martin to build the probe."), "hire")
    assert c["object_name"] == "Lockheed Martin"
    assert c["possessor_name"] is None


def test_company_used_as_a_modifier_is_the_owner(nlp):
    c = claim(rows(nlp, "Italy approved the SpaceX launch of the radar satellite."), "approve")
    assert c["object_entity_id"] is None
    assert c["possessor_name"] == "SpaceX"


def test_name_inside_a_prepositional_phrase_is_neither(nlp):
    c = claim(rows(nlp, "Thales Alenia Space signed a contract with Eutelsat on Monday."), "sign")
    assert c["object_entity_id"] is None and c["object_possessor_entity_id"] is None


@pytest.mark.parametrize("text", [
    "Kestrel Orbital built a small rover in Toulouse. The company later tested its lander at a range in Spain.",
    "Airbus Defence and Space launched its Skynet 5A military communications satellite in 2007.",
    "The European Space Agency hired Lockheed Martin to build the probe.",
    "Nordlys Orbital, a subsidiary of Telenor, booked two launches on Tuesday.",
])
def test_object_span_reads_as_object_text_and_holds_its_entity(nlp, text):
    out = rows(nlp, text)
    mentions = [(m["entity_id"], m["start_char"], m["end_char"]) for m in out["mentions"]]
    with_object = [c for c in out["claims"] if c["object_text"] is not None]
    assert with_object
    for c in with_object:
        assert " ".join(text[c["object_start_char"]:c["object_end_char"]].split()) == c["object_text"]
        assert c["start_char"] <= c["object_start_char"] < c["object_end_char"] <= c["end_char"]
        if c["object_entity_id"] is not None:
            assert any(e == c["object_entity_id"] and c["object_start_char"] <= s and t <= c["object_end_char"]
                       for e, s, t in mentions)
    SPEC.contract.validate(SPEC.frame(out["claims"]))  # the contract accepts the pipeline's own rows


def _claim_frame(nlp):
    text = "The European Space Agency hired Lockheed Martin to build the probe."
    return SPEC.frame([claim(rows(nlp, text), "hire")])


def test_contract_rejects_an_object_span_that_does_not_read_as_object_text(nlp):
    import pandera.errors

    frame = _claim_frame(nlp).with_columns(pl.col("object_start_char") - 4)
    with pytest.raises(pandera.errors.SchemaError, match="object_span_matches"):
        SPEC.contract.validate(frame)


def test_contract_rejects_an_object_span_outside_the_sentence(nlp):
    import pandera.errors

    frame = _claim_frame(nlp).with_columns(pl.col("object_end_char") + 200)
    with pytest.raises(pandera.errors.SchemaError, match="object_span_matches"):
        SPEC.contract.validate(frame)


def test_contract_accepts_a_cut_object_text_and_claims_without_object(nlp):
    frame = _claim_frame(nlp)
    ok = frame.with_columns(pl.lit("Lockheed Mar…").alias("object_text"))
    SPEC.contract.validate(ok)
    none = frame.with_columns(pl.lit(None, pl.Int64).alias("object_start_char"),
                              pl.lit(None, pl.Int64).alias("object_end_char"), pl.lit(None, pl.String).alias("object_text"))
    SPEC.contract.validate(none)
