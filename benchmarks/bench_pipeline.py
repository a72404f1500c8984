"""Throughput and memory benchmark: the spaCy model's own limit next to the whole pipeline, in one process run.

Measures, on the same corpus:
  (a) raw ``nlp.pipe`` throughput of the project's model with n_process = cores (the limit),
  (b) the full Prefect flow end to end into a fresh warehouse,
  (c) a re-run on the unchanged folder,
  (d) peak RSS of the whole process tree (sampled every 100 ms),
  (e) the user's view: the whole ``spaceetl run`` process (start-up, Prefect's temporary server, model, run,
      report, exit) against a whole raw ``nlp.pipe`` process (start-up, reading the files, model, pipe, exit)
      on the same corpus, one after the other,
and prints words/s and articles/s for (a) and (b), the ratio (b)/(a), the re-run time as a share of (b), peak
memory, the whole-process ratio (e) and how long ``spaceetl --help`` takes.

    python benchmarks/bench_pipeline.py                 # ../shared/corpora/bbc when present, else synthetic
    python benchmarks/bench_pipeline.py --articles 5000 # a synthetic corpus of that size
    python benchmarks/bench_pipeline.py --ci            # the bundled sample corpus (small, quick)
    python benchmarks/bench_pipeline.py --whole-only    # only (e)
    python benchmarks/bench_pipeline.py --long          # 1, 5 and 15 MB articles against normal ones
    python benchmarks/bench_pipeline.py --tiny-records  # a 20 MB JSON of tiny records beside 30 good files

``--long`` times the extraction of a batch (read, NLP, rows: what a worker does) in this process with one spaCy
process, for 40 normal-size articles and for single articles of ``--long-mb`` megabytes, and prints words/s for
each next to the normal figure (the target is within 2x), with the peak memory of each case.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BBC = ROOT.parent / "shared" / "corpora" / "bbc"


class PeakRSS:
    """Peak memory of this process and all its children, sampled in a thread: RSS summed over the tree (counts
    pages that forked children share with their parent once per process, so it overstates), and PSS (each shared
    page split between the processes sharing it: the honest total)."""

    def __init__(self, interval: float = 0.1):
        import psutil

        self.proc = psutil.Process()
        self.interval = interval
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil

        while not self._stop.is_set():
            total = pss = 0
            try:
                for p in [self.proc, *self.proc.children(recursive=True)]:
                    try:
                        info = p.memory_full_info()
                        total += info.rss
                        pss += getattr(info, "pss", info.rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            self.peak = max(self.peak, total)
            self.peak_pss = max(self.peak_pss, pss)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def reset(self):
        self.peak = 0
        self.peak_pss = 0


def synthetic_corpus(folder: Path, n: int, seed: int = 7) -> Path:
    """n distinct articles in the scraped-text style, assembled from the sample corpus's paragraphs with the
    numbers, names and order varied, so every body is unique and realistic enough for the NLP cost."""
    from spaceetl.ingest.discover import walk
    from spaceetl.ingest.models import RawArticle
    from spaceetl.ingest.readers import read_file

    paragraphs: list[str] = []
    for entry in walk(ROOT / "samples" / "corpus"):
        items, _ = read_file(entry, max_bytes=10**8, min_body_chars=80) if hasattr(entry, "abs_path") else ([], None)
        for item in items:
            if isinstance(item, RawArticle):
                paragraphs += [p for p in item.body.split("\n\n") if len(p.split()) > 20]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        chosen = rng.sample(paragraphs, k=min(6, len(paragraphs)))
        body = "\n\n".join(p.replace("2025", str(2000 + rng.randint(0, 26))).replace("$", f"${rng.randint(1, 9)}")
                           for p in chosen)
        (folder / f"{i // 1000:03d}" / f"article_{i:06d}.txt").parent.mkdir(exist_ok=True)
        (folder / f"{i // 1000:03d}" / f"article_{i:06d}.txt").write_text(
            f"Synthetic Report Number {i}\n\nWASHINGTON — Story {i} ({rng.random():.6f}).\n\n{body}\n", encoding="utf-8")
    return folder


def corpus_bodies(raw: Path) -> list[str]:
    from spaceetl.ingest.discover import walk
    from spaceetl.ingest.models import RawArticle
    from spaceetl.ingest.readers import read_file

    bodies = []
    for entry in walk(raw):
        if hasattr(entry, "abs_path"):
            items, _ = read_file(entry, max_bytes=10**8, min_body_chars=80)
            bodies += [i.body for i in items if isinstance(i, RawArticle)]
    return bodies


def help_seconds() -> float:
    exe = Path(sys.executable).parent / "spaceetl"
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "spaceetl.cli", "--help"]
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best


def raw_process(raw: Path, model: str, n_process: int, batch_size: int) -> None:
    """The peer of a whole ``spaceetl run``: read the same files, load the model, ``nlp.pipe`` everything, exit."""
    import spacy

    bodies = corpus_bodies(raw)
    nlp = spacy.load(model)
    for _ in nlp.pipe(bodies, n_process=n_process, batch_size=batch_size):
        pass


def whole_process(raw: Path, settings, tmp: Path, cores: int, words: int, overrides: dict) -> dict:
    """(e): both sides as separate processes, timed from launch to exit, raw first."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--raw-process", str(raw), "--model", settings.spacy_model,
                    "--n-process", str(cores)], check=True)
    raw_s = time.perf_counter() - t0
    exe = Path(sys.executable).parent / "spaceetl"
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "spaceetl.cli"]), "run",
           str(raw), "--warehouse", str(tmp / "whole" / "whole.duckdb"), "--quiet", "--no-progress"]
    for key, value in overrides.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, text=True)
    run_s = time.perf_counter() - t0
    first_line = (done.stdout.splitlines() or [""])[0]
    print(f"    {first_line} (exit code {done.returncode})")
    return dict(raw_process_s=raw_s, spaceetl_process_s=run_s, ratio=raw_s / run_s, exit_code=done.returncode,
                summary=done.stdout, raw_words_per_s=words / raw_s, spaceetl_words_per_s=words / run_s,
                load_average=os.getloadavg())


def long_articles(sizes_mb: list[float], out_dir: Path) -> int:
    """Cost per word of very long articles against normal ones: every stage must stay linear in length."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    from spaceetl.config import load_settings
    from spaceetl.pipeline.extract import process_files
    from spaceetl.ingest.discover import walk
    from spaceetl.ingest.models import FileEntry
    from spaceetl.nlp.pipeline import get_nlp

    tmp = Path(tempfile.mkdtemp(prefix="spaceetl-long-"))
    normal_dir = synthetic_corpus(tmp / "normal", 40)
    paragraphs = [p for b in corpus_bodies(normal_dir) for p in b.split("\n\n") if len(p) > 80]
    settings = load_settings(raw_dir=tmp, warehouse=tmp / "w.duckdb", n_process=1, max_file_bytes=10**9)
    get_nlp(settings.spacy_model)
    results: dict = {"settings": {"long_article": settings.long_article, "max_nlp_chars": settings.max_nlp_chars}}

    def timed(entries: list, label: str) -> float:
        with PeakRSS() as rss:
            t0 = time.perf_counter()
            batch = process_files(entries, settings, "bench")
            seconds = time.perf_counter() - t0
        words = int(batch.stats["nlp_words"])
        rate = words / seconds
        results[label] = {"seconds": round(seconds, 1), "words": words, "words_per_s": round(rate),
                          "peak_rss_mb": round(rss.peak / 2**20), "claims": batch.tables["claims"].height}
        return rate

    normal = timed([e for e in walk(normal_dir) if isinstance(e, FileEntry)], "normal_40_articles")
    print(f"normal articles (40): {normal:,.0f} words/s, peak RSS {results['normal_40_articles']['peak_rss_mb']:,} MiB")
    rng = random.Random(11)
    for mb in sizes_mb:
        parts: list[str] = []
        size = 0
        while size < mb * 1e6:
            p = rng.choice(paragraphs).replace("$", f"${rng.randint(1, 9)}")
            parts.append(p)
            size += len(p) + 2
        path = tmp / f"long_{mb:g}mb.txt"
        path.write_text("A Very Long Report\n\n" + "\n\n".join(parts), encoding="utf-8")
        st = path.stat()
        rate = timed([FileEntry(path.name, path, st.st_size, st.st_mtime_ns)], f"long_{mb:g}mb")
        r = results[f"long_{mb:g}mb"]
        print(f"{mb:g} MB article: {rate:,.0f} words/s (per-word time {normal / rate:.2f}x that of normal articles; target <= 2x), "
              f"{r['seconds']} s, peak RSS {r['peak_rss_mb']:,} MiB")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"bench-long-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def tiny_records(out_dir: Path, megabytes: float = 20.0, good: int = 30) -> int:
    """One whole ``spaceetl run`` process over a folder holding a JSON list of ~6.6 million ``{}`` records and
    ``good`` normal articles: wall time, peak memory of the process tree, and the good files loaded."""
    import subprocess

    tmp = Path(tempfile.mkdtemp(prefix="spaceetl-tiny-"))
    raw = synthetic_corpus(tmp / "raw", good)
    n = int(megabytes * 1e6 / 3)
    with open(raw / "tiny_records.json", "w", encoding="utf-8") as fh:
        fh.write("[")
        chunk = ",".join(["{}"] * 100_000)
        for _ in range(n // 100_000):
            fh.write(chunk + ",")
        fh.write("{}]")
    size_mb = (raw / "tiny_records.json").stat().st_size / 1e6
    warehouse = tmp / "wh" / "w.duckdb"
    cli = Path(sys.executable).parent / "spaceetl"
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        proc = subprocess.run([str(cli), "run", str(raw), "--warehouse", str(warehouse), "--no-progress", "-q"],
                              capture_output=True, text=True)
        seconds = time.perf_counter() - t0
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as conn:
        loaded = conn.execute("SELECT count(*) FROM sources WHERE status = 'loaded' "
                              "AND source_path <> 'tiny_records.json'").fetchone()[0]
        quarantine_rows = conn.execute("SELECT count(*) FROM quarantine").fetchone()[0]
        sources_rows = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    result = {"json_mb": round(size_mb, 1), "records": n + 1, "exit_code": proc.returncode,
              "seconds": round(seconds, 1), "peak_rss_mb": round(rss.peak / 2**20),
              "peak_pss_mb": round(rss.peak_pss / 2**20), "good_files": good, "good_files_loaded": loaded,
              "quarantine_rows": quarantine_rows, "sources_rows": sources_rows}
    print(f"tiny records: {size_mb:.1f} MB JSON of {n + 1:,} records + {good} good files: exit {proc.returncode}, "
          f"{seconds:.1f} s, peak RSS {result['peak_rss_mb']:,} MiB (PSS {result['peak_pss_mb']:,}; target < 1,536), "
          f"good files loaded {loaded} / {good}, {quarantine_rows} quarantine rows, {sources_rows} sources rows")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"bench-tiny-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(result, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main() -> int:
    if "--raw-process" in sys.argv:  # the child process of (e)
        ap = argparse.ArgumentParser()
        ap.add_argument("--raw-process", type=Path)
        ap.add_argument("--model")
        ap.add_argument("--n-process", type=int)
        ap.add_argument("--batch-size", type=int, default=32)
        a = ap.parse_args()
        raw_process(a.raw_process, a.model, a.n_process, a.batch_size)
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="folder of raw files (default: the BBC corpus when present)")
    ap.add_argument("--articles", type=int, help="use a synthetic corpus of this many articles")
    ap.add_argument("--ci", action="store_true", help="the bundled sample corpus: small and quick")
    ap.add_argument("--task-runner", default=None, choices=["local", "thread", "process", "dask"])
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--n-process", type=int, default=None)
    ap.add_argument("--batch-files", type=int, default=None)
    ap.add_argument("--skip-raw", action="store_true", help="skip (a), e.g. when comparing runner settings")
    ap.add_argument("--whole-only", action="store_true", help="only (e): whole processes, as the user sees them")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    ap.add_argument("--long", action="store_true", help="long-article cost: words/s of 5 MB and 15 MB articles")
    ap.add_argument("--long-mb", default="1,5,15", help="sizes for --long, in MB (comma-separated)")
    ap.add_argument("--tiny-records", action="store_true",
                    help="a 20 MB JSON list of empty records beside 30 good files: one whole `spaceetl run`")
    args = ap.parse_args()
    if args.long:
        return long_articles([float(x) for x in args.long_mb.split(",")], args.out)
    if args.tiny_records:
        return tiny_records(args.out)

    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    import logging

    logging.basicConfig(level=logging.WARNING)
    from spaceetl import prefect_env  # noqa: F401

    tmp = Path(tempfile.mkdtemp(prefix="spaceetl-bench-"))
    if args.ci:
        raw, label = ROOT / "samples" / "corpus", "bundled sample corpus"
    elif args.articles:
        raw, label = synthetic_corpus(tmp / "raw", args.articles), f"synthetic corpus, {args.articles} articles"
    elif args.corpus:
        raw, label = args.corpus, str(args.corpus)
    elif BBC.is_dir():
        raw, label = BBC, "BBC News corpus (shared/corpora/bbc)"
    else:
        raw, label = synthetic_corpus(tmp / "raw", 1000), "synthetic corpus, 1000 articles (BBC corpus absent)"

    import spacy

    from spaceetl.config import load_settings
    from spaceetl.pipeline.stages import model_version_of

    cores = os.cpu_count() or 1
    overrides = {k: v for k, v in dict(task_runner=args.task_runner, workers=args.workers, n_process=args.n_process,
                                       batch_files=args.batch_files).items() if v is not None}
    settings = load_settings(raw_dir=raw, warehouse=tmp / "warehouse" / "bench.duckdb", **overrides)
    results: dict = {"corpus": label, "cores": cores, "model": settings.spacy_model,
                     "model_version": model_version_of(settings.spacy_model), "settings": settings.public_dict()}
    print(f"corpus: {label}\nmachine: {cores} cores, Python {sys.version.split()[0]}, model {settings.spacy_model}")

    if args.whole_only:
        words = sum(len(b.split()) for b in corpus_bodies(raw))
        results["whole_process"] = whole = whole_process(raw, settings, tmp, cores, words, overrides)
        print(f"(e) whole processes: raw nlp.pipe {whole['raw_process_s']:.1f} s, spaceetl run {whole['spaceetl_process_s']:.1f} s"
              f" -> ratio {100 * whole['ratio']:.1f}%")
        return _save(results, args.out, tmp)
    with PeakRSS() as rss:
        bodies = corpus_bodies(raw)
        words = sum(len(b.split()) for b in bodies)
        results.update(articles=len(bodies), words=words)
        if not args.skip_raw:
            nlp = spacy.load(settings.spacy_model)
            rss.reset()
            t0 = time.perf_counter()
            for _ in nlp.pipe(bodies, n_process=cores, batch_size=settings.nlp_batch_size):
                pass
            raw_s = time.perf_counter() - t0
            results["raw"] = dict(seconds=raw_s, words_per_s=words / raw_s, articles_per_s=len(bodies) / raw_s,
                                  peak_rss_mb=rss.peak / 2**20, peak_pss_mb=rss.peak_pss / 2**20)
            del nlp
            print(f"(a) raw nlp.pipe, n_process={cores}: {raw_s:.1f} s, {words / raw_s:,.0f} words/s, "
                  f"{len(bodies) / raw_s:.1f} articles/s")

        from spaceetl.flows.etl import run_etl

        t0 = time.perf_counter()
        from prefect import flow

        @flow(name="bench-warm-up")
        def warm_up() -> None:
            return None

        warm_up()
        results["prefect_server_start_s"] = time.perf_counter() - t0
        print(f"    Prefect temporary server start (once per process, not counted below): {results['prefect_server_start_s']:.1f} s")

        rss.reset()
        t0 = time.perf_counter()
        summary = run_etl(settings)
        full_s = time.perf_counter() - t0
        from spaceetl import warehouse as wh

        with wh.session(settings.warehouse, read_only=True) as conn:
            loaded_words = conn.execute("SELECT coalesce(sum(word_count), 0) FROM articles").fetchone()[0]
        results["full"] = dict(seconds=full_s, words_per_s=words / full_s, articles_per_s=len(bodies) / full_s,
                               loaded_articles=summary["articles_loaded"], loaded_words=loaded_words,
                               peak_rss_mb=rss.peak / 2**20, peak_pss_mb=rss.peak_pss / 2**20, status=summary["status"])
        print(f"(b) full flow end to end: {full_s:.1f} s, {words / full_s:,.0f} words/s, {len(bodies) / full_s:.1f} articles/s "
              f"({summary['articles_loaded']} articles loaded, run {summary['status']})")

        t0 = time.perf_counter()
        again = run_etl(settings)
        rerun_s = time.perf_counter() - t0
        results["rerun"] = dict(seconds=rerun_s, share_of_full=rerun_s / full_s, articles_loaded=again["articles_loaded"])
        print(f"(c) re-run, unchanged folder: {rerun_s:.1f} s = {100 * rerun_s / full_s:.1f}% of the full run")
        results["peak_rss_mb"] = rss.peak / 2**20
        results["peak_pss_mb"] = rss.peak_pss / 2**20
    if "raw" in results:
        results["ratio_full_to_raw"] = results["full"]["words_per_s"] / results["raw"]["words_per_s"]
        print(f"    ratio (b)/(a): {100 * results['ratio_full_to_raw']:.1f}% of the model's own throughput")
    print(f"(d) peak memory of the process tree: RSS summed {results['peak_rss_mb']:,.0f} MiB, PSS {results['peak_pss_mb']:,.0f} MiB "
          f"(full flow: RSS {results['full']['peak_rss_mb']:,.0f} MiB, PSS {results['full']['peak_pss_mb']:,.0f} MiB; "
          f"raw step: RSS {results.get('raw', {}).get('peak_rss_mb', 0):,.0f} MiB)")
    results["help_s"] = help_seconds()
    print(f"    spaceetl --help: {results['help_s'] * 1000:.0f} ms")
    results["whole_process"] = whole = whole_process(raw, settings, tmp, cores, words, overrides)
    print(f"(e) whole processes: raw nlp.pipe {whole['raw_process_s']:.1f} s, spaceetl run {whole['spaceetl_process_s']:.1f} s"
          f" -> ratio {100 * whole['ratio']:.1f}%")
    return _save(results, args.out, tmp)


def _save(results: dict, out_dir: Path, tmp: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"bench-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"results: {out}")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
