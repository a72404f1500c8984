"""Hostile-input trials through the real command line: each case is a small raw folder holding the hostile
file(s) next to three good sample files, run with ``spaceetl run`` in a fresh process. Prints one Markdown row per
case: exit code, run status, good articles loaded (expected vs got), quarantine/skip reasons, and the peak RSS of
the largest process.

    .venv/bin/python scripts/hostile_trials.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOOD = ["sda_tracking_layer_award.txt", "japan_india_lunar_rover.txt", "newsapi_export.json"]  # 5 articles
GOOD_ARTICLES = 5
TEXT = ("Relay Satellite Reaches Orbit\n\nThe Norwegian Space Agency said on Tuesday that its polar relay satellite "
        "reached its planned orbit and will start carrying data for research stations next spring. Engineers in "
        "Tromsø will test the radio links over the coming weeks, the agency said.\n")
ZH = "中国国家航天局周二表示，新一代通信卫星已经进入预定轨道，并将在明年为偏远地区提供宽带服务。该项目由多家企业共同承建。\n" * 4


def zeros_gz(path: Path, megabytes: int) -> None:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with open(path, "wb") as fh:
        for _ in range(megabytes):
            fh.write(comp.compress(bytes(1 << 20)))
        fh.write(comp.flush())


def case_files(name: str, raw: Path, outside: Path) -> int:
    """Write the case's files; return how many extra good articles the case should load."""
    rng = random.Random(5)
    if name == "symlink_to_etc_passwd":
        (raw / "passwd.txt").symlink_to("/etc/passwd")
        (outside / "secret.txt").write_text(TEXT)
        (raw / "secret.txt").symlink_to(outside / "secret.txt")
    elif name == "fifo_and_socket":
        os.mkfifo(raw / "pipe.txt")
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(raw / "sock.txt"))
    elif name == "non_article_files":
        (raw / "README.md").write_text("# Corpus\n\nCollected by a crawler; see the manifest for sources.\n")
        (raw / "manifest.csv").write_text("file,outlet,date\na.txt,Polar Post,2025-01-02\nb.txt,North Wire,2025-01-03\n")
        (raw / "LICENSE").write_text("Permission is hereby granted, free of charge, to any person.\n")
        (raw / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    elif name == "gzip_bomb_zeros_200mb":
        zeros_gz(raw / "bomb.txt.gz", 200)
    elif name == "gzip_bomb_repeated_text":
        (raw / "textbomb.txt.gz").write_bytes(gzip.compress((TEXT * 60000).encode(), 9))
    elif name == "article_plus_random_bytes":
        (raw / "tail.txt").write_bytes(TEXT.encode() + rng.randbytes(200_000))
    elif name == "high_byte_noise":
        (raw / "noise.txt").write_bytes(bytes(rng.randrange(0x80, 0x100) for _ in range(30_000)))
    elif name == "utf16_bom":
        (raw / "u16.txt").write_bytes(b"\xff\xfe" + TEXT.encode("utf-16-le"))
        return 1
    elif name == "utf16_no_bom":
        (raw / "u16be.txt").write_bytes(TEXT.replace("Tuesday", "Monday").encode("utf-16-be"))
        return 1
    elif name == "gbk_chinese":
        (raw / "zh.txt").write_bytes(("卫星进入预定轨道\n\n" + ZH).encode("gbk"))
        return 1
    elif name == "json_body_paragraphs":
        (raw / "p.json").write_text(json.dumps({"title": "Relay", "body": TEXT.split("\n\n")[1:] + ["More later."]}))
        return 1
    elif name == "tiny_records_json_4mb":  # ~1.3 million empty records in one JSON list
        with open(raw / "tiny.json", "w") as fh:
            fh.write("[" + ",".join(["{}"] * 1_333_000) + "]")
    elif name == "no_line_breaks_1mb":
        words = TEXT.split("\n\n")[1].split()
        (raw / "oneline.txt").write_text(" ".join(rng.choice(words) for _ in range(150_000)) + ".")
        return 1
    elif name == "byte_and_escaped_names":  # h_bad<0xFF>.txt and a file literally named h_bad\xff.txt
        (raw / os.fsdecode(b"h_bad\xff.txt")).write_text(TEXT)
        (raw / "h_bad\\xff.txt").write_text(TEXT.replace("Tuesday", "Friday").replace("polar", "Arctic"))
        return 2
    elif name == "html_10000_nested_divs":
        body = "<p>" + TEXT.split("\n\n")[1] + "</p>"
        (raw / "deep.html").write_text("<html><head><title>Relay</title></head><body>" + "<div>" * 10000 + body
                                       + "</div>" * 10000 + "</body></html>")
        return 1
    elif name == "odd_authors":
        (raw / "authors.json").write_text(json.dumps({"title": "Relay", "authors": [{"x": 1}, None, 5],
                                                      "body": TEXT.split("\n\n")[1]}))
        return 1
    elif name == "symlink_loop":
        (raw / "loop_a.txt").symlink_to(raw / "loop_b.txt")
        (raw / "loop_b.txt").symlink_to(raw / "loop_a.txt")
    elif name == "one_line_jsonl":
        line = TEXT.split("\n\n")[1].strip()
        (raw / "one.jsonl").write_text(json.dumps({"text": line}) + "\n")
        return 1
    return 0


CASES = ["symlink_to_etc_passwd", "fifo_and_socket", "non_article_files", "gzip_bomb_zeros_200mb",
         "gzip_bomb_repeated_text", "article_plus_random_bytes", "high_byte_noise", "utf16_bom", "utf16_no_bom",
         "gbk_chinese", "json_body_paragraphs", "one_line_jsonl", "tiny_records_json_4mb", "no_line_breaks_1mb",
         "byte_and_escaped_names", "html_10000_nested_divs", "odd_authors", "symlink_loop"]


def run_case(name: str, base: Path) -> dict:
    raw, outside = base / name / "raw", base / name / "outside"
    raw.mkdir(parents=True)
    outside.mkdir()
    for f in GOOD:
        shutil.copy(ROOT / "samples" / "corpus" / f, raw / f)
    extra = case_files(name, raw, outside)
    wh = base / name / "w.duckdb"
    spaceetl = str(Path(sys.executable).parent / "spaceetl")
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True, "
             "timeout=900); print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024); "
             "sys.stderr.write(r.stdout)")
    out = subprocess.run([sys.executable, "-c", probe, spaceetl, "run", str(raw), "--warehouse", str(wh),
                          "--workers", "1", "--no-progress"], capture_output=True, text=True, timeout=1000)
    code, peak = out.stdout.split()
    status = next((ln.split(":")[1].split()[0] for ln in out.stderr.splitlines() if ln.startswith("spaceetl run ")), "?")
    q = ("SELECT string_agg(DISTINCT s.status || ': ' || coalesce(q.check_name, s.reason), '; ') FROM sources s "
         "LEFT JOIN quarantine q USING (source_path) WHERE s.status IN ('quarantined', 'skipped') AND s.source_path NOT IN "
         f"({', '.join(repr(g) for g in GOOD)})")
    reasons = _sql(wh, q)
    loaded = _sql(wh, "SELECT count(*) FROM sources WHERE status = 'loaded'")
    return dict(case=name, exit=code, status=status, expected=GOOD_ARTICLES + extra, got=loaded, reasons=reasons,
                peak_mb=peak)


def _sql(wh: Path, query: str) -> str:
    spaceetl = str(Path(sys.executable).parent / "spaceetl")
    out = subprocess.run([spaceetl, "sql", query, "--warehouse", str(wh), "--format", "csv"], capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    return lines[1].strip('"') or "-" if len(lines) > 1 else "-"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="spaceetl-trials-"))
    print("| case | exit | run status | good articles loaded (expected / got) | quarantine or skip reason | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    for name in args.only or CASES:
        r = run_case(name, base)
        print(f"| {r['case']} | {r['exit']} | {r['status']} | {r['expected']} / {r['got']} | {r['reasons']} | {r['peak_mb']} |",
              flush=True)
    shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
