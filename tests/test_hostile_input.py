"""Hostile and odd input: links out of the raw folder, special files, files that are not articles, gzip bombs,
binary junk and foreign encodings. Every case is bytes written here; every run is a real pipeline run into a real
DuckDB file."""

import gzip
import os
import random
import signal
import socket
import subprocess
import sys
import textwrap
import zlib

import duckdb
import pytest

from conftest import write
from spaceetl.ingest.decode import decode_text, gunzip_if_needed, looks_tabular
from spaceetl.ingest.discover import walk
from spaceetl.ingest.models import FileEntry, RawArticle, Rejected
from spaceetl.ingest.readers import read_file
from spaceetl.pipeline import run

ARTICLE = ("Relay Satellite Reaches Orbit\n\nThe Norwegian Space Agency said on Tuesday that its polar relay satellite "
           "reached its planned orbit and will start carrying data for research stations next spring. Engineers in "
           "Tromsø will test the radio links over the coming weeks, the agency said.\n")
ARTICLE_2 = ("Ground Station Contract Signed\n\nA Finnish operator signed a contract worth $40 million to build two ground "
             "stations in Lapland for commercial radar satellites, the company said on Wednesday. Construction starts "
             "in the autumn and the stations should open late next year.\n")


def entry(path, rel="f.txt"):
    st = path.stat()
    return FileEntry(rel, path, st.st_size, st.st_mtime_ns)


def read(path, **kw):
    items, _ = read_file(entry(path, path.name), max_bytes=kw.pop("max_bytes", 20_000_000), min_body_chars=80, **kw)
    return items


def rows(settings, sql):
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        return conn.execute(sql).fetchall()


# --- links and special files -------------------------------------------------------------------------------

def test_link_out_of_the_raw_folder_is_skipped_unless_allowed(tmp_path):
    secret = write(tmp_path / "outside" / "secret.txt", ARTICLE)
    raw = tmp_path / "raw"
    write(raw / "inside.txt", ARTICLE_2)
    (raw / "passwd.txt").symlink_to(secret)
    (raw / "alias.txt").symlink_to(raw / "inside.txt")  # a link that stays inside is read
    found = {getattr(e, "rel_path", getattr(e, "source_path", None)): e for e in walk(raw)}
    assert isinstance(found["passwd.txt"], Rejected) and found["passwd.txt"].skipped
    assert found["passwd.txt"].check == "link_outside_raw_folder"
    assert isinstance(found["alias.txt"], FileEntry) and isinstance(found["inside.txt"], FileEntry)
    allowed = {getattr(e, "rel_path", None) for e in walk(raw, follow_outside_links=True)}
    assert "passwd.txt" in allowed


def test_fifo_and_socket_are_skipped_never_opened(tmp_path, settings_for):
    raw = tmp_path / "raw"
    write(raw / "good.txt", ARTICLE)
    os.mkfifo(raw / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(raw / "sock.txt"))
    signal.alarm(120)  # opening the FIFO would block for ever: fail instead of hanging
    try:
        summary = run(settings_for(raw)).summary
    finally:
        signal.alarm(0)
        sock.close()
    assert summary["articles_loaded"] == 1 and summary["quarantined"] == 0 and summary["files_skipped"] == 2
    got = dict(rows(settings_for(raw), "SELECT source_path, reason FROM sources WHERE status = 'skipped'"))
    assert "named pipe (FIFO)" in got["pipe.txt"] and "socket" in got["sock.txt"]


def test_reader_refuses_a_fifo_swapped_in_after_discovery(tmp_path):
    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    code = textwrap.dedent(f"""
        from pathlib import Path
        from spaceetl.ingest.models import FileEntry
        from spaceetl.ingest.readers import read_file
        # discovery saw a regular file here; a FIFO took its place before the read
        items, _ = read_file(FileEntry("late.txt", Path({str(fifo)!r}), 10, 0), max_bytes=1000, min_body_chars=80)
        print(items[0].check, items[0].skipped)""")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["special_file", "True"], out.stderr[-500:]


# --- files that are not articles -----------------------------------------------------------------------------

def test_non_article_files_are_skipped_and_rerun_cheaply(tmp_path, settings_for):
    raw = tmp_path / "raw"
    write(raw / "README.md", "# Corpus\n\nThese files were collected by a crawler for the relay study; see the manifest "
                             "for the list of sources and the licence for the terms of use of every file.\n")
    write(raw / "manifest.csv", "file,outlet,date\na.txt,Polar Post,2025-01-02\nb.txt,North Wire,2025-01-03\n")
    write(raw / "LICENSE", "Permission is hereby granted, free of charge, to any person obtaining a copy of these "
                           "files, to deal in them without restriction, subject to the conditions below.\n")
    write(raw / "logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200))
    write(raw / "export.txt", "id;title;outlet;words\n1;Relay;Polar Post;420\n2;Stations;North Wire;380\n"
                              "3;Radar;Lapland Daily;510\n")
    write(raw / "a.txt", ARTICLE)
    write(raw / "b.txt", ARTICLE_2)
    settings = settings_for(raw)
    summary = run(settings).summary
    assert summary["articles_loaded"] == 2 and summary["quarantined"] == 0 and summary["files_skipped"] == 5
    # skipped files never count against the run (a warning here can only come from the articles' own checks)
    assert summary["status"] != "failed" and "quarantined" not in (summary["message"] or "")
    status = dict(rows(settings, "SELECT source_path, status FROM sources"))
    assert status == {"README.md": "skipped", "manifest.csv": "skipped", "LICENSE": "skipped", "logo.png": "skipped",
                      "export.txt": "skipped", "a.txt": "loaded", "b.txt": "loaded"}
    reasons = dict(rows(settings, "SELECT source_path, reason FROM sources WHERE status = 'skipped'"))
    assert "'README*'" in reasons["README.md"] and "table" in reasons["export.txt"]
    assert rows(settings, "SELECT count(*) FROM quarantine") == [(0,)]
    assert rows(settings, "SELECT count(*) FROM articles") == [(2,)]
    html = open(summary["report_html"], encoding="utf-8").read()
    assert 'id="skipped"' in html and "manifest.csv" in html
    again = run(settings).summary
    assert again["files_unchanged"] == 7 and again["files_skipped"] == 0 and again["records_read"] == 0
    assert rows(settings, "SELECT DISTINCT outcome FROM sources WHERE source_path = 'manifest.csv'") == [("skipped",)]
    readme_too = settings.model_copy(update={"exclude": "*.csv,*.png,LICENSE*"})  # README now wanted
    third = run(readme_too).summary
    assert third["records_read"] == 1 and third["files_unchanged"] == 6
    assert rows(settings, "SELECT status FROM sources WHERE source_path = 'README.md'") in ([("loaded",)], [("quarantined",)])


def test_include_glob_and_tabular_check():
    from spaceetl.ingest.discover import name_excluded

    assert name_excluded("news/a.json", ("*.json",), ()) is None
    assert "no include glob" in name_excluded("news/a.txt", ("*.json",), ())
    assert "'*.csv'" in name_excluded("data/manifest.CSV.gz", ("*",), ("*.csv",))
    assert looks_tabular(ARTICLE) is None and looks_tabular('{"a": 1, "b": 2, "c": 3}\n' * 5) is None


# --- decompression bombs -------------------------------------------------------------------------------------

def _zeros_gz(path, megabytes):
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    with open(path, "wb") as fh:
        for _ in range(megabytes):
            fh.write(comp.compress(block))
        fh.write(comp.flush())


def test_gzip_bomb_is_quarantined_in_bounded_memory(tmp_path):
    bomb = tmp_path / "bomb.txt.gz"
    _zeros_gz(bomb, 200)  # 200 MB of zeros in about 200 KB
    code = textwrap.dedent(f"""
        import resource, time
        from pathlib import Path
        from spaceetl.ingest.models import FileEntry
        from spaceetl.ingest.readers import read_file
        p = Path({str(bomb)!r})
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        items, _ = read_file(FileEntry("bomb.txt.gz", p, p.stat().st_size, 0), max_bytes=5_000_000, min_body_chars=80)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(items[0].check, (after - before) // 1024, round(time.perf_counter() - t0, 2))""")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    check, grew_mb, seconds = out.stdout.split()
    assert check == "decompression_bomb", out.stderr[-500:]
    assert int(grew_mb) < 60 and float(seconds) < 10  # stopped early: nowhere near the 200 MB it expands to


def test_gzip_ratio_limit_and_normal_gzip(tmp_path):
    text = (ARTICLE * 20000).encode()  # ~6 MB of one repeated article: far beyond any real compression ratio
    with pytest.raises(Exception) as err:
        gunzip_if_needed(gzip.compress(text), "x.gz", max_bytes=50_000_000, max_ratio=100)
    assert err.value.check == "decompression_bomb" and "times" in str(err.value)
    with pytest.raises(Exception) as err:  # the size limit applies to decompressed bytes, whatever the ratio
        gunzip_if_needed(gzip.compress(text), "x.gz", max_bytes=2_000_000, max_ratio=10**9)
    assert err.value.check == "decompression_bomb" and "2,000,000-byte limit" in str(err.value)
    two_members = gzip.compress(b"first part. ") + gzip.compress(b"second part.")
    assert gunzip_if_needed(two_members, "x.gz") == (b"first part. second part.", True)
    with pytest.raises(Exception) as err:
        gunzip_if_needed(gzip.compress(ARTICLE.encode())[:-30], "x.gz")
    assert err.value.check == "corrupt_gzip"


# --- binary and encodings ------------------------------------------------------------------------------------

def test_article_followed_by_random_bytes_is_quarantined(tmp_path):
    junk = random.Random(7).randbytes(200_000)
    items = read(write(tmp_path / "tail.txt", ARTICLE.encode() * 10 + junk))
    assert [i.check for i in items] == ["binary_file"] and "NUL bytes" in items[0].reason


def test_high_byte_noise_is_not_loaded_as_a_language(tmp_path):
    rng = random.Random(3)
    noise = bytes(rng.randrange(0x80, 0x100) for _ in range(20_000))
    assert [i.check for i in read(write(tmp_path / "noise.txt", noise))] == ["undecodable_text"]
    assert [i.check for i in read(write(tmp_path / "tail.txt", ARTICLE.encode() + noise))] == ["undecodable_text"]
    mixed = "Ünïcode line.\n".encode() + ARTICLE.encode() + b"\n" + noise  # UTF-8 lines plus junk lines
    assert [i.check for i in read(write(tmp_path / "mixed.txt", mixed))] == ["undecodable_text"]


@pytest.mark.parametrize("codec,prefix", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                          ("utf-16-le", b""), ("utf-16-be", b"")])
def test_utf16_with_and_without_bom(tmp_path, codec, prefix):
    items = read(write(tmp_path / "u16.txt", prefix + ARTICLE.encode(codec)))
    assert isinstance(items[0], RawArticle), items[0]
    assert "Tromsø" in items[0].body and "\x00" not in items[0].body
    assert items[0].encoding.startswith("utf-16")


@pytest.mark.parametrize("codec,text,expected", [
    ("gbk", "中国国家航天局周二表示，新一代通信卫星已经进入预定轨道，并将在明年为偏远地区提供宽带服务。该项目由多家企业共同承建。\n",
     "gb18030"),
    ("cp1251", "Российское космическое агентство заявило во вторник, что новый спутник связи выведен на орбиту.\n", "cp1251"),
    ("latin-1", "Le satellite a été lancé depuis Kourou, a déclaré l'agence à Paris, où les ingénieurs ont suivi "
                "le vol. ", "cp1252"),
])
def test_legacy_encodings_are_detected_and_decoded(codec, text, expected):
    data = (text * 6).encode(codec)
    decoded, encoding = decode_text(data, "x.txt")
    assert decoded == text * 6 and encoding == expected


def test_windows_1252_and_mixed_lines_still_decode():
    cp = "The \u20ac2.1bn deal \u2014 \u201cIRIS\u00b2\u201d \u2014 was signed.\n".encode("cp1252")
    assert decode_text(cp * 3, "x")[1] == "cp1252"
    text, enc = decode_text("Zürich said:\n".encode() + cp, "x")
    assert enc == "mixed(utf-8+cp1252)" and "\u20ac2.1bn" in text and "Zürich" in text


# --- long articles -------------------------------------------------------------------------------------------

def _long_body(paragraphs: int) -> str:
    paras = [f"NASA said on Tuesday that Rocket Lab will launch relay satellite number {i} from New Zealand for "
             f"${i + 1} million next year, according to the agency." for i in range(paragraphs)]
    return "\n\n".join(paras)


@pytest.mark.parametrize("mode", ["chunk", "truncate"])
def test_long_body_is_chunked_or_truncated(nlp, mode):
    from spaceetl.config import load_settings
    from spaceetl.pipeline.extract import extract_articles, nlp_pieces

    body = _long_body(60)  # about 8,000 characters
    assert "".join(nlp_pieces(body, 1000)) == body and all(len(p) <= 1000 for p in nlp_pieces(body, 1000))
    settings = load_settings(max_nlp_chars=1000, long_article=mode, n_process=1)
    out = extract_articles([RawArticle("long.txt", 0, "txt", body, title="Relays")], settings, "run_x")
    article = out.tables["articles"].row(0, named=True)
    amounts = out.tables["amounts"]
    for row in out.tables["mentions"].iter_rows(named=True):  # every offset indexes the whole body
        assert body[row["start_char"]:row["end_char"]] == row["text"]
    for row in amounts.iter_rows(named=True):
        assert body[row["start_char"]:row["end_char"]] == row["text"]
    claims = out.tables["claims"]
    for row in claims.iter_rows(named=True):
        assert body[row["start_char"]:row["end_char"]] == row["sentence"]
    assert set(claims["amount_id"].drop_nulls()) <= set(amounts["amount_id"])
    assert amounts["amount_id"].n_unique() == amounts.height and claims["sentence_index"].is_sorted()
    if mode == "chunk":
        assert article["nlp_status"] == "processed"
        assert amounts["start_char"].max() > 7000 and out.tables["claims"]["start_char"].max() > 7000
        assert out.tables["mentions"]["start_char"].max() > 7000
    else:
        assert article["nlp_status"] == "truncated"
        assert out.tables["mentions"]["start_char"].max() < 1000


def test_dollar_resolution_does_not_rescan_the_article():
    """An article with thousands of "$" amounts is lowercased once, not once per "$" (that was quadratic). Counted,
    not timed: the benchmark (``--long``) measures the speed."""
    from spaceetl.normalize import money

    text = " ".join(f"The deal was worth ${i + 1} million." for i in range(3000))
    money._context_names_hint.cache_clear()
    found = money.find_money(text, context=text)
    assert len(found) == 3000
    info = money._context_names_hint.cache_info()
    assert info.misses == 1 and info.hits >= 2999


# --- minor: JSON bodies as paragraphs, one-line records, waiting for the run lock ----------------------------

def test_json_body_as_a_list_of_paragraphs_is_joined(tmp_path):
    import json

    paras = ARTICLE_2.split("\n\n")[1:] + ["Officials expect the first radar passes in the winter."]
    items = read(write(tmp_path / "p.json", json.dumps({"title": "Stations", "body": paras})))
    assert isinstance(items[0], RawArticle) and items[0].body == "\n\n".join(p.strip() for p in paras)


def test_one_line_jsonl_body_stays_the_body(tmp_path):
    import json

    line = ("Norway And Finland Sign Arctic Relay Satellite Agreement Worth Forty Million Dollars For Research "
            "Stations On Tuesday")
    items = read(write(tmp_path / "one.jsonl", json.dumps({"text": line}) + "\n"))
    assert isinstance(items[0], RawArticle), items[0]
    assert items[0].body == line and items[0].title is None


def test_waiting_for_the_run_lock_is_logged_once(tmp_path, caplog):
    import threading
    import time

    from spaceetl import warehouse as wh

    path = tmp_path / "w.duckdb"
    release = threading.Event()

    def holder():
        with wh.run_lock(path, 5):
            release.wait(5)

    t = threading.Thread(target=holder)
    t.start()
    time.sleep(0.3)
    threading.Timer(1.6, release.set).start()
    with caplog.at_level("WARNING", logger="spaceetl.warehouse"), wh.run_lock(path, 10):
        pass
    t.join()
    waits = [r for r in caplog.records if "waiting for it" in r.getMessage()]
    assert len(waits) == 1 and str(path) in waits[0].getMessage()


def test_json_nul_escape_is_never_stored(tmp_path):
    import json

    body = ARTICLE_2.split("\n\n")[1].replace("Lapland", "Lap\u0000land")
    items = read(write(tmp_path / "nul.json", json.dumps({"title": "Stations", "body": body})))
    assert "\x00" not in items[0].body and "Lapland" in items[0].body
    assert "[nul_characters]" in items[0].removed_text


def test_touched_file_is_recognised_by_its_streamed_hash(tmp_path, settings_for):
    raw = tmp_path / "raw"
    path = write(raw / "a.txt", ARTICLE)
    settings = settings_for(raw)
    run(settings)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))  # same bytes, new mtime
    again = run(settings).summary
    assert again["files_unchanged"] == 1 and again["records_read"] == 0
