"""Readers for every format, and bad input: each bad file or record gives a Rejected with a precise reason
while the good records next to it are kept."""

import gzip
import json
import os
from pathlib import Path

import pytest

from conftest import write
from spaceetl.ingest.discover import walk
from spaceetl.ingest.models import FileEntry, RawArticle, Rejected
from spaceetl.ingest.readers import read_file

BODY = ("The European Space Agency signed a contract with Avio for three Vega-C launches, officials said on "
        "Tuesday. The agreement covers missions in 2026 and 2027 and includes an option for a fourth flight.")


def read(path: Path, max_bytes: int = 10_000_000):
    st = path.stat()
    return read_file(FileEntry(path.name, path, st.st_size, st.st_mtime_ns), max_bytes=max_bytes, min_body_chars=80)[0]


def test_json_list_maps_common_field_names(tmp_path):
    records = [
        {"title": "A", "url": "https://x.example/a", "source": {"name": "Wire"}, "author": "Ann Lee, Bo Chan",
         "publishedAt": "2025-03-01T10:00:00+02:00", "content": BODY + " [+1200 chars]"},
        {"headline": "B", "link": "https://x.example/b", "publisher": "Desk", "authors": ["Cy Dee"],
         "date": "2025-03-02", "body": BODY + " Second."},
    ]
    items = read(write(tmp_path / "export.json", json.dumps(records)))
    a, b = items
    assert isinstance(a, RawArticle) and a.record == 1 and b.record == 2
    assert (a.title, a.publisher, a.authors, a.url) == ("A", "Wire", ["Ann Lee", "Bo Chan"], "https://x.example/a")
    assert a.published_at.isoformat() == "2025-03-01T08:00:00+00:00"  # normalised to UTC
    assert "[+1200 chars]" not in a.body and "[api_truncation_marker]" in a.removed_text
    assert (b.title, b.publisher, b.authors) == ("B", "Desk", ["Cy Dee"])


def test_jsonl_bad_line_is_rejected_and_good_lines_kept(tmp_path):
    lines = [json.dumps({"title": "one", "text": BODY}), '{"title": "two", "text": "cut', "",
             json.dumps(["not", "an", "object"]), json.dumps({"title": "three", "text": BODY + " More."})]
    items = read(write(tmp_path / "feed.jsonl", "\n".join(lines)))
    kinds = [(type(i).__name__, i.record) for i in items]
    assert kinds == [("RawArticle", 1), ("Rejected", 2), ("Rejected", 4), ("RawArticle", 5)]
    assert items[1].check == "malformed_json" and "line 2" in items[1].reason
    assert items[2].check == "wrong_json_shape"


def test_markdown_front_matter_and_gzip(tmp_path):
    md = f"---\ntitle: Front matter title\nauthor: Dee Ray\ndate: 2025-06-14\nsource: Monitor\n---\n\n{BODY}\n"
    item, = read(write(tmp_path / "a.md.gz", gzip.compress(md.encode())))
    assert item.format == "md.gz"
    assert (item.title, item.authors, item.publisher) == ("Front matter title", ["Dee Ray"], "Monitor")
    assert item.published_at.date().isoformat() == "2025-06-14"


def test_html_main_text_and_metadata(tmp_path):
    html = f"""<!doctype html><html><head><title>Page title | Site</title>
    <meta property="og:title" content="Avio wins Vega-C launches"><meta property="og:site_name" content="Launch Desk">
    <meta property="article:published_time" content="2025-04-08T14:30:00+02:00"><meta name="author" content="Chiara Lombardi">
    <script>var tracking = "do not index me";</script></head><body>
    <nav><a href="/">Home</a> <a href="/launch">Launch</a></nav><div class="cookie-banner">We use cookies. Accept all?</div>
    <article><h1>Avio wins Vega-C launches</h1><p>{BODY}</p><p>Avio said production of the P120C motors is on track.</p></article>
    <aside><h3>Related</h3><a href="/x">Another story entirely</a></aside><footer>© 2025 Launch Desk</footer></body></html>"""
    item, = read(write(tmp_path / "page.html", html))
    assert item.title == "Avio wins Vega-C launches"
    assert item.publisher == "Launch Desk" and item.authors == ["Chiara Lombardi"]
    assert item.published_at.isoformat() == "2025-04-08T12:30:00+00:00"
    assert "Vega-C launches" in item.body and "P120C" in item.body
    for junk in ("cookies", "tracking", "Another story", "Home"):
        assert junk not in item.body


@pytest.mark.parametrize("name,content,check", [
    ("empty.txt", b"", "empty_file"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary_file"),
    ("cut.json", b'{"title": "x", "content": "abc', "malformed_json"),
    ("numbers.json", b"[1, 2, 3]", "wrong_json_shape"),
    ("scalar.json", b'"just a string"', "wrong_json_shape"),
    ("nobody.json", b'{"title": "x", "url": "https://y.example"}', "missing_body"),
    ("wall.html", b"<html><body><nav>Home</nav><div><h2>For subscribers</h2><p>Subscribe or sign in to continue reading."
                  b"</p></div></body></html>", "no_article_text"),
    ("short.txt", b"Too short to be an article.", "no_article_text"),
])
def test_bad_files_are_rejected_with_a_precise_reason(tmp_path, name, content, check):
    items = read(write(tmp_path / name, content))
    assert len(items) == 1 and isinstance(items[0], Rejected)
    assert items[0].check == check and items[0].reason


def test_size_limit_unreadable_and_broken_links(tmp_path):
    big = write(tmp_path / "raw" / "big.txt", "x " * 5000)
    item, = read(big, max_bytes=1000)
    assert item.check == "file_too_large" and "1,000-byte limit" in item.reason
    os.symlink(tmp_path / "missing.txt", tmp_path / "raw" / "dangling.txt")
    locked = write(tmp_path / "raw" / "locked.txt", BODY)
    locked.chmod(0)
    found = {getattr(e, "rel_path", getattr(e, "source_path", None)): e for e in walk(tmp_path / "raw")}
    assert isinstance(found["dangling.txt"], Rejected) and found["dangling.txt"].check == "broken_link"
    if os.geteuid() != 0:  # root can read anything
        item, = read(locked)
        assert item.check == "unreadable_file"


def test_hidden_files_skipped_by_default(tmp_path):
    write(tmp_path / ".DS_Store", b"\x00\x01")
    write(tmp_path / ".git" / "config", "x")
    write(tmp_path / "a.txt", BODY)
    assert [e.rel_path for e in walk(tmp_path)] == ["a.txt"]
