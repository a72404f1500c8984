"""Failure accounting: a run that could not process its input never looks green; environment errors stop a run
before it starts (exit 2, one line, nothing written); a dead worker is replaced and its batch retried; one file
that breaks the extraction is quarantined alone while the rest of its batch loads."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from conftest import SAMPLES, write
from spaceetl import warehouse as wh
from spaceetl.pipeline import run

CLI = [sys.executable, "-m", "spaceetl.cli"]
GOOD_FILE = "japan_india_lunar_rover.txt"  # one article of its own in the sample corpus (no duplicate elsewhere)


def cli(*args: str, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "CI": "1", **(env or {})})


def check_row(conn, name: str) -> tuple:
    return conn.execute("SELECT severity, status, failed_rows, total_rows FROM dq_results WHERE check_name = ? "
                        "ORDER BY run_id DESC LIMIT 1", [name]).fetchone()


# ---------------------------------------------------------------- batches that raise (in-process executor)

def test_every_batch_fails_ends_failed_and_counts_every_file(raw_copy, settings_for, monkeypatch):
    import spaceetl.pipeline.extract as extract

    def broken(*args, **kwargs):
        raise RuntimeError("the extraction is broken")

    monkeypatch.setattr(extract, "extract_articles", broken)
    settings = settings_for(raw_copy, batch_files=5)
    summary = run(settings).summary
    assert summary["status"] == "failed"
    assert summary["articles_loaded"] == 0
    assert summary["files_failed"] == 21 and summary["records_read"] >= 21
    assert "RuntimeError: the extraction is broken" in summary["message"]
    with wh.session(settings.warehouse, read_only=True) as conn:
        assert check_row(conn, "batches_failed") == ("error", "fail", 21, summary["records_read"])
        failed = conn.execute("SELECT count(*) FROM quarantine WHERE check_name = 'extraction_failed'").fetchone()[0]
        assert failed == 21
        # no sources rows for them: the next run tries them again
        assert conn.execute("SELECT count(*) FROM sources WHERE status = 'loaded'").fetchone()[0] == 0

    monkeypatch.undo()
    again = run(settings).summary
    assert again["articles_loaded"] == 18 and again["status"] in {"completed", "warning"}


def test_one_file_that_raises_is_isolated_and_the_rest_of_its_batch_loads(raw_copy, settings_for, monkeypatch):
    import spaceetl.pipeline.extract as extract

    real = extract.read_file

    def read_file(entry, **kwargs):
        if entry.rel_path == GOOD_FILE:
            raise ValueError("reader bug on this file")
        return real(entry, **kwargs)

    monkeypatch.setattr(extract, "read_file", read_file)
    settings = settings_for(raw_copy, batch_files=7)  # three batches
    summary = run(settings).summary
    assert summary["status"] == "failed"
    assert summary["files_failed"] == 1
    assert summary["articles_loaded"] == 17  # everything else, including the rest of that file's batch
    assert "ValueError: reader bug on this file" in summary["first_error"]
    with wh.session(settings.warehouse, read_only=True) as conn:
        rows = conn.execute("SELECT source_path, reason FROM quarantine WHERE check_name = 'extraction_failed'").fetchall()
        assert [r[0] for r in rows] == [GOOD_FILE] and "ValueError" in rows[0][1]
        assert check_row(conn, "batches_failed")[:3] == ("error", "fail", 1)

    monkeypatch.undo()
    again = run(settings).summary
    assert again["articles_loaded"] == 1 and again["status"] in {"completed", "warning"}


def test_a_json_file_nested_too_deep_is_quarantined_alone(tmp_path, settings_for):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    write(raw / "deep.json", "[" * 100_000 + "]" * 100_000)
    summary = run(settings_for(raw)).summary
    assert summary["articles_loaded"] == 18 and summary["status"] == "warning"
    with wh.session(settings_for(raw).warehouse, read_only=True) as conn:
        check = conn.execute("SELECT check_name FROM quarantine WHERE source_path = 'deep.json'").fetchone()
    assert check[0] in {"nested_too_deep", "malformed_json"}


def test_a_file_name_that_is_not_utf8_is_read_and_stored(tmp_path, settings_for):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / GOOD_FILE, os.fsdecode(bytes(raw) + b"/bad\xff.txt"))
    summary = run(settings_for(raw)).summary
    assert summary["articles_loaded"] == 1
    with wh.session(settings_for(raw).warehouse, read_only=True) as conn:
        assert conn.execute("SELECT source_path FROM sources").fetchone()[0] == "bad\\xff.txt"
    assert run(settings_for(raw)).summary["files_unchanged"] == 1


# ---------------------------------------------------------------- dead workers

def _worker_processes() -> list[psutil.Process]:
    me = psutil.Process()
    servers = [p for p in me.children() if "forkserver" in " ".join(p.cmdline())]
    return [w for s in servers for w in s.children()]


def test_a_killed_worker_is_replaced_and_its_batch_retried(raw_copy, settings_for):
    settings = settings_for(raw_copy, batch_files=2, workers=2)
    killed: list[int] = []

    def killer():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            busy = [w for w in _worker_processes() if w.cpu_percent(interval=0.2) > 5]
            if busy:
                busy[0].send_signal(signal.SIGKILL)
                killed.append(busy[0].pid)
            time.sleep(0.05)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        summary = run(settings).summary
    finally:
        thread.join(timeout=1)
        from spaceetl.pipeline import workers
        workers.shutdown()
    assert killed, "no worker was killed: the test proved nothing"
    assert summary["worker_restarts"] >= 1
    assert summary["articles_loaded"] == 18 and summary["files_failed"] == 0
    assert summary["status"] in {"completed", "warning"}


# ---------------------------------------------------------------- environment errors: exit 2 before anything starts

@pytest.mark.parametrize("case", ["missing_raw", "raw_is_file", "model_missing", "warehouse_under_file",
                                  "corrupt_warehouse"])
def test_environment_errors_stop_the_run_before_it_starts(case, tmp_path):
    raw, warehouse, extra = str(SAMPLES), tmp_path / "wh" / "w.duckdb", []
    if case == "missing_raw":
        raw = str(tmp_path / "nowhere")
    elif case == "raw_is_file":
        raw = str(write(tmp_path / "a.txt", "not a folder"))
    elif case == "model_missing":
        extra = ["--model", "en_core_web_lg"]
    elif case == "warehouse_under_file":
        write(tmp_path / "wh", "a file where the folder should be")
    elif case == "corrupt_warehouse":
        write(warehouse, b"\x00" * 4096 + b"this is not a database")
    before = warehouse.read_bytes() if warehouse.is_file() else None
    started = time.monotonic()
    proc = cli("run", raw, "--warehouse", str(warehouse), *extra, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert time.monotonic() - started < 30  # no Prefect server, no model: refused at once
    if case == "corrupt_warehouse":
        assert warehouse.read_bytes() == before  # untouched
    elif case != "warehouse_under_file":
        assert not warehouse.exists()  # a run that cannot start creates no warehouse


# ---------------------------------------------------------------- the CLI on a run whose every batch fails

def broken_pipeline(tmp_path: Path) -> Path:
    """A spaCy pipeline folder that exists (so the run starts) but cannot be loaded (so every batch fails)."""
    folder = tmp_path / "broken_model"
    write(folder / "config.cfg", "[nlp]\nlang = \"xx-not-a-language\"\npipeline = []\n")
    write(folder / "meta.json", json.dumps({"lang": "xx", "name": "broken", "version": "0.0.0"}))
    return folder


@pytest.mark.e2e
def test_cli_run_whose_every_batch_fails_exits_1_with_the_first_error(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    proc = cli("run", str(SAMPLES), "--warehouse", str(warehouse), "--model", str(broken_pipeline(tmp_path)),
               "--batch-files", "8")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED" in proc.stdout and "first error" in proc.stdout
    with wh.session(warehouse, read_only=True) as conn:
        status, message = conn.execute("SELECT status, message FROM runs").fetchone()
        assert status == "failed" and "failed extraction" in message
        assert check_row(conn, "batches_failed")[:2] == ("error", "fail")


# ---------------------------------------------------------------- faults of the machine: exit 2, one line

@pytest.fixture
def tmpfs(tmp_path):
    """A small file system of our own (root only): full or read-only on demand."""
    mounts: list[Path] = []

    def make(size: str, *options: str) -> Path:
        target = tmp_path / f"fs{len(mounts)}"
        target.mkdir()
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]), "tmpfs",
                               str(target)], capture_output=True)
        if proc.returncode:
            pytest.skip("cannot mount a tmpfs here (not root)")
        mounts.append(target)
        return target

    yield make
    for target in mounts:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def one_line_exit_2(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("spaceetl: error:")]
    assert len(errors) == 1, proc.stderr
    return errors[0]


@pytest.mark.e2e
def test_disk_full_during_the_run(tmpfs):
    folder = tmpfs("1m")
    proc = cli("run", str(SAMPLES), "--warehouse", str(folder / "w.duckdb"), env={"SPACEETL_MIN_FREE_MB": "0"})
    assert "disk is full" in one_line_exit_2(proc)


def test_too_little_free_space_is_refused_before_the_run(tmpfs):
    folder = tmpfs("4m")
    line = one_line_exit_2(cli("run", str(SAMPLES), "--warehouse", str(folder / "w.duckdb")))
    assert "MB free" in line and not (folder / "w.duckdb").exists()


def test_read_only_file_system_before_the_run(tmpfs):
    folder = tmpfs("64m", "ro")
    line = one_line_exit_2(cli("run", str(SAMPLES), "--warehouse", str(folder / "w.duckdb")))
    assert "read-only" in line or "not writable" in line


@pytest.mark.e2e
def test_lock_timeout_and_busy_warehouse(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    with wh.run_lock(warehouse, 1):
        line = one_line_exit_2(cli("run", str(SAMPLES), "--warehouse", str(warehouse),
                                   env={"SPACEETL_LOCK_TIMEOUT_S": "1"}))
    assert "another spaceetl run" in line
    with wh.session(warehouse) as conn:  # another process holds the file open for writing
        wh.init_schema(conn)
        line = one_line_exit_2(cli("run", str(SAMPLES), "--warehouse", str(warehouse),
                                   env={"SPACEETL_BUSY_RETRY_S": "1"}))
    assert "busy" in line
    with wh.session(warehouse, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 0  # no `running` row left behind


@pytest.mark.parametrize("command", [["sql", "SELECT 1"], ["report"]])
def test_corrupt_warehouse_for_readers(tmp_path, command):
    warehouse = write(tmp_path / "w.duckdb", b"\x00" * 4096 + b"garbage")
    one_line_exit_2(cli(*command, "--warehouse", str(warehouse)))


# ---------------------------------------------------------------- no process outlives its run

def edited_copies(raw: Path, n: int) -> Path:
    """``n`` copies of the sample corpus whose articles differ (so they are not duplicates of each other)."""
    for i in range(n):
        shutil.copytree(SAMPLES, raw / f"copy{i}")
        for path in (raw / f"copy{i}").rglob("*"):
            if path.suffix in {".txt", ".json", ".jsonl", ".md", ".html"} and path.stat().st_size > 200:
                text = path.read_bytes().decode("utf-8", errors="surrogateescape")
                path.write_bytes(text.replace(". ", f". Copy {i} of {n} says so. ").encode("utf-8", "surrogateescape"))
    return raw


def marked_processes(marker: str) -> list[psutil.Process]:
    """Processes started (directly or not) by a command run with SPACEETL_TEST_MARK=marker in its environment."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.pid != os.getpid() and proc.environ().get("SPACEETL_TEST_MARK") == marker:
                found.append(proc)
        except psutil.Error:
            continue
    return found


def wait_until_gone(marker: str, timeout: float) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    left = marked_processes(marker)
    while left and time.monotonic() < deadline:
        time.sleep(0.5)
        left = marked_processes(marker)
    return left


@pytest.mark.e2e
@pytest.mark.slow
def test_documented_dask_command_at_the_default_batch_size(tmp_path):
    """`spaceetl run RAW --task-runner dask --workers 2` (docs/SCALING.md), no Prefect server configured: the
    extraction runs on the cluster's daemonic worker processes without forking, and no Prefect server (nor any
    other process) outlives the run."""
    marker = f"dask-{os.getpid()}-{time.time()}"
    raw = edited_copies(tmp_path / "raw", 5)  # one batch of more than 64 articles: spaCy would fork there
    env = {k: v for k, v in {**os.environ, "CI": "1", "SPACEETL_TEST_MARK": marker}.items() if k != "PREFECT_API_URL"}
    proc = subprocess.run([*CLI, "run", str(raw), "--warehouse", str(tmp_path / "w.duckdb"), "--task-runner", "dask",
                           "--workers", "2"], capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    loaded = int(next(ln for ln in proc.stdout.splitlines() if "articles loaded" in ln).split()[-1])
    assert loaded >= 80
    assert not wait_until_gone(marker, 15), "processes outlived the run"


@pytest.mark.e2e
@pytest.mark.slow
def test_killing_a_run_takes_its_helper_processes_with_it(tmp_path):
    marker = f"kill-{os.getpid()}-{time.time()}"
    raw = edited_copies(tmp_path / "raw", 12)  # enough batches to keep two workers busy for a while
    proc = subprocess.Popen([*CLI, "run", str(raw), "--warehouse", str(tmp_path / "w.duckdb"), "--batch-files", "4",
                             "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "CI": "1", "SPACEETL_TEST_MARK": marker})
    deadline = time.monotonic() + 240
    workers = []
    while time.monotonic() < deadline and proc.poll() is None:
        children = [p for p in marked_processes(marker) if p.pid != proc.pid]
        workers = [p for p in children if "forkserver" in " ".join(p.cmdline())]
        servers = [p for p in children if "uvicorn" in " ".join(p.cmdline())]
        if len(workers) >= 3 and servers:  # the fork server and two workers, and Prefect's temporary server
            break
        time.sleep(0.5)
    assert proc.poll() is None and len(workers) >= 3, "the run ended before it could be killed"
    proc.kill()
    proc.wait()
    left = wait_until_gone(marker, 20)
    assert not left, [" ".join(p.cmdline())[:80] for p in left]


def test_serve_refuses_a_raw_folder_that_does_not_exist(tmp_path):
    proc = cli("serve", str(tmp_path / "nowhere"), "--warehouse", str(tmp_path / "w.duckdb"), "--interval", "60",
               env={"PREFECT_API_URL": "http://127.0.0.1:9/api"}, timeout=60)
    assert "does not exist" in one_line_exit_2(proc)


def test_missing_fts_extension_is_an_environment_error(monkeypatch, settings_for, tmp_path):
    import spaceetl.warehouse as warehouse
    from spaceetl.errors import EnvironmentCheckError
    from spaceetl.preflight import ensure_ready

    monkeypatch.setattr(warehouse, "fts_extension_path", lambda: None)
    with pytest.raises(EnvironmentCheckError, match="fts extension"):
        ensure_ready(settings_for(SAMPLES))
    assert not (tmp_path / "wh").exists()


def test_workers_start_with_the_models_objects_frozen_and_collect_their_own(settings_for, tmp_path):
    """The fork server freezes the loaded model's objects, so a worker's collections leave those pages shared."""
    import gc

    from spaceetl.pipeline import workers

    model = settings_for(tmp_path).spacy_model
    try:
        p = workers.pool(model, 1)
        assert p.submit(gc.isenabled).result(timeout=120) is True
        assert p.submit(gc.get_freeze_count).result(timeout=120) > 100_000
    finally:
        workers.shutdown()
