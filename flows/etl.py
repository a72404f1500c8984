"""The spaceetl flow: raw folder -> warehouse. It only wires the steps of ``spaceetl.pipeline`` together; what
each step does lives in ``src/spaceetl``.

    check the environment -> begin run -> plan files (skip unchanged) -> per batch: extract + validate (in
    parallel, where the settings say) -> load (one writer, one transaction per batch) -> finish: cross-table
    checks, metrics, status, report -> publish artifacts

The batch loop, with its retries and failure accounting, is ``spaceetl.runner.run_batches`` — the same loop
``spaceetl.pipeline.run_locally`` uses without Prefect.
"""

from __future__ import annotations

from spaceetl import prefect_env  # noqa: F401  (offline Prefect defaults, before Prefect is imported)

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.states import Completed, Failed

from spaceetl import preflight, progress, reaper, runner, tasks
from spaceetl.config import Settings, load_settings
from spaceetl.errors import ENVIRONMENT_ERRORS, QuietEnvironmentFaults, describe_environment_error
from spaceetl.pipeline import RunTotals
from spaceetl.warehouse import run_lock


@flow(name="spaceetl-etl", log_prints=False, validate_parameters=False)
def etl(settings: Settings | None = None, raw_dir: str | None = None, warehouse: str | None = None):
    """Ingest ``raw_dir`` into ``warehouse``. Returns the run summary; the flow run fails if the run failed."""
    settings = settings or load_settings(raw_dir=raw_dir, warehouse=warehouse)
    logger = get_run_logger()
    reaper.watch_descendants()  # helper processes end with this one, even if it is killed
    if not settings_verbose():
        QuietEnvironmentFaults.install("prefect.task_runs", "prefect.flow_runs")
    try:
        preflight.ensure_ready(settings)
        with run_lock(settings.warehouse, settings.lock_timeout_s):
            run = tasks.begin_run(settings, str(flow_run.id) if flow_run.id else None)
            plan = tasks.plan_files(run)
            progress.current().start(sum(len(b) for b in plan.batches), len(plan.batches))
            executor = runner.executor_for(settings, run.run_id, len(plan.batches))
            try:
                totals = runner.run_batches(run, plan, executor, tasks.load_batch, RunTotals(),
                                            on_loaded=_progress)
            finally:
                progress.current().close()
                executor.close()
            result = tasks.finish_run(run, plan, totals)
    except ENVIRONMENT_ERRORS as exc:  # the environment, not the data: one clear line, no traceback
        message = describe_environment_error(exc, settings)
        logger.error("%s", message)
        return Failed(message=message, data={"error": message, "exit_code": 2})
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
    """Run the flow (extraction where the settings say: this process, worker processes or a Dask cluster)."""
    return etl(settings=settings, return_state=return_state)


def settings_verbose() -> bool:
    import logging

    return logging.getLogger("spaceetl").isEnabledFor(logging.DEBUG)


def _progress(job, validated, counts, failed: bool) -> None:
    progress.current().advance(len(job.entries), counts.get("articles_loaded", 0),
                               sum(df.height for df in validated.tables.values()))
    progress.current().batch_done(len(job.entries), counts.get("articles_loaded", 0), counts.get("quarantined", 0),
                                  failed)


if __name__ == "__main__":
    etl()
