"""The pipeline's run-level steps as plain functions: begin a run, plan the files, process a batch, load it,
finish the run. ``spaceetl.flows.etl`` wires these into a Prefect flow; tests call them directly.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import polars as pl

from . import __version__
from . import warehouse as wh
from .config import Settings
from .data import current_data_dir, data_files, use_data_dir
from .extract import process_files
from .ingest.discover import is_unchanged, split_globs, walk
from .ingest.models import FileEntry, Rejected
from .validate import CheckTally, ValidatedBatch, validate_batch, validate_table

log = logging.getLogger(__name__)


@dataclass
class RunContext:
    run_id: str
    started_at: datetime
    settings: Settings
    model_name: str
    model_version: str
    flow_run_id: str | None = None
    interrupted: list[str] = field(default_factory=list)


@dataclass
class Plan:
    batches: list[list[FileEntry]]
    unchanged: list[str]
    rejected: list[Rejected]
    files_seen: int
    new_mtimes: dict[str, int] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    deleted_articles: int = 0


def model_version_of(model_name: str) -> str:
    """The installed pipeline package's version, read without loading the model."""
    for dist in (model_name, model_name.replace("_", "-")):
        try:
            return version(dist)
        except PackageNotFoundError:
            continue
    return "unknown"


def begin_run(settings: Settings, flow_run_id: str | None = None) -> RunContext:
    from .ids import new_run_id

    run = RunContext(run_id=new_run_id(), started_at=datetime.now(timezone.utc), settings=settings,
                     model_name=settings.spacy_model, model_version=model_version_of(settings.spacy_model),
                     flow_run_id=flow_run_id)
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s) as conn:
        wh.init_schema(conn)
        run.interrupted = wh.mark_interrupted_runs(conn)
        wh.insert_run(conn, dict(
            run_id=run.run_id, flow_run_id=flow_run_id, started_at=run.started_at, finished_at=None, status="running",
            raw_dir=str(Path(settings.raw_dir).resolve()), model_name=run.model_name, model_version=run.model_version,
            package_version=__version__, settings_json=json.dumps(settings.public_dict(), sort_keys=True),
            files_seen=None, files_unchanged=None, records_read=None, articles_loaded=None, duplicates=None,
            near_duplicates=None, quarantined=None, report_path=None, message=None,
            data_files_json=json.dumps(data_files(settings.data_dir or ""), sort_keys=True), files_deleted=None))
    if run.interrupted:
        log.warning("marked %d earlier run(s) as interrupted: %s", len(run.interrupted), ", ".join(run.interrupted))
    return run


def plan_files(run: RunContext) -> Plan:
    """Walk the raw folder; skip unchanged files; cut the rest into batches of ``batch_files`` files."""
    import hashlib

    settings = run.settings
    raw_dir = Path(settings.raw_dir)
    if not raw_dir.is_dir():
        from .errors import SpaceetlError

        raise SpaceetlError(f"raw folder {raw_dir} does not exist or is not a folder", stage="discover", path=str(raw_dir))
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s) as conn:
        known = wh.known_files(conn)
        missing = wh.present_files(conn, str(raw_dir.resolve()))  # until seen below
    todo: list[FileEntry] = []
    unchanged: list[str] = []
    rejected: list[Rejected] = []
    new_mtimes: dict[str, int] = {}
    seen = 0
    for item in walk(raw_dir, settings.include_hidden, follow_outside_links=settings.follow_outside_links,
                     include=split_globs(settings.include), exclude=split_globs(settings.exclude)):
        seen += 1
        missing.discard(item.source_path if isinstance(item, Rejected) else item.rel_path)
        if isinstance(item, Rejected):
            prev = known.get(item.source_path)
            if item.skipped and prev is not None and prev.outcome == "skipped":
                unchanged.append(item.source_path)  # skipped before, skipped again: nothing to re-record
            else:
                rejected.append(item)
            continue
        verdict = is_unchanged(item, known)
        prev = known.get(item.rel_path)
        if prev is not None and prev.outcome == "skipped" and prev.file_sha256 is None:
            verdict = False  # skipped unread last time (by name or kind), readable now: e.g. the globs changed
        if verdict is None:  # same size, new mtime: only the content can tell
            try:
                with open(item.abs_path, "rb") as fh:  # streamed: a huge file must not be read into memory
                    verdict = hashlib.file_digest(fh, "sha256").hexdigest() == known[item.rel_path].file_sha256
            except OSError:
                verdict = False
            if verdict:
                new_mtimes[item.rel_path] = item.mtime_ns
        (unchanged.append(item.rel_path) if verdict else todo.append(item))
    # Rejected-at-discovery entries (broken links) already known as quarantined are unchanged too.
    rejected = [r for r in rejected if r.skipped or r.source_path not in known]
    n = settings.batch_files
    batches = [todo[i:i + n] for i in range(0, len(todo), n)]
    skipped = sum(r.skipped for r in rejected)
    log.info("%d files: %d to read in %d batch(es), %d unchanged, %d skipped, %d deleted since the last run", seen,
             len(todo), len(batches), len(unchanged), skipped, len(missing))
    return Plan(batches=batches, unchanged=unchanged, rejected=rejected, files_seen=seen, new_mtimes=new_mtimes,
                deleted=sorted(missing))


def extract_and_validate(entries: list[FileEntry], settings: Settings, run_id: str,
                         rejected: list[Rejected] | None = None) -> ValidatedBatch:
    """Everything a worker does for one batch: read, parse, NLP, rows, validation. No warehouse access."""
    if str(settings.data_dir or "") != (current_data_dir() or ""):  # a worker of a run with other domain data
        use_data_dir(settings.data_dir)
    batch = process_files(entries, settings, run_id, rejected=rejected or [])
    t0 = time.perf_counter()
    validated = validate_batch(batch, run_id)
    validated.stats["validate_seconds"] = time.perf_counter() - t0
    validated.stats["pid"] = os.getpid()
    return validated


def files_frame(entries: list[FileEntry], rejected: list[Rejected] = ()) -> pl.DataFrame:
    rows = [(e.rel_path, e.size, e.mtime_ns) for e in entries] + [(r.source_path, None, None) for r in rejected]
    return pl.DataFrame(rows, schema={"source_path": pl.String, "file_size": pl.Int64, "mtime_ns": pl.Int64}, orient="row")


def load_validated(run: RunContext, validated: ValidatedBatch, entries: list[FileEntry],
                   rejected: list[Rejected] = ()) -> dict[str, int]:
    settings = run.settings
    t0 = time.perf_counter()
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s) as conn:
        counts = wh.load_batch(conn, validated, files_frame(entries, rejected), run.run_id,
                               settings.near_duplicate_threshold)
    counts["load_seconds"] = time.perf_counter() - t0
    return counts


def record_unchanged(run: RunContext, plan: Plan) -> None:
    """Bookkeeping for the files this run does not read: unchanged ones, and deleted ones (``sources.status =
    'deleted'``; with ``on_delete = remove`` their articles go too, and ``plan.deleted_articles`` says how many)."""
    settings = run.settings
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s) as conn:
        wh.mark_unchanged(conn, plan.unchanged, run.run_id, plan.new_mtimes)
        plan.deleted_articles = wh.mark_deleted(conn, plan.deleted, run.run_id, remove=settings.on_delete == "remove")
        conn.execute("UPDATE runs SET files_deleted = ? WHERE run_id = ?", [len(plan.deleted), run.run_id])
        if plan.deleted:
            log.warning("%d file(s) gone from the raw folder marked deleted (on_delete=%s); %d article(s) removed",
                        len(plan.deleted), settings.on_delete, plan.deleted_articles)
        if plan.deleted_articles:
            wh.rebuild_search_index(conn)


@dataclass
class RunTotals:
    records_read: int = 0
    articles_loaded: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    quarantined: int = 0
    quarantined_inputs: int = 0
    deleted_articles: int = 0
    nlp_words: int = 0
    nlp_seconds: float = 0.0
    load_seconds: float = 0.0
    tally: CheckTally = field(default_factory=CheckTally)
    worker_pids: set[int] = field(default_factory=set)
    failures: list = field(default_factory=list)  # runner.BatchFailure, one per batch or file that failed for good
    worker_restarts: int = 0
    batches_done: int = 0

    @property
    def files_failed(self) -> int:
        return sum(len(f.files) for f in self.failures)

    def first_error(self) -> str | None:
        return self.failures[0].describe() if self.failures else None

    def add(self, validated: ValidatedBatch, counts: dict[str, int]) -> None:
        if "pid" in validated.stats:
            self.worker_pids.add(int(validated.stats["pid"]))
        self.records_read += int(validated.stats.get("records_read", 0))
        self.nlp_words += int(validated.stats.get("nlp_words", 0))
        self.nlp_seconds += float(validated.stats.get("nlp_seconds", 0.0))
        self.articles_loaded += counts.get("articles_loaded", 0)
        self.duplicates += counts.get("duplicates", 0)
        self.near_duplicates += counts.get("near_duplicates", 0)
        self.quarantined += counts.get("quarantined", 0)
        self.quarantined_inputs += counts.get("quarantined_inputs", 0)
        self.deleted_articles += counts.get("deleted_articles", 0)
        self.load_seconds += counts.get("load_seconds", 0.0)
        self.tally.merge(validated.tally)


def _run_level_checks(run: RunContext, totals: RunTotals, conn) -> list[dict]:
    settings = run.settings
    records = totals.records_read
    share = totals.quarantined_inputs / records if records else 0.0
    checks = [
        dict(table_name="run", check_name=f"quarantined_share<={settings.quarantine_warn_share:g}", column_name=None,
             severity="warn", failed_rows=totals.quarantined_inputs if share > settings.quarantine_warn_share else 0,
             total_rows=records, sample=None),
        dict(table_name="run", check_name="articles_loaded_when_input_read", column_name=None, severity="error",
             failed_rows=1 if records and totals.articles_loaded == 0 and totals.duplicates == 0 else 0,
             total_rows=1, sample=None),
        # Files whose extraction raised (after a retry on a fresh worker and one by one): never a green run.
        dict(table_name="run", check_name="batches_failed", column_name=None, severity="error",
             failed_rows=totals.files_failed, total_rows=records,
             sample=json.dumps([f.describe() for f in totals.failures[:5]]) if totals.failures else None),
    ]
    recent = conn.execute(
        "SELECT median(articles_loaded) FROM (SELECT articles_loaded FROM runs WHERE run_id <> ? AND records_read > 0 "
        "AND status IN ('completed', 'warning') ORDER BY started_at DESC LIMIT 5)", [run.run_id]).fetchone()[0]
    low_volume = bool(records and recent and recent >= 20 and totals.articles_loaded < 0.1 * recent)
    checks.append(dict(table_name="run", check_name="volume_not_far_below_recent_runs", column_name="articles_loaded",
                       severity="warn", failed_rows=int(low_volume), total_rows=1,
                       sample=json.dumps({"this_run": totals.articles_loaded, "recent_median": recent}) if low_volume else None))
    for c in checks:
        c["status"] = "fail" if c["failed_rows"] else "pass"
    return checks


def finish_run(run: RunContext, plan: Plan, totals: RunTotals) -> dict:
    """Cross-table checks, dq_results and metrics, the run's status, the report. Returns the run summary."""
    from .report.build import collect, write_report
    from .report.metrics import compute_metrics
    from .schemas import DQ_METRICS, DQ_RESULTS
    from .status import warn_check_escalations

    settings = run.settings
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s) as conn:
        integrity = wh.integrity_checks(conn)
        run_checks = _run_level_checks(run, totals, conn)
        dq_rows = totals.tally.rows(run.run_id) + [dict(r, run_id=run.run_id) for r in integrity + run_checks]
        problems: list[str] = []
        status = "completed"
        failed_errors = [r for r in integrity + run_checks if r["status"] == "fail" and r["severity"] == "error"]
        if failed_errors:
            status = "failed"
            problems += [f"{r['table_name']}.{r['check_name']} failed on {r['failed_rows']} row(s)" for r in failed_errors]
        if totals.failures:
            problems.insert(0, f"{totals.files_failed} of {totals.records_read} file(s) failed extraction; first error "
                               f"{totals.first_error()}")
        warn_checks = [r for r in run_checks if r["status"] == "fail" and r["severity"] == "warn"]
        warn_checks += warn_check_escalations(conn, run.run_id, dq_rows, settings.check_thresholds)
        if warn_checks and status != "failed":
            status = "warning"
        problems += [f"{r['check_name']}: {r['failed_rows']} of {r['total_rows']}" for r in warn_checks]
        conn.execute("BEGIN TRANSACTION")
        wh.insert_frame(conn, "dq_results", validate_table("dq_results", DQ_RESULTS.frame(dq_rows)))
        wh.finish_run(conn, run.run_id, status=status, files_seen=plan.files_seen, files_unchanged=len(plan.unchanged),
                      records_read=totals.records_read, articles_loaded=totals.articles_loaded,
                      duplicates=totals.duplicates, near_duplicates=totals.near_duplicates,
                      quarantined=totals.quarantined, message="; ".join(problems) or None)
        conn.execute("COMMIT")
        metrics = compute_metrics(conn, run.run_id)
        drifted = [m["metric"] for m in metrics if m["drift"]]
        wh.insert_frame(conn, "dq_metrics", validate_table("dq_metrics", DQ_METRICS.frame(metrics)))
        if drifted and status == "completed":
            status = "warning"
        if drifted:
            problems.append("drift in " + ", ".join(drifted))
            wh.finish_run(conn, run.run_id, status=status, message="; ".join(problems))
        if totals.articles_loaded or totals.deleted_articles:
            wh.rebuild_search_index(conn)
        reports_dir = settings.resolved_reports_dir()
        wh.finish_run(conn, run.run_id, report_path=str(reports_dir / f"{run.run_id}.html"))
        report = collect(conn, run.run_id)
        files_skipped = conn.execute("SELECT count(DISTINCT source_path) FROM sources WHERE run_id = ? AND status = 'skipped'",
                                     [run.run_id]).fetchone()[0]
    html_path, json_path = write_report(report, reports_dir)
    summary = dict(run_id=run.run_id, status=status, message="; ".join(problems) or None, files_seen=plan.files_seen,
                   files_unchanged=len(plan.unchanged), records_read=totals.records_read,
                   articles_loaded=totals.articles_loaded, duplicates=totals.duplicates,
                   near_duplicates=totals.near_duplicates, quarantined=totals.quarantined, files_skipped=files_skipped,
                   report_html=str(html_path), report_json=str(json_path), warehouse=str(settings.warehouse),
                   worker_pids=sorted(totals.worker_pids), files_failed=totals.files_failed,
                   first_error=totals.first_error(), worker_restarts=totals.worker_restarts)
    return {"summary": summary, "report": report}


def failed_batch(entries: list[FileEntry], run_id: str, error: BaseException,
                 rejected: list[Rejected] = ()) -> ValidatedBatch:
    """Files whose extraction failed for good: each is a record read and a quarantine row ``extraction_failed``
    with the exception, and gets no ``sources`` row, so the next run tries it again. Entries refused at discovery
    that travelled with the batch keep their own quarantine rows. The rest of the run goes on."""
    from .frames import RECORD_SCHEMA, BatchOutput
    from .schemas import QUARANTINE

    now = datetime.now(timezone.utc)
    empty = BatchOutput.empty()
    what = f"{type(error).__name__}: {error}"[:500]
    rows = [dict(run_id=run_id, stage="extract", source_path=e.rel_path, record=0, table_name=None, row_key=None,
                 check_name="extraction_failed",
                 reason=f"extraction raised {what}; the file will be retried by the next run",
                 payload=None, quarantined_at=now) for e in entries]
    rows += [dict(run_id=run_id, stage=r.stage, source_path=r.source_path, record=r.record, table_name=None,
                  row_key=None, check_name=r.check, reason=r.reason, payload=r.payload, quarantined_at=now)
             for r in rejected]
    records = pl.DataFrame([dict(source_path=r.source_path, record=r.record, article_id=None, format=r.format,
                                 encoding=r.encoding, file_sha256=r.file_sha256, status="quarantined", reason=r.reason)
                            for r in rejected], schema=RECORD_SCHEMA)
    return ValidatedBatch(tables=empty.tables, records=records, quarantine=QUARANTINE.frame(rows), tally=CheckTally(),
                          stats={"records_read": len(entries) + len(rejected)})


def run_locally(settings: Settings, parallel: bool = False) -> dict:
    """The whole pipeline without Prefect (for notebooks, tests and embedding). Extraction runs in this process,
    or with ``parallel`` where the settings say (worker processes, Dask). The Prefect flow in
    ``spaceetl.flows.etl`` runs the same steps, with the same batch loop (``spaceetl.runner``), as tasks."""
    from .preflight import ensure_ready
    from .runner import InlineExecutor, executor_for, run_batches

    ensure_ready(settings)
    with wh.run_lock(settings.warehouse, settings.lock_timeout_s):
        run = begin_run(settings)
        plan = plan_files(run)
        record_unchanged(run, plan)
        executor = executor_for(settings, run.run_id, len(plan.batches)) if parallel else InlineExecutor(settings, run.run_id)
        try:
            totals = run_batches(run, plan, executor, load_validated, RunTotals())
        finally:
            executor.close()
        return finish_run(run, plan, totals)
