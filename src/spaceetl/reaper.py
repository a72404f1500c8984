"""Child processes end with the run that started them, however it ends.

A run starts helper processes: extraction workers and their fork server, and Prefect's temporary API server. If
the run is killed (``kill -9``, the out-of-memory killer), nothing in it gets to stop them, and they would go on
holding memory and ports. Two mechanisms, both Linux-only (elsewhere they do nothing):

* processes we create ask the kernel for a signal when their parent dies (``PR_SET_PDEATHSIG``);
* for processes others create (Prefect's server), a tiny watcher process notes the run's descendants four times a
  second and, when the run's process is gone, terminates the ones it noted and any orphan of the run's process
  group started after the run began (checking start times, so a recycled process id is never hit).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
_watcher: subprocess.Popen | None = None


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent process ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig)
    except OSError:  # pragma: no cover - no libc: nothing to do
        return
    if os.getppid() == 1:  # the parent already died before we asked
        os.kill(os.getpid(), sig)


def watch_descendants() -> None:
    """Start (once per process) the watcher that cleans up this process's descendants if it dies."""
    global _watcher
    if _watcher is not None and _watcher.poll() is None:
        return
    if not sys.platform.startswith("linux"):
        return
    _watcher = subprocess.Popen([sys.executable, "-m", "spaceetl.reaper", str(os.getpid())],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True, close_fds=True)


def _watch(parent_pid: int, interval: float = 0.25) -> None:
    import psutil

    try:
        parent = psutil.Process(parent_pid)
        group, born = os.getpgid(parent_pid), parent.create_time()
    except (psutil.Error, OSError):
        return
    me = os.getpid()
    seen: dict[int, float] = {}
    def parent_gone() -> bool:
        try:
            return not parent.is_running() or parent.status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True
        except psutil.Error:
            return False

    while not parent_gone():
        try:
            seen = {p.pid: p.create_time() for p in parent.children(recursive=True) if p.pid != me}
        except psutil.Error:  # a child ended while being listed: look again next time
            pass
        time.sleep(interval)
    # Started since the last look: orphans of the run's process group created after the run began. A dying
    # process hands its children to init only as its last threads end, so look twice, and accept either parent.
    for attempt in range(2):
        if attempt:
            time.sleep(0.5)
        for proc in psutil.process_iter(["ppid", "create_time"]):
            try:
                if proc.pid != me and proc.info["ppid"] in (1, parent_pid) and proc.info["create_time"] >= born \
                        and os.getpgid(proc.pid) == group:
                    seen.setdefault(proc.pid, proc.info["create_time"])
            except (psutil.Error, OSError):
                continue
    alive = []
    for pid, created in seen.items():
        try:
            proc = psutil.Process(pid)
            if proc.create_time() == created:
                proc.terminate()
                alive.append(proc)
        except psutil.Error:
            continue
    _, still = psutil.wait_procs(alive, timeout=5)
    for proc in still:
        try:
            proc.kill()
        except psutil.Error:
            pass


if __name__ == "__main__":
    _watch(int(sys.argv[1]))
