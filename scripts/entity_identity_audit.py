"""Entity identity audit: does one article hold the same person twice ("Nelson" and "Bill Nelson")?

Runs the pipeline's own extraction (``extract.read_entries`` + ``extract.extract_articles``, the path a run takes)
over a folder of raw files and counts, per article, pairs of person entities where one's name is the last token(s)
of the other's ("Nelson" / "Bill Nelson", "Caldwell Dyson" / "Tracy Caldwell Dyson"), or where one name is the
other with words before it ("COO Gwynne Shotwell"). Also lists person names that are not names at all (a broken
span "s Maxwell", a title left in the name) and, with ``--across``, the same surname pairs across articles.

``--dump-references FILE`` writes the ``entity_references`` rows (article, span, rule, antecedent, entity name) as
JSON lines, sorted, so two versions of the resolver can be compared with ``diff``.

    .venv/bin/python scripts/entity_identity_audit.py ../shared/corpora/spacenews [--across] [--dump-references F]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

log = logging.getLogger("entity_identity_audit")
BROKEN = re.compile(r"^(?:[a-z]{1,2}\s|['’])")  # "s Maxwell", "'Maxwell"


def extract(folder: Path):
    """The tables a run would write for ``folder`` (no warehouse)."""
    from spaceetl.config import load_settings
    from spaceetl.pipeline.extract import extract_articles, read_entries
    from spaceetl.ingest.discover import walk
    from spaceetl.ingest.models import FileEntry

    settings = load_settings(raw_dir=folder, n_process=1)
    entries = [e for e in walk(folder) if isinstance(e, FileEntry)]
    raw, rejected = read_entries(entries, settings)
    return extract_articles(raw, settings, "run_audit", rejected=rejected).tables


def surname_pairs(mentions, entities) -> list[tuple[str, str, str]]:
    """(article, short name, full name) for each article holding two person entities, one the tail of the other."""
    import polars as pl

    people = entities.filter(pl.col("entity_type") == "PERSON").select("entity_id", "canonical_name")
    per_article = (mentions.join(people, on="entity_id").select("article_id", "entity_id", "canonical_name").unique())
    by_article: dict[str, set[str]] = defaultdict(set)
    for art, name in per_article.select("article_id", "canonical_name").iter_rows():
        by_article[art].add(name)
    return sorted((art, short, full) for art, names in by_article.items() for short in names for full in names
                  if short != full and _is_tail(short, full))


def acronym_pairs(mentions, entities) -> list[tuple[str, str, str]]:
    """(article, acronym, full name) for each article holding an entity named by the initials of another one of
    the same article ("SWF" beside "Secure World Foundation")."""
    from spaceetl.nlp.references import _acronym

    named = mentions.join(entities.select("entity_id", "canonical_name"), on="entity_id")
    by_article: dict[str, set[str]] = defaultdict(set)
    for art, name in named.select("article_id", "canonical_name").unique().iter_rows():
        by_article[art].add(name)
    return sorted((art, short, full) for art, names in by_article.items() for full in names for short in names
                  if short != full and short.isupper() and _acronym(full) == short)


def _only_titles(name: str) -> bool:
    """A name made only of title and rank words (this checkout's ``entity_rules.yaml``, whichever pipeline runs)."""
    from external_ner import _person_titles

    words = [w for w in name.replace("&", " ").replace("/", " ").split() if w.lower() != "and"]
    return bool(words) and all(w.lower() in _person_titles() or w.lower() + "." in _person_titles() for w in words)


def _is_tail(short: str, full: str) -> bool:
    a, b = short.casefold().split(), full.casefold().split()
    return len(a) < len(b) and b[-len(a):] == a


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--across", action="store_true", help="also list surname pairs across articles")
    ap.add_argument("--dump-references", type=Path, help="write entity_references rows as sorted JSON lines")
    ap.add_argument("--list", action="store_true", help="print every pair found")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    import polars as pl

    tables = extract(args.folder)
    mentions, entities, refs = tables["mentions"], tables["entities"], tables["entity_references"]
    pairs = surname_pairs(mentions, entities)
    arts = {a for a, _, _ in pairs}
    people = entities.filter(pl.col("entity_type") == "PERSON")["canonical_name"].to_list()
    broken = sorted(n for n in people if BROKEN.search(n))
    out = sys.stdout
    out.write(f"articles: {tables['articles'].height}  person entities: {len(people)}\n")
    out.write(f"same-article surname pairs: {len(pairs)} in {len(arts)} articles\n")
    out.write(f"broken person names: {len(broken)} {broken[:10]}\n")
    titles = sorted(n for n in entities["canonical_name"].to_list() if _only_titles(n))
    out.write(f"entities that are only a title or rank: {len(titles)} {titles[:10]}\n")
    acronyms = acronym_pairs(mentions, entities)
    out.write(f"same-article acronym / expansion pairs: {len(acronyms)}\n")
    if args.list:
        for art, short, full in pairs:
            out.write(f"  {art[:16]}  {short!r} / {full!r}\n")
        for art, short, full in acronyms:
            out.write(f"  {art[:16]}  acronym {short!r} / {full!r}\n")
    if args.across:
        across = sorted({(s, f) for s in set(people) for f in set(people) if s != f and _is_tail(s, f)})
        out.write(f"cross-article surname pairs: {len(across)}\n")
        for s, f in across:
            out.write(f"  {s!r} / {f!r}\n")
    if args.dump_references:
        names = dict(entities.select("entity_id", "canonical_name").iter_rows())
        rows = [dict(article_id=r["article_id"], start=r["start_char"], end=r["end_char"], text=r["text"],
                     rule=r["rule"], antecedent_start=r["antecedent_start"], antecedent_end=r["antecedent_end"],
                     antecedent_text=r["antecedent_text"], entity=names.get(r["entity_id"], r["entity_id"]))
                for r in refs.iter_rows(named=True)]
        rows.sort(key=lambda r: (r["article_id"], r["start"], r["end"], r["entity"]))
        args.dump_references.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        bad = [r for r in rows if r["antecedent_start"] is not None and r["antecedent_start"] >= r["start"]]
        out.write(f"references: {len(rows)}  antecedent not before the reference: {len(bad)}\n")
        for r in bad:
            out.write(f"  {r['text']!r} <- {r['antecedent_text']!r} ({r['rule']})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
