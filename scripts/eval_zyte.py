"""Score HTML main-text extraction on the Zyte article-extraction benchmark (scrapinghub/article-extraction-benchmark:
181 saved news/blog pages, ground-truth article bodies written by people, MIT licence), with the benchmark's own
metric: its ``evaluate.py`` is imported from the checkout and used as is (``string_shingle_matching`` per page,
``metrics_from_tp_fp_fns`` for the macro-averaged precision/recall/F1), so the figures compare directly with the
benchmark's published table.

Prints spaceetl's ingestion (the HTML reader, as a user's file goes through it) next to plain trafilatura called
the way the benchmark's own ``extractors/run_trafilatura.py`` calls it, each with the benchmark's bootstrap
standard deviation and a 95% percentile bootstrap interval.

    .venv/bin/python scripts/eval_zyte.py PATH_TO_CHECKOUT [--n-bootstrap 1000] [--pages N] [--per-page out.tsv]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import random
import sys
from pathlib import Path


def load_benchmark_metric(checkout: Path):
    spec = importlib.util.spec_from_file_location("zyte_evaluate", checkout / "evaluate.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no evaluate.py in {checkout}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spaceetl_body(path: Path) -> str:
    from spaceetl.ingest.models import FileEntry, RawArticle
    from spaceetl.ingest.readers import read_file

    items, _ = read_file(FileEntry(path.name, path, path.stat().st_size, 0), max_bytes=100_000_000, min_body_chars=1)
    return items[0].body if items and isinstance(items[0], RawArticle) else ""


def trafilatura_body(path: Path) -> str:
    import trafilatura

    with gzip.open(path, "rt", encoding="utf8") as fh:
        return trafilatura.extract(fh.read(), include_comments=False) or ""


def percentile_ci(metric, tp_fp_fns, n_bootstrap: int, seed: int = 12) -> dict[str, tuple[float, float]]:
    rng = random.Random(seed)
    values: dict[str, list[float]] = {}
    n = len(tp_fp_fns)
    for _ in range(n_bootstrap):
        sample = [tp_fp_fns[rng.randrange(n)] for _ in range(n)]
        for key, value in metric.metrics_from_tp_fp_fns(sample).items():
            values.setdefault(key, []).append(value)
    out = {}
    for key, vals in values.items():
        vals.sort()
        out[key] = (vals[int(0.025 * len(vals))], vals[int(0.975 * len(vals)) - 1])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkout", type=Path, help="local checkout of scrapinghub/article-extraction-benchmark")
    ap.add_argument("--n-bootstrap", type=int, default=1000)
    ap.add_argument("--pages", type=int, default=0, help="score only the first N pages (quick look)")
    ap.add_argument("--only", choices=["spaceetl", "trafilatura"], help="score one extractor")
    ap.add_argument("--per-page", type=Path, help="write per-page precision/recall for both extractors (TSV)")
    args = ap.parse_args()

    metric = load_benchmark_metric(args.checkout)
    truth = json.loads((args.checkout / "ground-truth.json").read_text(encoding="utf8"))
    keys = sorted(truth)[: args.pages or None]
    truth = {k: truth[k] for k in keys}
    extractors = {"spaceetl": spaceetl_body, "trafilatura": trafilatura_body}
    predictions = {name: {} for name in extractors if args.only in (None, name)}
    for key in keys:
        page = args.checkout / "html" / f"{key}.html.gz"
        for name in predictions:
            predictions[name][key] = {"articleBody": extractors[name](page)}

    import trafilatura

    print(f"Zyte article-extraction benchmark, {len(keys)} pages; trafilatura {trafilatura.__version__}; "
          f"metric: the benchmark's evaluate.py; ± is its bootstrap std, [..] a 95% percentile interval")
    print(f"{'extractor':14}{'F1':>30}{'precision':>30}{'recall':>30}")
    for name, pred in predictions.items():
        m = metric.evaluate(truth, pred, args.n_bootstrap)
        ci = percentile_ci(metric, m["tp_fp_fns"], args.n_bootstrap)
        cells = [f"{m[k]:.3f} ± {m[k + '_std']:.3f} [{ci[k][0]:.3f}, {ci[k][1]:.3f}]" for k in ("f1", "precision", "recall")]
        print(f"{name:14}" + "".join(f"{c:>30}" for c in cells))
    if args.per_page:
        with args.per_page.open("w", encoding="utf8") as fh:
            fh.write("page\t" + "\t".join(f"{n}_p\t{n}_r" for n in predictions) + "\n")
            for key in keys:
                row = [key]
                for name in predictions:
                    tp, fp, fn = metric.string_shingle_matching(truth[key].get("articleBody", ""),
                                                                predictions[name][key]["articleBody"])
                    row += [f"{metric.precision_score(tp, fp, fn):.3f}", f"{metric.recall_score(tp, fp, fn):.3f}"]
                fh.write("\t".join(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
