"""Junk the model tags as names is filtered by its shape and by the word lists in data/entity_rules.yaml: clitics
("n’t" as a place), words with no capital letter ("fuel" as a person), military abbreviations and hull codes,
and equipment typed as an organisation. Sentences written for these tests."""

import pytest
from spacy.tokens import Span

from spaceetl.nlp.span_rules import fix_model_span


def model_span(nlp, text: str, words: str, label: str) -> Span:
    """The span of ``words`` in ``text`` as the statistical model would give it, with the given label."""
    doc = nlp(text)
    start = text.index(words)
    span = doc.char_span(start, start + len(words), label=label)
    assert span is not None, words
    span._.source = "model"
    return span


def ents(nlp, text):
    return [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize("text,words,label", [
    ("The crew said they don’t expect a delay.", "n’t", "GPE"),
    ("The crew said they don't expect a delay.", "n't", "GPE"),
    ("The stage ran out of fuel before cutoff.", "fuel", "PERSON"),
    ("A new ministry will oversee launches.", "ministry", "ORG"),
    ("The probe carried cyanobacteria to orbit.", "cyanobacteria", "GPE"),
])
def test_spans_without_a_capital_letter_are_dropped(nlp, text, words, label):
    assert fix_model_span(model_span(nlp, text, words, label)) is None


def test_camel_case_brand_is_kept(nlp):
    span = model_span(nlp, "Kestrel bought iDirect modems for its ground stations.", "iDirect", "ORG")
    assert fix_model_span(span) is not None


@pytest.mark.parametrize("text,words,label,kept", [
    ("The agency’s Vantor probe reached orbit.", "’s Vantor", "PERSON", "Vantor"),
    ("A joint Franco-U.S. mission was approved.", "-U.S.", "NORP", "U.S."),
])
def test_leading_clitics_and_dashes_are_cut_off(nlp, text, words, label, kept):
    assert fix_model_span(model_span(nlp, text, words, label)).text == kept


@pytest.mark.parametrize("text,words", [
    ("Officials said the service would not pursue MDO concepts this year.", "MDO"),
    ("The programme enters FRP next spring.", "FRP"),
    ("The frigate sailed with USS Harlow (DDG 131) in the strait.", "DDG 131"),
    ("The cruiser was escorted by a DDG during the drill.", "DDG"),
])
def test_military_abbreviations_and_restated_hull_codes_are_dropped(nlp, text, words):
    assert fix_model_span(model_span(nlp, text, words, "ORG")) is None


def test_a_squadron_code_with_its_number_in_running_text_is_kept(nlp):
    span = model_span(nlp, "Pilots of CVW 9 flew sorties over the gulf.", "CVW 9", "ORG")
    assert fix_model_span(span) is not None


@pytest.mark.parametrize("text,words", [
    ("Technicians rolled out the Aviation Ground Power Unit before dawn.", "Aviation Ground Power Unit"),
    ("The battalion fired a GMLRS at the range.", "GMLRS"),
    ("Engineers tested the Kestrel Radar at the range.", "Kestrel Radar"),
])
def test_equipment_is_a_product_not_an_organisation(nlp, text, words):
    assert fix_model_span(model_span(nlp, text, words, "ORG")).label_ == "PRODUCT"


def test_military_unit_is_still_an_organisation(nlp):
    span = model_span(nlp, "Soldiers of the Sustainment Unit unloaded the trucks.", "Sustainment Unit", "PERSON")
    assert fix_model_span(span).label_ == "ORG"


def test_pipeline_types_equipment_and_drops_abbreviations(nlp):
    found = ents(nlp, "The Army awarded a contract for the Aviation Ground Power Unit (AGPU), which powers "
                      "helicopters on the flight line. Officials said MDO concepts would follow.")
    assert ("Aviation Ground Power Unit", "PRODUCT") in found
    assert ("AGPU", "PRODUCT") in found
    assert not any(text == "MDO" for text, _ in found)


def test_pipeline_drops_hull_codes_restating_a_ship(nlp):
    found = ents(nlp, "The carrier USS Halvard (CVN 80) sailed with Carrier Air Wing (CVW) 12 in June.")
    assert not any(text.startswith(("CVN", "CVW")) for text, _ in found)
    assert any(text == "USS Halvard" for text, _ in found)
