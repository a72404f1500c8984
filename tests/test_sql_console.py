"""`spaceetl sql` is read-only for real: every way a query could write a file, read one, or change the settings
is refused with one line and exit code 2, and the warehouse file stays byte-identical."""

import hashlib
import json
import subprocess
import sys

import pytest

from conftest import write
from spaceetl.cli import main
from spaceetl.pipeline import run

BODY = ("The Norwegian operator signed a constellation contract with a Bremen satellite builder for twelve "
        "polar relay spacecraft, the company said on Monday. The first launch is planned for next spring.")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from spaceetl.config import load_settings

    base = tmp_path_factory.mktemp("sqlconsole")
    write(base / "raw" / "relay.txt", "Polar Relay Constellation Contract\n\n" + BODY)
    settings = load_settings(raw_dir=base / "raw", warehouse=base / "wh" / "w.duckdb", busy_retry_s=2.0)
    run(settings)
    return settings.warehouse


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ATTEMPTS = {
    "copy_to_warehouse": "COPY (SELECT 'x') TO '{wh}' (FORMAT csv)",
    "copy_to_any_path": "COPY (SELECT * FROM articles) TO '{dir}/leak.csv' (FORMAT csv)",
    "read_csv_passwd": "SELECT * FROM read_csv('/etc/passwd')",
    "read_text": "SELECT * FROM read_text('/etc/hostname')",
    "glob_root": "SELECT * FROM glob('/root/*')",
    "replacement_scan": "SELECT * FROM '/etc/passwd'",
    "export_database": "EXPORT DATABASE '{dir}/export'",
    "two_statements": "SELECT 1; COPY (SELECT 'x') TO '{wh}' (FORMAT csv)",
    "install": "INSTALL httpfs",
    "attach": "ATTACH '{dir}/other.duckdb' AS other",
    "set": "SET enable_external_access = true",
    "reset": "RESET lock_configuration",
    "load": "LOAD httpfs",
    "create_table": "CREATE TABLE t AS SELECT 1",
    "delete": "DELETE FROM articles",
    "pragma": "PRAGMA create_fts_index('articles', 'article_id', 'body', overwrite=1)",
    "call_checkpoint": "CALL checkpoint()",
    "set_variable": "SET VARIABLE x = 1",
    "explain_analyze_copy": "EXPLAIN ANALYZE COPY (SELECT 'x') TO '{wh}' (FORMAT csv)",
    "explain_analyze_delete": "EXPLAIN ANALYZE DELETE FROM articles",
}


@pytest.mark.parametrize("name", sorted(ATTEMPTS))
def test_attempt_is_refused_and_warehouse_unchanged(warehouse, name, capsys):
    query = ATTEMPTS[name].format(wh=warehouse, dir=warehouse.parent)
    before = digest(warehouse)
    listing = sorted(p.name for p in warehouse.parent.iterdir())
    assert main(["sql", query, "--warehouse", str(warehouse)]) == 2
    assert digest(warehouse) == before
    assert sorted(p.name for p in warehouse.parent.iterdir()) == listing  # no file written next to it
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("spaceetl: error:"), captured.err
    assert captured.out == ""


def test_refused_in_a_fresh_process_without_traceback(warehouse):
    before = digest(warehouse)
    out = subprocess.run([sys.executable, "-m", "spaceetl.cli", "sql", f"COPY (SELECT 'x') TO '{warehouse}' (FORMAT csv)",
                          "--warehouse", str(warehouse)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert "COPY statements are not allowed" in out.stderr
    assert digest(warehouse) == before


def test_readme_full_text_search_query_works(warehouse, capsys):
    query = ("SELECT title, score FROM (SELECT title, fts_main_articles.match_bm25(article_id, 'constellation contract') "
             "AS score FROM articles) WHERE score IS NOT NULL ORDER BY score DESC LIMIT 5")
    before = digest(warehouse)
    assert main(["sql", query, "--warehouse", str(warehouse), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and rows[0]["title"] == "Polar Relay Constellation Contract" and rows[0]["score"] > 0
    assert digest(warehouse) == before


@pytest.mark.parametrize("query", ["WITH a AS (SELECT 1 AS n) SELECT n FROM a", "FROM articles SELECT count(*)",
                                   "DESCRIBE articles", "SHOW TABLES", "EXPLAIN SELECT count(*) FROM articles",
                                   "EXPLAIN ANALYZE SELECT count(*) FROM articles",
                                   "SUMMARIZE SELECT word_count FROM articles"])
def test_read_only_statement_kinds_are_allowed(warehouse, query):
    assert main(["sql", query, "--warehouse", str(warehouse), "--format", "csv"]) == 0


def test_output_formats(warehouse, capsys):
    q = "SELECT 'a|b' AS name, 1.5 AS x, NULL AS nothing, [1, 2] AS xs UNION ALL SELECT 'long', 22.0, 'y', []"
    assert main(["sql", q, "--warehouse", str(warehouse)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["name", "x", "nothing", "xs"]  # header, then rows: no dtype row, no box
    assert table[1].split() == ["a|b", "1.5", "[1,", "2]"] and len(table) == 3
    assert main(["sql", q, "--warehouse", str(warehouse), "--format", "markdown"]) == 0
    md = capsys.readouterr().out.splitlines()
    assert md[0] == "| name | x | nothing | xs |" and md[1] == "|---|---|---|---|" and md[2].startswith("| a\\|b | 1.5 |  |")
    assert main(["sql", q, "--warehouse", str(warehouse), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == ["name,x,nothing,xs", "a|b,1.5,,\"[1, 2]\""]


def test_wide_results_clip_cells_or_switch_to_line_mode():
    from spaceetl.warehouse.console import Result, render

    long = "word " * 100
    narrow = render(Result(["id", "body"], [(1, long)]), width=200).splitlines()
    assert narrow[1].endswith("…") and len(narrow[1]) < 60  # one long cell is clipped, the table stays a table
    wide = render(Result([f"column_{i}" for i in range(12)], [tuple(range(100000, 100012))]), width=80)
    assert " column_0 = 100000" in wide and "column_11 = 100011" in wide  # line mode: one `name = value` per line
    many = render(Result(["n"], [(i,) for i in range(100)]), max_rows=5).splitlines()
    assert many[-1].startswith("… 95 more rows") and many[:2] == ["n", "0"] and len(many) == 7
    exact = render(Result(["n"], [(i,) for i in range(5)]), max_rows=5).splitlines()
    assert exact == ["n", "0", "1", "2", "3", "4"]  # all shown: no "more rows" line


# ---------------------------------------------------------------- bounded cost and clean errors

CLI = [sys.executable, "-m", "spaceetl.cli"]


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("spaceetl: error:") and "Traceback" not in err, err
    return lines[0]


def test_a_runaway_query_stops_at_the_time_limit(warehouse, capsys):
    import time

    before = digest(warehouse)
    started = time.monotonic()
    code = main(["sql", "SELECT count(*) FROM range(1000000) a, range(1000000) b WHERE (a.range * b.range) % 7 = 3",
                 "--warehouse", str(warehouse), "--timeout", "1"])
    elapsed = time.monotonic() - started
    assert code == 2 and elapsed < 30  # the join would take hours
    assert "time limit of 1 s" in one_error_line(capsys.readouterr().err)
    assert digest(warehouse) == before


def test_a_query_over_the_memory_limit_ends_in_one_line_and_spills_nothing(warehouse, capsys):
    before = digest(warehouse)
    listing = sorted(p.name for p in warehouse.parent.iterdir())
    code = main(["sql", "SELECT a.range, b.range, repeat('x', 100) AS pad FROM range(20000) a, range(2000) b "
                 "ORDER BY pad || a.range DESC", "--warehouse", str(warehouse), "--memory-limit", "64MB",
                 "--timeout", "120"])
    assert code == 2
    assert "memory limit of 64MB" in one_error_line(capsys.readouterr().err)
    assert digest(warehouse) == before
    assert sorted(p.name for p in warehouse.parent.iterdir()) == listing  # no .tmp spill folder, no .wal


def test_a_large_cross_join_shows_the_limit_and_counts_the_rest(warehouse, capsys):
    assert main(["sql", "SELECT a.range AS a, b.range AS b FROM range(1000) a, range(1000) b",
                 "--warehouse", str(warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["a", "b"] and len(lines) == 202
    assert lines[-1].startswith("… 999,800 more rows")
    assert main(["sql", "SELECT * FROM range(30)", "--warehouse", str(warehouse), "--limit", "10",
                 "--format", "markdown"]) == 0
    md = capsys.readouterr().out.splitlines()
    assert len([line for line in md if line.startswith("| ")]) == 11 and md[-1].startswith("… 20 more rows")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_write_every_row_across_fetch_chunks(warehouse, capsys, fmt):
    from spaceetl.warehouse.console import FETCH_ROWS

    n = 2 * FETCH_ROWS + 7
    assert main(["sql", f"SELECT range AS n, 'r' || range AS s FROM range({n})", "--warehouse", str(warehouse),
                 "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        rows = json.loads(out)
        assert len(rows) == n and rows[-1] == {"n": n - 1, "s": f"r{n - 1}"}
    else:
        lines = out.splitlines()
        assert len(lines) == n + 1 and lines[-1] == f"{n - 1},r{n - 1}"
    assert main(["sql", "SELECT 1 AS n WHERE false", "--warehouse", str(warehouse), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_invalid_utf8_in_the_query_is_one_line_in_a_fresh_process(warehouse):
    before = digest(warehouse)
    out = subprocess.run([*CLI, "sql", b"SELECT '\xff\xfe' AS x", "--warehouse", str(warehouse)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    assert "not valid UTF-8 (byte 0xff at character 9)" in one_error_line(out.stderr)
    assert digest(warehouse) == before


@pytest.mark.parametrize("query, expected", [("SELEC 1", "does not parse"),
                                             ("SELECT nope FROM articles", "query failed: Binder Error")])
def test_syntax_and_binder_errors_are_one_line(warehouse, capsys, query, expected):
    assert main(["sql", query, "--warehouse", str(warehouse)]) == 2
    assert expected in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("args", [["--memory-limit", "lots"], ["--memory-limit", "1GB'; SET x='1"],
                                  ["--timeout", "-1"]])
def test_bad_limits_are_refused(warehouse, capsys, args):
    assert main(["sql", "SELECT 1", "--warehouse", str(warehouse), *args]) == 2
    one_error_line(capsys.readouterr().err)


FORMULAS = {"eq": "=HYPERLINK(\"http://x\")", "plus": "+1+2", "minus": "-2+3", "at": "@SUM(A1)",
            "tab": "\t=1", "cr": "\r=1", "plain": "Airbus", "inner": "a=b"}


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(warehouse, capsys):
    import csv
    import io

    select = ", ".join(f"'{v}' AS {k}" for k, v in FORMULAS.items()) + ", -5 AS negative, '=x' AS \"=col\""
    assert main(["sql", f"SELECT {select}", "--warehouse", str(warehouse), "--format", "csv"]) == 0
    header, row = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert header[-1] == "'=col"
    cells = dict(zip(header, row))
    for name in ("eq", "plus", "minus", "at", "tab", "cr"):
        assert cells[name] == "'" + FORMULAS[name], name
    assert cells["plain"] == "Airbus" and cells["inner"] == "a=b" and cells["negative"] == "-5"  # numbers stay numbers
    assert main(["sql", f"SELECT {select}", "--warehouse", str(warehouse), "--format", "csv", "--raw"]) == 0
    header, row = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert dict(zip(header, row))["eq"] == FORMULAS["eq"] and header[-1] == "=col"


def test_table_output_cannot_drive_the_terminal(warehouse, capsys):
    hostile = "chr(27) || '[31mred' || chr(27) || '[0m' || chr(7) || chr(155) || '2J' || chr(8238) || 'x' || chr(10) || 'y'"
    query = f'SELECT {hostile} AS v, 1 AS "{chr(27)}]0;title{chr(7)}name"'
    for fmt in ("table", "markdown"):
        assert main(["sql", query, "--warehouse", str(warehouse), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert not any(ord(c) < 32 and c != "\n" or 127 <= ord(c) < 160 or c == "\u202e" for c in out), repr(out)
        assert "red" in out and "x y" in out and "name" in out and "title" not in out
    assert main(["sql", query, "--warehouse", str(warehouse), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "\x9b" not in out and "\u202e" not in out  # escaped in the JSON text...
    assert json.loads(out)[0]["v"].startswith("\x1b[31mred")  # ...the same string once parsed
