"""Scaling out, same input, one run each: one loader into a DuckDB file against two concurrent loaders into a
DuckLake (SQLite catalog) on the two halves of the corpus, and the Dask executor (a local cluster) against the
default local worker processes.

Every side runs the pipeline (``spaceetl.pipeline.run``, no Prefect server) in its own process(es) on the same
cores: the single loader with the default executor (one extraction worker process per core), each of the two lake
loaders with one spaCy process on its half of the files, the Dask side with a local cluster of one worker per
core. Prints wall time from the first start to the last exit, rows loaded (articles, mentions, claims), peak
memory of the process tree (PSS, sampled every 100 ms) and how many lake writes were retried after a concurrent
commit. The whole-process ratio against raw ``nlp.pipe`` is ``bench_pipeline.py --whole-only``.

    python benchmarks/bench_lake.py                # the first 100 files of ../shared/corpora/bbc (else samples)
    python benchmarks/bench_lake.py --files 0      # the whole BBC corpus, in halves
    python benchmarks/bench_lake.py --no-dask      # only the DuckDB file / DuckLake comparison
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
         "r = run(load_settings(raw_dir=sys.argv[1], warehouse=sys.argv[2], busy_retry_s=120, lock_timeout_s=120, "
         "**json.loads(sys.argv[3]))); "
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


def loaders(jobs: list[tuple[Path, str, dict]]) -> dict:
    started = time.monotonic()
    with PeakRSS() as peak:
        procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(raw), warehouse, json.dumps(overrides)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for raw, warehouse, overrides in jobs]
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
    parser.add_argument("--files", type=int, default=100, help="the first N files of the corpus (0: all of them)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask row")
    args = parser.parse_args()
    files = corpus(args.files or 10**9)
    cores = os.cpu_count() or 1
    sides: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="spaceetl-bench-lake-") as tmp_name:
        tmp = Path(tmp_name)
        whole = copy(files, tmp / "all")
        halves = [copy(files[: len(files) // 2], tmp / "a"), copy(files[len(files) // 2:], tmp / "b")]
        duck = str(tmp / "wh" / "one.duckdb")
        sides["one loader -> DuckDB file"] = loaders([(whole, duck, {})])
        sides["one loader -> DuckDB file"]["rows"] = rows(duck)
        lake = f"ducklake:sqlite:{tmp / 'lake' / 'catalog.sqlite'}"
        sides["two loaders -> DuckLake (SQLite)"] = loaders(
            [(h, lake, {"n_process": max(1, cores // 2), "workers": 1}) for h in halves])
        sides["two loaders -> DuckLake (SQLite)"]["rows"] = rows(lake)
        if not args.no_dask:
            dask_wh = str(tmp / "wh" / "dask.duckdb")
            sides["one loader, Dask local cluster"] = loaders([(whole, dask_wh, {"task_runner": "dask",
                                                                                 "workers": cores})])
            sides["one loader, Dask local cluster"]["rows"] = rows(dask_wh)
    print(f"{len(files)} files, {cores} cores")
    for name, r in sides.items():
        retries = sum(x["conflict_retries"] for x in r["loaders"])
        print(f"{name:34} wall {r['wall_s']:6.1f} s  peak PSS {r['peak_pss_mib']:5d} MiB  rows {r['rows']}  "
              f"write retries {retries}  status {[x['status'] for x in r['loaders']]}")
    print(json.dumps({"files": len(files), "sides": sides}))
    counts = {json.dumps(r["rows"], sort_keys=True) for r in sides.values()}
    return 0 if len(counts) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
