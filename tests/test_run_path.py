"""The one run path (``spaceetl.pipeline.run``): every registered check is recorded, a check that raises or a bad
derived row never ends a run before its report, finishing twice gives the same results, and a run stopped by
SIGINT or SIGTERM says so and is repaired by the next run. Real runs into real DuckDB files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from conftest import SAMPLES
from spaceetl.checks import registry as reg
from spaceetl.pipeline import run, stages
from spaceetl.pipeline.context import RunTotals

CLI = [str(Path(sys.executable).parent / "spaceetl")]


def small_raw(tmp_path: Path, n: int = 4) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for f in sorted(p for p in SAMPLES.glob("*.txt") if "corrupt" not in p.name and "empty" not in p.name)[:n]:
        shutil.copy(f, raw / f.name)
    return raw


def rows(warehouse: Path, sql: str, params=()):
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


def test_every_registered_check_is_recorded_with_what_it_counts(tmp_path, settings_for):
    settings = settings_for(small_raw(tmp_path))
    result = run(settings)
    recorded = {r[0]: r[1:] for r in rows(settings.warehouse, "SELECT check_id, status, denominator FROM dq_results "
                                                               "WHERE run_id = ?", [result.summary["run_id"]])}
    declared = {c.id for c in reg.registry()}
    assert declared <= set(recorded)
    assert all(denominator for _status, denominator in recorded.values())
    assert recorded["mentions.span_matches_body_in_warehouse[text]"][1] == "mentions rows in the warehouse"


def test_a_check_that_raises_is_an_error_and_the_run_still_reports(tmp_path, settings_for, monkeypatch):
    def broken(_ctx):
        raise ZeroDivisionError("the check's own bug")

    extra = reg.Check("run.broken_on_purpose", "run", "broken_on_purpose", "error", "run", "raises", "runs",
                      compute=broken)
    original = reg._explicit_checks
    monkeypatch.setattr(reg, "_explicit_checks", lambda: [*original(), extra])
    reg.registry.cache_clear()
    try:
        settings = settings_for(small_raw(tmp_path))
        result = run(settings)
    finally:
        monkeypatch.undo()
        reg.registry.cache_clear()
    assert result.summary["status"] == "failed"
    assert "run.broken_on_purpose could not be computed" in result.summary["message"]
    (status, message), = rows(settings.warehouse, "SELECT status, message FROM dq_results WHERE run_id = ? AND "
                                                  "check_id = 'run.broken_on_purpose'", [result.summary["run_id"]])
    assert status == "error" and "ZeroDivisionError: the check's own bug" in message
    html = Path(result.summary["report_html"]).read_text(encoding="utf-8")
    assert "check errored" in html and "Every check passed" not in html
    # every other check still ran
    assert rows(settings.warehouse, "SELECT count(*) FROM dq_results WHERE run_id = ? AND status = 'pass'",
                [result.summary["run_id"]])[0][0] > 100


def test_a_derived_row_failing_a_frame_level_check_is_quarantined_and_reported(tmp_path, settings_for, monkeypatch):
    """The shape that crashed every run on a real export: a reference whose antecedent lies inside its own span
    fails the frame-level check ``span_ordered`` (a check with no column)."""
    real = stages.process_files

    def with_a_bad_reference(*args, **kwargs):
        batch = real(*args, **kwargs)
        refs = batch.tables["entity_references"]
        assert refs.height, "the fixture articles must resolve at least one reference"
        batch.tables["entity_references"] = refs.with_columns(
            pl.when(pl.int_range(pl.len()) == 0).then(pl.col("start_char")).otherwise(pl.col("antecedent_start"))
            .alias("antecedent_start"))
        return batch

    monkeypatch.setattr(stages, "process_files", with_a_bad_reference)
    settings = settings_for(small_raw(tmp_path))
    result = run(settings)
    summary = result.summary
    assert summary["status"] in ("completed", "warning")
    failing = [c for c in result.report["failing_checks"] if c["check_id"] == "entity_references.span_ordered"]
    assert failing and failing[0]["failed_rows"] >= 1
    sample = failing[0]["sample_rows"][0]
    assert sample["article_id"] and sample["span"] and sample["file"]
    quarantined = rows(settings.warehouse, "SELECT table_name, check_name FROM quarantine WHERE run_id = ? "
                                           "AND table_name = 'entity_references'", [summary["run_id"]])
    assert quarantined and quarantined[0][1] == "span_ordered"
    assert rows(settings.warehouse, "SELECT status FROM runs")[0][0] == summary["status"]


def test_finishing_twice_gives_the_same_dq_results(tmp_path, settings_for):
    settings = settings_for(small_raw(tmp_path))
    run(settings)
    ctx = stages.begin(settings)
    plan = stages.discover(ctx)
    totals = RunTotals()
    query = ("SELECT check_id, status, failed_rows, total_rows, denominator FROM dq_results WHERE run_id = ? "
             "ORDER BY check_id")
    stages.check(ctx, plan, totals)
    first = rows(settings.warehouse, query, [ctx.run_id])
    stages.check(ctx, plan, totals)
    assert rows(settings.warehouse, query, [ctx.run_id]) == first and len(first) >= len(reg.registry())


def test_a_crash_inside_a_stage_ends_the_run_failed_with_a_report(tmp_path, settings_for, monkeypatch):
    from spaceetl.checks import metrics

    def crash(*_args):
        raise KeyError("a bug in a stage")

    monkeypatch.setattr(metrics, "compute_metrics", crash)
    settings = settings_for(small_raw(tmp_path))
    result = run(settings)
    assert result.status == "failed" and result.exit_code == 1
    assert "crashed during check" in result.summary["message"]
    (status, message), = rows(settings.warehouse, "SELECT status, message FROM runs")
    assert status == "failed" and "KeyError" in message
    html = Path(result.summary["report_html"]).read_text(encoding="utf-8")
    assert "Every check passed" not in html and "did not reach its checks" in html


# ---------------------------------------------------------------- signals

CHILD = ("import logging, sys; from spaceetl.config import load_settings; from spaceetl.pipeline import run; "
         "logging.basicConfig(level=logging.WARNING); "
         "logging.getLogger('spaceetl.pipeline.batches').setLevel(logging.DEBUG); "
         "sys.exit(run(load_settings(raw_dir=sys.argv[1], warehouse=sys.argv[2], batch_files=1, n_process=1, "
         "workers=1)).exit_code)")


def _stop_after_first_batch(argv: list[str], sig: int, env=None, watch: str = "stderr") -> subprocess.CompletedProcess:
    """Start ``argv``, wait until it has loaded one batch (its batch log line), then send ``sig``."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    seen = []
    for line in getattr(proc, watch):
        seen.append(line)
        if "settled in" in line or " 1 of " in line:
            break
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    if watch == "stdout":
        out = "".join(seen) + out
    else:
        err = "".join(seen) + err
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_ends_the_run_interrupted_and_the_next_run_repairs(tmp_path, sig, code):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    warehouse = tmp_path / "wh" / "w.duckdb"
    done = _stop_after_first_batch([sys.executable, "-c", CHILD, str(raw), str(warehouse)], sig)
    assert done.returncode == code, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    (run_id, status, message, report_path), = rows(warehouse, "SELECT run_id, status, message, report_path FROM runs")
    assert status == "interrupted" and signal.Signals(sig).name in message
    html = Path(report_path).read_text(encoding="utf-8")
    assert "This run did not finish" in html and "Every check passed" not in html
    assert rows(warehouse, "SELECT count(*) FROM sources")[0][0] >= 1  # the first batch is in, whole

    again = subprocess.run([sys.executable, "-c", CHILD, str(raw), str(warehouse)], capture_output=True, text=True,
                           timeout=600)
    assert again.returncode in (0, 1), again.stderr[-2000:]
    latest, = rows(warehouse, "SELECT status, message FROM runs WHERE run_id <> ? ORDER BY started_at", [run_id])
    assert latest[0] in ("completed", "warning") and "re-checked and rebuilt" in latest[1]
    assert rows(warehouse, "SELECT count(*) FROM runs WHERE status = 'running'")[0][0] == 0
    expected = json.loads((SAMPLES.parent / "expected.json").read_text(encoding="utf-8"))["totals"]["records"]
    assert rows(warehouse, "SELECT count(*) FROM articles")[0][0] == expected
    with duckdb.connect(str(warehouse), read_only=True) as conn:  # the full-text index is there
        from spaceetl.warehouse import fts_extension_path

        conn.execute(f"LOAD '{fts_extension_path()}'")
        hits = conn.execute("SELECT count(*) FROM articles WHERE fts_main_articles.match_bm25(article_id, "
                            "'satellite') IS NOT NULL").fetchone()[0]
    assert hits > 0


@pytest.mark.slow
def test_sigterm_to_spaceetl_run_exits_143_with_one_line(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    warehouse = tmp_path / "wh" / "w.duckdb"
    env = dict(os.environ, SPACEETL_BATCH_FILES="1", SPACEETL_WORKERS="1")
    done = _stop_after_first_batch([*CLI, "run", str(raw), "--warehouse", str(warehouse), "--no-progress"],
                                   signal.SIGTERM, env=env, watch="stdout")
    assert done.returncode == 143, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "interrupted by SIGTERM" in done.stderr
    assert rows(warehouse, "SELECT status FROM runs")[0][0] == "interrupted"


def test_a_warehouse_inside_the_raw_folder_is_not_read_back(tmp_path, settings_for):
    raw = small_raw(tmp_path, 2)
    settings = settings_for(raw).model_copy(update={"warehouse": raw / "wh" / "w.duckdb"})
    first = run(settings).summary
    assert first["articles_loaded"] == 2
    again = run(settings).summary  # its reports, the DuckDB file and its lock are inside raw now
    assert again["files_seen"] == 2 and again["records_read"] == 0 and again["quarantined"] == 0


@pytest.mark.slow
def test_a_file_past_its_time_budget_is_quarantined_too_slow_and_the_rest_loads(tmp_path, settings_for):
    """On worker processes a file that runs past its budget stops its batch; the batch goes again file by file and
    only the slow file is quarantined (with a sources row: it is not read again until it changes)."""
    raw = small_raw(tmp_path, 3)
    sentence = ("The agency said the relay satellite would reach its orbit next spring, and engineers in Tromso "
                "will test the radio links over the coming weeks before the first data arrives. ")
    (raw / "a_very_long_report.txt").write_text("A Very Long Report\n\n" + "\n\n".join([sentence * 5] * 1500),
                                                encoding="utf-8")
    settings = settings_for(raw, workers=2, batch_files=2, n_process=1, file_budget_s=8, file_budget_s_per_mb=0)
    summary = run(settings).summary
    try:
        assert summary["files_failed"] == 0 and summary["articles_loaded"] == 3
        reason, = rows(settings.warehouse, "SELECT reason FROM quarantine WHERE check_name = 'too_slow'")[0]
        assert "time budget" in reason
        assert rows(settings.warehouse, "SELECT status FROM sources WHERE source_path = 'a_very_long_report.txt'"
                    )[0][0] == "quarantined"
        again = run(settings).summary
        assert again["records_read"] == 0  # not read again: it did not change
    finally:
        from spaceetl.pipeline import workers

        workers.shutdown()


def test_the_readme_sample_output_is_what_a_sample_run_prints(tmp_path, settings_for):
    """The quick start shows a real run's summary: its check counts must be the ones a run of the sample prints."""
    import re

    from conftest import ROOT
    from spaceetl.cli.main import _check_counts

    shown = re.search(r"^Done\. (PASS=\d+ WARN=\d+ ERROR=\d+ TOTAL=\d+)$",
                      (ROOT / "README.md").read_text(encoding="utf-8"), re.M).group(1)
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLES, raw)
    result = run(settings_for(raw))
    counts = _check_counts(result.report)
    assert " ".join(f"{k}={v}" for k, v in counts.items()) == shown


def test_batches_shrink_toward_the_end_so_workers_finish_together(tmp_path):
    from spaceetl.ingest.models import FileEntry

    sizes = [3000 + (i * 7919) % 4000 for i in range(1000)]
    todo = [FileEntry(f"a{i:04d}.txt", tmp_path / f"a{i:04d}.txt", size, 0) for i, size in enumerate(sizes)]
    batches = stages.cut_batches(todo, 200, 2)
    assert [e for b in batches for e in b] == todo  # every file once, in order
    assert max(len(b) for b in batches) == 200 and len(batches[0]) == 200
    tail = [sum(e.size for e in b) for b in batches[-4:]]
    assert tail[-1] < sum(e.size for e in batches[0]) / 4  # the last batch is a small one
    assert all(len(b) >= stages.TAIL_MIN_FILES for b in batches[:-1])
    # one worker, one batch's worth, or batches already small: cut evenly as before
    assert [len(b) for b in stages.cut_batches(todo, 200, 1)] == [200] * 5
    assert [len(b) for b in stages.cut_batches(todo[:150], 200, 2)] == [150]
    assert [len(b) for b in stages.cut_batches(todo[:9], 2, 2)] == [2, 2, 2, 2, 1]


def test_spacy_minibatches_are_bounded_by_characters_as_well_as_documents():
    from spaceetl.pipeline.extract import minibatches_by_chars

    texts = ["a" * 100] * 10 + ["b" * 5000] + ["c" * 100] * 3
    groups = list(minibatches_by_chars(texts, max_docs=4, max_chars=1000))
    assert [t for g in groups for t in g] == texts  # every text once, in order
    assert [len(g) for g in groups] == [4, 4, 2, 1, 3]  # the long text alone, the budget never passed otherwise
    assert all(sum(map(len, g)) <= 1000 for g in groups if len(g) > 1)


def test_head_start_batches_are_taken_when_the_plan_matches_and_dropped_when_not(tmp_path, settings_for):
    """Batches extracted before the run began are loaded only when the run's own plan has the same files: a file
    edited in between is extracted again, so the warehouse holds what the file says when the run reads it."""
    from spaceetl.pipeline.head_start import head_start

    raw = small_raw(tmp_path, n=6)
    settings = settings_for(raw, workers=2, batch_files=2, n_process=1)
    early = head_start(settings)
    assert early is not None and len(early.early) == 3  # 6 files in batches of 2: all three go early
    edited = sorted(raw.glob("*.txt"))[0]  # in the first batch
    edited.write_text("Harbour Edit Notice\n\nThe Norwegian space agency said on Tuesday that the Andoya range "
                      "will host a second launch pad, built by Northwind Orbital for about $30 million.\n",
                      encoding="utf-8")
    try:
        result = run(settings, executor=early)
    finally:
        early.close()
    assert result.summary["run_id"] == early.run_id
    assert result.summary["articles_loaded"] == 6, result.summary["message"]
    assert early.taken == 2  # the edited file's batch was planned anew and extracted again
    warehouse = settings.warehouse
    assert rows(warehouse, "SELECT DISTINCT run_id FROM articles") == [(early.run_id,)]
    titles = [r[0] for r in rows(warehouse, "SELECT a.title FROM articles a JOIN sources s USING (article_id) "
                                            "WHERE s.source_path = ?", [edited.name])]
    assert titles == ["Harbour Edit Notice"]
