"""The batch loop, written once for every way a run executes (in this process, on local extraction worker
processes, on a Dask cluster; inside a Prefect flow or not).

Why one loop: what happens to a batch that fails is the run's most important bookkeeping. Here, and only here:

* a batch whose worker died (killed, out of memory) is retried once on a fresh worker;
* a batch that raised is split into single files, so one file that breaks the extraction is quarantined alone
  with its exception and the rest of its batch loads;
* what still fails is *counted*: its files are records read and failed (quarantine rows ``extraction_failed``,
  no ``sources`` rows, so the next run tries them again), and the run's ``batches_failed`` error check fails,
  which ends the run ``failed`` with the first error in its message. A run in which nothing could be processed
  can never look green.

* a file that runs past its time budget (``file_budget_s`` plus ``file_budget_s_per_mb`` per MB, on worker
  processes and Dask) stops its batch: the batch is split into single files, and the file that is too slow on
  its own is quarantined ``too_slow`` with a sources row, so later runs do not spend the budget on it again.

Executors (``pipeline.executors``) know nothing of this; they only turn a :class:`BatchJob` into a future. The
numbers come from the run's one :class:`~spaceetl.pipeline.retry.RetryPolicy`.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace

from ..checks.contracts import ValidatedBatch
from ..config import Settings
from ..ingest.models import FileEntry, Rejected
from .context import BatchFailure, BatchJob, Plan, RunContext, RunTotals
from .allocator import release_freed_memory
from .executors import Executor, SpilledBatch
from .retry import RetryPolicy

log = logging.getLogger(__name__)

LoadFn = Callable[[RunContext, ValidatedBatch, list[FileEntry], list[Rejected]], dict]
LoadedFn = Callable[[BatchJob, ValidatedBatch, dict, bool], None]


class FileTooSlow(Exception):
    """A batch ran past its files' time budget."""


def worker_lost(exc: BaseException) -> bool:
    """The process running the batch died: nothing about the batch itself is known to be wrong."""
    from concurrent.futures.process import BrokenProcessPool

    if isinstance(exc, BrokenProcessPool):
        return True
    name = type(exc).__name__
    return name in {"KilledWorker", "CommClosedError", "WorkerLostError"}


def _not_worth_isolating(exc: BaseException) -> bool:
    """Errors that every file would hit again: splitting the batch would only repeat them file by file."""
    return isinstance(exc, (ImportError, MemoryError, KeyboardInterrupt)) or type(exc).__name__ == "EnvironmentCheckError"


def time_budget(settings: Settings, entries: list[FileEntry]) -> float | None:
    """Seconds a batch of ``entries`` may take: a base per file plus a share per MB, so long articles get
    time in proportion and only a pathological file runs out of it. None: no budget."""
    base = float(getattr(settings, "file_budget_s", 0) or 0)
    if not base:
        return None
    per_mb = float(getattr(settings, "file_budget_s_per_mb", 0) or 0)
    return sum(base + per_mb * (e.size or 0) / 1e6 for e in entries) or None


class BatchLoop:
    """Keeps the executor busy, loads each result in submission order (the single writer), and accounts for every
    failure in the run's totals."""

    def __init__(self, run: RunContext, executor: Executor, load: LoadFn, totals: RunTotals,
                 policy: RetryPolicy, on_loaded: LoadedFn | None = None):
        self.run, self.executor, self.load, self.totals = run, executor, load, totals
        self.policy, self.on_loaded = policy, on_loaded
        self.jobs: deque[BatchJob] = deque()
        self.in_flight: deque[tuple[BatchJob, Future]] = deque()

    def run_plan(self, plan: Plan) -> RunTotals:
        self.jobs.extend(BatchJob(i, entries, list(plan.rejected) if i == 0 else [])
                         for i, entries in enumerate(plan.batches))
        if not self.jobs and plan.rejected:  # nothing to read, but discovery refused some entries
            self.jobs.append(BatchJob(0, [], list(plan.rejected)))
        max_in_flight = self.executor.parallelism + 1  # one queued ahead per worker keeps every worker busy
        while self.jobs or self.in_flight:
            while self.jobs and len(self.in_flight) < max_in_flight:
                job = self.jobs.popleft()
                self.in_flight.append((job, _submit(self.executor, job)))
            job, future = self.in_flight.popleft()
            self._settle(job, future)
            del future  # the batch's frames with it
            release_freed_memory()
        return self.totals

    def _settle(self, job: BatchJob, future: Future) -> None:
        from .stages import failed_batch

        started = time.perf_counter()
        failed = False
        try:
            result = self._result(job, future)
        except FileTooSlow as exc:
            retry = self._after_too_slow(job)
            if retry:
                self.jobs.extendleft(reversed(retry))
                return
            result = failed_batch(job.entries, self.run.run_id, exc, job.rejected, check="too_slow")
        except Exception as exc:  # noqa: BLE001 - every failure is accounted below, none stops the run
            retry = self._after_failure(job, exc)
            if retry:
                self.jobs.extendleft(reversed(retry))
                return
            result, failed = failed_batch(job.entries, self.run.run_id, exc, job.rejected), True
            self.totals.failures.append(BatchFailure(job.batch_no, [e.rel_path for e in job.entries],
                                                     type(exc).__name__, str(exc) or repr(exc)))
            log.error("%s failed: %s: %s", job.label, type(exc).__name__, exc)
        spilled = result if isinstance(result, SpilledBatch) else None
        validated = spilled.read() if spilled else result
        counts = self.load(self.run, validated, job.entries, job.rejected)
        if spilled:
            spilled.remove()
        self.totals.add(validated, counts)
        self.totals.batches_done += 1
        if self.on_loaded is not None:
            self.on_loaded(job, validated, counts, failed)
        log.debug("%s settled in %.1fs", job.label, time.perf_counter() - started)

    def _result(self, job: BatchJob, future: Future):
        budget = time_budget(self.run.settings, job.entries)
        if budget is None or future.done():
            return future.result()
        try:
            return future.result(timeout=budget)
        except FutureTimeout:
            log.warning("%s ran past its time budget (%.0fs); stopping it", job.label, budget)
            self.executor.abort_running()
            raise FileTooSlow(f"extraction ran past the time budget of {budget:.0f}s") from None

    def _after_too_slow(self, job: BatchJob) -> list[BatchJob]:
        """The other batches in flight lost their workers with it: they go again, as they were."""
        again = [j for j, _ in self.in_flight]
        self.in_flight.clear()
        if len(job.entries) > 1:
            return [*_isolated(job), *again]
        self.jobs.extendleft(reversed(again))
        return []

    def _after_failure(self, job: BatchJob, exc: BaseException) -> list[BatchJob]:
        """The jobs to run instead of a failed one (empty: it has failed for good)."""
        if worker_lost(exc):
            self.executor.replace_lost_workers()
            if job.attempt < self.policy.worker_lost_retries:
                self.totals.worker_restarts += 1
                log.warning("%s: its worker process died (%s); retrying it on a fresh worker", job.label,
                            type(exc).__name__)
                return [replace(job, attempt=job.attempt + 1)]
            return []
        if (self.policy.isolate_failed_batches and len(job.entries) > 1 and not job.isolated
                and not _not_worth_isolating(exc)):
            log.warning("%s raised %s: %s; retrying its files one by one", job.label, type(exc).__name__, exc)
            return _isolated(job)
        return []


def _isolated(job: BatchJob) -> list[BatchJob]:
    return [BatchJob(job.batch_no, [entry], job.rejected if k == 0 else [], job.attempt, isolated=True)
            for k, entry in enumerate(job.entries)]


def _submit(executor: Executor, job: BatchJob) -> Future:
    """A pool that broke before the batch got in (its workers could not start) fails the batch, not the run."""
    try:
        return executor.submit(job)
    except Exception as exc:  # noqa: BLE001 - accounted like any other failure of the batch
        future: Future = Future()
        future.set_exception(exc)
        return future
