"""Extraction worker processes: one spaCy model per process, loaded once, doing everything a batch needs (read,
parse, NLP, rows, validation) so both cores work on articles while the main process only loads the warehouse.

Measured on the 2-core machine (benchmarks/RESULTS.md): this is faster than one process calling
``nlp.pipe(n_process=2)`` per batch (which re-forks workers for every batch and leaves entity linking, claims and
validation to the main process) and than Prefect's ``ProcessPoolTaskRunner``.

Workers are forked from a ``forkserver`` that has loaded the model once (``_worker_preload``): they start in
milliseconds, share the model's memory copy-on-write, and do not inherit the main process's memory (Prefect,
DuckDB). Where forkserver is unavailable, ``spawn`` is used and each worker loads the model itself.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
from concurrent.futures import Future, ProcessPoolExecutor

log = logging.getLogger(__name__)
_pools: dict[tuple[str, int], ProcessPoolExecutor] = {}
# A worker is replaced after every batch (about this many files): a batch leaves memory behind that the next batch
# would start from (spaCy's string store only grows, and freed memory goes back to the allocator, not the system).
# Measured on BBC batches of 200 files, one process each: 227 MiB after the model loads, 456-652 MiB at a batch's
# peak, and up to 582 MiB still held after the batch. A new worker is forked from the fork server, which holds the
# loaded model, so the replacement costs milliseconds.
FILES_PER_WORKER = 200


_start_error: BaseException | None = None


def _init_worker(model_name: str) -> None:
    """Load the model once. If it cannot load, the worker stays up and fails each batch with the real error
    (a failing initializer would only break the pool with no reason given)."""
    global _start_error
    import gc

    gc.enable()  # disabled in the fork server while it loaded the model (see _worker_preload)
    from ..nlp.pipeline import get_nlp
    from ..reaper import die_with_parent
    from .allocator import map_large_blocks_apart

    map_large_blocks_apart()  # a batch's peak is then its data, not the allocator's holes (see allocator)
    die_with_parent()  # a worker never outlives the fork server (and so the run) that made it
    # Ctrl-C reaches the whole process group: the run handles it; a worker just stops when the run ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        get_nlp(model_name)
    except Exception as exc:  # noqa: BLE001 - re-raised for every batch this worker is given
        _start_error = exc


def _run(entries, settings, run_id, rejected):
    from .stages import extract_batch

    if _start_error is not None:
        raise _start_error
    # One process per worker already: spaCy must not fork processes of its own in here.
    return extract_batch(entries, settings.model_copy(update={"n_process": 1}), run_id, rejected)


def pool(model_name: str, workers: int, batch_files: int = 200) -> ProcessPoolExecutor:
    key = (model_name, workers)
    if key not in _pools:
        log.info("starting %d extraction worker processes (model %s)", workers, model_name)
        _pools[key] = ProcessPoolExecutor(max_workers=workers, mp_context=_context(model_name),
                                          initializer=_init_worker, initargs=(model_name,),
                                          max_tasks_per_child=max(1, FILES_PER_WORKER // max(1, batch_files)))
    return _pools[key]


def _context(model_name: str):
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    os.environ.setdefault("SPACEETL_PRELOAD_MODEL", model_name)  # read by the fork server when it starts
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["spaceetl.pipeline._worker_preload"])
    return ctx


def warm_up(model_name: str, workers: int, batch_files: int = 200) -> None:
    """Start the workers now (they load in the background while the run is being planned). Workers that cannot
    start (a model that does not load) break the pool: it is dropped here, and the batches submitted later fail
    and are accounted by the batch loop."""
    from concurrent.futures.process import BrokenProcessPool

    p = pool(model_name, workers, batch_files)
    try:
        for _ in range(workers):
            p.submit(int)
    except BrokenProcessPool:
        discard_broken(model_name, workers)


def submit(entries, settings, run_id, rejected) -> Future:
    return pool(settings.spacy_model, settings.workers, settings.batch_files).submit(_run, entries, settings, run_id, rejected)


def discard_broken(model_name: str, workers: int) -> None:
    """After a worker died, its pool is unusable (``BrokenProcessPool`` for every batch in it): drop it, so the
    next batch starts a fresh pool. A pool that is still healthy (replaced already) is kept."""
    key = (model_name, workers)
    broken = _pools.get(key)
    if broken is not None and getattr(broken, "_broken", False):
        log.warning("an extraction worker process died; starting fresh workers")
        _pools.pop(key)
        broken.shutdown(wait=False, cancel_futures=True)


def kill(model_name: str, workers: int) -> None:
    """End the pool's processes at once (a batch ran past its time budget: a running task cannot be cancelled);
    the next batch starts a fresh pool."""
    p = _pools.pop((model_name, workers), None)
    if p is None:
        return
    for proc in list(getattr(p, "_processes", {}).values()):
        proc.kill()
    p.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    for p in _pools.values():
        p.shutdown(wait=True, cancel_futures=True)
    _pools.clear()


atexit.register(shutdown)
