"""Publication dates written as lines of text: recognised near the top, parsed with their zone, kept out of the
title and the body, and never preferred over a date the file states as metadata."""

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from spaceetl.ingest.datelines import zone_table
from spaceetl.ingest.models import FileEntry, RawArticle
from spaceetl.ingest.readers import read_file
from spaceetl.ingest.textclean import clean_scraped_text

TITLE = "Lisbon Start-Up Wins Contract For Maritime Radar Satellites"
BODY = ("A Portuguese start-up has won a contract from the national space agency to build two small radar "
        "satellites for maritime surveillance, its chief executive said on Monday.\n\n"
        "The first spacecraft is due to launch in 2027 on a European rideshare mission, the company added.")


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("line,expected", [
    ("March 3, 2025", utc(2025, 3, 3)),
    ("Feb 12, 2024", utc(2024, 2, 12)),
    ("Tuesday, March 4, 2025", utc(2025, 3, 4)),
    ("Published: 21 Aug 2025 09:40 AEST", utc(2025, 8, 20, 23, 40)),  # AEST is UTC+10
    ("Updated 3:42 p.m. ET, Tue March 4, 2025", utc(2025, 3, 4, 20, 42)),  # ET on 4 March is EST, UTC-5
    ("Updated 3:42 p.m. ET, Fri July 4, 2025", utc(2025, 7, 4, 19, 42)),  # ... and EDT, UTC-4, in July
    ("Posted on 5 May 2025 at 10:15 am CEST", utc(2025, 5, 5, 8, 15)),
    ("2025-03-04T09:40:00Z", utc(2025, 3, 4, 9, 40)),
    ("25/03/2025", utc(2025, 3, 25)),  # unambiguous: day first
])
def test_date_line_layouts_are_parsed_with_their_zone_and_kept_out_of_title_and_body(line, expected):
    clean = clean_scraped_text(f"{TITLE}\n\n{line}\n\n{BODY}")
    assert clean.published_at == expected
    assert clean.published_text == line
    assert clean.title == TITLE
    assert line not in clean.body
    assert f"[date] {line}" in clean.removed


def test_date_line_above_the_title_is_not_a_section_label_or_the_title():
    clean = clean_scraped_text(f"Published: 21 Aug 2025 09:40 AEST\n\n{TITLE}\n\n{BODY}")
    assert clean.title == TITLE
    assert clean.published_at == utc(2025, 8, 20, 23, 40)


def test_byline_with_date_gives_authors_and_date():
    clean = clean_scraped_text(f"{TITLE}\n\nBy Jane Doe | March 3, 2025\n\n{BODY}")
    assert clean.authors == ["Jane Doe"]
    assert clean.published_at == utc(2025, 3, 3)
    assert clean.published_text == "March 3, 2025"
    assert "Jane Doe" not in clean.body and "[byline] By Jane Doe | March 3, 2025" in clean.removed
    clean = clean_scraped_text(f"{TITLE}\n\nBy Ana Reis and Rui Costa, 14 April 2025\n\n{BODY}")
    assert clean.authors == ["Ana Reis", "Rui Costa"]
    assert clean.published_at == utc(2025, 4, 14)
    clean = clean_scraped_text(f"{TITLE}\n\nPosted by Ana Reis on May 2, 2025 at 9:05 am PT\n\n{BODY}")
    assert clean.authors == ["Ana Reis"]
    assert clean.published_at == utc(2025, 5, 2, 16, 5)


def test_published_beats_updated_on_one_meta_line():
    clean = clean_scraped_text(f"{TITLE}\n\nUpdated 6 March 2025 | Published 3 March 2025 | 4 min read\n\n{BODY}")
    assert clean.published_at == utc(2025, 3, 3)
    assert clean.published_text == "Published 3 March 2025"


def test_ambiguous_numeric_date_uses_the_default_and_records_the_ambiguity():
    clean = clean_scraped_text(f"{TITLE}\n\n12/03/2025\n\n{BODY}")
    assert clean.published_at == utc(2025, 12, 3)  # month first by default (documented in datelines.py)
    assert any(r.startswith("[date_note] ambiguous day/month in '12/03/2025'") for r in clean.removed)


def test_ambiguous_numeric_date_follows_the_files_other_dates():
    text = f"{TITLE}\n\n12/03/2025\n\n{BODY}\n\nThe tender closed on 28/02/2025 after two extensions, officials said."
    clean = clean_scraped_text(text)
    assert clean.published_at == utc(2025, 3, 12)
    assert any("read as day/month from the file's other numeric dates" in r for r in clean.removed)


@pytest.mark.parametrize("first,place,expected", [
    ("NORFOLK, Va. (June 21, 2020) — ", "NORFOLK, Va.", utc(2020, 6, 21)),
    ("CORAL SEA (July 13, 2022) ", "CORAL SEA", utc(2022, 7, 13)),
    ("DENVER, Colo., October 21, 2025 – ", "DENVER, Colo.", utc(2025, 10, 21)),
    ("HUNTSVILLE, Ala. – January 27, 2026 – ", "HUNTSVILLE, Ala.", utc(2026, 1, 27)),
])
def test_press_release_dateline_date(first, place, expected):
    clean = clean_scraped_text(f"{TITLE}\n\n{first}{BODY}")
    assert clean.dateline == place
    assert clean.published_at == expected
    assert clean.body.startswith("A Portuguese start-up")


def test_first_line_date_of_a_press_release():
    clean = clean_scraped_text(f"June 2, 2025\n\n{TITLE}\n\n{BODY}")
    assert clean.published_at == utc(2025, 6, 2)
    assert clean.title == TITLE


@pytest.mark.parametrize("line", [
    "The launch is now set for March 3, 2025",  # a sentence, not a date line
    "March 3, 2025 Launch Window Review",  # a headline that starts with a date
    "Published: 21 Aug 2025 09:40 QQT",  # an unknown zone: not guessed
])
def test_lines_that_are_not_date_lines(line):
    clean = clean_scraped_text(f"{TITLE}\n\n{line}\n\n{BODY}")
    assert clean.published_at is None


def test_date_line_deep_in_the_body_is_left_alone():
    body = "\n\n".join([BODY] * 3)
    clean = clean_scraped_text(f"{TITLE}\n\n{body}\n\nMarch 3, 2025\n\n{BODY}")
    assert clean.published_at is None
    assert "March 3, 2025" in clean.body


def test_zone_table_is_data():
    zones = zone_table()
    assert {"UTC", "ET", "AEST", "CEST", "IST"} <= set(zones)


def _read(tmp_path: Path, name: str, content: str) -> RawArticle:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    items, _ = read_file(FileEntry(name, path, path.stat().st_size, 0), max_bytes=10_000_000, min_body_chars=50)
    assert isinstance(items[0], RawArticle), items[0]
    return items[0]


def test_txt_reader_sets_published_from_a_date_line(tmp_path):
    art = _read(tmp_path, "a.txt", f"{TITLE}\n\nPublished: 21 Aug 2025 09:40 AEST\n\n{BODY}")
    assert art.published_at == utc(2025, 8, 20, 23, 40)
    assert art.published_text == "Published: 21 Aug 2025 09:40 AEST"
    assert art.title == TITLE


def test_explicit_metadata_wins_over_a_date_line(tmp_path):
    record = {"title": TITLE, "published_at": "2025-01-09T08:00:00Z", "content": f"March 3, 2025\n\n{BODY}"}
    art = _read(tmp_path, "a.json", json.dumps(record))
    assert art.published_at == utc(2025, 1, 9, 8)
    assert "March 3, 2025" not in art.body
    md = f"---\ntitle: {TITLE}\ndate: 2025-01-09\n---\n\nMarch 3, 2025\n\n{BODY}"
    assert _read(tmp_path, "a.md", md).published_at == utc(2025, 1, 9)
    html = (f"<html><head><title>{TITLE}</title><meta property='article:published_time' "
            f"content='2025-01-09T08:00:00+00:00'></head><body><article><h1>{TITLE}</h1><p>March 3, 2025</p>"
            + "".join(f"<p>{p}</p>" for p in BODY.split("\n\n")) + "</article></body></html>")
    assert _read(tmp_path, "a.html", html).published_at == utc(2025, 1, 9, 8)
    # ... and without stated metadata, the date line is used
    record.pop("published_at")
    assert _read(tmp_path, "b.json", json.dumps(record)).published_at == utc(2025, 3, 3)


@pytest.mark.parametrize("value,expected", [
    ("21 Aug 2025 09:40 AEST", utc(2025, 8, 20, 23, 40)),
    ("Mar 4, 2025 10:00 EST", utc(2025, 3, 4, 15)),
    ("2025-03-04T10:00:00+02:00", utc(2025, 3, 4, 8)),
    ("Mar 4 2025 10:00 -0500", utc(2025, 3, 4, 15)),
])
def test_field_dates_with_zone_abbreviations_and_offsets(value, expected):
    from spaceetl.ingest.fields import parse_published

    assert parse_published(value) == (expected, value)
