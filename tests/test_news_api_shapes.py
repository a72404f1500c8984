"""Exports of the news APIs analysts use, in their documented record shapes (data/news_api_shapes.yaml), run
through the real pipeline into a real DuckDB file. A record whose only text is a summary loads as an article
flagged ``summary_only``, with its date, outlet and URL read from the API's own field names."""

import json

import duckdb
import pytest

from conftest import write
from spaceetl.pipeline import run

# Spaceflight News API v4 (/v4/articles/): {count, next, previous, results}; each result has id, title,
# authors [{name, socials}], url, image_url, news_site, summary, published_at, updated_at, featured, launches,
# events. Texts written for this test.
SNAPI_V4 = {
    "count": 3, "next": "https://api.spaceflightnewsapi.net/v4/articles/?limit=3&offset=3", "previous": None,
    "results": [
        {"id": 41001, "title": "Tern Aerospace stacks its second Kestrel booster for a June flight",
         "authors": [{"name": "Mara Lindqvist", "socials": {"x": "https://x.com/example"}}],
         "url": "https://orbitalledger.example/2026/05/tern-kestrel-second-flight",
         "image_url": "https://orbitalledger.example/img/kestrel.jpg", "news_site": "Orbital Ledger",
         "summary": "Tern Aerospace has stacked the second Kestrel booster at its coastal pad and plans a June launch "
                    "carrying four weather satellites for a Nordic operator.",
         "published_at": "2026-05-14T08:30:00Z", "updated_at": "2026-05-14T09:02:11Z", "featured": False,
         "launches": [], "events": []},
        {"id": 41002, "title": "Relay satellite for lunar south pole passes thermal vacuum tests",
         "authors": [], "url": "https://lunarwire.example/news/relay-thermal-vacuum",
         "image_url": "https://lunarwire.example/img/relay.jpg", "news_site": "Lunar Wire",
         "summary": "The communications relay that will serve landers near the lunar south pole finished two weeks "
                    "of thermal vacuum testing, its builder said on Tuesday.",
         "published_at": "2026-05-12T15:00:00+02:00", "updated_at": "2026-05-12T15:10:00Z", "featured": True,
         "launches": [{"launch_id": "5f1c0d2e-0000-4000-8000-000000000001", "provider": "Launch Library 2"}],
         "events": []},
        {"id": 41003, "title": "Station crew swaps a failed pump on the cooling loop",
         "authors": [{"name": "Idris Okafor", "socials": None}],
         "url": "https://stationnotes.example/2026/05/11/pump-swap", "image_url": None,
         "news_site": "Station Notes",
         "summary": "Two astronauts spent six hours outside the station replacing a pump module on the external "
                    "ammonia cooling loop after it failed last month.",
         "published_at": "2026-05-11T21:45:00Z", "updated_at": "2026-05-11T22:00:00Z", "featured": False,
         "launches": [], "events": [{"event_id": 812, "provider": "Launch Library 2"}]},
    ],
}

# v3 exports (still common in saved datasets) spell the fields in camelCase.
SNAPI_V3 = [
    {"id": 30007, "title": "Ground station network adds an Arctic site", "url": "https://polarsignal.example/arctic-site",
     "imageUrl": "https://polarsignal.example/a.jpg", "newsSite": "Polar Signal",
     "summary": "A commercial ground station network opened an antenna site above the Arctic Circle that can reach "
                "polar orbiting satellites on every pass.",
     "publishedAt": "2025-11-03T07:00:00.000Z", "updatedAt": "2025-11-03T07:05:00.000Z", "featured": False,
     "launches": [], "events": []},
]

# NewsAPI.org /v2/everything: {status, totalResults, articles}; content is the first ~200 characters and a
# "[+N chars]" marker.
NEWSAPI = {
    "status": "ok", "totalResults": 2,
    "articles": [
        {"source": {"id": None, "name": "Harbour Defence Review"}, "author": "Staff Sgt. Jane Roe",
         "title": "Navy tests a laser communications terminal between two destroyers",
         "description": "The terminal kept a link at gigabit rates for forty minutes in heavy seas.",
         "url": "https://harbourdefence.example/2026/03/laser-terminal-test",
         "urlToImage": "https://harbourdefence.example/laser.jpg", "publishedAt": "2026-03-02T11:20:00Z",
         "content": "NORFOLK — The Navy tested a laser communications terminal between two destroyers off the "
                    "Virginia coast last week, keeping a link at gigabit rates for forty minutes in heavy seas, "
                    "officials said… [+2841 chars]"},
        {"source": {"id": None, "name": "Sky Ledger"}, "author": None,
         "title": "Launch broker signs rideshare deal for twelve cubesats",
         "description": "The broker will fly the cubesats on two rideshare missions next year.",
         "url": "https://skyledger.example/rideshare-cubesats", "urlToImage": None,
         "publishedAt": "2026-03-01T06:00:00Z", "content": None},
    ],
}

# Event Registry (NewsAPI.ai) getArticles: {articles: {results, totalResults, page, count, pages}}.
EVENT_REGISTRY = {
    "articles": {
        "results": [
            {"uri": "8012345678", "lang": "eng", "isDuplicate": False, "date": "2026-02-10", "time": "09:15:00",
             "dateTime": "2026-02-10T09:15:00Z", "dateTimePub": "2026-02-10T08:55:00Z", "dataType": "news",
             "sim": 0, "url": "https://capitalspace.example/2026/02/10/budget-request-sda",
             "title": "Budget request adds money for tracking satellites",
             "body": "WASHINGTON — The defence budget request sent to Congress on Monday adds money for a second "
                     "batch of missile tracking satellites and for the ground stations that will control them.\n\n"
                     "Officials said the extra funding would let the agency buy the satellites a year earlier than "
                     "planned and keep two competing builders on contract.",
             "source": {"uri": "capitalspace.example", "dataType": "news", "title": "Capital Space Report"},
             "authors": [{"uri": "ana_ruiz@capitalspace.example", "name": "Ana Ruiz", "type": "author",
                          "isAgency": False}],
             "image": None, "eventUri": None, "sentiment": 0.1, "wgt": 1, "relevance": 1},
        ],
        "totalResults": 1, "page": 1, "count": 100, "pages": 1,
    },
}

# GDELT DOC 2.0 API, mode=ArtList, format=json: no text but the headline.
GDELT = {"articles": [
    {"url": "https://northernherald.example/2026/01/radar-satellite-contract",
     "url_mobile": "", "title": "Northern agency signs contract for two radar satellites to watch sea ice",
     "seendate": "20260119T064500Z", "socialimage": "", "domain": "northernherald.example",
     "language": "English", "sourcecountry": "Norway"},
]}

# An RSS 2.0 feed converted to JSON: items with description only, and one with content:encoded.
RSS = {"rss": {"channel": {"title": "Orbit Weekly", "item": [
    {"title": "Small launcher completes its first static fire",
     "link": "https://orbitweekly.example/2025/12/static-fire",
     "description": "The two-stage launcher fired its first-stage engines for thirty seconds on a test stand in "
                    "Scotland, the company said.",
     "pubDate": "Tue, 09 Dec 2025 14:00:00 GMT", "dc:creator": "Fiona Baird", "category": "Launch",
     "guid": "https://orbitweekly.example/?p=5512"},
    {"title": "Operator orders three geostationary satellites",
     "link": "https://orbitweekly.example/2025/12/geo-order",
     "description": "A regional operator placed an order for three satellites.",
     "content:encoded": "<p>A regional satellite operator ordered three geostationary communications satellites "
                        "from a European manufacturer on Monday, for launch in 2028.</p><p>The operator said the "
                        "satellites would replace two ageing spacecraft and add capacity over Africa.</p>",
     "pubDate": "Mon, 08 Dec 2025 10:30:00 GMT", "dc:creator": "Tomas Ek", "category": "Business"},
]}}}

# An Atom feed converted to JSON (feedparser-style): link as a list of {"@href", "@rel"}.
ATOM = {"feed": {"title": "Agency news", "entry": [
    {"id": "tag:agency.example,2025:news-77", "title": "Agency selects landing sites for cargo lander",
     "link": [{"@href": "https://agency.example/news/77", "@rel": "alternate"},
              {"@href": "https://agency.example/news/77.json", "@rel": "related"}],
     "updated": "2025-10-02T12:00:00Z", "published": "2025-10-01T16:00:00Z", "author": {"name": "Press Office"},
     "summary": "The agency picked three candidate landing sites near the lunar south pole for its first "
                "robotic cargo lander, ranked by sunlight and slope."},
]}}


def rows(settings, sql):
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        cur = conn.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def api_run(tmp_path_factory):
    from spaceetl.config import load_settings

    base = tmp_path_factory.mktemp("apis")
    raw = base / "raw"
    write(raw / "snapi_v4.json", json.dumps(SNAPI_V4))
    write(raw / "snapi_v3.jsonl", "\n".join(json.dumps(r) for r in SNAPI_V3) + "\n")
    write(raw / "newsapi.json", json.dumps(NEWSAPI))
    write(raw / "event_registry.json", json.dumps(EVENT_REGISTRY))
    write(raw / "gdelt.json", json.dumps(GDELT))
    write(raw / "rss.json", json.dumps(RSS))
    write(raw / "atom.json", json.dumps(ATOM))
    settings = load_settings(raw_dir=raw, warehouse=base / "wh" / "t.duckdb", busy_retry_s=5.0, lock_timeout_s=5.0)
    summary = run(settings).summary
    loaded = rows(settings, """
        SELECT s.source_path, s.record, a.* FROM sources s JOIN articles a USING (article_id)
        WHERE s.status = 'loaded' ORDER BY s.source_path, s.record""")
    return settings, summary, {(r["source_path"], r["record"]): r for r in loaded}


def test_spaceflight_news_export_loads_every_record_with_date_outlet_and_url(api_run):
    settings, _, by_key = api_run
    got = [by_key[("snapi_v4.json", i)] for i in (1, 2, 3)]
    assert [r["publisher"] for r in got] == ["Orbital Ledger", "Lunar Wire", "Station Notes"]
    assert [r["url"] for r in got] == [rec["url"] for rec in SNAPI_V4["results"]]
    assert [r["published_at"].isoformat() for r in got] == [
        "2026-05-14T08:30:00+00:00", "2026-05-12T13:00:00+00:00", "2026-05-11T21:45:00+00:00"]
    assert all(r["summary_only"] for r in got)
    assert got[0]["body"] == SNAPI_V4["results"][0]["summary"] and got[0]["title"].startswith("Tern Aerospace")
    assert got[0]["authors"] == ["Mara Lindqvist"] and got[2]["authors"] == ["Idris Okafor"]
    v3 = by_key[("snapi_v3.jsonl", 1)]
    assert (v3["publisher"], v3["published_at"].date().isoformat(), v3["summary_only"]) == (
        "Polar Signal", "2025-11-03", True)
    # nothing quarantined: every record of every export loaded
    assert rows(settings, "SELECT count(*) AS n FROM quarantine") == [{"n": 0}]


def test_newsapi_truncated_content_is_stripped_and_flagged(api_run):
    _, _, by_key = api_run
    cut, description_only = by_key[("newsapi.json", 1)], by_key[("newsapi.json", 2)]
    assert "[+" not in cut["body"] and cut["body"].endswith("officials said")
    assert cut["summary_only"] and "[api_truncation_marker]" in cut["removed_text"]
    assert (cut["publisher"], cut["authors"], cut["author_ranks"]) == ("Harbour Defence Review", ["Jane Roe"],
                                                                       ["Staff Sgt."])
    assert description_only["body"] == NEWSAPI["articles"][1]["description"] and description_only["summary_only"]
    assert description_only["publisher"] == "Sky Ledger" and description_only["url"].endswith("rideshare-cubesats")


def test_event_registry_nested_results_with_precise_publication_time(api_run):
    _, _, by_key = api_run
    r = by_key[("event_registry.json", 1)]
    assert not r["summary_only"] and r["body"].startswith("The defence budget request")
    assert r["published_at"].isoformat() == "2026-02-10T08:55:00+00:00"  # dateTimePub, not the day-only date
    assert (r["publisher"], r["authors"], r["dateline"]) == ("Capital Space Report", ["Ana Ruiz"], "WASHINGTON")


def test_gdelt_doc_headline_loads_as_a_summary_only_article(api_run):
    _, _, by_key = api_run
    r = by_key[("gdelt.json", 1)]
    assert r["summary_only"] and r["body"] == GDELT["articles"][0]["title"]
    assert (r["publisher"], r["published_at"].isoformat()) == ("northernherald.example", "2026-01-19T06:45:00+00:00")
    assert r["url"] == GDELT["articles"][0]["url"]


def test_rss_and_atom_items_converted_to_json(api_run):
    _, _, by_key = api_run
    short, full = by_key[("rss.json", 1)], by_key[("rss.json", 2)]
    assert short["summary_only"] and short["authors"] == ["Fiona Baird"] and short["section"] == "Launch"
    assert short["published_at"].isoformat() == "2025-12-09T14:00:00+00:00"
    assert short["url"] == "https://orbitweekly.example/2025/12/static-fire"
    assert not full["summary_only"] and "replace two ageing spacecraft" in full["body"] and "<p>" not in full["body"]
    assert full["section"] == "Business" and full["publisher"] == "orbitweekly.example"
    atom = by_key[("atom.json", 1)]
    assert atom["summary_only"] and atom["url"] == "https://agency.example/news/77"
    assert atom["published_at"].isoformat() == "2025-10-01T16:00:00+00:00"  # published, not updated


def test_record_without_any_text_is_still_quarantined(tmp_path, settings_for):
    raw = tmp_path / "raw"
    write(raw / "bare.json", json.dumps({"results": [{"title": "A headline only", "news_site": "Nowhere",
                                                      "summary": "", "url": "https://nowhere.example/a",
                                                      "published_at": "2026-01-01T00:00:00Z"}]}))
    settings = settings_for(raw)
    run(settings)
    assert rows(settings, "SELECT check_name FROM quarantine") == [{"check_name": "missing_body"}]
