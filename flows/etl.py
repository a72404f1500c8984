"""The spaceetl flow: raw folder -> warehouse. It only wires the steps of ``spaceetl.pipeline`` together; what
each step does lives in ``src/spaceetl``.

    begin run -> plan files (skip unchanged) -> per batch: extract + validate (parallel) -> load (one writer,
    one transaction per batch) -> finish: cross-table checks, metrics, status, report -> publish artifacts
"""

from __future__ import annotations

from spaceetl import prefect_env  # noqa: F401  (offline Prefect defaults, before Prefect is imported)

import logging
from collections import deque

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from spaceetl import progress, tasks
from spaceetl.config import Settings, load_settings
from spaceetl.pipeline import RunTotals, failed_batch
from spaceetl.warehouse import run_lock


def task_runner_for(settings: Settings):
    """thread (default; spaCy's own processes do the parallel work), process (one model per worker process), or
    dask (an existing cluster at ``dask_address``, or a local one with ``workers`` workers)."""
    if settings.task_runner == "process":  # Prefect's own process pool (measured slower here; see benchmarks)
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=settings.workers)
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": settings.workers, "threads_per_worker": 1, "processes": True})
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=settings.workers)


@flow(name="spaceetl-etl", log_prints=False, validate_parameters=False)
def etl(settings: Settings | None = None, raw_dir: str | None = None, warehouse: str | None = None):
    """Ingest ``raw_dir`` into ``warehouse``. Returns the run summary; the flow run fails if the run failed."""
    settings = settings or load_settings(raw_dir=raw_dir, warehouse=warehouse)
    logger = get_run_logger()
    with run_lock(settings.warehouse, settings.lock_timeout_s):
        run = tasks.begin_run(settings, str(flow_run.id) if flow_run.id else None)
        plan = tasks.plan_files(run)
        progress.current().start(sum(len(b) for b in plan.batches), len(plan.batches))
        totals = RunTotals()
        # Several batches and several workers: extraction goes to worker processes with a model each.
        use_pool = settings.task_runner == "thread" and settings.workers > 1 and len(plan.batches) > 1
        if use_pool:
            from spaceetl import workers

            workers.warm_up(settings.spacy_model, settings.workers)
        in_flight: deque = deque()
        first = True
        for batch_no, entries in enumerate(plan.batches):
            in_flight.append((entries, tasks.extract_batch.submit(entries, settings, run.run_id,
                                                                  plan.rejected if first else None, batch_no,
                                                                  use_pool), first))
            first = False
            if len(in_flight) > settings.workers:
                _load_next(in_flight, run, plan, totals, logger)
        if first and plan.rejected:  # nothing to read, but discovery refused some entries
            in_flight.append(([], tasks.extract_batch.submit([], settings, run.run_id, plan.rejected), True))
        while in_flight:
            _load_next(in_flight, run, plan, totals, logger)
        progress.current().close()
        if use_pool:
            workers.shutdown()
        result = tasks.finish_run(run, plan, totals)
    tasks.publish_report(result["report"])
    summary = result["summary"]
    logger.info("run %s %s: %d articles loaded, %d duplicates, %d quarantined; report %s", summary["run_id"],
                summary["status"], summary["articles_loaded"], summary["duplicates"], summary["quarantined"],
                summary["report_html"])
    if summary["status"] == "failed":
        return Failed(message=summary["message"] or "run failed", data=summary)
    if summary["status"] == "warning":  # Prefect has no warning state type: a Completed state named "Warning"
        return Completed(name="Warning", message=f"warning: {summary['message']}", data=summary)
    return Completed(message="completed: all checks passed", data=summary)


def run_etl(settings: Settings, return_state: bool = False):
    """Run the flow with the task runner the settings ask for (thread, process or dask)."""
    return etl.with_options(task_runner=task_runner_for(settings))(settings=settings, return_state=return_state)


def _load_next(in_flight: deque, run, plan, totals: RunTotals, logger: logging.Logger) -> None:
    entries, future, with_rejected = in_flight.popleft()
    rejected = plan.rejected if with_rejected else ()
    failed = False
    try:
        validated = future.result()
    except Exception as exc:  # a batch that failed for good must not lose the rest of the run
        logger.error("batch of %d files failed: %s", len(entries), exc)
        validated, failed = failed_batch(entries, run.run_id, exc), True
    counts, validated = tasks.load_batch(run, validated, entries, rejected)
    totals.add(validated, counts)
    progress.current().advance(len(entries), counts.get("articles_loaded", 0),
                               sum(df.height for df in validated.tables.values()))
    progress.current().batch_done(len(entries), counts.get("articles_loaded", 0), counts.get("quarantined", 0), failed)


if __name__ == "__main__":
    etl()
