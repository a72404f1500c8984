"""Extraction that starts before the run does.

``spaceetl run`` spends seconds before its first stage: Prefect's temporary server starts and the flow run is
registered. The extraction workers are ready well before that (measured on BBC: about seven seconds idle on both
cores). The head start plans the files as ``discover`` will (the same :func:`~spaceetl.pipeline.stages.plan_files`
over a read-only look at the warehouse) and submits the first batches under the run id the run will then take.

The run itself decides nothing differently: its own ``discover`` makes the plan, and its batch loop submits every
batch to this executor. A batch identical to one submitted early (same files, sizes and times, same refused
entries) gets the early future; any other goes to the workers as usual. Extraction is pure (nothing is written
until the run loads a result), so an early result the run does not ask for is dropped.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future

from ..config import Settings
from .context import BatchJob, Plan
from .executors import Executor, WorkerPoolExecutor, executor_kind

log = logging.getLogger(__name__)

JobKey = tuple[tuple[tuple[str, int, int], ...], tuple[tuple[str, int, str, str], ...]]


def job_key(job: BatchJob) -> JobKey:
    return (tuple((e.rel_path, e.size, e.mtime_ns) for e in job.entries),
            tuple((r.source_path, r.record, r.check, r.reason) for r in job.rejected))


class HeadStartExecutor:
    """The run's executor, with the batches submitted before the run began."""

    def __init__(self, inner: Executor, run_id: str):
        self.inner, self.run_id = inner, run_id
        self.name, self.parallelism = inner.name, inner.parallelism
        self.early: dict[JobKey, Future] = {}
        self.taken = 0

    def submit_early(self, plan: Plan, batches: int) -> None:
        for i, entries in enumerate(plan.batches[:batches]):
            job = BatchJob(i, entries, list(plan.rejected) if i == 0 else [])
            self.early[job_key(job)] = self.inner.submit(job)

    def submit(self, job: BatchJob) -> Future:
        early = self.early.pop(job_key(job), None) if job.attempt == 0 and not job.isolated else None
        if early is not None:
            self.taken += 1
            return early
        return self.inner.submit(job)

    def replace_lost_workers(self) -> None:
        self.inner.replace_lost_workers()

    def abort_running(self) -> None:
        self.inner.abort_running()

    def close(self) -> None:
        if self.early:
            log.debug("%d batch(es) extracted early were not in the run's plan: dropped", len(self.early))
        for future in self.early.values():
            future.cancel()
        self.early.clear()
        self.inner.close()


def head_start(settings: Settings) -> HeadStartExecutor | None:
    """Plan and submit the first batches now (one per worker, and one queued), under a new run id. None when
    the run would not use worker processes, or the warehouse cannot be read now (busy, damaged, not yet made):
    the run then starts as it always does."""
    from .. import warehouse as wh
    from ..ids import new_run_id
    from .stages import plan_files, read_known_files

    try:
        known: dict = {}
        missing: set[str] = set()
        if wh.target(settings.warehouse).is_lake or _exists(settings.warehouse):
            with wh.session(settings.warehouse, read_only=True, retry_s=0,
                            data_path=settings.lake_data_path) as conn:
                known, missing = read_known_files(conn, settings)
        plan = plan_files(settings, known, missing)
    except Exception as exc:  # noqa: BLE001 - the run's own stages meet the same fault and report it
        log.debug("no head start: %s", exc)
        return None
    if executor_kind(settings, len(plan.batches)) != "workers":
        return None
    run_id = new_run_id()
    executor = HeadStartExecutor(WorkerPoolExecutor(settings, run_id), run_id)
    executor.submit_early(plan, executor.parallelism + 1)  # as many as the batch loop keeps in flight
    log.debug("head start: %d batch(es) submitted under %s", len(executor.early), run_id)
    return executor


def _exists(warehouse) -> bool:
    from pathlib import Path

    return Path(str(warehouse)).is_file()
