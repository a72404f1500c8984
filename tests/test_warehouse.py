"""The warehouse: DDL from the contracts, idempotent and incremental loads, changed files, locks, checks."""

import multiprocessing
import time

import duckdb
import pytest

from spaceetl import warehouse as wh
from spaceetl.errors import RunLockedError, WarehouseBusyError
from spaceetl.pipeline import run
from spaceetl.schemas import TABLES
from spaceetl.checks.runner import warehouse_check_rows


def counts(path):
    with wh.session(path, read_only=True) as conn:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}


def test_ddl_follows_the_contracts(tmp_path):
    with wh.session(tmp_path / "w.duckdb") as conn:
        wh.init_schema(conn)
        for name, spec in TABLES.items():
            cols = [r[0] for r in conn.execute(f"DESCRIBE {name}").fetchall()]
            assert cols == spec.columns
        for view in ("v_article_entities", "v_entity_timeline", "v_entity_cooccurrence", "v_claims",
                     "v_cross_source_claims", "v_runs"):
            conn.execute(f"SELECT * FROM {view} LIMIT 0")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One plain (Prefect-free) run over a small corpus, shared by the read-only tests below."""
    from spaceetl.config import load_settings
    from conftest import SAMPLES
    import shutil

    base = tmp_path_factory.mktemp("wh")
    raw = base / "raw"
    shutil.copytree(SAMPLES, raw)
    settings = load_settings(raw_dir=raw, warehouse=base / "w.duckdb", busy_retry_s=5, lock_timeout_s=5)
    first = run(settings)
    return settings, first


def test_every_table_is_filled_and_consistent(loaded):
    settings, first = loaded
    n = counts(settings.warehouse)
    for table in ("articles", "sources", "entities", "mentions", "amounts", "dates", "claims", "entity_references",
                  "runs", "quarantine", "dq_results", "dq_metrics"):
        assert n[table] > 0, table
    with wh.session(settings.warehouse, read_only=True) as conn:
        assert all(r["status"] == "pass" for r in warehouse_check_rows(conn))
        # every mention/amount: substr(body, start + 1, end - start) = text, in DuckDB itself
        bad = conn.execute("""SELECT count(*) FROM mentions m JOIN articles a USING (article_id)
                              WHERE substr(a.body, m.start_char + 1, m.end_char - m.start_char) <> m.text""").fetchone()[0]
        assert bad == 0
        assert conn.execute("SELECT count(DISTINCT run_id) FROM mentions").fetchone()[0] == 1
        # every resolution is auditable: span and antecedent span match the body, the antecedent comes first
        bad = conn.execute("""SELECT count(*) FROM entity_references r JOIN articles a USING (article_id)
                              WHERE substr(a.body, r.start_char + 1, r.end_char - r.start_char) <> r.text
                                 OR (r.antecedent_start IS NOT NULL AND (r.antecedent_start >= r.start_char
                                     OR substr(a.body, r.antecedent_start + 1, r.antecedent_end - r.antecedent_start)
                                        <> r.antecedent_text))""").fetchone()[0]
        assert bad == 0
        rules = {r for (r,) in conn.execute("SELECT DISTINCT rule FROM entity_references").fetchall()}
        assert {"pronoun", "description"} <= rules


def test_rerun_of_unchanged_folder_adds_nothing(loaded):
    settings, first = loaded
    before = counts(settings.warehouse)
    again = run(settings).summary
    after = counts(settings.warehouse)
    assert again["files_unchanged"] == again["files_seen"] and again["records_read"] == 0
    for table in ("articles", "sources", "entities", "mentions", "amounts", "dates", "claims", "quarantine"):
        assert after[table] == before[table], table
    with wh.session(settings.warehouse, read_only=True) as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM sources GROUP BY status").fetchall())
        outcomes = dict(conn.execute("SELECT outcome, count(*) FROM sources GROUP BY outcome").fetchall())
    assert set(statuses) == {"unchanged"}
    assert outcomes.get("duplicate") and outcomes.get("quarantined") and outcomes.get("loaded")


def test_changed_file_replaces_its_rows_without_orphans(loaded):
    settings, _ = loaded
    path = settings.raw_dir / "hostile.txt"
    with wh.session(settings.warehouse, read_only=True) as conn:
        old_id = conn.execute("SELECT article_id FROM sources WHERE source_path = 'hostile.txt'").fetchone()[0]
    text = path.read_text(encoding="utf-8") + "\n\nA late paragraph: the Italian Space Agency said it would help with a €3 million grant.\n"
    path.write_text(text, encoding="utf-8")
    summary = run(settings).summary
    assert summary["articles_loaded"] == 1 and summary["records_read"] == 1
    with wh.session(settings.warehouse, read_only=True) as conn:
        new_id = conn.execute("SELECT article_id FROM sources WHERE source_path = 'hostile.txt'").fetchone()[0]
        assert new_id != old_id
        for table in ("articles", "mentions", "amounts", "dates", "claims"):
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE article_id = ?", [old_id]).fetchone()[0] == 0, table
        assert conn.execute("SELECT count(*) FROM amounts WHERE article_id = ? AND currency = 'EUR'", [new_id]).fetchone()[0] == 1
        assert all(r["status"] == "pass" for r in warehouse_check_rows(conn))


def test_hostile_strings_load_verbatim(loaded):
    settings, _ = loaded
    with wh.session(settings.warehouse, read_only=True) as conn:
        body = conn.execute("SELECT a.body FROM articles a JOIN sources s USING (article_id) "
                            "WHERE s.source_path = 'hostile.txt'").fetchone()[0]
        assert '<script>alert("x")</script>' in body and "'; DROP TABLE articles; --" in body
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 0


def _hold_writer(path, seconds, ready):
    conn = duckdb.connect(str(path))
    ready.set()
    time.sleep(seconds)
    conn.close()


def test_busy_warehouse_gives_a_clear_error_after_retries(tmp_path):
    path = tmp_path / "busy.duckdb"
    duckdb.connect(str(path)).close()
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_writer, args=(path, 4, ready))
    holder.start()
    try:
        ready.wait(10)
        t0 = time.monotonic()
        with pytest.raises(WarehouseBusyError, match="busy"):
            wh.connect(path, read_only=True, retry_s=0.5)
        assert time.monotonic() - t0 >= 0.5
        with wh.session(path, read_only=True, retry_s=20) as conn:  # waits for the holder, then succeeds
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        holder.join()


def test_a_run_keeps_its_file_open_and_checkpoints_at_the_end(tmp_path):
    """Sessions inside ``kept_open`` share one database: closing one does not checkpoint (the log stays), the
    end of the block does (the log is folded into the file)."""
    path = tmp_path / "w.duckdb"
    wal = tmp_path / "w.duckdb.wal"
    with wh.kept_open(path):
        for batch in range(3):
            with wh.session(path) as conn:
                conn.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
                conn.execute("INSERT INTO t VALUES (?)", [batch])
            assert wal.exists() and wal.stat().st_size > 0
    assert not wal.exists()
    with wh.session(path, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (3,)


def _read_runs(path, out):
    with wh.session(path, read_only=True, retry_s=30) as conn:
        out.put(conn.execute("SELECT count(*) FROM runs").fetchone()[0])


def test_a_waiting_reader_gets_in_between_two_batches(tmp_path):
    """A run holds its file open; a reader that finds it held knocks, and the run lets it in after the
    transaction in hand instead of at the end of the run."""
    path = tmp_path / "w.duckdb"
    with wh.kept_open(path):
        with wh.session(path) as conn:
            wh.init_schema(conn)
        spawn = multiprocessing.get_context("spawn")  # a separate program, like `spaceetl sql`, not a fork of this one
        out = spawn.Queue()
        reader = spawn.Process(target=_read_runs, args=(path, out))
        reader.start()
        deadline = time.monotonic() + 30
        while not (tmp_path / "w.duckdb.wait").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (tmp_path / "w.duckdb.wait").exists(), "the reader did not knock"
        assert reader.is_alive()  # still held: the run's file stays open until its next transaction ends
        with wh.session(path) as conn:  # the next batch
            conn.execute("SELECT 1")
        assert out.get(timeout=30) == 0
        reader.join(10)
        with wh.session(path) as conn:  # the run opens its file again for the batch after
            assert conn.execute("SELECT count(*) FROM runs").fetchone() == (0,)


def _hold_run_lock(path, seconds, ready):
    with wh.run_lock(path, timeout_s=1):
        ready.set()
        time.sleep(seconds)


def test_second_run_waits_then_fails_clearly(tmp_path):
    path = tmp_path / "w.duckdb"
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_run_lock, args=(path, 3, ready))
    holder.start()
    try:
        ready.wait(10)
        with pytest.raises(RunLockedError, match="another spaceetl run"):
            with wh.run_lock(path, timeout_s=0.5):
                pass
        with wh.run_lock(path, timeout_s=20):  # waits until the first run ends
            pass
    finally:
        holder.join()


def test_near_duplicates_share_a_story_across_batches(tmp_path, settings_for):
    """The syndicated repost is linked to the original whether it arrives in the same batch or a later one."""
    import shutil

    from conftest import SAMPLES

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("sda_tracking_layer_award.txt", "sda_tracking_layer_award_repost.txt", "germany_airbus_leo_deal.txt"):
        shutil.copy(SAMPLES / name, raw / name)
    settings = settings_for(raw, batch_files=1)
    summary = run(settings).summary
    assert summary["near_duplicates"] == 1
    with wh.session(settings.warehouse, read_only=True) as conn:
        rows = dict(conn.execute("""SELECT s.source_path, a.story_id FROM sources s JOIN articles a USING (article_id)""").fetchall())
        sim = conn.execute("SELECT max(near_duplicate_similarity) FROM articles").fetchone()[0]
    assert rows["sda_tracking_layer_award.txt"] == rows["sda_tracking_layer_award_repost.txt"]
    assert rows["germany_airbus_leo_deal.txt"] != rows["sda_tracking_layer_award.txt"]
    assert 0.6 <= sim < 1.0


def test_older_warehouse_gets_new_contract_columns(tmp_path):
    """A warehouse written by an earlier version (a column missing) is migrated in place, not rebuilt."""
    path = tmp_path / "old.duckdb"
    with wh.session(path) as conn:
        wh.init_schema(conn)
        conn.execute("DROP VIEW v_cross_source_claims; DROP VIEW v_claims; ALTER TABLE claims DROP COLUMN party_entity_ids")
    with wh.session(path) as conn:
        wh.init_schema(conn)
        cols = {r[0] for r in conn.execute("DESCRIBE claims").fetchall()}
        assert "party_entity_ids" in cols
        conn.execute("SELECT party_a, independent_sources FROM v_cross_source_claims LIMIT 0")


def test_full_text_search_works_offline(loaded):
    settings, _ = loaded
    with wh.session(settings.warehouse, read_only=True) as conn:
        hits = conn.execute("""SELECT title FROM (SELECT title, fts_main_articles.match_bm25(article_id, 'constellation') AS score
                               FROM articles) WHERE score IS NOT NULL ORDER BY score DESC""").fetchall()
    assert hits and any("IRIS" in (t or "") or "Constellation" in (t or "") for (t,) in hits)


def test_warehouse_opens_in_the_duckdb_cli_of_the_same_version(loaded):
    import subprocess
    import sys
    from pathlib import Path

    import duckdb

    settings, _ = loaded
    cli = Path(sys.executable).parent / "duckdb"
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith(f"v{duckdb.__version__}")
    out = subprocess.run([str(cli), "-readonly", "-csv", str(settings.warehouse), "-c",
                          "SELECT count(*) FROM articles; SELECT count(*) FROM v_claims;"],
                         capture_output=True, text=True, check=True).stdout.split()
    assert int(out[1]) > 0 and int(out[3]) > 0
