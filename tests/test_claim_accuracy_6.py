"""Claim readings that a sixth hand judgement of real news found wrong, by general cause: a reporting verb in its
plain transitive sense ("maintains an office") read as a report; a that-clause under a verb of hoping read as
asserted; a gerund under a verb of anticipation read as a reported fact; a parenthetical reporting verb that did
not reach the infinitival clauses of its sentence; an aim noun with a copular infinitive ("one way to ... is to")
read as a doer; possessors, extraposed "it" and product appositions taken as subjects. The sentences are written
for these tests."""


from conftest import claims_of as _claims
from conftest import one_claim as _one

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


# --- 2. subjects ----------------------------------------------------------------------------------------------


def test_an_aim_noun_before_a_copular_infinitive_does_nothing(nlp):
    for text in ("One way to ease that workload is to spread out the work over a longer flight.",
                 "One way to reduce that burden is to stretch out the chores over a longer stay."):
        assert all(c["subject_text"] != "One way" for c in _claims(nlp, text)), text


def test_the_owned_noun_after_a_possessive_is_the_subject_not_its_owner(nlp):
    text = ("A Falcon 9 rocket launched the Nordsat-7 satellite on Tuesday. The spacecraft’s 48 C-band transponders "
            "will deliver television services across Latin America.")
    c = _one(nlp, text, "deliver")
    assert c["subject_text"] == "The spacecraft’s 48 C-band transponders"
    assert c["subject_name"] is None


def test_a_bare_plural_naming_a_group_is_that_group(nlp):
    text = "Republicans control 51 seats in the Senate. Democrats now hold 47 seats in the Senate."
    assert _one(nlp, text, "hold")["subject_name"] == "Democrats"
    # people counted or named by their country's demonym stay people
    assert _one(nlp, "Two Democrats voted against the bill.", "vote")["subject_name"] is None
    assert _one(nlp, "Germans founded the startup in 2019.", "found")["subject_name"] is None


def test_the_it_of_taking_time_is_no_organisation(nlp):
    for text in ("Blue Origin makes small rockets. Blue Origin is building that platform, but it’s going to take "
                 "decades.",
                 "Blue Origin makes small rockets. It will take years to finish the plant."):
        c = _one(nlp, text, "take")
        assert c["subject_text"].lower() == "it" and c["subject_name"] is None, text
    # an "it" that takes a thing is still the company
    c = _one(nlp, "Blue Origin makes small rockets. It took a loan from a bank in Texas.", "take")
    assert c["subject_name"] == "Blue Origin"


# --- 3. objects and sentences -----------------------------------------------------------------------------------


def test_a_name_with_a_trailing_number_is_one_object(nlp):
    c = _one(nlp, "The Falcon 9 rocket lifted off from Launch Complex 39A at 5:49 a.m. on the mission.", "lift off")
    assert c["object_text"] == "Launch Complex 39A"


def test_no_sentence_ends_inside_a_name(nlp):
    text = "The rocket’s upper stage deployed the 860-kilogram Iridium Next satellites about an hour after launch."
    doc = nlp(text)
    assert len(list(doc.sents)) == 1
    assert _one(nlp, text, "deploy")["object_text"] == "the 860-kilogram Iridium Next satellites"


def test_a_period_glued_to_a_designation_ends_the_sentence(nlp):
    text = ("So far the company has performed just two missions: the Soyuz launch in March and the Vega launch "
            "of Sentinel-2B. Reuters reported May 4 that the company will delay its next launch.")
    assert [s.text.strip() for s in nlp(text).sents][1].startswith("Reuters reported")
    c = _one(nlp, text, "perform")
    assert (c["modality"], c["modality_cue"]) == ("asserted", None)
    assert _one(nlp, text, "report")["subject_name"] == "Reuters"
    # an abbreviation or a plain word before a period is the tokenizer's business, unchanged
    assert len(list(nlp("The rocket flew on Tuesday. Reuters reported the launch.").sents)) == 2


def test_a_participle_restricting_a_noun_makes_no_claim(nlp):
    text = ("The treaty includes a rule mandating that every nation putting something into space register it with "
            "the United Nations.")
    assert _claims(nlp, text, "put") == []
    assert _one(nlp, text, "include")["object_text"] == "a rule"
    # a participle with its auxiliary is a clause
    assert _one(nlp, "Officials said that every nation is putting money into the program.", "put")


# --- 4. references ----------------------------------------------------------------------------------------------


def test_it_under_a_reporting_verb_is_its_described_subject_not_the_product_in_the_description(nlp):
    text = ("Blue Origin makes rockets. The company, best known for building the New Shepard suborbital rocket, "
            "said it signed an agreement with the Kennedy Space Center to test engines.")
    assert _one(nlp, text, "say")["subject_name"] == "Blue Origin"
    assert _one(nlp, text, "sign")["subject_name"] == "Blue Origin"


def test_the_company_is_never_a_person_the_model_labelled_an_organisation(nlp):
    text = ("Helio Cosmetics sent two jars of night cream to the space station, said Stéphane de la Fontaine, the "
            "group’s president. “We are proud,” De la Fontaine said. The jars will be returned to Earth next spring, "
            "and the company may auction one of them for charity.")
    c = _one(nlp, text, "auction")
    assert c["subject_text"] == "the company" and c["subject_name"] == "Helio Cosmetics"


def test_who_in_a_list_stands_for_its_own_item_not_the_next_one(nlp):
    text = ("Smith said the site is close to the plant, and it’s near OneWeb partners Hughes Network Systems, who "
            "will build OneWeb ground hardware; and satellite fleet operator Intelsat, which is working with OneWeb "
            "on a network.")
    assert [c["subject_name"] for c in _claims(nlp, text, "build")] == ["Hughes Network Systems"]
    # conjoined antecedents before the clause are both its subject
    text = "Intelsat and Eutelsat, which will share the cost, signed the deal."
    assert {c["subject_name"] for c in _claims(nlp, text, "share")} == {"Intelsat", "Eutelsat"}


def test_a_subject_and_an_object_stay_whole_and_contiguous_when_the_parser_splits_a_phrase(nlp):
    text = ("So far the company has performed just two missions: the Soyuz launch of Nordsat-2 in January, the "
            "Ariane 5 launch of Sky Star-1 and Telkom 4S in February, and the March Vega launch of Sentinel-2B.")
    assert _one(nlp, text, "perform")["subject_text"] == "the company"
    text = ("The rocket’s upper stage deployed the 860-kilogram Iridium Next satellites into low Earth orbit about "
            "an hour later.")
    assert _one(nlp, text, "deploy")["object_text"].startswith("the 860-kilogram Iridium Next satellites")


def test_the_company_is_not_the_surname_of_such_a_person_either(nlp):
    text = ("“We want our cream on the station,” said Stéphane de la Fontaine, group president of Helio Cosmetics, "
            "during a briefing. “We are always looking for the next frontier,” he explained. De la Fontaine said "
            "that the photos will be used as part of a story. He did not elaborate. The jars will be returned to "
            "Earth next spring, and the company may auction one of them for charity.")
    assert _one(nlp, text, "auction")["subject_name"] == "Helio Cosmetics"


def test_affirming_that_reports_its_clause(nlp):
    text = ("Smith spoke at the conference, telling the audience the plan was on track and later affirming to "
            "reporters that the company was actively weighing about 500 more satellites.")
    c = _one(nlp, text, "weigh")
    assert (c["modality"], c["modality_cue"]) == ("reported", "affirming")
