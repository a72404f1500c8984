"""End to end on real parts: a real Prefect flow run (shared test harness), the real spaCy model, a real DuckDB
file, real pandera validation - on the bundled sample corpus, whose expected outcome per file is in
samples/expected.json."""

import json

import pytest

from conftest import ROOT
from spaceetl import warehouse as wh
from spaceetl.checks.runner import warehouse_check_rows

pytestmark = pytest.mark.e2e
EXPECTED = json.loads((ROOT / "samples" / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def flow_result(prefect_harness, tmp_path_factory):
    import shutil

    from spaceetl.config import load_settings
    from spaceetl.flows.etl import etl
    from conftest import SAMPLES

    base = tmp_path_factory.mktemp("e2e")
    shutil.copytree(SAMPLES, base / "raw")
    settings = load_settings(raw_dir=base / "raw", warehouse=base / "warehouse" / "spaceetl.duckdb",
                             busy_retry_s=10, lock_timeout_s=10)
    state = etl(settings=settings, return_state=True)
    return settings, state


def test_flow_run_completes_with_expected_outcomes(flow_result):
    settings, state = flow_result
    summary = state.result()
    assert state.is_completed() and summary["status"] == "warning"
    assert state.name == "Warning" and "quarantined_share" in state.message  # the bad sample files
    totals = EXPECTED["totals"]
    assert summary["articles_loaded"] == totals["records"]
    assert summary["duplicates"] == totals["duplicates"]
    with wh.session(settings.warehouse, read_only=True) as conn:
        by_file = {}
        for path, status in conn.execute("SELECT source_path, status FROM sources ORDER BY source_path, record").fetchall():
            by_file.setdefault(path, set()).add(status)
        quarantined = {r[0] for r in conn.execute("SELECT DISTINCT source_path FROM quarantine").fetchall()}
    for name, exp in EXPECTED["files"].items():
        if exp["expected"] == "loaded":
            assert by_file[name] == {"loaded"}, name
        elif exp["expected"] == "duplicate":
            assert by_file[name] == {"duplicate"}, name
        elif exp["expected"] == "quarantined":
            assert by_file[name] == {"quarantined"} and name in quarantined, name
        else:  # mixed: good records loaded next to the bad one
            assert "loaded" in by_file[name] and "quarantined" in by_file[name], name


def test_run_row_points_at_the_real_prefect_flow_run(flow_result):
    from prefect import get_client
    from prefect.utilities.asyncutils import run_coro_as_sync

    settings, state = flow_result
    with wh.session(settings.warehouse, read_only=True) as conn:
        run_id, flow_run_id, model, version, status = conn.execute(
            "SELECT run_id, flow_run_id, model_name, model_version, status FROM runs").fetchone()
    assert flow_run_id == str(state.state_details.flow_run_id)

    async def read():
        async with get_client() as client:
            return await client.read_flow_run(flow_run_id)

    fr = run_coro_as_sync(read())
    assert fr.name and fr.state.is_completed()
    assert (model, version) == (settings.spacy_model, "3.8.0")
    assert status in {"completed", "warning"}


def test_report_written_and_published_as_artifacts(flow_result):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
    from prefect.utilities.asyncutils import run_coro_as_sync

    settings, state = flow_result
    summary = state.result()
    reports = settings.resolved_reports_dir()
    report = json.loads((reports / "latest.json").read_text())
    assert report["run"]["run_id"] == summary["run_id"]
    assert {q["source_path"] for q in report["quarantine"]} >= {"empty.txt", "corrupt_image.txt", "truncated.json"}
    assert (reports / "latest.html").read_text().count("<tr>") > 10

    async def read():
        async with get_client() as client:
            return await client.read_artifacts(artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))

    keys = {a.key for a in run_coro_as_sync(read())}
    assert {"spaceetl-dq-report", "spaceetl-dq-checks", "spaceetl-quarantine"} <= keys


def test_second_flow_run_adds_no_rows(flow_result):
    from spaceetl.flows.etl import etl

    settings, _ = flow_result
    with wh.session(settings.warehouse, read_only=True) as conn:
        before = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("articles", "sources", "mentions", "claims", "amounts", "quarantine")}
    summary = etl(settings=settings)
    assert summary["files_unchanged"] == summary["files_seen"] and summary["articles_loaded"] == 0
    with wh.session(settings.warehouse, read_only=True) as conn:
        after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
    assert after == before


def test_flow_with_extraction_worker_processes(prefect_harness, tmp_path):
    """The default parallel path: several batches handed to worker processes with a model each."""
    import os
    import shutil

    from conftest import SAMPLES
    from spaceetl.config import load_settings
    from spaceetl.flows.etl import run_etl

    shutil.copytree(SAMPLES, tmp_path / "raw")
    settings = load_settings(raw_dir=tmp_path / "raw", warehouse=tmp_path / "w.duckdb", batch_files=4, workers=2)
    summary = run_etl(settings)
    assert summary["articles_loaded"] == EXPECTED["totals"]["records"]
    assert summary["duplicates"] == EXPECTED["totals"]["duplicates"]
    assert len(summary["worker_pids"]) == 2 and os.getpid() not in summary["worker_pids"]
    with wh.session(settings.warehouse, read_only=True) as conn:
        assert all(r["status"] == "pass" for r in warehouse_check_rows(conn))
