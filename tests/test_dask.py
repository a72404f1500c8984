"""Scale-out: the same flow with its extraction on a real ``distributed.LocalCluster`` (an existing scheduler
address, as with a real cluster). Workers load the model once each and hand their batches back as Parquet; the
flow process is the single writer. The workers run no Prefect code, so they need no Prefect API of their own."""

import os
import shutil

import pytest

from conftest import SAMPLES
from spaceetl import warehouse as wh
from spaceetl.checks.runner import warehouse_check_rows

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_flow_on_a_local_dask_cluster(prefect_harness, tmp_path):
    from distributed import Client, LocalCluster

    from spaceetl.config import load_settings
    from spaceetl.flows.etl import run_etl

    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        settings = load_settings(raw_dir=raw, warehouse=tmp_path / "w.duckdb", task_runner="dask",
                                 dask_address=cluster.scheduler_address, batch_files=6, workers=2)
        summary = run_etl(settings)
        worker_pids = set(client.run(os.getpid).values())
    assert summary["articles_loaded"] == 18 and summary["duplicates"] == 2
    assert len(worker_pids) == 2 and os.getpid() not in worker_pids
    assert summary["worker_pids"] and set(summary["worker_pids"]) <= worker_pids  # extraction ran on the cluster
    spill = tmp_path / "spill"
    assert spill.exists() and not any(spill.rglob("*.parquet"))  # handed over, loaded, cleaned up
    with wh.session(settings.warehouse, read_only=True) as conn:
        assert all(r["status"] == "pass" for r in warehouse_check_rows(conn))
        assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] > 100
