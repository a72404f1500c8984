"""Score HTML main-text extraction on the labelled pages in eval/html/ the standard way: precision, recall and F1
of word 4-gram shingles of the extracted body against the gold body (as in the main-text extraction benchmarks).
Prints spaceetl's ingestion (trafilatura + page-furniture clean-up) next to plain trafilatura.

    .venv/bin/python scripts/eval_extraction.py [--pages eval/html] [--verbose]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gold import ROOT, prf  # noqa: E402

_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = 4) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + k]) for i in range(max(len(words) - k + 1, 1))} if words else set()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, default=ROOT / "eval" / "html")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    import trafilatura

    from spaceetl.ingest.models import FileEntry, RawArticle
    from spaceetl.ingest.readers import read_file

    pages = sorted(args.pages.glob("*.html"))
    totals = {"spaceetl": [0, 0, 0], "trafilatura": [0, 0, 0]}
    print(f"{'page':45}{'spaceetl P/R/F1':>24}{'trafilatura P/R/F1':>24}")
    for page in pages:
        gold = shingles(page.with_suffix(".gold.txt").read_text(encoding="utf-8"))
        st = page.stat()
        items, _ = read_file(FileEntry(page.name, page, st.st_size, st.st_mtime_ns), max_bytes=50_000_000, min_body_chars=1)
        ours = items[0].body if items and isinstance(items[0], RawArticle) else ""
        plain = trafilatura.extract(page.read_text(encoding="utf-8")) or ""
        row = []
        for name, text in (("spaceetl", ours), ("trafilatura", plain)):
            pred = shingles(text)
            tp = len(pred & gold)
            totals[name][0] += tp
            totals[name][1] += len(pred)
            totals[name][2] += len(gold)
            row.append("{:.2f}/{:.2f}/{:.2f}".format(*prf(tp, len(pred), len(gold))))
        print(f"{page.stem[:44]:45}{row[0]:>24}{row[1]:>24}")
        if args.verbose:
            print("   extra:", sorted(" ".join(s) for s in shingles(ours) - gold)[:8])
            print("   missed:", sorted(" ".join(s) for s in gold - shingles(ours))[:8])
    print("-" * 93)
    for name in totals:
        p, r, f = prf(*totals[name])
        print(f"{name:12} micro-averaged over {len(pages)} pages: precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
