"""HTML main text: an article split by ad slots keeps all its parts, a closing list is content, a navigation
box after the article is not."""

from spaceetl.ingest.html import extract_html
from spaceetl.ingest.textclean import clean_scraped_text

PARTS = [
    ["The regional operator said its new geostationary satellite completed in-orbit testing on Thursday and will "
     "begin carrying broadcast traffic for customers across three countries next month.",
     "Engineers spent six weeks checking the transponders and the station-keeping thrusters, the operator said, "
     "and found nothing that would delay the start of commercial service."],
    ["The satellite replaces a spacecraft launched fourteen years ago whose fuel is nearly exhausted and which "
     "will be moved to a graveyard orbit above the geostationary belt later this year.",
     "Analysts said the operator still faces strong price pressure from low-orbit broadband constellations, "
     "which are winning maritime and aviation customers from older fleets."],
]


def _page(parts, tail=""):
    sections = "<div class='ad-slot'><script>show_ad()</script>Advertisement</div>".join(
        "<div class='story-part'>" + "".join(f"<p>{p}</p>" for p in part) + "</div>" for part in parts)
    return (f"<html><head><title>Relay Satellite Enters Service</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<main><h1>Relay Satellite Enters Service</h1>{sections}{tail}</main>"
            f"<footer><p>Contact us at the newsroom for corrections and feedback on our coverage.</p></footer>"
            f"</body></html>")


def test_article_split_by_an_ad_slot_keeps_every_part():
    body = extract_html(_page(PARTS), "split.html", 50)["body"]
    for part in PARTS:
        for paragraph in part:
            assert paragraph in body
    assert "Advertisement" not in body and "Contact us" not in body
    assert body.index(PARTS[0][0]) < body.index(PARTS[1][1])


def test_continuation_in_containers_of_the_same_kind():
    from spaceetl.ingest.html import _with_continuation

    teaser = "<div class='teaser'><p>A related story about a different launch provider that is worth reading too, " \
             "our editors say.</p></div>"
    aside = "<aside><div class='story-part'><p>" + PARTS[1][0].replace("satellite", "craft") + "</p></div></aside>"
    page = _page(PARTS, tail=teaser + aside)
    first = "\n".join(PARTS[0])  # what an extractor that stops at the first container returns
    body = _with_continuation(page, first)
    assert body == "\n".join(PARTS[0] + PARTS[1])  # the second part, in page order; no teaser, no aside
    assert _with_continuation(page, PARTS[0][0]) == PARTS[0][0]  # one matched paragraph is too little evidence


ARTICLE = "\n\n".join(PARTS[0] + PARTS[1])


def test_closing_list_of_extracted_text_is_content():
    dates = ["June 9 -- Lisbon, Altice Arena", "June 12 -- Porto, Super Bock Arena", "June 15 -- Faro, Estadio"]
    clean = clean_scraped_text(ARTICLE + "\n\n" + "\n".join(dates), extracted=True)
    for line in dates:
        assert line in clean.body
    # ... while the same lines after a scraped .txt page's last paragraph are treated as trailing furniture
    assert "June 9 -- Lisbon, Altice Arena" not in clean_scraped_text(ARTICLE + "\n\n" + "\n".join(dates)).body


def test_navigation_box_after_extracted_text_is_removed():
    box = ["MOST READ THIS WEEK", "Operator picks new ground stations", "Launch slips to autumn", "About Us", "|", "RSS"]
    clean = clean_scraped_text(ARTICLE + "\n\n" + "\n".join(box), extracted=True)
    assert clean.body == ARTICLE
    assert "[trailing] Launch slips to autumn" in clean.removed


def test_subheading_of_extracted_text_is_kept():
    text = PARTS[0][0] + "\n\nWhy the fleet is ageing\n\n" + "\n\n".join(PARTS[0][1:] + PARTS[1])
    clean = clean_scraped_text("Relay Satellite Enters Service\n\nWhat analysts expect\n\n" + text, extracted=True)
    assert clean.title == "Relay Satellite Enters Service"
    assert "What analysts expect" in clean.body and "Why the fleet is ageing" in clean.body


def _dated_page(head: str, body_extra: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for part in PARTS for p in part)
    return (f"<html><head><title>Relay Satellite Enters Service</title>{head}</head><body><article>"
            f"<h1>Relay Satellite Enters Service</h1>{paragraphs}</article>{body_extra}</body></html>")


def test_page_date_keeps_the_stated_time_and_zone():
    from spaceetl.ingest.html import page_published

    page = _dated_page("<meta property='article:published_time' content='2024-05-06T23:30:00-04:00'>")
    assert page_published(page) == "2024-05-06T23:30:00-04:00"


def test_copyright_year_is_not_a_publication_date():
    from spaceetl.ingest.html import page_published

    page = _dated_page("", "<footer><p>Copyright 2023 Orbital Wire. All rights reserved.</p></footer>")
    assert page_published(page) is None


def test_implausible_stated_date_is_ignored():
    from spaceetl.ingest.html import _plausible_day

    assert _plausible_day("2024-05-06T23:30:00-04:00") == "2024-05-06"
    assert _plausible_day("1399-02-21") is None  # another calendar
    assert _plausible_day("2999-01-01") is None  # a template placeholder


def test_title_without_the_site_name():
    from spaceetl.ingest.html import page_title

    assert page_title("Relay Satellite Enters Service - Orbital Wire", "Orbital Wire", "") == "Relay Satellite Enters Service"
    assert page_title("Orbital Wire | Relay Satellite Enters Service", "orbital wire", "") == "Relay Satellite Enters Service"
    h1 = "<html><body><h1>Relay Satellite Enters Service</h1></body></html>"
    assert page_title("Relay Satellite Enters Service | Satcom News Daily", None, h1) == "Relay Satellite Enters Service"
    # no site name and no matching heading: a dash inside the title is not a separator to cut at
    assert page_title("Ariane 6 - Second Flight Slips", None, "") == "Ariane 6 - Second Flight Slips"
    assert page_title("Relay Satellite Enters Service", "Orbital Wire", "") == "Relay Satellite Enters Service"

