"""The spaceetl flow: raw folder -> warehouse, as a Prefect flow run.

It only decorates :func:`spaceetl.pipeline.run`: each stage (begin, discover, load per batch, check, finish,
report) becomes a Prefect task whose retries come from the run's one retry policy, and the run's result becomes the
flow run's state. What each stage does, and the batch loop with its failure accounting, live in
``spaceetl.pipeline``; tests call the same function without Prefect.
"""

from __future__ import annotations

from spaceetl import prefect_env  # noqa: F401  (offline Prefect defaults, before Prefect is imported)

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Completed, Failed
from prefect.utilities.annotations import quote

from spaceetl import pipeline, reaper
from spaceetl.progress import ProgressObserver
from spaceetl.config import Settings, load_settings
from spaceetl.errors import ENVIRONMENT_ERRORS, QuietEnvironmentFaults, describe_environment_error
from spaceetl.pipeline.retry import DEFAULT_POLICY, RetryPolicy, is_transient


def prefect_stages(policy: RetryPolicy):
    """Each stage as a Prefect task with the policy's retries (transient faults only)."""

    def retry_transient(_task, _task_run, state) -> bool:
        return is_transient(state.result(raise_on_failure=False))

    def wrap(name: str, fn):
        stage = task(fn, name=name, cache_policy=NO_CACHE, retries=policy.stage_retries,
                     retry_delay_seconds=list(policy.stage_delays) or 0, retry_condition_fn=retry_transient)
        # Quoted: Prefect would otherwise walk every argument (a batch's frames, its 200 file entries) looking for
        # futures to wait on, about 0.1 s of the flow process per batch; stages are handed plain values only.
        return lambda *args: stage(*(quote(a) for a in args))

    return wrap


@flow(name="spaceetl-etl", log_prints=False, validate_parameters=False)
def etl(settings: Settings | None = None, raw_dir: str | None = None, warehouse: str | None = None,
        observer=None, preflight_done: bool = False, executor=None):
    """Ingest ``raw_dir`` into ``warehouse``. Returns the run summary; the flow run fails if the run failed."""
    settings = settings or load_settings(raw_dir=raw_dir, warehouse=warehouse)
    logger = get_run_logger()
    reaper.watch_descendants()  # helper processes end with this one, even if it is killed
    if not logger.isEnabledFor(10):
        QuietEnvironmentFaults.install("prefect.task_runs", "prefect.flow_runs")
    try:
        result = pipeline.run(settings, retry_policy=DEFAULT_POLICY, wrap=prefect_stages(DEFAULT_POLICY),
                              observer=observer or ProgressObserver(), flow_run_id=str(flow_run.id) if flow_run.id else None,
                              preflight_done=preflight_done, executor=executor)
    except ENVIRONMENT_ERRORS as exc:  # the environment, not the data: one clear line, no traceback
        message = describe_environment_error(exc, settings)
        logger.error("%s", message)
        return Failed(message=message, data={"error": message, "exit_code": 2})
    if result.report:
        publish_report(result.report)
    summary = result.summary
    logger.info("run %s %s: %s; report %s", summary["run_id"], summary["status"], summary.get("message") or
                "all checks passed", summary["report_html"])
    if summary["status"] in ("failed", "interrupted"):
        return Failed(message=summary["message"] or "run failed", data=summary)
    if summary["status"] == "warning":  # Prefect has no warning state type: a Completed state named "Warning"
        return Completed(name="Warning", message=f"warning: {summary['message']}", data=summary)
    return Completed(message="completed: all checks passed", data=summary)


def publish_report(report: dict) -> None:
    """The report's summary as Prefect artifacts (markdown + tables), next to the flow run in the UI."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from spaceetl.report.build import markdown_summary

    create_markdown_artifact(key="spaceetl-dq-report", markdown=markdown_summary(report),
                             description=f"Data-quality report of {report['run']['run_id']}")
    create_table_artifact(key="spaceetl-dq-checks", table=[
        {k: c.get(k) for k in ("check_id", "severity", "status", "failed_rows", "total_rows", "denominator")}
        for c in report["checks"]], description="Every data-quality check of the run")
    if report["quarantine"]:
        create_table_artifact(key="spaceetl-quarantine", table=[
            {k: str(q[k]) if q[k] is not None else "" for k in ("source_path", "record", "stage", "check_name", "reason")}
            for q in report["quarantine"][:200]], description="Quarantined inputs and rows")


def run_etl(settings: Settings, return_state: bool = False, **kwargs):
    """Run the flow (extraction where the settings say: this process, worker processes or a Dask cluster)."""
    return etl(settings=settings, return_state=return_state, **kwargs)


if __name__ == "__main__":
    etl()
