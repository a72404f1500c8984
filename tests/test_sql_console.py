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
    assert many[-1].startswith("(100 rows, 5 shown")
