"""A real scheduled deployment: a persistent Prefect server started by the test, `spaceetl serve` polling it,
runs firing on a short interval and picking up only new or changed files."""

import os
import shutil
import socket
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import SAMPLES
from spaceetl import warehouse as wh
from spaceetl.errors import WarehouseBusyError

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out waiting for {what}")


def runs(path):
    if not path.exists():
        return []
    try:
        with wh.session(path, read_only=True, retry_s=2) as conn:
            return conn.execute("SELECT status, files_unchanged, articles_loaded, flow_run_id FROM runs "
                                "WHERE status <> 'running' ORDER BY started_at").fetchall()
    except (WarehouseBusyError, Exception):  # the table may not exist yet, or a run holds the file
        return []


def test_scheduled_runs_pick_up_only_new_files(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SAMPLES / "sda_tracking_layer_award.txt", raw)
    port = free_port()
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
               PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5", PREFECT_RUNNER_POLL_FREQUENCY="2")
    logs = tmp_path / "logs"
    logs.mkdir()
    server = subprocess.Popen([sys.executable, "-m", "spaceetl.cli", "server", "--port", str(port)], env=env,
                              stdout=open(logs / "server.log", "w"), stderr=subprocess.STDOUT)
    serve = None
    try:
        def healthy():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2).status == 200
            except OSError:
                return False
        wait_for(healthy, 120, "the Prefect server")
        warehouse = tmp_path / "w.duckdb"
        serve = subprocess.Popen([sys.executable, "-m", "spaceetl.cli", "serve", str(raw), "--warehouse", str(warehouse),
                                  "--interval", "6"], env=env, stdout=open(logs / "serve.log", "w"), stderr=subprocess.STDOUT)
        first = wait_for(lambda: runs(warehouse), 150, "the first scheduled run")
        assert first[0][2] == 1 and first[0][3]  # one article, linked to its Prefect flow run
        shutil.copy(SAMPLES / "germany_airbus_leo_deal.txt", raw)
        later = wait_for(lambda: [r for r in runs(warehouse)[1:] if r[2] == 1], 120, "a run that loads the new file")
        assert later[0][1] == 1  # the old file was skipped as unchanged
        quiet = wait_for(lambda: [r for r in runs(warehouse) if r[2] == 0 and r[1] == 2], 120, "a run with nothing new")
        assert quiet[0][0] == "completed"
        # Ctrl-C stops serve at once, and without -v it printed none of Prefect's INFO lines
        started = time.monotonic()
        serve.send_signal(signal.SIGINT)
        assert serve.wait(15) == 130 and time.monotonic() - started < 5
        serve_log = (logs / "serve.log").read_text(encoding="utf-8", errors="replace")
        assert "| INFO" not in serve_log and "Traceback" not in serve_log, serve_log[-2000:]
    finally:
        for proc in (serve, server):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
