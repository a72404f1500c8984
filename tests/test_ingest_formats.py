"""Format detection: a text file that merely starts like JSON is text; a text file holding JSON is JSON."""

from pathlib import Path

import pytest

from spaceetl.ingest.formats import detect_format
from spaceetl.ingest.models import FileEntry, RawArticle, Rejected
from spaceetl.ingest.readers import read_file

ARTICLE = ("[Updated 4 March 2025] Orbital Relay Systems said on Tuesday that its second data-relay satellite had "
           "reached its operational slot, two weeks later than planned, after a thruster anomaly slowed orbit raising. "
           "The company expects to begin commercial service in the second quarter, its operations chief said.")


@pytest.mark.parametrize("text,name,fmt", [
    (ARTICLE, "a.txt", "txt"),
    ("{Sponsored} " + ARTICLE, "a.txt", "txt"),
    (ARTICLE, "a.md", "md"),
    ('{"title": "x", "content": "y"}', "a.txt", "json"),  # a .txt that holds JSON is still JSON
    ('{"a": 1}\n{"a": 2\n', "a.txt", "jsonl"),  # JSON Lines with a broken line stay JSON Lines
    (ARTICLE, "a.json", "json"),  # the extension says JSON: it fails as JSON, precisely
])
def test_text_that_looks_like_json(text, name, fmt):
    assert detect_format(text, name) == fmt


def _read(tmp_path: Path, name: str, content: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    items, _ = read_file(FileEntry(name, path, path.stat().st_size, 0), max_bytes=10_000_000, min_body_chars=50)
    return items


def test_txt_article_opening_with_a_bracket_is_read_not_quarantined(tmp_path):
    items = _read(tmp_path, "update.txt", "Relay Satellite Reaches Its Slot\n\n" + ARTICLE)
    assert isinstance(items[0], RawArticle)
    assert items[0].body.startswith("[Updated 4 March 2025] Orbital Relay Systems")
    items = _read(tmp_path, "update2.txt", ARTICLE)
    assert isinstance(items[0], RawArticle), items[0]


def test_broken_json_with_a_json_extension_is_still_quarantined(tmp_path):
    items = _read(tmp_path, "cut.json", '{"title": "x", "content": "abc')
    assert isinstance(items[0], Rejected) and items[0].check == "malformed_json"


@pytest.mark.parametrize("url,publisher", [
    ("https://www.spacenews.com/x", "spacenews.com"),
    ("https://m.example.co.uk/a/b?c=1", "example.co.uk"),
    ("http://Breaking.Defense.com:8080/x", "breaking.defense.com"),
    ("not a url", None),
    ("https://10.0.0.1/x", None),
    (None, None),
])
def test_publisher_from_url(url, publisher):
    from spaceetl.ingest.fields import publisher_from_url

    assert publisher_from_url(url) == publisher


def test_record_without_publisher_gets_its_url_domain_but_a_stated_one_wins(tmp_path):
    import json

    record = {"title": "Relay satellite reaches slot", "url": "https://www.orbitalwire.example/relay", "content": ARTICLE}
    assert _read(tmp_path, "a.json", json.dumps(record))[0].publisher == "orbitalwire.example"
    record["source"] = {"name": "Orbital Wire"}
    assert _read(tmp_path, "b.json", json.dumps(record))[0].publisher == "Orbital Wire"


SPACENEWS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "spacenews" / "spacenews_sample.json"


@pytest.mark.skipif(not SPACENEWS.is_file(), reason="the shared SpaceNews corpus is not on this machine")
def test_every_spacenews_record_gets_a_publisher():
    items, _ = read_file(FileEntry("spacenews_sample.json", SPACENEWS, SPACENEWS.stat().st_size, 0),
                         max_bytes=100_000_000, min_body_chars=50)
    articles = [i for i in items if isinstance(i, RawArticle)]
    assert len(articles) >= 50
    assert all(a.publisher == "spacenews.com" for a in articles)


def test_page_opening_with_a_style_block_is_html():
    page = "<style>\n" + ".grid { opacity: 1; }\n" * 300 + "</style>\n<!DOCTYPE html><html><body><p>x</p></body></html>"
    assert detect_format(page, "saved.html") == "html"
    assert detect_format(page, "saved.txt") == "html"


@pytest.mark.parametrize("value,authors", [
    ("View all posts by Ana Reis", ["Ana Reis"]),
    ("Posted by Ana Reis and Rui Costa", ["Ana Reis", "Rui Costa"]),
    ("By Ana Reis", ["Ana Reis"]),
    ("No Author", None),
    (["Ana Reis", "admin"], ["Ana Reis"]),
])
def test_author_labels_are_not_names(value, authors):
    from spaceetl.ingest.fields import as_authors

    assert as_authors(value) == authors
