"""Bounded cost for any input: a file of millions of tiny records, a body with no line breaks or with a pattern
built to make a regular expression backtrack, odd file names and folders. Each case is small enough to run in a
second or two and fails on the unbounded code (quadratic time or one row per record)."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import write
from spaceetl.ingest.jsonstream import iter_json_records
from spaceetl.ingest.models import FileEntry, RawArticle, Rejected
from spaceetl.ingest.readers import read_file

BODY = ("The European Space Agency signed a contract with Avio for three Vega-C launches, officials said on "
        "Tuesday. The agreement covers missions in 2026 and 2027 and includes an option for a fourth flight.")


def read(path: Path, **limits):
    st = path.stat()
    return read_file(FileEntry(path.name, path, st.st_size, st.st_mtime_ns), max_bytes=50_000_000, min_body_chars=80,
                     **limits)[0]


# --- 1. many tiny records --------------------------------------------------------------------------------------

def test_list_of_empty_records_gives_capped_rows_and_one_summary(tmp_path):
    path = write(tmp_path / "tiny.json", "[" + ",".join(["{}"] * 5000) + "]")
    items = read(path, max_records=2000, max_rejected=10)
    assert len(items) == 11 and all(isinstance(i, Rejected) for i in items)
    assert [i.check for i in items[:10]] == ["empty_record"] * 10
    summary = items[-1]
    assert summary.check == "records_over_limit" and summary.record == 11
    assert summary.reason.startswith("4,990 records rejected: 3,000 not read (over the per-file record limit), "
                                     "1,990 empty record")


def test_one_reason_summary_reads_like_a_sentence(tmp_path):
    path = write(tmp_path / "tiny.jsonl", "{}\n" * 300)
    items = read(path, max_rejected=5)
    assert len(items) == 6
    assert items[-1].reason.startswith("295 records rejected: empty record (")


def test_good_records_beside_many_bad_ones_are_all_kept(tmp_path):
    records = [{"title": f"T{i}", "body": f"{BODY} Number {i}."} if i % 100 == 0 else {} for i in range(2000)]
    items = read(write(tmp_path / "mixed.json", json.dumps({"articles": records})), max_rejected=3)
    good = [i for i in items if isinstance(i, RawArticle)]
    assert [a.record for a in good] == list(range(1, 2001, 100))
    assert sum(isinstance(i, Rejected) for i in items) == 4  # 3 rows + the summary


def test_record_limit_counts_the_rest_unread(tmp_path):
    records = [{"title": f"T{i}", "body": f"{BODY} Number {i}."} for i in range(50)]
    items = read(write(tmp_path / "many.jsonl", "\n".join(json.dumps(r) for r in records) + "\n\n"), max_records=20)
    assert sum(isinstance(i, RawArticle) for i in items) == 20
    assert items[-1].reason.startswith("30 records rejected: not read (over the per-file record limit)")


def test_streamed_reader_keeps_json_semantics(tmp_path):
    """The wrapper key that wins, the single-object case and malformed text read as json.loads reads them."""
    text = json.dumps({"meta": {"n": 2}, "data": [{"a": 1}], "articles": [{"b": 2}, [3]]})
    assert list(iter_json_records(text, "x")) == [(1, {"b": 2}), (2, [3])]
    assert list(iter_json_records(' {"title": "x", "data": {"k": []}} ', "x")) == [
        (0, {"title": "x", "data": {"k": []}})]
    for bad, where in (("[{}, {}", "line 1 column 8"), ('[{}] {}', "Extra data"), ("[{},]", "Expecting value")):
        items = read(write(tmp_path / "bad.json", bad))
        assert items[0].check == "malformed_json" and where in items[0].reason, (bad, items[0].reason)


@pytest.mark.parametrize("suffix", ["json", "jsonl"])
def test_memory_stays_flat_for_a_million_records(tmp_path, suffix):
    """Peak memory of reading 1.5 million `{}` stays near the file's own size, in a fresh process (json.loads of
    the list alone builds 1.5 million dicts, several hundred MB)."""
    n = 1_500_000
    text = "[" + ",".join(["{}"] * n) + "]" if suffix == "json" else "{}\n" * n
    path = write(tmp_path / f"tiny.{suffix}", text)
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from spaceetl.ingest.models import FileEntry\n"
        "from spaceetl.ingest.readers import read_file\n"
        "p = Path(sys.argv[1])\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "items, _ = read_file(FileEntry(p.name, p, p.stat().st_size, 0), max_bytes=50_000_000, min_body_chars=80)\n"
        "print(len(items), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows, grown_kb = map(int, out.stdout.split())
    assert rows == 1001
    assert grown_kb < 60_000, f"reading grew the process by {grown_kb / 1024:.0f} MB"


# --- 2. cost linear in the length of the text -------------------------------------------------------------------

def _seconds(fn, text):
    t0 = time.perf_counter()
    fn(text)
    return time.perf_counter() - t0


@pytest.mark.parametrize("unit", ["(photo ", "(Photo", "x", ". ", "WASHINGTON ", "By ", "[A] ", "1/", "a\n"])
def test_cleaning_grows_linearly_with_the_body(unit):
    """Doubling a pathological body at most ~doubles the time (it was quadratic for '(photo': 40 s for 250 KB)."""
    from spaceetl.ingest.textclean import clean_scraped_text

    small, big = (unit * (n // len(unit)) for n in (40_000, 160_000))
    t_small = min(_seconds(clean_scraped_text, small) for _ in range(3))
    t_big = min(_seconds(clean_scraped_text, big) for _ in range(3))
    assert t_big < 10 * t_small + 0.1, (unit, t_small, t_big)  # 4x the text: ~4x linear, 16x quadratic


def test_outlet_tags_and_script_text_are_removed_and_recorded():
    from spaceetl.ingest.textclean import clean_scraped_text

    text = ("[SpaceNews] WASHINGTON — " + BODY + "\n\n"
            "window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);}\n\n"
            "“We told [NASA] that the schedule holds,” the official said of the agreement and its terms. [Reuters]\n\n"
            + BODY)
    clean = clean_scraped_text(text)
    assert "[SpaceNews]" not in clean.body and "[Reuters]" not in clean.body and "dataLayer" not in clean.body
    assert "told [NASA] that" in clean.body  # an editor's insertion inside a sentence stays
    assert clean.dateline == "WASHINGTON"
    assert "[outlet_tag] [SpaceNews]" in clean.removed and "[outlet_tag] [Reuters]" in clean.removed
    assert any(r.startswith("[script] window.dataLayer") for r in clean.removed)


def test_caption_still_found_at_the_end_of_a_block():
    from spaceetl.ingest.textclean import _is_caption

    assert _is_caption("The rocket on the pad at dawn (Photo credit: ESA/Stephane Corvaja)")
    assert _is_caption("Photo: the launch pad")
    assert not _is_caption("The rocket (photo above) lifted off (at dawn)")


# --- 3-5. identity, the warehouse's own files, links ---------------------------------------------------------------

def _walk(raw, **kw):
    from spaceetl.ingest.discover import walk

    return list(walk(raw, **kw))


def test_raw_byte_name_and_escaped_looking_name_are_two_sources(tmp_path):
    import os

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "plain.txt").write_text("Title\n\n" + BODY)
    with open(os.path.join(os.fsencode(raw), b"h_bad\xff.txt"), "w") as f:
        f.write("First\n\n" + BODY + " The first file.")
    (raw / "h_bad\\xff.txt").write_text("Second\n\n" + BODY + " The second file.")
    entries = _walk(raw)
    paths = sorted(e.rel_path for e in entries)
    assert len(set(paths)) == 3, paths
    assert "plain.txt" in paths  # an ordinary name is itself
    bodies = {e.rel_path: read_file(e, max_bytes=10_000, min_body_chars=80)[0][0].body for e in entries}
    assert len(set(bodies.values())) == 3  # each name opened its own file


def test_warehouse_reports_and_spill_inside_raw_are_not_read(tmp_path, caplog):
    from spaceetl.ingest.discover import own_output_paths

    raw = tmp_path / "raw"
    for folder in ("reports", "spill", "news"):
        (raw / folder).mkdir(parents=True)
    (raw / "news" / "a.txt").write_text("Title\n\n" + BODY)
    (raw / "reports" / "run.html").write_text("<html><body><p>" + BODY + "</p></body></html>")
    (raw / "spill" / "b.txt").write_text("Title\n\n" + BODY)
    (raw / "w.duckdb").write_bytes(b"DUCK" * 10)
    (raw / "w.duckdb.wal").write_bytes(b"WAL" * 10)
    entries = _walk(raw, exclude=(), own_paths=own_output_paths(raw / "w.duckdb"))
    assert [e.rel_path for e in entries] == ["news/a.txt"]
    assert sum("warehouse's own output" in r.message for r in caplog.records) == 4
    assert len(_walk(raw, exclude=())) == 5  # without the warehouse's paths everything is listed


def test_links_into_system_folders_are_never_read_even_when_following_links(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "env.txt").symlink_to("/proc/self/environ")
    (raw / "null.txt").symlink_to("/dev/null")
    items = _walk(raw, follow_outside_links=True)
    assert {i.check for i in items} == {"link_to_system_folder"} and all(i.skipped for i in items)
    from spaceetl.ingest.decode import read_limited
    from spaceetl.errors import InputError

    with pytest.raises(InputError, match="never read"):
        read_limited(raw / "env.txt", 10_000, "env.txt")


def test_symlink_loop_is_named_a_loop(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").symlink_to(raw / "b.txt")
    (raw / "b.txt").symlink_to(raw / "a.txt")
    (raw / "gone.txt").symlink_to(raw / "missing.txt")
    checks = {i.source_path: i.check for i in _walk(raw)}
    assert checks == {"a.txt": "symlink_loop", "b.txt": "symlink_loop", "gone.txt": "broken_link"}


# --- 5. smaller ones ------------------------------------------------------------------------------------------------

def test_authors_keep_names_and_note_the_rest(tmp_path):
    records = [{"title": "A", "body": BODY, "authors": [{"x": 1}, None, 5, {"name": "Ann Lee"}, "Bo Chan"]},
               {"title": "B", "body": BODY + " Two.", "authors": 7}]
    a, b = read(write(tmp_path / "authors.json", json.dumps(records)))
    assert a.authors == ["Ann Lee", "Bo Chan"]
    problems = [r for r in a.removed_text if r.startswith("[field_problem]")]
    assert problems == ['[field_problem] authors[0] is {"x": 1}, not a name or an object with a name',
                        "[field_problem] authors[1] is null, not a name or an object with a name",
                        "[field_problem] authors[2] is 5, not a name or an object with a name"]
    assert b.authors is None and "[field_problem] authors is 7, not a name" in b.removed_text


def test_article_inside_ten_thousand_divs_keeps_its_text(tmp_path):
    page = ("<html><head><title>Vega deal</title></head><body>" + "<div class='w'>" * 10_000
            + f"<p>{BODY}</p><p>{BODY} Again.</p>" + "</div>" * 10_000 + "</body></html>")
    t0 = time.perf_counter()
    (item,) = read(write(tmp_path / "deep.html", page))
    assert isinstance(item, RawArticle), item
    assert item.body.startswith("The European Space Agency signed") and "Again." in item.body
    assert time.perf_counter() - t0 < 30


def test_payload_excerpts_stay_short(tmp_path):
    items = read(write(tmp_path / "bad.jsonl", json.dumps({"body": "x " * 50_000}) + "\n" + "{" * 5000 + "\n"))
    assert all(len(i.payload or "") <= 300 for i in items if isinstance(i, Rejected))


def test_duplicates_are_decided_on_the_text_a_reader_sees(tmp_path):
    """Two files whose clean bodies agree but whose closing lines (dropped by the cleaner as trailing) differ are
    two articles; copies that differ only in page furniture or in their headline stay one."""
    from spaceetl.pipeline.extract import _identity
    from spaceetl.ids import sha256_text

    base = "Vega deal signed\n\n" + BODY + "\n\n" + BODY.replace("Avio", "Arianespace")
    files = {"a.txt": base + "\n\nLaunch set for March.", "b.txt": base + "\n\nLaunch set for June.",
             "c.txt": "Space\n\n" + base + "\n\nLaunch set for March.\n\nShare this article",
             "d.txt": base.replace("Vega deal signed", "Avio wins Vega deal") + "\n\nLaunch set for March."}
    seen: dict[str, str] = {}
    out = {}
    for name, text in files.items():
        (art,) = read(write(tmp_path / name, text))
        out[name] = _identity(art, sha256_text(art.body), seen)
    assert len({read(tmp_path / n)[0].body for n in files}) == 1  # the cleaner gives all four the same body
    assert out["a.txt"][1] == "new" and out["b.txt"][1] == "new" and out["a.txt"][0] != out["b.txt"][0]
    assert out["c.txt"] == (out["a.txt"][0], "duplicate") and out["d.txt"] == (out["a.txt"][0], "duplicate")


def test_file_over_the_size_budget_is_quarantined_as_too_large(tmp_path):
    (item,) = read_file(FileEntry("big.txt", write(tmp_path / "big.txt", "Title\n\n" + BODY * 20), 4000, 0),
                        max_bytes=1000, min_body_chars=80)[0]
    assert item.check == "file_too_large" and item.reason.startswith("too large: file is 4,000 bytes")
