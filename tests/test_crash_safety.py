"""Killing a real run process at several points leaves the warehouse consistent; the next run marks the killed
run interrupted and completes the load, ending exactly where an uninterrupted run ends."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import SAMPLES
from spaceetl import warehouse as wh
from spaceetl.config import load_settings
from spaceetl.pipeline import run
from spaceetl.checks.runner import warehouse_check_rows

pytestmark = pytest.mark.slow
DATA_TABLES = ("articles", "sources", "entities", "mentions", "amounts", "dates", "claims", "article_signatures",
               "article_bands")
CHILD = "import logging, sys; from spaceetl.config import load_settings; from spaceetl.pipeline import run; " \
        "logging.basicConfig(level=logging.WARNING); logging.getLogger('spaceetl.pipeline.batches').setLevel(logging.DEBUG); " \
        "run(load_settings(raw_dir=sys.argv[1], warehouse=sys.argv[2], batch_files=1, n_process=1))"


def snapshot(path):
    with wh.session(path, read_only=True) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DATA_TABLES}
        checks = [r for r in warehouse_check_rows(conn) if r["status"] == "fail"]
        # a multi-record file is loaded whole or not at all (one transaction per batch)
        partial = conn.execute("SELECT count(*) FROM (SELECT source_path, count(*) n FROM sources "
                               "WHERE source_path = 'feed_export.jsonl' GROUP BY ALL HAVING n <> 4)").fetchone()[0]
        statuses = [r[0] for r in conn.execute("SELECT status FROM runs ORDER BY started_at").fetchall()]
    return counts, checks, partial, statuses


def test_kill_at_several_points_then_complete(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    reference = tmp_path / "reference.duckdb"
    run(load_settings(raw_dir=raw, warehouse=reference, batch_files=1, n_process=1))
    expected, _, _, _ = snapshot(reference)

    target = tmp_path / "killed.duckdb"
    killed_with_rows = 0
    # Kill points are counted in batches loaded (the child logs each one), plus a little, so kills land inside
    # later transactions too; fixed delays would depend on the machine's load.
    for batches, extra in ((1, 0.0), (4, 0.15), (8, 0.3)):
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(raw), str(target)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        loaded = 0
        for line in proc.stderr:
            loaded += "settled in" in line
            if loaded >= batches:
                break
        time.sleep(extra)
        finished = proc.poll() is not None
        if not finished:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        counts, failing, partial, statuses = snapshot(target)
        assert not failing, failing
        assert partial == 0
        if not finished:
            assert statuses[-1] == "running"  # it never got to say otherwise
            killed_with_rows += counts["articles"] > 0
        assert counts["articles"] <= expected["articles"]

    run(load_settings(raw_dir=raw, warehouse=target, batch_files=1, n_process=1))
    counts, failing, partial, statuses = snapshot(target)
    assert not failing and partial == 0
    assert counts == expected
    assert statuses[-1] in {"completed", "warning"}
    assert "interrupted" in statuses and "running" not in statuses
    assert killed_with_rows >= 1, "no kill landed while rows were being loaded: the test proved nothing"
