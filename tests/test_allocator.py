"""The allocator settings of the extraction workers and the run's process (pipeline/allocator.py)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the settings are glibc's")

# Frees 100 blocks of 2 MiB, each followed by a small block that pins the heap above it, after one large block
# was freed (which is what raises glibc's dynamic mmap threshold): prints how many MiB the process still holds.
_PROBE = """
import sys, psutil
if sys.argv[1] == "apart":
    from spaceetl.pipeline.allocator import map_large_blocks_apart
    map_large_blocks_apart()
rss = lambda: psutil.Process().memory_info().rss / 2**20
first = bytearray(2 << 20)
del first
base = rss()
big, small = [], []
for _ in range(100):
    big.append(bytearray(2 << 20))
    small.append(bytearray(1000))
big.clear()
print(round(rss() - base))
"""


def _held_after_free(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


def test_large_blocks_go_back_to_the_system_when_freed():
    held_by_default = _held_after_free("default")
    assert held_by_default > 100, f"the probe no longer shows glibc keeping freed blocks ({held_by_default} MiB)"
    assert _held_after_free("apart") < 20
