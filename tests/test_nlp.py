"""The spaCy pipeline with the domain components, and the rows drawn from a parsed article."""

from datetime import date


from spaceetl.nlp.rows import ArticleContext, article_rows


def rows_for(nlp, text: str, published: date | None = date(2024, 10, 20)):
    return article_rows(nlp(text), ArticleContext("art_" + "0" * 20, text, published, "run_test"))


def ents(nlp, text):
    return [(e.text, e.label_) for e in nlp(text).ents]


def test_gazetteer_fixes_labels_the_model_gets_wrong(nlp):
    text = "SpaceX declined to comment. The deal was first reported by Bloomberg on Monday."
    found = dict(ents(nlp, text))
    assert found["SpaceX"] == "ORG" and found["Bloomberg"] == "ORG"


def test_known_names_are_not_cut(nlp):
    text = "Italy wants to replace its aging COSMO-SkyMed constellation with new radar satellites."
    assert ("COSMO-SkyMed", "PRODUCT") in ents(nlp, text)


def test_spans_have_no_determiners_possessives_or_paragraph_breaks(nlp):
    text = ("by JOHN SMITH/AFP via Getty Images\n\nItaly and the United States reaffirmed support for the 1967 Outer Space "
            "Treaty’s ban on weapons in orbit.")
    spans = [e.text for e in nlp(text).ents]
    assert all("\n" not in s for s in spans)
    assert not any(s.lower().startswith("the ") for s in spans)
    assert not any(s.endswith(("’s", "'s")) for s in spans)


def test_mentions_keep_exact_spans_and_sentences(nlp):
    text = "The US and Italy signed a pact.\n\nU.S. officials said America would help. Washington agreed."
    r = rows_for(nlp, text)
    for m in r["mentions"]:
        assert text[m["start_char"]:m["end_char"]] == m["text"]
    us = {m["text"] for m in r["mentions"] if m["entity_id"] == "gz:country-us"}
    assert {"US", "U.S.", "America"} <= us
    assert max(m["sentence_index"] for m in r["mentions"]) >= 2


def test_capital_standing_for_government_is_linked_with_a_role(nlp):
    r = rows_for(nlp, "Rome and Washington are negotiating a new agreement. The talks were held in Rome.")
    roles = [(m["text"], m["entity_id"], m["role"]) for m in r["mentions"] if m["text"] in {"Rome", "Washington"}]
    assert ("Rome", "gz:country-it", "government") in roles
    assert ("Washington", "gz:country-us", "government") in roles
    city = [x for x in roles if x[2] is None]
    assert city and city[0][1] != "gz:country-it"  # "held in Rome": the city, not the government


def test_unknown_names_get_stable_ids_and_surnames_merge(nlp):
    text = ("Alessandro Rossi, a defense analyst at Orbit Advisory Partners, spoke first. Rossi said the plan was sound. "
            "Orbit Advisory Partners declined to comment.")
    r = rows_for(nlp, text)
    by_text = {m["text"]: m["entity_id"] for m in r["mentions"]}
    assert by_text["Rossi"] == by_text["Alessandro Rossi"]
    again = rows_for(nlp, "Orbit Advisory Partners published a report.")
    assert {m["entity_id"] for m in again["mentions"] if "Orbit" in m["text"]} <= set(by_text.values())


def test_amounts_and_dates_rows(nlp):
    text = "Italy agreed on Oct. 15 to pay €1.5 billion (about $1.6 billion) for the system, due next year."
    r = rows_for(nlp, text)
    assert {(a["currency"], a["value"]) for a in r["amounts"]} == {("EUR", 1.5e9), ("USD", 1.6e9)}
    eur = next(a for a in r["amounts"] if a["currency"] == "EUR")
    assert eur["fx_year"] == 2024 and eur["usd_value"] > eur["value"]
    resolved = {d["text"]: (d["resolved_date"], d["resolution"]) for d in r["dates"]}
    assert resolved["Oct. 15"] == (date(2024, 10, 15), "day")
    assert resolved["next year"] == (date(2025, 1, 1), "year")
