"""The one retry policy of a run: which failures are worth another attempt, how often, after what delay.

Applied in exactly two shapes, both read from here: a stage call that meets a transient fault (a warehouse held by
another process) is tried again (:meth:`RetryPolicy.call` without Prefect; Prefect task retries with the same
numbers in the flow), and a batch whose worker process died is given once more to a fresh worker, while a batch
that raised is split into single files (the batch loop, ``pipeline.batches``). Opening the warehouse waits for a
lock for ``busy_retry_s``; that is a wait, not a retry, and is not repeated here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import duckdb

from ..errors import WarehouseBusyError

log = logging.getLogger(__name__)
T = TypeVar("T")


def is_transient(exc: BaseException) -> bool:
    """A later attempt can succeed: the warehouse is held by another process, a connection dropped."""
    return isinstance(exc, (WarehouseBusyError, ConnectionError)) or (
        isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower())


@dataclass(frozen=True)
class RetryPolicy:
    stage_delays: tuple[float, ...] = (2.0, 10.0, 30.0)  # one delay per extra attempt of a stage
    worker_lost_retries: int = 1  # a batch whose worker died goes to a fresh worker this many times
    isolate_failed_batches: bool = True  # a batch that raised is retried file by file

    @property
    def stage_retries(self) -> int:
        return len(self.stage_delays)

    def call(self, name: str, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)``, tried again after a transient fault (the shape Prefect's task retries take in the flow)."""
        for attempt, delay in enumerate((*self.stage_delays, None)):
            try:
                return fn(*args)
            except Exception as exc:
                if delay is None or not is_transient(exc):
                    raise
                log.warning("%s: %s (attempt %d); retrying in %.0fs", name, exc, attempt + 1, delay)
                time.sleep(delay)
        raise AssertionError("unreachable")


DEFAULT_POLICY = RetryPolicy()
NO_RETRIES = RetryPolicy(stage_delays=(), worker_lost_retries=0, isolate_failed_batches=True)
