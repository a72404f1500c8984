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

Executors know nothing of this; they only turn a :class:`BatchJob` into a future.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Protocol

from .config import Settings
from .ingest.models import FileEntry, Rejected
from .validate import SpilledBatch, ValidatedBatch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchJob:
    batch_no: int
    entries: list[FileEntry]
    rejected: list[Rejected] = field(default_factory=list)
    attempt: int = 0
    isolated: bool = False  # a single file split out of a batch that raised

    @property
    def label(self) -> str:
        what = self.entries[0].rel_path if self.isolated and self.entries else f"{len(self.entries)} files"
        return f"batch {self.batch_no + 1} ({what})"


@dataclass(frozen=True)
class BatchFailure:
    batch_no: int
    files: list[str]
    error_type: str
    message: str

    def describe(self) -> str:
        first = self.files[0] if self.files else "no file"
        return f"{self.error_type}: {self.message} (batch {self.batch_no + 1}, {len(self.files)} file(s), first {first})"


class Executor(Protocol):
    """Runs the extraction of one batch somewhere; returns a future of a ValidatedBatch (or a SpilledBatch)."""

    name: str
    parallelism: int

    def submit(self, job: BatchJob) -> Future: ...

    def replace_lost_workers(self) -> None: ...

    def close(self) -> None: ...


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


class InlineExecutor:
    """Extraction in this process, one batch at a time (no model copy elsewhere; what ``run_locally`` uses)."""

    name = "inline"
    parallelism = 1

    def __init__(self, settings: Settings, run_id: str):
        self.settings, self.run_id = settings, run_id

    def submit(self, job: BatchJob) -> Future:
        from .pipeline import extract_and_validate

        future: Future = Future()
        try:
            future.set_result(extract_and_validate(job.entries, self.settings, self.run_id, job.rejected))
        except Exception as exc:  # noqa: BLE001 - handed to the runner, which decides
            future.set_exception(exc)
        return future

    def replace_lost_workers(self) -> None:
        return None

    def close(self) -> None:
        return None


class WorkerPoolExecutor:
    """Local extraction worker processes, one model each (``spaceetl.workers``)."""

    name = "workers"

    def __init__(self, settings: Settings, run_id: str):
        from . import workers

        self.settings, self.run_id, self.parallelism = settings, run_id, settings.workers
        self._workers = workers
        workers.warm_up(settings.spacy_model, settings.workers)

    def submit(self, job: BatchJob) -> Future:
        return self._workers.submit(job.entries, self.settings, self.run_id, job.rejected)

    def replace_lost_workers(self) -> None:
        self._workers.discard_broken(self.settings.spacy_model, self.settings.workers)

    def close(self) -> None:
        self._workers.shutdown()


class DaskExecutor:
    """Batches on a Dask cluster (an existing scheduler, or a local cluster of ``workers`` processes).

    The workers run the pure extraction function only: no Prefect code runs on them, so none of them starts a
    Prefect server of its own. Frames come back as Parquet in the spill folder; only paths travel."""

    name = "dask"

    def __init__(self, settings: Settings, run_id: str):
        from distributed import Client, LocalCluster

        self.settings, self.run_id = settings, run_id
        self._cluster = None
        if settings.dask_address:
            self._client = Client(settings.dask_address)
        else:
            self._cluster = LocalCluster(n_workers=settings.workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None)
            self._client = Client(self._cluster)
        self.parallelism = max(1, len(self._client.scheduler_info().get("workers", {})) or settings.workers)
        spill = settings.resolved_spill_dir()
        assert spill is not None  # always set for dask
        self._spill = spill / run_id
        self._submitted = 0

    def submit(self, job: BatchJob) -> Future:
        self._submitted += 1
        folder = self._spill / f"batch-{job.batch_no:06d}-{self._submitted:06d}"
        return self._client.submit(extract_to_spill, job.entries, self.settings, self.run_id, job.rejected,
                                   str(folder), pure=False)

    def replace_lost_workers(self) -> None:
        return None  # the scheduler replaces lost workers itself

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def extract_to_spill(entries, settings: Settings, run_id: str, rejected, folder: str) -> SpilledBatch:
    """What a Dask worker runs. Worker processes are daemonic and may not fork: spaCy runs in-process there."""
    from .pipeline import extract_and_validate

    validated = extract_and_validate(entries, settings.model_copy(update={"n_process": 1}), run_id, rejected)
    return SpilledBatch.write(validated, folder)


def in_daemon_process() -> bool:
    return bool(multiprocessing.current_process().daemon)


def executor_for(settings: Settings, run_id: str, n_batches: int) -> Executor:
    """Dask when asked; local worker processes when there are several batches and several workers; else inline."""
    if settings.task_runner == "dask":
        return DaskExecutor(settings, run_id)
    if settings.workers > 1 and n_batches > 1 and not in_daemon_process():
        return WorkerPoolExecutor(settings, run_id)
    return InlineExecutor(settings, run_id)


LoadFn = Callable[[object, ValidatedBatch, list[FileEntry], list[Rejected]], dict]


def run_batches(run, plan, executor: Executor, load: LoadFn, totals, *,
                on_loaded: Callable[[BatchJob, ValidatedBatch, dict, bool], None] | None = None):
    """Submit every batch of ``plan`` to ``executor`` (keeping it busy), load each result in order of submission
    with ``load`` (the single writer), and account for every failure in ``totals``."""
    from .pipeline import failed_batch

    jobs: deque[BatchJob] = deque(
        BatchJob(i, entries, list(plan.rejected) if i == 0 else []) for i, entries in enumerate(plan.batches))
    if not jobs and plan.rejected:  # nothing to read, but discovery refused some entries
        jobs.append(BatchJob(0, [], list(plan.rejected)))
    in_flight: deque[tuple[BatchJob, Future, float]] = deque()
    max_in_flight = executor.parallelism + 1  # one queued ahead per worker keeps every worker busy
    while jobs or in_flight:
        while jobs and len(in_flight) < max_in_flight:
            job = jobs.popleft()
            in_flight.append((job, _submit(executor, job), time.perf_counter()))
        job, future, started = in_flight.popleft()
        failed = False
        try:
            result = future.result()
        except Exception as exc:  # noqa: BLE001 - every failure is accounted below, none stops the run
            retry = _after_failure(job, exc, executor, totals)
            if retry:
                jobs.extendleft(reversed(retry))
                continue
            result, failed = failed_batch(job.entries, run.run_id, exc, job.rejected), True
            totals.failures.append(BatchFailure(job.batch_no, [e.rel_path for e in job.entries],
                                                type(exc).__name__, str(exc) or repr(exc)))
            log.error("%s failed: %s: %s", job.label, type(exc).__name__, exc)
        spilled = result if isinstance(result, SpilledBatch) else None
        validated = spilled.read() if spilled else result
        counts = load(run, validated, job.entries, job.rejected)
        if spilled:
            spilled.remove()
        totals.add(validated, counts)
        totals.batches_done += 1
        if on_loaded is not None:
            on_loaded(job, validated, counts, failed)
        log.debug("%s loaded in %.1fs", job.label, time.perf_counter() - started)
    return totals


def _submit(executor: Executor, job: BatchJob) -> Future:
    """A pool that broke before the batch got in (its workers could not start) fails the batch, not the run."""
    try:
        return executor.submit(job)
    except Exception as exc:  # noqa: BLE001 - accounted like any other failure of the batch
        future: Future = Future()
        future.set_exception(exc)
        return future


def _after_failure(job: BatchJob, exc: BaseException, executor: Executor, totals) -> list[BatchJob]:
    """The jobs to run instead of a failed one (empty: it has failed for good)."""
    if worker_lost(exc):
        executor.replace_lost_workers()
        if job.attempt == 0:
            totals.worker_restarts += 1
            log.warning("%s: its worker process died (%s); retrying it once on a fresh worker", job.label,
                        type(exc).__name__)
            return [replace(job, attempt=1)]
        return []
    if len(job.entries) > 1 and not job.isolated and not _not_worth_isolating(exc):
        log.warning("%s raised %s: %s; retrying its files one by one", job.label, type(exc).__name__, exc)
        return [BatchJob(job.batch_no, [entry], job.rejected if k == 0 else [], job.attempt, isolated=True)
                for k, entry in enumerate(job.entries)]
    return []
