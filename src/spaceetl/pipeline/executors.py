"""Where a batch's extraction runs: in this process, on local worker processes (one model each), or on a Dask
cluster. Executors only turn a :class:`BatchJob` into a future; what a failure means is decided by the batch loop
(``pipeline.batches``), and which executor a run gets by :func:`executor_kind`, once.
"""

from __future__ import annotations

import logging
import multiprocessing
import shutil
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import polars as pl

from ..checks.contracts import CheckTally, ValidatedBatch
from ..config import Settings
from .context import BatchJob

log = logging.getLogger(__name__)


class Executor(Protocol):
    """Runs the extraction of one batch somewhere; returns a future of a ValidatedBatch (or a SpilledBatch)."""

    name: str
    parallelism: int

    def submit(self, job: BatchJob) -> Future: ...

    def replace_lost_workers(self) -> None: ...

    def abort_running(self) -> None:
        """Stop every batch in flight (a file ran past its time budget); their futures fail."""

    def close(self) -> None: ...


@dataclass
class SpilledBatch:
    """A validated batch written to Parquet by a remote worker, for the single writer to load. Only paths and
    counters travel back to the flow, not the frames."""

    folder: str
    tables: list[str]
    tally: CheckTally
    stats: dict[str, float]

    @classmethod
    def write(cls, batch: ValidatedBatch, folder) -> "SpilledBatch":
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for name, df in batch.tables.items():
            df.write_parquet(path / f"{name}.parquet")
        batch.records.write_parquet(path / "_records.parquet")
        batch.quarantine.write_parquet(path / "_quarantine.parquet")
        return cls(str(path), list(batch.tables), batch.tally, dict(batch.stats))

    def read(self) -> ValidatedBatch:
        path = Path(self.folder)
        tables = {name: pl.read_parquet(path / f"{name}.parquet") for name in self.tables}
        return ValidatedBatch(tables=tables, records=pl.read_parquet(path / "_records.parquet"),
                              quarantine=pl.read_parquet(path / "_quarantine.parquet"), tally=self.tally,
                              stats=self.stats)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class InlineExecutor:
    """Extraction in this process, one batch at a time (no model copy elsewhere)."""

    name = "inline"
    parallelism = 1

    def __init__(self, settings: Settings, run_id: str):
        self.settings, self.run_id = settings, run_id

    def submit(self, job: BatchJob) -> Future:
        from .stages import extract_batch

        future: Future = Future()
        try:
            future.set_result(extract_batch(job.entries, self.settings, self.run_id, job.rejected))
        except Exception as exc:  # noqa: BLE001 - handed to the runner, which decides
            future.set_exception(exc)
        return future

    def replace_lost_workers(self) -> None:
        return None

    def abort_running(self) -> None:
        return None  # a batch here is finished when it is submitted

    def close(self) -> None:
        return None


class WorkerPoolExecutor:
    """Local extraction worker processes, one model each (``pipeline.workers``)."""

    name = "workers"

    def __init__(self, settings: Settings, run_id: str):
        from . import workers

        self.settings, self.run_id, self.parallelism = settings, run_id, settings.workers
        self._workers = workers
        workers.warm_up(settings.spacy_model, settings.workers, settings.batch_files)

    def submit(self, job: BatchJob) -> Future:
        return self._workers.submit(job.entries, self.settings, self.run_id, job.rejected)

    def replace_lost_workers(self) -> None:
        self._workers.discard_broken(self.settings.spacy_model, self.settings.workers)

    def abort_running(self) -> None:
        self._workers.kill(self.settings.spacy_model, self.settings.workers)

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

    def abort_running(self) -> None:
        self._client.restart(wait_for_workers=False)  # a running task cannot be cancelled, only its worker

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def extract_to_spill(entries, settings: Settings, run_id: str, rejected, folder: str) -> SpilledBatch:
    """What a Dask worker runs. Worker processes are daemonic and may not fork: spaCy runs in-process there."""
    from .stages import extract_batch

    validated = extract_batch(entries, settings.model_copy(update={"n_process": 1}), run_id, rejected)
    return SpilledBatch.write(validated, folder)


def in_daemon_process() -> bool:
    return bool(multiprocessing.current_process().daemon)


def executor_kind(settings: Settings, n_batches: int) -> str:
    """The one place the executor is chosen (the CLI's warm-up asks it too, with an estimate of the batches):
    Dask when asked; local worker processes when there are several batches and several workers; else inline."""
    if settings.task_runner == "dask":
        return "dask"
    if settings.workers > 1 and n_batches > 1 and not in_daemon_process():
        return "workers"
    return "inline"


def executor_for(settings: Settings, run_id: str, n_batches: int) -> Executor:
    kind = executor_kind(settings, n_batches)
    return {"dask": DaskExecutor, "workers": WorkerPoolExecutor, "inline": InlineExecutor}[kind](settings, run_id)


def warm_up(settings: Settings, n_batches_estimate: int) -> None:
    """Start what the executor of a run of about ``n_batches_estimate`` batches will need, in the background:
    the worker processes (their fork server loads the model), or the model in this process."""
    import threading

    kind = executor_kind(settings, n_batches_estimate)
    if kind == "workers":
        from . import workers

        workers.warm_up(settings.spacy_model, settings.workers, settings.batch_files)
    elif kind == "inline":
        def load() -> None:
            try:
                from ..nlp.pipeline import get_nlp

                get_nlp(settings.spacy_model)
            except Exception:  # noqa: BLE001 - the run reports it where the model is needed
                log.debug("background model load failed", exc_info=True)

        threading.Thread(target=load, name="spaceetl-model-warm-up", daemon=True).start()
