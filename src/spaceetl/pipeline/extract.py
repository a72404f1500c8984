"""A batch of raw files -> contract-shaped frames. Pure: no Prefect, no warehouse. This is what a Prefect task,
a process-pool worker or a Dask worker runs; the model is loaded once per process.

Stages inside a batch: read + decode + parse each file (bad ones become quarantine rows) -> collapse exact
copies within the batch -> language -> spaCy ``nlp.pipe`` over English bodies -> entity linking, money, dates
and claims -> frames.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Iterator, Sequence
from itertools import chain
from dataclasses import dataclass, field
from datetime import datetime, timezone

import polars as pl

from .. import progress
from ..config import Settings
from ..frames import RECORD_SCHEMA, BatchOutput
from ..ids import article_id_for, sha256_text
from ..ingest.language import detect_language
from ..ingest.models import FileEntry, RawArticle, Rejected
from ..ingest.readers import read_file
from ..schemas import (AMOUNTS, ARTICLE_BANDS, ARTICLE_SIGNATURES, ARTICLES, CLAIMS, DATES, ENTITIES, MENTIONS, QUARANTINE,
                      REFERENCES)

log = logging.getLogger(__name__)


def read_entries(entries: Sequence[FileEntry], settings: Settings) -> tuple[list[RawArticle], list[Rejected]]:
    articles: list[RawArticle] = []
    rejected: list[Rejected] = []
    for entry in entries:
        try:
            items, _ = read_file(entry, max_bytes=settings.max_file_bytes, min_body_chars=settings.min_body_chars,
                                 max_gzip_ratio=settings.max_gzip_ratio, max_records=settings.max_records_per_file,
                                 max_rejected=settings.max_quarantine_rows_per_file)
        except RecursionError:  # JSON (or markup) nested deeper than any parser here follows: bad input, not a bug
            rejected.append(Rejected(entry.rel_path, 0, "parse", "nested_too_deep",
                                     "the file is nested too deeply to parse (thousands of levels of brackets or tags)"))
            continue
        for item in items:
            (articles if isinstance(item, RawArticle) else rejected).append(item)
    return articles, rejected


def process_files(entries: Sequence[FileEntry], settings: Settings, run_id: str,
                  rejected: Sequence[Rejected] = ()) -> BatchOutput:
    """Read and extract one batch of files."""
    t0 = time.perf_counter()
    articles, bad = read_entries(entries, settings)
    read_seconds = time.perf_counter() - t0
    out = extract_articles(articles, settings, run_id, rejected=[*rejected, *bad])
    out.stats["read_seconds"] = read_seconds
    return out


def extract_articles(raw: Sequence[RawArticle], settings: Settings, run_id: str,
                     rejected: Sequence[Rejected] = ()) -> BatchOutput:
    """Articles of one batch -> the rows of every article table: identity and duplicates, the NLP pass, the
    near-duplicate signatures, and the quarantine rows of what was rejected on the way."""
    now = datetime.now(timezone.utc)
    records, unique = _identities(raw, rejected)
    skipped = [r for r in rejected if r.skipped]
    rejected = [r for r in rejected if not r.skipped]  # skipped files are not bad articles: no quarantine row
    nlp = _nlp_rows(list(unique.values()), settings, run_id)
    article_rows_out, signatures, bands = _article_rows(list(unique.values()), settings, run_id)
    quarantine = [dict(run_id=run_id, stage=r.stage, source_path=r.source_path, record=r.record, table_name=None,
                       row_key=None, check_name=r.check, reason=r.reason, payload=r.payload, quarantined_at=now)
                  for r in rejected]
    rows = nlp.rows
    tables = {
        "articles": ARTICLES.frame(article_rows_out),
        "article_signatures": ARTICLE_SIGNATURES.frame(signatures),
        "article_bands": ARTICLE_BANDS.frame(bands),
        "entities": ENTITIES.frame(_unique_by(rows["entities"], "entity_id")),
        "mentions": MENTIONS.frame(rows["mentions"]),
        "amounts": AMOUNTS.frame(rows["amounts"]),
        "dates": DATES.frame(rows["dates"]),
        "claims": CLAIMS.frame(rows["claims"]),
        "entity_references": REFERENCES.frame(rows["references"]),
    }
    return BatchOutput(
        tables=tables,
        records=pl.DataFrame(records, schema=RECORD_SCHEMA) if records else pl.DataFrame(schema=RECORD_SCHEMA),
        quarantine=QUARANTINE.frame(quarantine),
        stats={"records_read": len(raw) + len(rejected), "files_skipped": len(skipped), "nlp_docs": nlp.docs,
               "nlp_words": nlp.words, "nlp_seconds": nlp.nlp_seconds, "rows_seconds": nlp.rows_seconds,
               "n_process": nlp.n_process},
    )


Unique = dict[str, tuple[RawArticle, dict]]  # article id -> (the first record with that text, its identity)


def _identities(raw: Sequence[RawArticle], rejected: Sequence[Rejected]) -> tuple[list[dict], Unique]:
    """One record row per input record (new, duplicate, skipped or quarantined) and the batch's distinct articles."""
    records: list[dict] = []
    unique: Unique = {}
    readers: dict[str, str] = {}  # article id -> the reader hash of its text
    for art in raw:
        digest = sha256_text(art.body)
        article_id, status = _identity(art, digest, readers)
        records.append(dict(source_path=art.source_path, record=art.record, article_id=article_id, format=art.format,
                            encoding=art.encoding, file_sha256=art.file_sha256, status=status,
                            reason=f"same content as {unique[article_id][0].source_path}" if status == "duplicate" else None))
        if status == "new":
            unique[article_id] = (art, dict(article_id=article_id, content_sha256=digest,
                                            language=detect_language(art.body)))
    for r in rejected:
        records.append(dict(source_path=r.source_path, record=r.record, article_id=None, format=r.format,
                            encoding=r.encoding, file_sha256=r.file_sha256,
                            status="skipped" if r.skipped else "quarantined", reason=r.reason))
    return records, unique


@dataclass
class _NlpRows:
    rows: dict[str, list[dict]] = field(default_factory=lambda: {
        t: [] for t in ("mentions", "entities", "amounts", "dates", "claims", "references")})
    words: int = 0
    docs: int = 0
    n_process: int = 1
    nlp_seconds: float = 0.0
    rows_seconds: float = 0.0

    def add(self, produced: dict[str, list[dict]]) -> None:
        for name, produced_rows in produced.items():
            self.rows[name].extend(produced_rows)


def _nlp_rows(articles: list[tuple[RawArticle, dict]], settings: Settings, run_id: str) -> _NlpRows:
    """The NLP pass over the English articles: short ones through one ``nlp.pipe``, long ones piece by piece."""
    from ..nlp.pipeline import get_nlp

    nlp = get_nlp(settings.spacy_model)
    english = [(art, meta) for art, meta in articles if meta["language"] == "en"]
    pieces = [nlp_pieces(art.body, settings.max_nlp_chars, settings.long_article) for art, _ in english]
    out = _NlpRows(docs=sum(len(p) for p in pieces))
    short = [(p[0], pair) for p, pair in zip(pieces, english) if len(p) == 1]
    long = [(p, pair) for p, pair in zip(pieces, english) if len(p) > 1]
    t_nlp = time.perf_counter()
    out.n_process = settings.effective_n_process_in(len(short), multiprocessing.current_process().daemon)
    texts = [t for t, _ in short]
    if out.n_process == 1:  # minibatches bounded by characters as well as documents (see minibatches_by_chars)
        docs = chain.from_iterable(nlp.pipe(group, batch_size=len(group))
                                   for group in minibatches_by_chars(texts, settings.nlp_batch_size, NLP_BATCH_CHARS))
    else:
        docs = nlp.pipe(texts, batch_size=settings.nlp_batch_size, n_process=out.n_process)
    _short_rows(docs, short, run_id, out)
    for texts, (art, meta) in long:
        _long_rows(nlp, texts, art, meta, run_id, out)
    out.nlp_seconds = time.perf_counter() - t_nlp - out.rows_seconds
    return out


# The model's working memory is about 17 KB per token of a minibatch (benchmarks/RESULTS.md): a budget in characters
# (about 8,000 tokens) keeps it near 130 MiB whether the minibatch holds sixteen short articles or a few long ones.
NLP_BATCH_CHARS = 40_000


def minibatches_by_chars(texts: list[str], max_docs: int, max_chars: int) -> Iterator[list[str]]:
    """Consecutive groups of at most ``max_docs`` texts and, unless one text alone is longer, ``max_chars``
    characters: spaCy's own minibatches count documents only, so the memory of one depended on which articles
    happened to meet in it."""
    group: list[str] = []
    size = 0
    for text in texts:
        if group and (len(group) >= max_docs or size + len(text) > max_chars):
            yield group
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield group


def _short_rows(docs, short: list, run_id: str, out: _NlpRows) -> None:
    from ..nlp.rows import ArticleContext, article_rows

    for doc, (_text, (art, meta)) in zip(docs, short):  # docs first: the generator is drained and its workers end cleanly
        t_rows = time.perf_counter()
        out.add(article_rows(doc, ArticleContext(article_id=meta["article_id"], body=art.body, run_id=run_id,
                                                 published=art.published_at.date() if art.published_at else None)))
        out.rows_seconds += time.perf_counter() - t_rows
        out.words += len(art.body.split())
        progress.tick()


def _long_rows(nlp, texts: list[str], art: RawArticle, meta: dict, run_id: str, out: _NlpRows) -> None:
    """One piece at a time: memory stays that of one piece's parse however long the article is; offsets and
    sentence numbers are shifted back into the whole body."""
    from ..nlp.rows import ArticleContext, article_rows, sentence_spans

    published = art.published_at.date() if art.published_at else None
    offset = sentences = 0
    for i, doc in enumerate(nlp.pipe(texts, batch_size=1)):
        t_rows = time.perf_counter()
        produced = article_rows(doc, ArticleContext(article_id=f"{meta['article_id']}#{i}", body=texts[i],
                                                    published=published, run_id=run_id))
        for name, produced_rows in produced.items():
            out.rows[name].extend(_shift(produced_rows, meta["article_id"], offset, sentences))
        offset += len(texts[i])
        sentences += len(sentence_spans(doc))
        out.rows_seconds += time.perf_counter() - t_rows
    out.words += len(art.body.split())


def _article_rows(articles: list[tuple[RawArticle, dict]], settings: Settings,
                  run_id: str) -> tuple[list[dict], list[dict], list[dict]]:
    """The articles rows, and the MinHash signatures and LSH bands the load links near-duplicates with."""
    from ..ingest.neardup import band_hashes, signature

    rows: list[dict] = []
    signatures: list[dict] = []
    bands: list[dict] = []
    for art, meta in articles:
        sig = signature(art.body)
        signatures.append(dict(article_id=meta["article_id"], signature=sig.tolist(), run_id=run_id))
        bands.extend(dict(article_id=meta["article_id"], band=b, bucket=h, run_id=run_id)
                     for b, h in enumerate(band_hashes(sig)))
        nlp_status = "processed" if meta["language"] == "en" else "skipped_language"
        if nlp_status == "processed" and len(art.body) > settings.max_nlp_chars and settings.long_article == "truncate":
            nlp_status = "truncated"
        rows.append(dict(
            article_id=meta["article_id"], title=art.title, authors=art.authors, publisher=art.publisher, url=art.url,
            published_at=art.published_at, published_text=art.published_text, dateline=art.dateline,
            language=meta["language"], body=art.body, word_count=len(art.body.split()),
            content_sha256=meta["content_sha256"], removed_text=art.removed_text or None, source_format=art.format,
            nlp_status=nlp_status, story_id=meta["article_id"], near_duplicate_of=None, near_duplicate_similarity=None,
            run_id=run_id, **art.metadata_columns(),
        ))
    return rows, signatures, bands


def _identity(art: RawArticle, digest: str, readers: dict[str, str]) -> tuple[str, str]:
    """(article id, 'new' or 'duplicate'). Two records are one article when their clean bodies and their reader
    texts (body and the non-furniture lines the cleaner removed; not the headline) agree: the cleaner drops lines, so equal
    clean bodies alone can hide two different records. A second record with the same clean body but other
    reader text gets its id from its reader hash."""
    from ..ingest.textclean import reader_sha256

    reader = reader_sha256(art.body, art.removed_text)
    article_id = article_id_for(digest)
    if article_id in readers and readers[article_id] != reader:
        article_id = article_id_for(reader)
    if article_id in readers:
        return article_id, "duplicate"
    readers[article_id] = reader
    return article_id, "new"


def _unique_by(rows: list[dict], key: str) -> list[dict]:
    seen: dict[str, dict] = {}
    for r in rows:
        seen.setdefault(r[key], r)
    return list(seen.values())


def nlp_pieces(body: str, max_chars: int, mode: str = "chunk") -> list[str]:
    """The text(s) the NLP stage sees for one body. 'truncate': its first ``max_chars``. 'chunk': consecutive
    pieces of at most ``max_chars`` that concatenate back to the body exactly, cut after a paragraph break when
    there is one (else a line break, a sentence end, a space), so parses rarely straddle a cut. Pieces are parsed
    one at a time and their rows shifted into the body (a surname is joined to a full name only within a piece)."""
    if len(body) <= max_chars:
        return [body]
    if mode == "truncate":
        return [body[:max_chars]]
    pieces: list[str] = []
    start = 0
    while len(body) - start > max_chars:
        end = start + max_chars
        floor = start + max_chars // 2
        cut = -1
        for sep in ("\n\n", "\n", ". ", " "):
            cut = body.rfind(sep, floor, end)
            if cut != -1:
                cut += len(sep)
                break
        if cut == -1:
            cut = end
        pieces.append(body[start:cut])
        start = cut
    pieces.append(body[start:])
    return pieces


def _shift(rows: list[dict], article_id: str, offset: int, sentences: int) -> list[dict]:
    """Rows of one piece of a long body -> rows of the body: offsets and sentence numbers moved by the piece's
    start, the article id restored (row ids were made with a per-piece id, so they stay unique and stable)."""
    for row in rows:
        if "article_id" in row:
            row["article_id"] = article_id
        if "start_char" in row:
            row["start_char"] += offset
            row["end_char"] += offset
        for key in ("antecedent_start", "antecedent_end"):  # entity_references
            if row.get(key) is not None:
                row[key] += offset
        if "sentence_index" in row:
            row["sentence_index"] += sentences
    return rows
