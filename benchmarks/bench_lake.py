"""One loader into a DuckDB file against two concurrent loaders into a DuckLake (SQLite catalog), same input.

Both sides run the pipeline (``spaceetl.pipeline.run``, no Prefect server) in separate processes on the same
cores: the single loader with spaCy on every core, each of the two lake loaders with one spaCy process on half of
the files. Prints wall time from the first start to the last exit, rows loaded (articles, mentions, claims), peak
memory of the process tree (PSS, sampled every 100 ms) and how many lake writes were retried after a concurrent
commit.

    python benchmarks/bench_lake.py                # the first 100 files of ../shared/corpora/bbc (else samples)
    python benchmarks/bench_lake.py --files 400
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_pipeline import PeakRSS

CHILD = ("import json, logging, sys; from spaceetl.config import load_settings; from spaceetl.pipeline import run; "
         "from spaceetl.warehouse import core; logging.basicConfig(level=logging.WARNING); "
         "r = run(load_settings(raw_dir=sys.argv[1], warehouse=sys.argv[2], n_process=int(sys.argv[3]), workers=1, "
         "busy_retry_s=120, lock_timeout_s=120)); "
         "print(json.dumps({'status': r.summary['status'], 'loaded': r.summary['articles_loaded'], "
         "'conflict_retries': core.conflict_retries}))")


def corpus(n: int) -> list[Path]:
    bbc = ROOT.parent / "shared" / "corpora" / "bbc"
    if bbc.is_dir():
        files = sorted(p for p in bbc.rglob("*.txt") if p.name != "README.TXT")
        return files[:n]
    return sorted(p for p in (ROOT / "samples" / "corpus").iterdir() if p.is_file())[:n]


def copy(files: list[Path], dest: Path) -> Path:
    dest.mkdir(parents=True)
    for f in files:
        shutil.copy2(f, dest / f"{f.parent.name}_{f.name}")
    return dest


def loaders(jobs: list[tuple[Path, str, int]]) -> dict:
    started = time.monotonic()
    with PeakRSS() as peak:
        procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(raw), warehouse, str(n)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for raw, warehouse, n in jobs]
        outs = [p.communicate() for p in procs]
    wall = time.monotonic() - started
    results = []
    for proc, (out, err) in zip(procs, outs):
        if proc.returncode not in (0, 1):
            raise SystemExit(f"a loader failed ({proc.returncode}):\n{err[-3000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return {"wall_s": round(wall, 1), "peak_pss_mib": round(peak.peak_pss / 2**20), "loaders": results}


def rows(warehouse: str) -> dict:
    from spaceetl import warehouse as wh

    with wh.session(warehouse, read_only=True) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "mentions", "claims")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100)
    args = parser.parse_args()
    files = corpus(args.files)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="spaceetl-bench-lake-") as tmp_name:
        tmp = Path(tmp_name)
        whole = copy(files, tmp / "all")
        halves = [copy(files[: len(files) // 2], tmp / "a"), copy(files[len(files) // 2:], tmp / "b")]
        duck = str(tmp / "wh" / "one.duckdb")
        one = loaders([(whole, duck, cores)])
        one["rows"] = rows(duck)
        lake = f"ducklake:sqlite:{tmp / 'lake' / 'catalog.sqlite'}"
        two = loaders([(h, lake, max(1, cores // 2)) for h in halves])
        two["rows"] = rows(lake)
    print(f"{len(files)} files, {cores} cores")
    for name, r in (("one loader -> DuckDB file", one), ("two loaders -> DuckLake (SQLite)", two)):
        retries = sum(x["conflict_retries"] for x in r["loaders"])
        print(f"{name:34} wall {r['wall_s']:6.1f} s  peak PSS {r['peak_pss_mib']:5d} MiB  rows {r['rows']}  "
              f"write retries {retries}")
    print(json.dumps({"files": len(files), "one_duckdb": one, "two_ducklake": two}))
    return 0 if one["rows"] == two["rows"] else 1


if __name__ == "__main__":
    sys.exit(main())
