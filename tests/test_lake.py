"""The DuckLake warehouse (``ducklake:sqlite:PATH``) on real parts: the DuckLake and SQLite extensions loaded from
their PyPI packages, a SQLite catalog and Parquet files in tmp_path, real pipeline runs with the real model. The
reference is the same corpus loaded into a DuckDB file (the default warehouse): the lake must hold the same rows."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES, write
from spaceetl.schemas import ARTICLE_TABLES

from spaceetl import warehouse as wh
from spaceetl.config import load_settings
from spaceetl.pipeline import run
from spaceetl.cli.main import main

pytestmark = pytest.mark.skipif(
    wh.extension_path("duckdb_extension_ducklake", "ducklake") is None
    or wh.extension_path("duckdb_extension_sqlite_scanner", "sqlite_scanner") is None,
    reason="the duckdb-extension-ducklake / -sqlite-scanner packages are not installed (make install)")

# Tables whose rows derive from article content alone: equal in any warehouse that loaded the same texts.
CONTENT_TABLES = [s.name for s in ARTICLE_TABLES if s.name not in ("articles",)] + ["articles", "quarantine"]
EXPECTED = json.loads((SAMPLES.parent / "expected.json").read_text(encoding="utf-8"))
GOOD = sorted(n for n, e in EXPECTED["files"].items() if e["expected"] == "loaded")


def lake(path: Path) -> str:
    return f"ducklake:sqlite:{path / 'lake' / 'catalog.sqlite'}"


def settings(raw: Path, warehouse, **overrides):
    return load_settings(raw_dir=raw, warehouse=warehouse, busy_retry_s=30.0, lock_timeout_s=30.0, n_process=1,
                         **overrides)


def contents(warehouse) -> dict:
    """Row counts of the content tables and the loaded article ids."""
    with wh.session(warehouse, read_only=True) as conn:
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in CONTENT_TABLES}
        ids = sorted(r[0] for r in conn.execute("SELECT article_id FROM articles").fetchall())
    return {"counts": counts, "article_ids": ids}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    """The sample corpus loaded by one run into a DuckDB file."""
    base = tmp_path_factory.mktemp("reference")
    result = run(settings(SAMPLES, base / "wh" / "ref.duckdb"))
    assert result.exit_code in (0, 1)
    found = contents(base / "wh" / "ref.duckdb")
    assert found["counts"]["articles"] == EXPECTED["totals"]["records"]
    return found


def problems(warehouse) -> dict[str, int]:
    """Duplicate articles, orphan rows and failed error-level checks: all must be zero."""
    out = {}
    with wh.session(warehouse, read_only=True) as conn:
        out["duplicate articles"] = conn.execute(
            "SELECT count(*) - count(DISTINCT article_id) FROM articles").fetchone()[0]
        out["duplicate sources"] = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM sources GROUP BY source_path, record HAVING count(*) > 1)").fetchone()[0]
        for spec in ARTICLE_TABLES:
            if spec.name != "articles" and "article_id" in spec.columns:
                out[f"orphan {spec.name}"] = conn.execute(
                    f'SELECT count(*) FROM "{spec.name}" t WHERE NOT EXISTS '
                    "(SELECT 1 FROM articles a WHERE a.article_id = t.article_id)").fetchone()[0]
        out["orphan sources"] = conn.execute(
            "SELECT count(*) FROM sources s WHERE s.article_id IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM articles a WHERE a.article_id = s.article_id)").fetchone()[0]
        out["failed error checks"] = conn.execute(
            "SELECT count(*) FROM dq_results WHERE severity = 'error' AND status <> 'pass'").fetchone()[0]
        out["runs left running"] = conn.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0]
    return out


def test_a_lake_holds_what_a_duckdb_file_holds(tmp_path, reference):
    warehouse = lake(tmp_path)
    result = run(settings(SAMPLES, warehouse))
    assert result.exit_code in (0, 1)
    assert contents(warehouse) == reference
    assert not any(problems(warehouse).values()), problems(warehouse)
    with wh.session(warehouse, read_only=True) as conn:
        assert wh.is_lake(conn)
        # No PRIMARY KEY in a lake: the registry's unique_key checks ran and passed instead.
        assert conn.execute("SELECT count(*) FROM duckdb_constraints() WHERE database_name = 'lake' "
                            "AND constraint_type = 'PRIMARY KEY'").fetchone()[0] == 0
        unique = conn.execute("SELECT count(*), count(*) FILTER (status = 'pass') FROM dq_results "
                              "WHERE check_name = 'unique_key'").fetchone()
        assert unique[0] >= 5 and unique[0] == unique[1]
        # The data are Parquet files under the data path beside the catalog.
        data = Path(wh.lake_data_dir(conn))
        assert data == tmp_path / "lake" / "catalog.sqlite.files"
        assert list(data.rglob("*.parquet"))
        # The analyst views are there too.
        assert conn.execute("SELECT count(*) FROM v_runs").fetchone()[0] == 1
    # The full-text index lives in a DuckDB file beside the catalog.
    search = wh.target(warehouse).search_path()
    with wh.session(search, read_only=True) as conn:
        hits = conn.execute("SELECT count(*) FROM articles WHERE fts_main_articles.match_bm25(article_id, "
                            "'satellite') IS NOT NULL").fetchone()[0]
    assert hits > 0

    again = run(settings(SAMPLES, warehouse))  # an unchanged folder loads nothing
    assert again.exit_code in (0, 1) and again.summary["articles_loaded"] == 0
    assert contents(warehouse) == reference


def test_the_sql_console_reads_a_lake_read_only(tmp_path):
    from spaceetl.warehouse.console import QueryRefused, run_query

    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    warehouse = lake(tmp_path)
    run(settings(raw, warehouse))
    assert run_query(Path(warehouse), "SELECT count(*) FROM articles").rows[0][0] == EXPECTED["totals"]["records"]
    with pytest.raises(QueryRefused):
        run_query(Path(warehouse), "DELETE FROM articles")
    with pytest.raises(Exception, match="disabled by configuration"):
        run_query(Path(warehouse), f"SELECT * FROM read_csv('{raw / GOOD[0]}')")


def test_a_bad_run_is_rolled_back_to_the_snapshot_the_previous_run_left(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    warehouse = lake(tmp_path)
    first = run(settings(raw, warehouse))
    before = contents(warehouse)
    write(raw / "extra_launch.txt", "Lisbon Launch Report\n\nThe Portuguese space agency said on Monday that it "
          "signed a contract with Arianespace to launch two small radar satellites from French Guiana in 2028.\n")
    second = run(settings(raw, warehouse))
    assert second.summary["articles_loaded"] == 1
    with wh.session(warehouse) as conn:
        left = wh.run_snapshots(conn, first.summary["run_id"])
        assert left, "the first run's commits carry its run id"
        # Time travel: the warehouse as the first run left it.
        assert conn.execute(f"SELECT count(*) FROM articles AT (VERSION => {left[-1]})").fetchone()[0] == \
            before["counts"]["articles"]
        assert wh.run_snapshots(conn, second.summary["run_id"])[0] > left[-1]
    # Undoing the first run would undo the second too: refused unless asked for.
    assert main(["rollback", first.summary["run_id"], "--warehouse", warehouse]) == 2
    assert "later run(s)" in capsys.readouterr().err
    assert main(["rollback", second.summary["run_id"], "--warehouse", warehouse]) == 0
    n = before["counts"]["articles"]
    assert f"articles {n + 1} -> {n}" in capsys.readouterr().out
    assert contents(warehouse) == before
    assert main(["rollback", "run_nope", "--warehouse", warehouse]) == 2
    assert main(["rollback", second.summary["run_id"], "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    assert "keeps no snapshots" in capsys.readouterr().err


CHILD = ("import json, logging, sys; from spaceetl.config import load_settings; from spaceetl.pipeline import run; "
         "from spaceetl.warehouse import core; logging.basicConfig(level=logging.WARNING); "
         "r = run(load_settings(raw_dir=sys.argv[1], warehouse=sys.argv[2], batch_files=2, n_process=1, workers=1, "
         "busy_retry_s=60, lock_timeout_s=60)); "
         "print(json.dumps({'exit': r.exit_code, 'status': r.summary['status'], 'run_id': r.summary['run_id'], "
         "'loaded': r.summary['articles_loaded'], 'conflict_retries': core.conflict_retries}))")


def two_loaders(tmp_path: Path, warehouse: str, reference: dict, env: dict | None = None) -> list[dict]:
    """Two processes load two halves of the corpus plus an overlap into one lake at the same time; the lake then
    holds exactly what one run of the whole corpus puts in a DuckDB file."""
    import os

    files = sorted(p.name for p in SAMPLES.iterdir() if p.is_file())
    half = len(files) // 2
    overlap = GOOD[:4]  # good articles both loaders meet
    parts = {"a": set(files[:half]) | set(overlap), "b": set(files[half:]) | set(overlap)}
    assert set(overlap) <= parts["a"] & parts["b"] and parts["a"] | parts["b"] == set(files)
    for name, part in parts.items():
        (tmp_path / name).mkdir()
        for f in part:
            shutil.copy2(SAMPLES / f, tmp_path / name / f)
    started = time.monotonic()
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / n), warehouse], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}) for n in parts]
    outs = [p.communicate(timeout=900) for p in procs]
    wall = time.monotonic() - started
    results = []
    for proc, (out, err) in zip(procs, outs):
        assert proc.returncode in (0, 1) and out.strip(), err[-3000:]  # a lost write ends a loader with a traceback
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(f"two loaders: {wall:.1f} s wall, {results}")
    assert all(r["status"] in ("completed", "warning") for r in results), results
    assert sum(r["loaded"] for r in results) == EXPECTED["totals"]["records"]  # each article loaded by one of them
    assert contents(warehouse) == reference
    assert not any(problems(warehouse).values()), problems(warehouse)
    with wh.session(warehouse, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM runs WHERE status IN ('completed', 'warning')").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM sources WHERE source_path IN (SELECT unnest(?))",
                            [overlap]).fetchone()[0] == len(overlap)
    return results


@pytest.mark.slow
def test_two_concurrent_loaders_store_every_article_once(tmp_path, reference):
    two_loaders(tmp_path, lake(tmp_path), reference)


def test_runs_share_a_lake_lock_and_know_whether_they_started_alone(tmp_path):
    warehouse = lake(tmp_path)
    with wh.run_lock(warehouse, 1.0) as first:
        assert first.shared and first.alone
        child = subprocess.run(
            [sys.executable, "-c", "import sys, json; from spaceetl.warehouse import run_lock\n"
             "with run_lock(sys.argv[1], 1.0) as l: print(json.dumps([l.shared, l.alone]))", warehouse],
            capture_output=True, text=True, timeout=60, check=False)
        assert json.loads(child.stdout) == [True, False], child.stderr  # did not wait, and knows it is not alone
    assert (tmp_path / "lake" / "catalog.sqlite.lock").exists()


# ------------------------------------------------------------------ a PostgreSQL catalog

def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """A throwaway PostgreSQL cluster on a Unix socket in a temporary folder (Debian's server packages), stopped
    at the end. Run as the ``postgres`` user when the tests run as root (initdb refuses root)."""
    import os
    import pwd
    import tempfile

    if wh.extension_path("duckdb_extension_postgres_scanner", "postgres_scanner") is None:
        pytest.skip("the duckdb-extension-postgres-scanner package is not installed (make install)")
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): apt-get install postgresql")
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="spaceetl-pg-"))
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server as")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, sock = base / "data", base
    log = base / "server.log"

    def call(*argv, check=True):
        return subprocess.run([*as_user, *map(str, argv)], capture_output=True, text=True, timeout=120, check=check)

    try:
        call(bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
        call(bindir / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "start", "-o",
             f"-k {sock} -c listen_addresses='' -c fsync=off")
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        server_log = log.read_text(errors="replace")[-1000:] if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"a throwaway PostgreSQL cluster did not start: {detail.strip()[-500:]} {server_log}")
    def database(name: str) -> str:
        """A fresh database in the cluster: its connection string."""
        call(bindir / "createdb", "-h", sock, "-U", "postgres", name)
        return f"dbname={name} host={sock} user=postgres"

    try:
        yield database
    finally:
        call(bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(base, ignore_errors=True)


def test_a_postgres_catalog_holds_what_a_duckdb_file_holds(tmp_path, postgres, reference, monkeypatch):
    monkeypatch.setenv("SPACEETL_LAKE_HOME", str(tmp_path / "home" / "lake"))
    warehouse = f"ducklake:postgres:{postgres('lake1')}"
    result = run(settings(SAMPLES, warehouse, lake_data_path=str(tmp_path / "data")))
    assert result.exit_code in (0, 1) and result.summary["status"] in ("completed", "warning")
    assert contents(warehouse) == reference
    assert not any(problems(warehouse).values()), problems(warehouse)
    with wh.session(warehouse, read_only=True) as conn:
        assert wh.lake_data_dir(conn) == f"{tmp_path / 'data'}/"
    assert list((tmp_path / "data").rglob("*.parquet"))
    assert (tmp_path / "home" / "lake.search.duckdb").is_file()  # the search index beside SPACEETL_LAKE_HOME
    assert (tmp_path / "home" / "reports").is_dir()


def test_a_duckdb_file_named_lake_is_no_lake(tmp_path):
    with wh.session(tmp_path / "lake.duckdb") as conn:
        wh.init_schema(conn)
        assert not wh.is_lake(conn) and wh.lake_data_dir(conn) is None
        assert conn.execute("SELECT count(*) FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY' "
                            "AND table_name = 'articles'").fetchone()[0] == 1
        assert "lake_writes" not in {r[0] for r in conn.execute("SHOW TABLES").fetchall()}


@pytest.mark.slow
def test_two_concurrent_loaders_on_a_postgres_catalog(tmp_path, postgres, reference):
    """The same two loaders with a PostgreSQL catalog: there DuckLake's own commit check lets two appends through,
    so the ``lake_writes`` row is what makes overlapping loads conflict."""
    two_loaders(tmp_path, f"ducklake:postgres:{postgres('lake2')}", reference,
                env={"SPACEETL_LAKE_HOME": str(tmp_path / "home" / "lake"),
                     "SPACEETL_LAKE_DATA_PATH": str(tmp_path / "data")})
