"""Scraped-text clean-up, decoding and format detection."""

import gzip

import pytest

from spaceetl.errors import InputError
from spaceetl.ingest.decode import decode_text, gunzip_if_needed
from spaceetl.ingest.formats import detect_format
from spaceetl.ingest.textclean import clean_scraped_text

SCRAPED = """Defence

Norway Orders Two Arctic Relay Satellites From Thales Alenia Space

Why Polar Orbits Are Suddenly Crowded

An artist's impression of a relay satellite over Svalbard. (Photo credit: Norwegian Space Agency)

by ODD ANDERSEN/AFP via Getty Images

OSLO — Norway's defence ministry on Tuesday ordered two relay satellites from Thales Alenia Space for about 2.1 billion kroner, officials said, extending military broadband coverage above 75 degrees north.

The satellites will ride to orbit in 2027 and carry a hosted payload for the Norwegian Armed Forces, according to a ministry statement released in Oslo.

“Coverage in the High North is no longer a luxury,” said Kari Holm, a state secretary at the ministry.Share this article

Real Time Analytics"""


def test_scraped_page_furniture_is_removed_and_kept_for_audit():
    clean = clean_scraped_text(SCRAPED)
    assert clean.title == "Norway Orders Two Arctic Relay Satellites From Thales Alenia Space"
    assert clean.dateline == "OSLO"
    assert clean.body.startswith("Norway's defence ministry on Tuesday")
    assert clean.body.endswith("a state secretary at the ministry.")
    assert len(clean.body.split("\n\n")) == 3  # every real paragraph, nothing else
    removed = "\n".join(clean.removed)
    for gone in ("[section] Defence", "[related_headline] Why Polar Orbits", "[caption] An artist's impression",
                 "[photo_credit] by ODD ANDERSEN/AFP", "[junk] Real Time Analytics", "[glued_junk] Share this article",
                 "[dateline] OSLO —"):
        assert gone in removed
    assert "Getty" not in clean.body and "Photo credit" not in clean.body


def test_byline_gives_authors_but_photo_credit_does_not():
    clean = clean_scraped_text("Title Of A Story Here\n\nBy Maria Conti and Luca Bassi\n\n" + "Word " * 40 + "end.")
    assert clean.authors == ["Maria Conti", "Luca Bassi"]
    clean = clean_scraped_text("Title Of A Story Here\n\nby JANE DOE/AFP via Getty Images\n\n" + "Word " * 40 + "end.")
    assert clean.authors == []


def test_caption_only_page_has_no_title():
    text = "Officials meet in Rome on Oct. 11. (Photo credit: US Embassy)\n\nROME — " + "The delegations met. " * 10
    clean = clean_scraped_text(text)
    assert clean.title is None
    assert clean.dateline == "ROME"


def test_decode_windows_1252_and_mixed():
    text, enc = decode_text("“Déjà vu” — €5 bn".encode("cp1252"), "f.txt")
    assert (text, enc) == ("“Déjà vu” — €5 bn", "cp1252")
    mixed = "first line ü\n".encode("utf-8") + "second line “€”".encode("cp1252")
    text, enc = decode_text(mixed, "m.txt")
    assert text == "first line ü\nsecond line “€”"
    assert enc == "mixed(utf-8+cp1252)"


@pytest.mark.parametrize("data,check", [(b"", "empty_file"), (b"  \n\t", "empty_file"),
                                         (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary_file")])
def test_decode_rejects_empty_and_binary(data, check):
    with pytest.raises(InputError) as err:
        decode_text(data, "bad.txt")
    assert err.value.check == check


def test_gzip_detected_by_magic_bytes_and_corrupt_gzip_rejected():
    data, gz = gunzip_if_needed(gzip.compress(b'{"a": 1}'), "x.json.gz")
    assert gz and data == b'{"a": 1}'
    with pytest.raises(InputError) as err:
        gunzip_if_needed(b"\x1f\x8b\x08\x00garbage", "x.gz")
    assert err.value.check == "corrupt_gzip"


@pytest.mark.parametrize("text,name,fmt", [
    ('{"title": "x"}', "a.txt", "json"),
    ('[{"title": "x"}]', "a.dat", "json"),
    ('{"a": 1}\n{"a": 2}\n', "a.json", "jsonl"),
    ("---\ntitle: x\n---\nbody", "a.txt", "md"),
    ("<!doctype html><html><body><p>x</p></body></html>", "a.txt", "html"),
    ("Plain words here.", "a.html", "txt"),
    ("Plain words here.", "a.md", "md"),
])
def test_format_detected_by_content(text, name, fmt):
    assert detect_format(text, name) == fmt
