"""Peak memory and CPU time of one whole command, split by process: the flow process, the extraction workers (fork
server and the workers it forks), Prefect's temporary server. Used for the memory-over-corpus-size rows of
RESULTS.md, and to see where the CPU goes that the extraction workers do not get (a 2-core machine has no spare).

    python benchmarks/memory_by_process.py spaceetl run FOLDER --warehouse /tmp/w/w.duckdb --no-progress

Samples PSS (each shared page split between the processes sharing it) every 0.5 s and prints the peak of each kind,
the peak total, and the peaks per tenth of the run (memory that grows with the corpus shows as a rising series).
CPU seconds (user + system) are each process's last sample, summed by kind: a process that ends between two samples
loses at most half a second.
"""

from __future__ import annotations

import subprocess
import sys
import time

import psutil


def kind(proc: psutil.Process, root: int) -> str:
    cmd = " ".join(proc.cmdline())
    if proc.pid == root:
        return "flow process"
    if "forkserver" in cmd:
        return "extraction workers"
    if "uvicorn" in cmd or ("prefect" in cmd and "server" in cmd):
        return "prefect server"
    return "other"


def main() -> int:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    t0 = time.time()
    child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    root = psutil.Process(child.pid)
    peaks: dict[str, int] = {}
    samples: list[tuple[float, int, int, int]] = []
    cpu: dict[int, tuple[str, float]] = {}  # pid -> (kind, CPU seconds at its last sample)
    while child.poll() is None:
        by: dict[str, int] = {}
        one = 0
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            procs = []
        for proc in procs:
            try:
                k, pss = kind(proc, child.pid), proc.memory_full_info().pss
                times = proc.cpu_times()
            except psutil.Error:
                continue
            cpu[proc.pid] = (k, times.user + times.system)
            by[k] = by.get(k, 0) + pss
            if k == "extraction workers":
                one = max(one, pss)
        total = sum(by.values())
        for k, v in [*by.items(), ("total", total), ("one worker", one)]:
            peaks[k] = max(peaks.get(k, 0), v)
        samples.append((time.time() - t0, total, by.get("extraction workers", 0), by.get("flow process", 0)))
        time.sleep(0.5)
    wall = time.time() - t0
    print(f"exit {child.returncode} after {wall:.0f} s")
    by_kind: dict[str, float] = {}
    for k, seconds in cpu.values():
        by_kind[k] = by_kind.get(k, 0.0) + seconds
    for k, seconds in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        print(f"CPU {k}: {seconds:,.1f} s ({100 * seconds / wall:.0f}% of one core over the run)")
    print(f"CPU total: {sum(by_kind.values()):,.1f} s of {wall * psutil.cpu_count():,.0f} core-seconds")
    for k, v in sorted(peaks.items(), key=lambda kv: -kv[1]):
        print(f"peak {k}: {v / 2**20:,.0f} MiB")
    n = len(samples)
    for i in range(1, 11):
        part = samples[n * (i - 1) // 10: n * i // 10] or samples[-1:]
        if part:
            print(f"{i * 10:3d}%  t={part[-1][0]:.0f}s  total={max(s[1] for s in part) / 2**20:,.0f}  "
                  f"workers={max(s[2] for s in part) / 2**20:,.0f}  flow={max(s[3] for s in part) / 2**20:,.0f} MiB")
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
