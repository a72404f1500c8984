"""Score the title, author and publication date that spaceetl reads from saved HTML pages against labels made
outside the project, next to a peer scored by the same code on the same pages:

- trafilatura's ``tests/evaldata.json`` (adbar/trafilatura, Apache-2.0): pages in ``tests/cache/`` and
  ``tests/eval/`` with title, author and date set by the trafilatura maintainers. Only English pages are scored
  (the language of the gold title and snippets, by spaceetl's own detector); peer: trafilatura's
  ``bare_extraction(with_metadata=True)``.
- htmldate's ``tests/eval_mediacloud_2020.json`` (adbar/htmldate, Apache-2.0): 200 news pages in
  ``tests/test_set/`` with publication dates set by people; peer: ``htmldate.find_date(original_date=True,
  extensive_search=True)``, as htmldate's own ``tests/comparison.py`` runs it.

Scoring is strict: a field is right only when it equals the label (titles and authors after whitespace
normalisation, several authors joined with "; " as trafilatura's labels are; dates as YYYY-MM-DD, the date as the
page states it, before conversion to UTC). On trafilatura's set only pages whose label is non-empty count for that
field; on htmldate's set a null/NaN date label (5 pages) means "no date", so none is the right answer there. A page
that spaceetl quarantines (no article text) counts as a miss. Accuracy with a 95% percentile bootstrap interval.

    .venv/bin/python scripts/eval_metadata.py --trafilatura PATH_TO_TRAFILATURA --htmldate PATH_TO_HTMLDATE
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import warnings
from pathlib import Path

logging.disable(logging.CRITICAL)
warnings.filterwarnings("ignore")


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


def _date(text: str | None) -> str | None:
    """The calendar date as written on the page (a stated local time keeps its own day)."""
    if not text:
        return None
    m = re.match(r"\s*(\d{4}-\d\d-\d\d)", text)
    if m:
        return m.group(1)
    from dateutil import parser as dateparser

    try:
        return dateparser.parse(text, fuzzy=True).date().isoformat()
    except (ValueError, OverflowError, TypeError):
        return None


def spaceetl_metadata(path: Path) -> dict[str, str | None]:
    from spaceetl.ingest.models import FileEntry, RawArticle
    from spaceetl.ingest.readers import read_file

    items, _ = read_file(FileEntry(path.name, path, path.stat().st_size, 0), max_bytes=100_000_000, min_body_chars=1)
    art = items[0] if items else None
    if not isinstance(art, RawArticle):
        return {"title": None, "author": None, "date": None}
    local = _date(art.published_text) if art.published_text else None
    return {"title": art.title, "author": "; ".join(art.authors or []) or None,
            "date": local or (art.published_at.date().isoformat() if art.published_at else None)}


def trafilatura_metadata(path: Path) -> dict[str, str | None]:
    from trafilatura import bare_extraction

    doc = bare_extraction(path.read_bytes(), with_metadata=True)
    if doc is None:
        return {"title": None, "author": None, "date": None}
    return {"title": doc.title, "author": doc.author, "date": doc.date}


def htmldate_metadata(path: Path) -> dict[str, str | None]:
    from htmldate import find_date

    return {"date": find_date(path.read_bytes(), original_date=True, extensive_search=True)}


def _find(root: Path, name: str, folders: tuple[str, ...]) -> Path | None:
    for folder in folders:
        if (root / "tests" / folder / name).is_file():
            return root / "tests" / folder / name
    return None


def _is_english(item: dict) -> bool:
    from spaceetl.ingest.language import detect_language

    return detect_language(" ".join([item.get("title") or "", *item.get("with", [])])) == "en"


def _accuracy_ci(hits: list[int], n_bootstrap: int = 1000, seed: int = 12) -> tuple[float, float, float]:
    if not hits:
        return float("nan"), float("nan"), float("nan")
    rng = random.Random(seed)
    n = len(hits)
    means = sorted(sum(hits[rng.randrange(n)] for _ in range(n)) / n for _ in range(n_bootstrap))
    return sum(hits) / n, means[int(0.025 * n_bootstrap)], means[int(0.975 * n_bootstrap) - 1]


def _missing(value: object) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, float) and value != value)


def score(pages: list[tuple[Path, dict]], fields: tuple[str, ...], systems: dict, verbose: bool,
          no_date_label: bool = False) -> None:
    """``no_date_label``: a label of null/NaN says the page has no date, so the right answer is none."""
    hits: dict[str, dict[str, list[int]]] = {s: {f: [] for f in fields} for s in systems}
    for path, gold in pages:
        for name, func in systems.items():
            try:
                found = func(path)
            except Exception as exc:  # noqa: BLE001 - a crash on one page is a miss, as in the peers' own scripts
                found = {}
                if verbose:
                    print(f"  {name} failed on {path.name}: {exc}")
            for field in fields:
                want = gold.get(field)
                if field not in found and name != "spaceetl":
                    continue
                got = found.get(field)
                if _missing(want):
                    if not (no_date_label and field == "date"):
                        continue
                    ok = _missing(got)
                else:
                    if isinstance(want, list):
                        want = "; ".join(want)
                    ok = (_date(got) if field == "date" and got else _norm(got)) == (want if field == "date" else _norm(want))
                hits[name][field].append(int(ok))
                if verbose and not ok and name == "spaceetl":
                    print(f"  {path.name} {field}: gold {want!r} got {got!r}")
    for name in systems:
        cells = []
        for field in fields:
            if not hits[name][field]:
                continue
            acc, lo, hi = _accuracy_ci(hits[name][field])
            cells.append(f"{field} {acc:.3f} [{lo:.3f}, {hi:.3f}] (n={len(hits[name][field])})")
        print(f"  {name:12} " + "   ".join(cells))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trafilatura", type=Path, help="local checkout of adbar/trafilatura")
    ap.add_argument("--htmldate", type=Path, help="local checkout of adbar/htmldate")
    ap.add_argument("--verbose", action="store_true", help="print spaceetl's misses")
    args = ap.parse_args()
    if not args.trafilatura and not args.htmldate:
        ap.error("give --trafilatura and/or --htmldate")

    import htmldate
    import trafilatura

    if args.trafilatura:
        labels = json.loads((args.trafilatura / "tests" / "evaldata.json").read_text(encoding="utf-8"))
        pages = []
        for item in labels.values():
            if not any(item.get(f) for f in ("title", "author", "date")) or not _is_english(item):
                continue
            path = _find(args.trafilatura, item["file"], ("cache", "eval"))
            if path is not None:
                pages.append((path, item))
        print(f"trafilatura evaldata.json: {len(pages)} English pages with metadata labels "
              f"(peer: trafilatura {trafilatura.__version__} bare_extraction)")
        score(pages, ("title", "author", "date"), {"spaceetl": spaceetl_metadata, "trafilatura": trafilatura_metadata},
              args.verbose)
    if args.htmldate:
        labels = json.loads((args.htmldate / "tests" / "eval_mediacloud_2020.json").read_text(encoding="utf-8"))
        pages = [(p, item) for item in labels.values()
                 if (p := _find(args.htmldate, item["file"], ("test_set", "cache", "eval"))) is not None]
        print(f"htmldate eval_mediacloud_2020.json: {len(pages)} news pages with human dates "
              f"(peer: htmldate {htmldate.__version__} find_date, extensive search)")
        score(pages, ("date",), {"spaceetl": spaceetl_metadata, "htmldate": htmldate_metadata}, args.verbose,
              no_date_label=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
