"""Prefect tasks: thin wrappers that give the pipeline's steps retries, logs and a place in the Prefect UI.
They live in the installed package (not only in ``flows/``) so that process-pool and Dask workers can import them.

Loads are tasks per *batch* of files (``batch_files``, default 200), never one article each: a task run costs
Prefect milliseconds and database rows of its own. Extraction is not a Prefect task: it runs on the executor the
batch loop (``spaceetl.runner``) chose, so the workers (local processes, Dask) run no Prefect code and start no
Prefect server of their own.
"""

from __future__ import annotations

from . import prefect_env  # noqa: F401  (must precede the Prefect import)

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from . import pipeline
from .errors import WarehouseBusyError
from .validate import CheckTally


def _transient(task, task_run, state) -> bool:
    """Retry what a later attempt can fix: a warehouse held by another process, a lost worker process."""
    from concurrent.futures.process import BrokenProcessPool

    exc = state.result(raise_on_failure=False)
    return isinstance(exc, (WarehouseBusyError, BrokenProcessPool, ConnectionError)) or (
        isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower())


# No task retries here: opening the warehouse already retries for busy_retry_s, and a run that cannot begin should
# say so at once rather than after minutes of back-off.
@task(name="begin-run", cache_policy=NO_CACHE)
def begin_run(settings, flow_run_id):
    return pipeline.begin_run(settings, flow_run_id)


@task(name="plan-files", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 10, 30], retry_condition_fn=_transient)
def plan_files(run):
    plan = pipeline.plan_files(run)
    pipeline.record_unchanged(run, plan)
    return plan


@task(name="load-batch", cache_policy=NO_CACHE, retries=4, retry_delay_seconds=[2, 5, 15, 45], retry_condition_fn=_transient)
def load_batch(run, validated, entries, rejected=()):
    return pipeline.load_validated(run, validated, entries, rejected)


@task(name="finish-run", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[2, 10, 30], retry_condition_fn=_transient)
def finish_run(run, plan, totals):
    return pipeline.finish_run(run, plan, totals)


@task(name="publish-report", cache_policy=NO_CACHE)
def publish_report(report: dict) -> None:
    """The report's summary as Prefect artifacts (markdown + tables), next to the flow run in the UI."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    from .report.build import markdown_summary

    create_markdown_artifact(key="spaceetl-dq-report", markdown=markdown_summary(report),
                             description=f"Data-quality report of {report['run']['run_id']}")
    create_table_artifact(key="spaceetl-dq-checks", table=[
        {k: c[k] for k in ("table_name", "check_name", "severity", "status", "failed_rows", "total_rows")}
        for c in report["checks"]], description="Every data-quality check of the run")
    if report["quarantine"]:
        create_table_artifact(key="spaceetl-quarantine", table=[
            {k: str(q[k]) if q[k] is not None else "" for k in ("source_path", "record", "stage", "check_name", "reason")}
            for q in report["quarantine"][:200]], description="Quarantined inputs and rows")


__all__ = ["begin_run", "plan_files", "load_batch", "finish_run", "publish_report", "CheckTally"]
