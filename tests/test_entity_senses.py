"""Entity rules that need the sentence around a name: common words that are also gazetteer names, celestial
bodies, events. Every sentence here is written for the test."""

from datetime import date

from spaceetl.nlp.rows import ArticleContext, article_rows


def rows_for(nlp, text: str, published: date | None = date(2025, 3, 4)):
    return article_rows(nlp(text), ArticleContext("art_" + "1" * 20, text, published, "run_test"))


def linked(nlp, text: str) -> set[tuple[str, str]]:
    return {(m["text"], m["entity_id"]) for m in rows_for(nlp, text)["mentions"]}


def test_lowercase_polish_is_a_verb_not_poland(nlp):
    ids = {e for _, e in linked(nlp, "Technicians polish the primary mirror twice before it ships.")}
    assert "gz:country-pl" not in ids
    assert ("Polish", "gz:country-pl") in linked(nlp, "Polish engineers assembled the primary mirror.")


def test_lowercase_turkey_is_the_bird(nlp):
    found = linked(nlp, "The crew ate smoked turkey on the station while the ministry in Ankara waited.")
    assert all(e != "gz:country-tr" for _, e in found)
    assert ("Turkey", "gz:country-tr") in linked(nlp, "Turkey ordered two radar satellites from the firm.")


def test_guinea_pig_is_not_guinea(nlp):
    for text in ("The agency flew a guinea pig on the capsule in 1961.",
                 "Guinea pigs were flown on the capsule in 1961."):
        assert all(e != "gz:country-gn" for _, e in linked(nlp, text)), text


def test_jordan_as_a_person_is_not_the_country(nlp):
    rows = rows_for(nlp, "Jordan said he would leave the launch company after the next flight.")
    jordan = [m for m in rows["mentions"] if m["text"] == "Jordan"]
    assert jordan and jordan[0]["label"] == "PERSON" and jordan[0]["entity_id"] != "gz:country-jo"
    rows = rows_for(nlp, "Amman hosted the talks. Jordan said it would open its airspace to the tests.")
    assert any(m["entity_id"] == "gz:country-jo" for m in rows["mentions"] if m["text"] == "Jordan")
    rows = rows_for(nlp, "The panel was chaired by Mr. Jordan, who runs a small satellite firm.")
    assert all(m["entity_id"] != "gz:country-jo" for m in rows["mentions"])


def test_low_earth_orbit_is_not_the_planet(nlp):
    found = linked(nlp, "The company will put forty satellites in low Earth orbit next year.")
    assert all(e != "gz:loc-earth" for _, e in found)
    found = linked(nlp, "The capsule returned to Earth on Friday with three astronauts.")
    assert ("Earth", "gz:loc-earth") in found


def test_celestial_bodies_have_their_own_type(nlp):
    rows = rows_for(nlp, "The lander will reach the Moon in May, and a second probe is bound for Mars.")
    types = {e["canonical_name"]: e["entity_type"] for e in rows["entities"]}
    assert types["Moon"] == "CELESTIAL" and types["Mars"] == "CELESTIAL"
    assert all(e["country"] is None for e in rows["entities"] if e["entity_type"] == "CELESTIAL")


def test_events_keep_the_event_type(nlp):
    rows = rows_for(nlp, "Executives met at the Space Symposium and again at the Paris Air Show in June.")
    types = {e["canonical_name"]: e["entity_type"] for e in rows["entities"]}
    assert types["Space Symposium"] == "EVENT" and types["Paris Air Show"] == "EVENT"


def test_armed_groups_are_known_organisations(nlp):
    rows = rows_for(nlp, "Coalition aircraft struck ISIL positions near the river, and Daesh fighters withdrew.")
    linked_ids = {m["text"]: m["entity_id"] for m in rows["mentions"]}
    assert linked_ids.get("ISIL") == "gz:org-isil" and linked_ids.get("Daesh") == "gz:org-isil"
    assert {m["label"] for m in rows["mentions"] if m["entity_id"] == "gz:org-isil"} == {"ORG"}
