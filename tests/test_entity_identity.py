"""One person is one entity within an article, however it is named; titles and ranks are attributes, not names.
Sentences written for these tests."""

from datetime import date

from conftest import extract_rows


def rows(nlp, text):
    return extract_rows(nlp, text, date(2025, 3, 1))


def people(out) -> dict[str, str]:
    """{mention text: canonical name} for the person mentions."""
    names = {e["entity_id"]: e["canonical_name"] for e in out["entities"]}
    return {m["text"]: names[m["entity_id"]] for m in out["mentions"] if m["label"] == "PERSON"}


def person_names(out) -> set[str]:
    return {e["canonical_name"] for e in out["entities"] if e["entity_type"] == "PERSON"}


def test_surname_joins_a_gazetteer_person_named_before_it(nlp):
    # Bill Nelson is a gazetteer person: the surname used to stay an entity of its own
    text = ("NASA Administrator Bill Nelson visited the test stand on Tuesday. Engineers showed Nelson the new "
            "valve, and he asked about the schedule.")
    out = rows(nlp, text)
    assert people(out)["Nelson"] == "Bill Nelson"
    assert person_names(out) == {"Bill Nelson"}


def test_surname_before_the_full_name_joins_it(nlp):
    text = ("The Varga administration wants a lunar lander by 2030. In a speech on Monday, President Lena Varga "
            "said the budget would follow.")
    out = rows(nlp, text)
    assert "Varga" not in person_names(out)
    assert people(out).get("Lena Varga") == "Lena Varga"


def test_last_two_words_of_a_name_join_it(nlp):
    text = ("Astronaut Tracy Okafor Dunn installed the camera during the spacewalk. Okafor Dunn said the bolts "
            "were stiff.")
    out = rows(nlp, text)
    assert people(out)["Okafor Dunn"] == "Tracy Okafor Dunn"
    ref = [r for r in out["references"] if r["text"] == "Okafor Dunn"]
    assert ref and ref[0]["rule"] == "surname" and ref[0]["antecedent_text"] == "Tracy Okafor Dunn"


def test_first_name_in_a_quote_joins_the_only_full_name_it_starts(nlp):
    text = ("Daniel Brooks leads the propulsion team. “I told Daniel the engine would hold,” his deputy Sarah Cole "
            "said.")
    out = rows(nlp, text)
    assert people(out)["Daniel"] == "Daniel Brooks"
    assert person_names(out) == {"Daniel Brooks", "Sarah Cole"}


def test_first_name_shared_by_two_people_joins_neither(nlp):
    text = ("Daniel Brooks leads the propulsion team and Daniel Ortega runs the test site. “I told Daniel the "
            "engine would hold,” Sarah Cole said.")
    out = rows(nlp, text)
    assert people(out).get("Daniel", "Daniel") == "Daniel"


def test_two_people_with_one_surname_take_the_nearest_before(nlp):
    text = ("Mark Kessler flew the first mission. Years later his brother Scott Kessler commanded the station. "
            "Kessler said the crew was tired.")
    out = rows(nlp, text)
    assert people(out)["Kessler"] == "Scott Kessler"


def test_job_title_is_an_attribute_not_part_of_the_name(nlp):
    text = ("SpaceX President and COO Gwynne Shotwell answered questions on the call. Shotwell said the "
            "vehicle was ready.")
    out = rows(nlp, text)
    assert person_names(out) == {"Gwynne Shotwell"}
    (full,) = [m for m in out["mentions"] if m["text"] == "Gwynne Shotwell"]
    assert full["title"] == "President and COO"
    assert not [m for m in out["mentions"] if m["text"] in {"COO", "President"}]


def test_military_rank_is_kept_in_the_title_column(nlp):
    text = "Staff Sgt. Maria Lopez repaired the antenna at the ground station on Friday."
    out = rows(nlp, text)
    (m,) = [m for m in out["mentions"] if m["label"] == "PERSON"]
    assert m["text"] == "Maria Lopez" and m["title"] == "Staff Sgt."
    assert person_names(out) == {"Maria Lopez"}


def test_mentions_without_a_title_have_none(nlp):
    out = rows(nlp, "Greta Lindqvist runs the launch office in Kiruna.")
    assert all(m["title"] is None for m in out["mentions"])


def test_span_cut_after_a_possessive_loses_it(nlp):
    text = "The startup’s Maxwell thrusters passed their first firing test, the company said."
    out = rows(nlp, text)
    assert not [m for m in out["mentions"] if m["text"][:1] in {"’", "'"} or m["text"].startswith("s ")]
    assert not [e for e in out["entities"] if e["canonical_name"].startswith(("s ", "’", "'"))]


def test_a_title_alone_is_never_an_entity(nlp):
    from spacy.tokens import Span

    from spaceetl.nlp.entities import ArticleLinker
    from spaceetl.normalize.gazetteer import load_gazetteer

    doc = nlp("The company named a new President & CEO on Monday, and Col. Ruiz Ortega approved.")
    linker = ArticleLinker(load_gazetteer())
    title = Span(doc, 5, 8, label="ORG")  # "President & CEO"
    rank = Span(doc, 12, 14, label="PERSON")  # "Col."
    assert title.text == "President & CEO" and rank.text == "Col."
    assert linker.link(title) is None and linker.link(rank) is None
    assert linker.link(Span(doc, 14, 16, label="PERSON")).canonical_name == "Ruiz Ortega"


def test_a_title_ending_the_previous_sentence_is_not_the_next_persons(nlp):
    text = "The review was led by the deputy administrator. Maria Lopez said the findings would be public."
    out = rows(nlp, text)
    assert [m["title"] for m in out["mentions"] if m["text"] == "Maria Lopez"] == [None]
