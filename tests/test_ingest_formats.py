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
