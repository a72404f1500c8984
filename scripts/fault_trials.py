"""Fault trials: each case runs the real ``spaceetl`` command on a small raw folder (the bundled sample corpus plus
the fault) and prints one table row: exit code, run status, good articles loaded (expected vs got), what the
quarantine said, and the peak memory of the process tree.

    .venv/bin/python scripts/fault_trials.py [--only NAME ...] [--markdown]

Cases that need root (a small or read-only file system of their own) are skipped without it. The tests in
``tests/test_failures.py`` assert the same behaviours; this script is the table for humans.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psutil

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "corpus"
GOOD = 18  # articles the sample corpus loads


@dataclass
class Trial:
    raw: Path
    warehouse: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    expected_good: int = GOOD
    during: Callable[[subprocess.Popen], None] | None = None  # runs while the command runs
    hold: Callable[[], object] | None = None  # a context manager held around the command
    note: str = ""


def sample_copy(base: Path) -> Path:
    raw = base / "raw"
    shutil.copytree(SAMPLES, raw)
    return raw


def tmpfs(base: Path, size: str, *options: str) -> Path | None:
    target = base / f"fs-{size}"
    target.mkdir()
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join([f"size={size}", *options]), "tmpfs", str(target)],
                        capture_output=True).returncode == 0
    return target if ok else None


def broken_model(base: Path) -> Path:
    folder = base / "broken_model"
    folder.mkdir()
    (folder / "config.cfg").write_text('[nlp]\nlang = "xx-not-a-language"\npipeline = []\n')
    return folder


def kill_a_busy_worker(proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            servers = [p for p in psutil.Process(proc.pid).children() if "forkserver" in " ".join(p.cmdline())]
            busy = [w for s in servers for w in s.children() if w.cpu_percent(interval=0.2) > 5]
        except psutil.Error:
            busy = []
        if busy:
            busy[0].kill()
            return
        time.sleep(0.1)


def kill_the_run(proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            kids = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            return
        if sum("forkserver" in " ".join(k.cmdline()) for k in kids) >= 3:
            proc.send_signal(signal.SIGKILL)
            return
        time.sleep(0.2)


def case_setups(base: Path) -> dict[str, Callable[[Path], Trial | None]]:
    def every_batch_fails(d):
        return Trial(sample_copy(d), d / "w.duckdb", ["--model", str(broken_model(d)), "--batch-files", "8"],
                     expected_good=0, note="a model folder that cannot load")

    def deep_json(d):
        raw = sample_copy(d)
        (raw / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
        return Trial(raw, d / "w.duckdb")

    def non_utf8_name(d):
        raw = sample_copy(d)
        shutil.copy(SAMPLES / "japan_india_lunar_rover.txt", os.fsdecode(bytes(raw) + b"/renamed\xff.txt"))
        return Trial(raw, d / "w.duckdb", note="copy of a loaded article: a duplicate")

    def model_missing(d):
        return Trial(sample_copy(d), d / "w.duckdb", ["--model", "en_core_web_lg"], expected_good=0)

    def raw_missing(d):
        return Trial(d / "nowhere", d / "w.duckdb", expected_good=0)

    def raw_is_file(d):
        (d / "file.txt").write_text("x")
        return Trial(d / "file.txt", d / "w.duckdb", expected_good=0)

    def warehouse_under_file(d):
        (d / "wh").write_text("x")
        return Trial(sample_copy(d), d / "wh" / "w.duckdb", expected_good=0)

    def corrupt_warehouse(d):
        (d / "w.duckdb").write_bytes(b"\0" * 4096 + b"garbage")
        return Trial(sample_copy(d), d / "w.duckdb", expected_good=0)

    def dask_documented(d):
        return Trial(sample_copy(d), d / "w.duckdb", ["--task-runner", "dask", "--workers", "2"],
                     env={"PREFECT_API_URL": ""})

    def worker_killed(d):
        return Trial(sample_copy(d), d / "w.duckdb", ["--batch-files", "2", "--workers", "2"],
                     during=kill_a_busy_worker)

    def run_killed(d):
        return Trial(sample_copy(d), d / "w.duckdb", ["--batch-files", "2", "--workers", "2"], during=kill_the_run,
                     expected_good=-1, note="good = whole batches loaded before the kill")

    def lock_held(d):
        from spaceetl.warehouse import run_lock

        return Trial(sample_copy(d), d / "w.duckdb", env={"SPACEETL_LOCK_TIMEOUT_S": "2"},
                     hold=lambda: run_lock(d / "w.duckdb", 1), expected_good=0)

    def disk_full(d):
        fs = tmpfs(d, "1m")
        return fs and Trial(sample_copy(d), fs / "w.duckdb", env={"SPACEETL_MIN_FREE_MB": "0"}, expected_good=0)

    def read_only_fs(d):
        fs = tmpfs(d, "16m", "ro")
        return fs and Trial(sample_copy(d), fs / "w.duckdb", expected_good=0)

    return {name: fn for name, fn in locals().items() if callable(fn) and not name.startswith("_")}


def peak_rss_mib(pid: int, stop: threading.Event, out: list[float]) -> None:
    peak = 0.0
    while not stop.is_set():
        try:
            root = psutil.Process(pid)
            rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
            peak = max(peak, rss / 2**20)
        except psutil.Error:
            pass
        time.sleep(0.1)
    out.append(peak)


def outcome(warehouse: Path) -> tuple[str, int, str]:
    if not warehouse.is_file():
        return "-", 0, ""
    try:
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            status = (conn.execute("SELECT status FROM runs ORDER BY started_at DESC LIMIT 1").fetchone() or ["-"])[0]
            good = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            rows = conn.execute("SELECT DISTINCT source_path, check_name FROM quarantine").fetchall()
            # the sample corpus's own bad files are quarantined in every case: show what the fault added
            sample_names = {p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*")}
            reasons = sorted({check for path, check in rows if (path or "").split("/", 1)[-1] not in sample_names})
            return status, good, ", ".join(reasons)
    except duckdb.Error as exc:
        return f"unreadable ({type(exc).__name__})", 0, ""


def run_case(name: str, setup: Callable[[Path], Trial | None], base: Path) -> dict:
    folder = base / name
    folder.mkdir()
    trial = setup(folder)
    if trial is None:
        return dict(case=name, exit="skipped (needs root)")
    env = {**os.environ, "CI": "1", **trial.env}
    env = {k: v for k, v in env.items() if v != ""}
    cmd = [sys.executable, "-m", "spaceetl.cli", "run", str(trial.raw), "--warehouse", str(trial.warehouse), *trial.args]
    holder = trial.hold() if trial.hold else None
    if holder is not None:
        holder.__enter__()
    started = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        stop, peak = threading.Event(), []
        sampler = threading.Thread(target=peak_rss_mib, args=(proc.pid, stop, peak), daemon=True)
        sampler.start()
        if trial.during:
            threading.Thread(target=trial.during, args=(proc,), daemon=True).start()
        out, err = proc.communicate(timeout=900)
        stop.set()
        sampler.join()
    finally:
        if holder is not None:
            holder.__exit__(None, None, None)
    seconds = time.monotonic() - started
    status, good, reasons = outcome(trial.warehouse)
    error_lines = [ln for ln in err.splitlines() if ln.startswith("spaceetl: error:")]
    return dict(case=name, exit=proc.returncode, status=status,
                good=f"{'-' if trial.expected_good < 0 else trial.expected_good} / {good}",
                quarantine=reasons, message=(error_lines[0][len("spaceetl: error: "):] if error_lines else "")[:90],
                traceback="yes" if "Traceback" in err else "no", peak_mib=round(peak[0]) if peak else None,
                seconds=round(seconds, 1), note=trial.note)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="case names")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="spaceetl-faults-"))
    rows = []
    try:
        for name, setup in case_setups(base).items():
            if args.only and name not in args.only:
                continue
            rows.append(run_case(name, setup, base))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    finally:
        for mount in base.glob("*/fs-*"):
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
    cols = ["case", "exit", "status", "good", "quarantine", "message", "traceback", "peak_mib", "seconds", "note"]
    if args.markdown:
        print("| " + " | ".join(cols) + " |")
        print("|" + "---|" * len(cols))
        for r in rows:
            print("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")
    else:
        for r in rows:
            print("  ".join(f"{c}={r.get(c, '')}" for c in cols))


if __name__ == "__main__":
    main()
