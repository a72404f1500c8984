"""How the C allocator (glibc's malloc) returns memory: the part of a process's peak that is not the data in hand.

Two things made a process's memory follow the history of what it had processed rather than what it holds:
* glibc raises its mmap threshold each time a large block is freed (up to 32 MiB), so after the first minibatch
  the model's activation arrays (1-4 MiB each) come from the heap instead of their own mappings, and the holes they
  leave are reused only by blocks that fit. Measured on one batch of 200 BBC politics articles in one process: peak
  RSS 380-439 MiB over four runs with the dynamic threshold, 364-370 MiB with a fixed 1 MiB one; a business batch
  377-390 -> 349 MiB. A 4 MiB threshold gained nothing, so the blocks that matter are between 1 and 4 MiB.
* freed blocks stay in per-thread arenas until trimmed (``release_freed_memory``).

Fixing the threshold also fixes the trim threshold, at glibc's 128 KiB: the heap top would then be handed back and
taken again all the time (system CPU 0.4 -> 2.8 s per batch). A 64 MiB trim threshold keeps that at 1.2 s.
Elsewhere than glibc these are no-ops.
"""

from __future__ import annotations

import ctypes
import logging

log = logging.getLogger(__name__)

_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
_M_MMAP_THRESHOLD = -3
LARGE_BLOCK_BYTES = 1 << 20
TRIM_THRESHOLD_BYTES = 64 << 20

_libc: ctypes.CDLL | None | bool = None


def _glibc() -> ctypes.CDLL | None:
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL("libc.so.6")
            _libc.mallopt  # noqa: B018 - present in glibc only
            _libc.malloc_trim  # noqa: B018
        except (OSError, AttributeError):
            _libc = False
    return _libc or None


def map_large_blocks_apart() -> None:
    """Blocks of 1 MiB and more get their own mappings, given back to the system as soon as they are freed."""
    libc = _glibc()
    if libc is not None:
        ok = libc.mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK_BYTES) and libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
        if not ok:
            log.debug("mallopt refused the allocator settings")


def release_freed_memory() -> None:
    """Hand the memory a loaded batch freed back to the system. glibc keeps freed blocks in its per-thread arenas
    (a batch arrives unpickled on the executor's thread, is loaded on the main one), so without this the run's
    process kept the high-water mark of every batch it had seen."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
