"""The stages of a run, as plain typed functions over the result objects of ``pipeline.context``:

    begin -> discover -> extract (read, extract, validate: per batch, on the executor) -> load (per batch)
          -> check -> finish -> report

None of them knows of Prefect or of the executor; ``pipeline.run`` calls them in this order (``STAGES``), and the
Prefect flow in ``flows/`` only decorates that call.
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import polars as pl

from .. import __version__
from .. import warehouse as wh
from ..checks.contracts import CheckTally, ValidatedBatch, validate_batch, validate_table
from ..checks.runner import CheckContext, CheckResult, Verdict, run_checks, verdict
from ..config import Settings
from ..data import current_data_dir, data_files, use_data_dir
from .extract import process_files
from ..ingest.discover import is_unchanged, own_output_paths, split_globs, walk
from ..ingest.models import FileEntry, Rejected
from .context import Plan, RunContext, RunTotals

log = logging.getLogger(__name__)

#: The declared order of a run's stages (extract and load repeat per batch).
STAGES = ("begin", "discover", "extract", "load", "check", "finish", "report")


def model_version_of(model_name: str) -> str:
    """The installed pipeline package's version, read without loading the model."""
    for dist in (model_name, model_name.replace("_", "-")):
        try:
            return version(dist)
        except PackageNotFoundError:
            continue
    return "unknown"


def begin(settings: Settings, flow_run_id: str | None = None, run_id: str | None = None) -> RunContext:
    """A ``running`` row for the run; runs left unfinished by a crash or a kill are marked ``interrupted`` (this
    run repairs what they left undone). ``run_id``: the id a head start already extracts under."""
    from ..ids import new_run_id

    run = RunContext(run_id=run_id or new_run_id(), started_at=datetime.now(timezone.utc), settings=settings,
                     model_name=settings.spacy_model, model_version=model_version_of(settings.spacy_model),
                     flow_run_id=flow_run_id)
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s, data_path=settings.lake_data_path) as conn:
        wh.init_schema(conn)
        killed = wh.mark_interrupted_runs(conn)
        run.interrupted = wh.unrepaired_runs(conn)
        wh.insert_run(conn, dict(
            run_id=run.run_id, flow_run_id=flow_run_id, started_at=run.started_at, finished_at=None, status="running",
            raw_dir=str(Path(settings.raw_dir).resolve()), model_name=run.model_name, model_version=run.model_version,
            package_version=__version__, settings_json=json.dumps(settings.public_dict(), sort_keys=True),
            files_seen=None, files_unchanged=None, records_read=None, articles_loaded=None, duplicates=None,
            near_duplicates=None, quarantined=None, report_path=None, message=None,
            data_files_json=json.dumps(data_files(settings.data_dir or ""), sort_keys=True), files_deleted=None))
    if killed:
        log.warning("marked %d earlier run(s) as interrupted: %s", len(killed), ", ".join(killed))
    if run.interrupted:
        log.warning("earlier run(s) %s ended before their checks: this run re-checks the warehouse and rebuilds "
                    "its full-text index", ", ".join(run.interrupted))
    return run


def discover(run: RunContext) -> Plan:
    """Walk the raw folder; record unchanged and deleted files; cut the rest into batches of ``batch_files``."""
    settings = run.settings
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s, data_path=settings.lake_data_path) as conn:
        known, missing = read_known_files(conn, settings)
    result = plan_files(settings, known, missing)
    log.info("%d files: %d to read in %d batch(es), %d unchanged, %d skipped, %d deleted since the last run",
             result.files_seen, result.files_to_read, len(result.batches), len(result.unchanged),
             sum(r.skipped for r in result.rejected), len(result.deleted))
    _record_unchanged(run, result)
    return result


def read_known_files(conn, settings: Settings) -> tuple[dict, set[str]]:
    """What the warehouse knows of the raw folder: its files, and those present before this run (until seen)."""
    return wh.known_files(conn), wh.present_files(conn, str(Path(settings.raw_dir).resolve()))


def plan_files(settings: Settings, known: dict, missing: set[str]) -> Plan:
    """The plan, from the raw folder and what the warehouse knows of it; writes nothing (the head start plans with
    it too, before the run begins: the same inputs give the same batches)."""
    import hashlib

    raw_dir = Path(settings.raw_dir)
    if not raw_dir.is_dir():
        from ..errors import SpaceetlError

        raise SpaceetlError(f"raw folder {raw_dir} does not exist or is not a folder", stage="discover", path=str(raw_dir))
    missing = set(missing)
    todo: list[FileEntry] = []
    unchanged: list[str] = []
    rejected: list[Rejected] = []
    new_mtimes: dict[str, int] = {}
    seen = 0
    own = own_output_paths(Path(settings.warehouse), settings.resolved_reports_dir(), settings.resolved_spill_dir())
    for item in walk(raw_dir, settings.include_hidden, follow_outside_links=settings.follow_outside_links,
                     include=split_globs(settings.include), exclude=split_globs(settings.exclude), own_paths=own):
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
    batches = cut_batches(todo, settings.batch_files, settings.workers)
    return Plan(batches=batches, unchanged=unchanged, rejected=rejected, files_seen=seen, new_mtimes=new_mtimes,
                deleted=sorted(missing))


TAIL_MIN_FILES = 25  # the tail's batches never get smaller than this: each batch is a load transaction


def cut_batches(todo: list[FileEntry], max_files: int, workers: int) -> list[list[FileEntry]]:
    """Batches of ``max_files``, then smaller ones toward the end (guided scheduling, by bytes): with equal batches
    the last one keeps one worker busy while the others idle, about half a batch of every worker's time on a
    2-core machine. Each batch takes at most a ``2 * workers``-th of the bytes still to do, so the workers finish
    together; the order of the files is kept."""
    if workers <= 1 or len(todo) <= max_files or max_files <= TAIL_MIN_FILES:
        return [todo[i:i + max_files] for i in range(0, len(todo), max_files)]
    remaining = sum(max(e.size, 1) for e in todo)
    batches: list[list[FileEntry]] = []
    i = 0
    while i < len(todo):
        target = remaining / (2 * workers)
        j, taken = i, 0
        while j < len(todo) and j - i < max_files and (j - i < TAIL_MIN_FILES or taken + todo[j].size <= target):
            taken += max(todo[j].size, 1)
            j += 1
        batches.append(todo[i:j])
        remaining -= taken
        i = j
    return batches


def extract_batch(entries: list[FileEntry], settings: Settings, run_id: str,
                  rejected: list[Rejected] | None = None) -> ValidatedBatch:
    """read -> extract -> validate for one batch: everything a worker does. Pure: no warehouse, no Prefect."""
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


def load(run: RunContext, validated: ValidatedBatch, entries: list[FileEntry],
         rejected: list[Rejected] = ()) -> dict[str, int]:
    """One batch, one transaction (the single writer)."""
    settings = run.settings
    t0 = time.perf_counter()
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s, data_path=settings.lake_data_path) as conn:
        counts = wh.load_batch(conn, validated, files_frame(entries, rejected), run.run_id,
                               settings.near_duplicate_threshold)
    counts["load_seconds"] = time.perf_counter() - t0
    return counts


def _record_unchanged(run: RunContext, plan: Plan) -> None:
    """Bookkeeping for the files this run does not read: unchanged ones, and deleted ones (``sources.status =
    'deleted'``; with ``on_delete = remove`` their articles go too, and ``plan.deleted_articles`` says how many)."""
    settings = run.settings
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s, data_path=settings.lake_data_path) as conn:
        wh.mark_unchanged(conn, plan.unchanged, run.run_id, plan.new_mtimes)
        plan.deleted_articles = wh.mark_deleted(conn, plan.deleted, run.run_id, remove=settings.on_delete == "remove")
        wh.update_run(conn, run.run_id, files_deleted=len(plan.deleted))
        if plan.deleted:
            log.warning("%d file(s) gone from the raw folder marked deleted (on_delete=%s); %d article(s) removed",
                        len(plan.deleted), settings.on_delete, plan.deleted_articles)
        if plan.deleted_articles:
            wh.rebuild_search_index(conn, settings.warehouse)


def failed_batch(entries: list[FileEntry], run_id: str, error: BaseException,
                 rejected: list[Rejected] = (), check: str = "extraction_failed") -> ValidatedBatch:
    """Files whose extraction failed for good. ``extraction_failed``: a record read and a quarantine row with the
    exception, and no ``sources`` row, so the next run tries it again. ``too_slow``: a quarantine row and a
    ``sources`` row, so the file is read again only when it changes. Entries refused at discovery that travelled
    with the batch keep their own quarantine rows. The rest of the run goes on."""
    from ..frames import RECORD_SCHEMA, BatchOutput
    from ..schemas import QUARANTINE

    now = datetime.now(timezone.utc)
    what = f"{type(error).__name__}: {error}"[:500]
    retried = check == "extraction_failed"
    reason = (f"extraction raised {what}; the file will be retried by the next run" if retried
              else f"{error}; quarantined, read again when the file changes")
    rows = [dict(run_id=run_id, stage="extract", source_path=e.rel_path, record=0, table_name=None, row_key=None,
                 check_name=check, reason=reason, payload=None, quarantined_at=now) for e in entries]
    rows += [dict(run_id=run_id, stage=r.stage, source_path=r.source_path, record=r.record, table_name=None,
                  row_key=None, check_name=r.check, reason=r.reason, payload=r.payload, quarantined_at=now)
             for r in rejected]
    records = [dict(source_path=r.source_path, record=r.record, article_id=None, format=r.format, encoding=r.encoding,
                    file_sha256=r.file_sha256, status="quarantined", reason=r.reason) for r in rejected]
    if not retried:
        records += [dict(source_path=e.rel_path, record=0, article_id=None, format=None, encoding=None,
                         file_sha256=None, status="quarantined", reason=reason) for e in entries]
    return ValidatedBatch(tables=BatchOutput.empty().tables, records=pl.DataFrame(records, schema=RECORD_SCHEMA),
                          quarantine=QUARANTINE.frame(rows), tally=CheckTally(),
                          stats={"records_read": len(entries) + len(rejected)})


def check(run: RunContext, plan: Plan, totals: RunTotals) -> tuple[list[CheckResult], Verdict]:
    """Every registered check, recorded in ``dq_results`` (replacing this run's rows: finishing twice gives the
    same rows), the extraction-quality signals in ``dq_metrics``, and the run's verdict. The full-text index is
    rebuilt when articles changed or when an earlier run was left unfinished."""
    from ..checks.escalation import warn_check_escalations
    from ..checks.metrics import compute_metrics
    from ..schemas import DQ_METRICS, DQ_RESULTS

    settings = run.settings
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s, data_path=settings.lake_data_path) as conn:
        if totals.articles_loaded or totals.deleted_articles or plan.deleted_articles or run.repairs:
            wh.rebuild_search_index(conn, settings.warehouse)
        with wh.transaction(conn):  # one snapshot for every check, while other loaders may commit (a lake)
            metrics = compute_metrics(conn, run.run_id)
            ctx = CheckContext(conn, run.run_id, settings, totals, plan.files_seen, metrics)
            results = run_checks(ctx)
            rows = [r.row(run.run_id) for r in results]
            escalated = warn_check_escalations(conn, run.run_id, rows, settings.check_thresholds)

        @wh.retry_conflicts
        def store() -> None:
            with wh.transaction(conn):
                wh.tag_commit(conn, run.run_id, "checks")
                conn.execute("DELETE FROM dq_results WHERE run_id = ?", [run.run_id])
                conn.execute("DELETE FROM dq_metrics WHERE run_id = ?", [run.run_id])
                wh.insert_frame(conn, "dq_results", validate_table("dq_results", DQ_RESULTS.frame(rows)))
                wh.insert_frame(conn, "dq_metrics", validate_table("dq_metrics", DQ_METRICS.frame(metrics)))

        store()
    result = verdict(results, escalated)
    if totals.failures:
        result.problems.insert(0, f"{totals.files_failed} of {totals.records_read} file(s) failed extraction; "
                                  f"first error {totals.first_error()}")
    if run.repairs:
        result.problems.append(f"re-checked and rebuilt after unfinished run(s) {', '.join(run.interrupted)}")
    return results, result


def finish(run: RunContext, plan: Plan, totals: RunTotals, outcome: Verdict) -> dict:
    """The run's row gets its status, counts and report path; returns the summary the CLI prints."""
    settings = run.settings
    report_html = settings.resolved_reports_dir() / f"{run.run_id}.html"
    message = "; ".join(outcome.problems) or None
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s, data_path=settings.lake_data_path) as conn:
        wh.checkpoint(conn)  # the run's writes into the file now: a full disk says so here, not at exit
        wh.finish_run(conn, run.run_id, status=outcome.status, files_seen=plan.files_seen,
                      files_unchanged=len(plan.unchanged), records_read=totals.records_read,
                      articles_loaded=totals.articles_loaded, duplicates=totals.duplicates,
                      near_duplicates=totals.near_duplicates, quarantined=totals.quarantined, message=message,
                      report_path=str(report_html))
        files_skipped = conn.execute("SELECT count(DISTINCT source_path) FROM sources WHERE run_id = ? "
                                     "AND status = 'skipped'", [run.run_id]).fetchone()[0]
    return dict(run_id=run.run_id, status=outcome.status, message=message, files_seen=plan.files_seen,
                files_unchanged=len(plan.unchanged), records_read=totals.records_read,
                articles_loaded=totals.articles_loaded, duplicates=totals.duplicates,
                near_duplicates=totals.near_duplicates, quarantined=totals.quarantined, files_skipped=files_skipped,
                report_html=str(report_html), report_json=str(report_html.with_suffix(".json")),
                warehouse=str(settings.warehouse), worker_pids=sorted(totals.worker_pids),
                files_failed=totals.files_failed, first_error=totals.first_error(),
                worker_restarts=totals.worker_restarts)


def report(settings: Settings, run_id: str) -> dict:
    """The run's data-quality report (HTML + JSON, and the run index), read from the warehouse alone."""
    from ..report.build import collect, write_report

    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s, data_path=settings.lake_data_path) as conn:
        collected = collect(conn, run_id)
    write_report(collected, settings.resolved_reports_dir())
    return collected


def end_unfinished(settings: Settings, run_id: str, status: str, message: str) -> None:
    """A run that stops before ``finish`` (a signal, a crash) says so in its row: never left ``running``."""
    with wh.session(settings.warehouse, retry_s=min(settings.busy_retry_s, 10.0), data_path=settings.lake_data_path) as conn:
        wh.finish_run(conn, run_id, status=status, message=message[:2000],
                      report_path=str(settings.resolved_reports_dir() / f"{run_id}.html"))
