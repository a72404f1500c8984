"""Speaker attribution for the common news layouts, scare quotes, and the non-verbal claims and modality fixes
that came with reference resolution. Sentences written for these tests."""

from datetime import date

import pytest
from conftest import extract_rows


def extract(nlp, text):
    return extract_rows(nlp, text, date(2025, 3, 1))["claims"]


def quotes(nlp, text):
    return [c for c in extract(nlp, text) if c["quote_style"] == "direct"]


@pytest.mark.parametrize("text,speaker", [
    # inverted, with an affiliation
    ("“Launch prices will keep falling,” said Maria Costa at Euroconsult.", "Maria Costa"),
    # affiliation and apposition before the verb
    ("Tom Reed of the Secure World Foundation, a non-profit group, said: “Debris is the real threat.”", "Tom Reed"),
    # title and party tag
    ("Sen. Ann Fields (R-Ala.) said: “We will not fund this twice.”", "Ann Fields"),
    # apposition describing the speaker, another reporting verb
    ("Paul Dane, author of a book on launch markets, wrote: “Nobody can sustain these prices.”", "Paul Dane"),
    # quote hanging from a verb that is not a reporting verb
    ("Ines Moreau called the plan “a gift to our competitors” on Tuesday.", "Ines Moreau"),
    # attribution as a sentence of its own after the quote
    ("“Does anyone still believe the schedule?” Ines Moreau asked.", "Ines Moreau"),
    # a dash and the name after the quote
    ("“We were promised coverage by now.” ― Ines Moreau", "Ines Moreau"),
    # lower-case words before the name
    ("“The pad will be rebuilt by summer,” Kourou range Chief Luc Girard said Monday.", "Luc Girard"),
    # a single initial inside the name, party tag
    ("“Not one more delay,” Rep. Dana J. Whitfield (D-Md.) said.", "Dana J. Whitfield"),
    # a participle hanging from another verb
    ("Luc Girard criticised the agency, saying, “They ignored every warning.”", "Luc Girard"),
    # a verb of praise carrying a partial quote
    ("Gov. Earl Tomlin lauded Nordsat for its “new and bold ideas.”", "Earl Tomlin"),
])

def test_speaker_layouts(nlp, text, speaker):
    (q,) = quotes(nlp, text)
    assert q["speaker_name"] == speaker, q


def test_new_sentence_after_a_closed_quote_is_not_its_attribution(nlp):
    """'“... .” Norway insisted that ...' opens a sentence with its own reported clause: Norway does not say the
    quote before it."""
    text = ("Sweden branded the plan “a reckless gamble with public money.” Norway insisted that Nordsat "
            "“stop the delays at once.”")
    qs = {q["quote_text"][:8]: q["speaker_name"] for q in quotes(nlp, text)}
    assert qs == {"a reckle": "Sweden", "stop the": "Norway"}


def test_lower_case_speaker_phrase_does_not_run_into_a_clause(nlp):
    text = ("Mayor Jane Holt said Friday that she thinks the report should be published but said "
            "“the question is the timing.”")
    (q,) = quotes(nlp, text)
    assert q["speaker_name"] == "Jane Holt", q


@pytest.mark.parametrize("text,speaker", [
    ("The programme had become, as a ministry memo put it, “a bottomless pit for engineers.”", "a ministry memo"),
    ("The tender required “proven flight heritage on two missions,” as the Audit Office put it.", "the Audit Office"),
])
def test_as_x_put_it_names_the_source(nlp, text, speaker):
    (q,) = quotes(nlp, text)
    assert q["speaker_text"] == speaker, q


def test_per_names_the_source(nlp):
    text = "Proxies may not vote when the board acts “to fill a vacancy on the launch manifest,” per the agency's rules."
    (q,) = quotes(nlp, text)
    assert q["speaker_text"] == "the agency's rules", q


def test_pronoun_speaker_carries_the_next_paragraph(nlp):
    """The paragraph before names her only as "she": the unattributed quote after it is hers, not the last
    speaker named in full."""
    text = ("“We need more money for the range,” said Tom Ashby.\n\n"
            "Helen Carrick was more careful than her colleagues. Though she called the delays “outrageous,” "
            "she stopped short of a ban.\n\n"
            "“If any contractor cannot deliver, it should be replaced.”")
    last = quotes(nlp, text)[-1]
    assert last["quote_text"].startswith("If any contractor") and last["speaker_name"] == "Helen Carrick", last


def test_adverbial_clause_with_its_own_subject_keeps_the_quote(nlp):
    text = "Mira Holt said little while Dale Ames went on about “how the whole budget is rigged against us.”"
    (q,) = quotes(nlp, text)
    assert q["speaker_name"] == "Dale Ames", q


@pytest.mark.parametrize("text,speaker", [
    # a participle completing the verb, right after the person it quotes
    ("The advert uses clips of Donna Price asking, “Why am I not far ahead in the polls?”", "Donna Price"),
    # a ruling quoted in part
    # a name and a participle before the quote, with words between them and the quote
    ("The spot concludes with footage of Dale Ames saying during the hearing last week, “That makes me smart,” "
     "when Rosa Lind blasted him for skipping the vote.", "Dale Ames"),
    # no speech verb: a quote opening a sentence is the person the sentence before is about
    ("On “Morning Report,” Sen. Ann Fields (R-Ala.), who chairs the panel, identified launch costs as one reason "
     "for the delay. “The younger engineers are tired of waiting for a slot.”", "Ann Fields"),
    # a noun that is also a speech verb's form ("remarks") does not make "he" of the "the" before it
    ("With a week until the vote, Omar Haddad, a senior adviser to the party, called the remarks “a true wake-up "
     "call” to its base.", "Omar Haddad"),
    ("The Ethics Board later ruled that the claim about “thousands of unpaid invoices” was false, but its report "
     "noted that some invoices were late.", "Ethics Board"),
])
def test_more_speaker_layouts(nlp, text, speaker):
    (q,) = quotes(nlp, text)
    assert speaker in (q["speaker_name"] or q["speaker_text"] or ""), q


@pytest.mark.parametrize("text,speaker", [
    # a person reports what the document says: the person is the speaker
    ("City auditor Lena Voss said in a letter that the brochure “plainly and wrongly” suggests that the agency "
     "backs the launch.", "City auditor Lena Voss"),
    # nobody reports it: the document is
    ("The report suggests that costs “doubled in a single year” after the delay.", "The report"),
])
def test_document_speaks_only_when_nobody_reports_it(nlp, text, speaker):
    (q,) = quotes(nlp, text)
    assert q["speaker_text"] == speaker, q


def test_signed_answers_with_a_middle_initial_and_no_run(nlp):
    """A list of answers each signed with a dash: a bare middle initial is part of the name, and an unsigned
    answer after a signed one is not given to the person who signed the one before."""
    text = ("“The rockets are too expensive and nobody asks why.” ― Ana N Ruiz Ortega\n\n"
            "“We waited two years for a slot and got nothing in return.”")
    qs = quotes(nlp, text)
    assert qs[0]["speaker_text"] == "Ana N Ruiz Ortega", qs[0]
    assert all(q["speaker_text"] is None for q in qs[1:]), qs[1:]


def test_preposition_object_before_a_speech_verb_is_not_the_speaker(nlp):
    (q,) = quotes(nlp, "Strikers marching through the town chanted “What deal?” and kept going until dawn.")
    assert q["speaker_text"] != "the town", q


def test_person_in_apposition_to_a_misparsed_subject_speaks(nlp):
    """The parser sometimes takes a noun before the name for the subject and the name for its apposition
    ("With ten days until the vote, Dara Lind, an adviser, called ..."): the person speaks. The parse is given
    by hand, as the parser produced it on such a sentence."""
    from spacy.tokens import Doc

    from spaceetl.nlp.quotes import _speaker_of

    words = ["With", "ten", "days", "until", "the", "vote", ",", "Dara", "Lind", ",", "an", "adviser", ",",
             "called", "it", "“", "a", "wake-up", "call", "”"]
    heads = [13, 2, 0, 2, 5, 13, 5, 8, 5, 8, 11, 8, 8, 13, 13, 18, 18, 18, 14, 18]
    deps = ["prep", "nummod", "pobj", "prep", "det", "nsubj", "punct", "compound", "appos", "punct", "det",
            "appos", "punct", "ROOT", "dobj", "punct", "det", "amod", "oprd", "punct"]
    pos = ["ADP", "NUM", "NOUN", "ADP", "DET", "NOUN", "PUNCT", "PROPN", "PROPN", "PUNCT", "DET", "NOUN", "PUNCT",
           "VERB", "PRON", "PUNCT", "DET", "ADJ", "NOUN", "PUNCT"]
    doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos,
              ents=["O"] * 7 + ["B-PERSON", "I-PERSON"] + ["O"] * 11)
    start, end = _speaker_of(doc[13])
    assert doc.text[start:end] == "Dara Lind"


def test_name_on_the_next_line_does_not_attribute_a_quote(nlp):
    """Paragraphs separated by single line breaks: the speaker that opens the next line is not the speaker of
    the quote that closes this one."""
    text = ("Senator Ivo Marsh spoke after the vote.\n“It is not what worked before,” he said. “What works is a "
            "plan.”\nAgency spokesman Rolf Berg said the plan was late.")
    qs = quotes(nlp, text)
    assert qs and all(q["speaker_name"] == "Ivo Marsh" for q in qs), qs


def test_statement_issued_by_a_body_speaks_for_it(nlp):
    text = "The Arms Council issued a statement calling the test “a clear violation of five earlier resolutions.”"
    (q,) = quotes(nlp, text)
    assert q["speaker_text"] == "The Arms Council", q


def test_participle_after_a_time_preposition_takes_the_main_subject(nlp):
    """'After saying ..., she was rushed off': the one saying is the subject of the main clause, passive or not."""
    text = ("Mara Lind wrote about the injury in her memoir. After saying her knee was “so swollen I could barely "
            "stand on it,” she was taken to the clinic for tests.")
    (q,) = quotes(nlp, text)
    assert q["speaker_text"] == "she" and q["speaker_name"] == "Mara Lind", q


def test_judging_verb_after_a_quote_does_not_attribute_it(nlp):
    text = "The spot ends with Luc Girard saying “That is how you win,” when Ines Moreau blasted him for the delay."
    (q,) = quotes(nlp, text)
    assert q["speaker_name"] == "Luc Girard"


def test_inverted_attribution_before_the_quote(nlp):
    (q,) = quotes(nlp, "Said Luc Girard: “The pad will be rebuilt by summer.”")
    assert q["speaker_text"] == "Luc Girard"


def test_quote_after_an_attribution_sentence_continues_its_speaker(nlp):
    text = "The agency may still act, Luc Girard said. “The other factor is the weather in March.”"
    (q,) = quotes(nlp, text)
    assert q["speaker_name"] == "Luc Girard"


def test_attribution_with_a_colon_belongs_to_the_next_quote(nlp):
    text = ("“Costs doubled,” Luc Girard said. Nordsat's chief executive said: “Our costs did not move at all.”")
    qs = quotes(nlp, text)
    assert [q["speaker_name"] or q["speaker_text"] for q in qs] == ["Luc Girard", "Nordsat's chief executive"]


def test_partial_quote_in_reported_speech_is_the_reporting_subject(nlp):
    text = "Ines Moreau said the aim was to “put Europe back in the launch business” within five years."
    (q,) = quotes(nlp, text)
    assert q["speaker_name"] == "Ines Moreau" and q["quote_text"].startswith("put Europe back")


def test_pronoun_speaker_resolves_to_the_person_named_earlier(nlp):
    text = ("Defence Minister Karl Brandt visited the ground station on Monday. Engineers showed him the new antenna.\n\n"
            "“We are not walking away,” he told reporters.")
    (q,) = quotes(nlp, text)
    assert q["speaker_text"] == "he" and q["speaker_name"] == "Karl Brandt"


def test_speaker_in_the_previous_paragraph_ending_with_a_colon(nlp):
    text = "Karl Brandt spoke after the vote. Brandt continued:\n\n“The money is there. The will is there.”"
    (q,) = quotes(nlp, text)
    assert q["speaker_name"] == "Karl Brandt"


def test_run_of_paragraphs_quoting_the_same_person(nlp):
    text = ("“The order book is full,” said Lena Park, the chief executive of Nordsat.\n\n"
            "“We will hire two hundred engineers next year and open a plant in Tromsø.”")
    qs = quotes(nlp, text)
    assert len(qs) == 2 and {q["speaker_name"] for q in qs} == {"Lena Park"}


def test_organisation_office_speaker_kept_as_written(nlp):
    text = "The prime minister's office said: “The decision will be taken in cabinet.”"
    (q,) = quotes(nlp, text)
    assert q["speaker_text"] == "The prime minister's office" and q["speaker_entity_id"] is None


@pytest.mark.parametrize("text", [
    "Ministers talk about “sovereign” connectivity as if it were a product.",
    "So-called “mega-constellations” now dominate the filings.",
    "She appeared on “Space Policy Today” to discuss the budget.",
    "Dana Reyes told the network's “Orbit Weekly Roundup” that the launch would slip.",
    "He spoke during a “Launch Readiness Forum” hosted by the agency and said little.",
])
def test_scare_quotes_titles_and_coined_terms_are_not_quotes(nlp, text):
    assert not [c for c in extract(nlp, text) if c["claim_type"] == "quote" and c["quote_style"] == "direct"]


@pytest.mark.parametrize("text", [
    # a nickname inside a name
    'Orbital chief Marta "Em" Kowalczyk said the plant would open in May.',
    # a title after a possessive and a year, ending the sentence
    "The deal echoed the senator's 1996 “Bridge to Orbit.” Few remembered it.",
    # a title followed by the kind of work it names
    "Luc Girard said during his “Launch Pad Live” radio show that prices would fall.",
    # a nickname after "the nickname", with a person as the subject of a non-speech verb
    "Moreau mocked his rival with the nickname “Slow Sam.” The rivalry is old.",
    # a coined term inside a noun phrase, with a person as the subject of a non-speech verb
    "He opened a “satellitarium” in Toulouse before the firm folded.",
    # a term ending its sentence, after narrative words
    "The older satellites would be moved into a separate “graveyard orbit.” Engineers agreed.",
])
def test_titles_nicknames_and_terms_are_not_quotes(nlp, text):
    assert not quotes(nlp, text)


@pytest.mark.parametrize("text,speaker", [
    ("Ines Moreau called the plan a “reckless gamble.”", "Ines Moreau"),
    ("“A separate orbit,” Luc Girard said, “is the only answer.”", "Luc Girard"),
    ("“Bridge to Orbit” is finished, said Luc Girard.", "Luc Girard"),
    # a characterisation carried by a verb that is not a speech verb is still someone's words
    ("Ines Moreau criticised the launch plan as a “costly detour” on Friday.", "Ines Moreau"),
])
def test_short_quotes_with_a_speech_verb_stay_quotes(nlp, text, speaker):
    (q,) = quotes(nlp, text)
    assert q["speaker_name"] == speaker


def test_unattributed_full_sentence_quote_is_still_a_quote(nlp):
    text = "The memo ended bluntly.\n\n“There is no money left for a second tranche of satellites this year.”"
    assert len(quotes(nlp, text)) == 1


@pytest.mark.parametrize("text,predicate,modality,cue", [
    ("Japan and India signed the accords May 27 in Tokyo.", "sign", "asserted", None),
    ("The No. 2 operator bought two satellites.", "buy", "asserted", None),
    ("Nordsat replaced the now-cancelled satellite.", "replace", "asserted", None),
    ("The Pentagon announced plans that would expand the fleet.", "announce", "reported", "announced"),
])
def test_modality_misreadings(nlp, text, predicate, modality, cue):
    cs = [c for c in extract(nlp, text) if c["predicate"] == predicate]
    assert cs and all((c["modality"], c["modality_cue"]) == (modality, cue) for c in cs)


def test_dateline_is_not_the_subject(nlp):
    text = "RESTON, Va. — General Dynamics reported higher sales on Wednesday."
    (c,) = [c for c in extract(nlp, text) if c["predicate"] == "report"]
    assert c["subject_text"] == "General Dynamics"


def test_relative_clause_gives_a_claim_about_its_head(nlp):
    text = "Hispasat, which is controlled by Redeia, ordered a new satellite."
    (c,) = [c for c in extract(nlp, text) if c["predicate"] == "control"]
    assert c["subject_name"] == "Redeia" and c["object_name"] == "Hispasat"
    (o,) = [c for c in extract(nlp, text) if c["predicate"] == "order"]
    assert o["subject_name"] == "Hispasat"


def test_relative_clause_active(nlp):
    text = "Redeia bought Hispasat, which operates five satellites over the Atlantic."
    (c,) = [c for c in extract(nlp, text) if c["predicate"] == "operate"]
    assert c["subject_name"] == "Hispasat"


def test_agentless_passives_of_typed_verbs(nlp):
    text = "Thales was named preferred bidder. The programme had been valued at about $2 billion."
    cs = extract(nlp, text)
    (named,) = [c for c in cs if c["predicate"] == "name"]
    assert named["subject_text"] is None and named["object_name"] == "Thales"
    (valued,) = [c for c in cs if c["predicate"] == "value"]
    assert valued["object_text"] == "The programme" and valued["amount_id"] is not None


def test_according_to_source_is_the_speaker(nlp):
    text = "Rome signed the deal last week, according to the Italian Space Agency."
    (c,) = [c for c in extract(nlp, text) if c["predicate"] == "sign"]
    assert c["speaker_name"] == "Italian Space Agency" and c["modality"] == "reported"


@pytest.mark.parametrize("text", [
    "Paris- and Reston, Virginia-based Orbitalis said on Monday it would buy two satellites.",
    "“We will order four satellites this year,” said Luxembourg- and Reston, Virginia-based Orbitalis.",
])
def test_place_in_a_based_modifier_is_never_the_speaker_or_a_person(nlp, text):
    rows = extract_rows(nlp, text, date(2025, 3, 1))
    speakers = {c["speaker_text"] for c in rows["claims"] if c["speaker_text"]}
    assert speakers == {"Orbitalis"}
    people = {e["canonical_name"] for e in rows["entities"] if e["entity_type"] == "PERSON"}
    assert not people & {"Paris", "Paris-", "Reston", "Luxembourg", "Luxembourg-"}


def test_description_with_a_based_modifier_keeps_its_words(nlp):
    rows = extract_rows(nlp, "The Denver-based startup Skyreach said: “It is a big step.”", date(2025, 3, 1))
    (q,) = [c for c in rows["claims"] if c["quote_style"] == "direct"]
    assert q["speaker_text"] in {"Skyreach", "The Denver-based startup Skyreach"}
