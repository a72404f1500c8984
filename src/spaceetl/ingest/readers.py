"""One reader per format. Each turns a file's decoded text into RawArticles and Rejected records; a bad record
never hides the good ones next to it (a JSONL file with one broken line still yields its other lines)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from . import fields
from .decode import decode_text, gunzip_if_needed, looks_tabular, read_limited
from .formats import detect_format
from .jsonstream import OVER_LIMIT, Cursor, RecordBudget, count_rest, count_rest_lines, iter_json_records, iter_lines
from .models import FileEntry, RawArticle, Rejected
from .textclean import clean_scraped_text

Item = RawArticle | Rejected


#: Longest excerpt of an input kept in ``quarantine.payload``: enough to recognise it, never a whole file.
PAYLOAD_CHARS = 300


def excerpt(text: str | None, limit: int = PAYLOAD_CHARS) -> str | None:
    return text[:limit] if text else text


def read_file(entry: FileEntry, *, max_bytes: int, min_body_chars: int, max_gzip_ratio: float = 100.0,
              max_records: int = 100_000, max_rejected: int = 1_000) -> tuple[list[Item], str | None]:
    """Read one file -> (items, file_sha256). Never raises for bad input: failures come back as Rejected. A
    multi-record file gives at most ``max_records`` records and ``max_rejected`` quarantine rows, the rest counted
    in one summary row."""
    from ..ids import sha256_bytes

    path = entry.rel_path
    if entry.size > max_bytes:
        return [Rejected(path, 0, "read", "file_too_large",
                         f"too large: file is {entry.size:,} bytes, over the {max_bytes:,}-byte limit "
                                                         "(SPACEETL_MAX_FILE_BYTES, --max-file-bytes)")], None
    try:
        data = read_limited(entry.abs_path, max_bytes, path)
    except InputError as err:
        return [Rejected(path, 0, err.stage, err.check, err.reason, skipped=err.check == "special_file")], None
    except OSError as exc:
        return [Rejected(path, 0, "read", "unreadable_file", f"cannot read file: {exc.strerror or exc}")], None
    digest = sha256_bytes(data)
    fmt = encoding = None
    try:
        data, gz = gunzip_if_needed(data, path, max_bytes=max_bytes, max_ratio=max_gzip_ratio)
        text, encoding = decode_text(data, path)
        table = looks_tabular(text)
        if table:
            return [Rejected(path, 0, "read", "tabular_data", table, encoding=encoding, file_sha256=digest,
                             skipped=True)], digest
        fmt = detect_format(text, path)
        items = list(_parse(fmt, text, path, min_body_chars, RecordBudget(max_records, max_rejected)))
        full_fmt = fmt + (".gz" if gz else "")
    except InputError as err:
        return [Rejected(path, 0, err.stage, err.check, err.reason, payload=_preview(data),
                         format=fmt, encoding=encoding, file_sha256=digest)], digest
    for item in items:
        item.format = full_fmt
        item.encoding = encoding
        item.file_sha256 = digest
        if isinstance(item, Rejected) and not item.payload and item.record == 0:
            item.payload = excerpt(text)
    from .sidecars import complete_metadata  # manifest beside the file, author ranks

    return complete_metadata(items, entry), digest


def _preview(data: bytes, limit: int = PAYLOAD_CHARS) -> str:
    return data[:limit].decode("utf-8", errors="backslashreplace")


def _parse(fmt: str, text: str, path: str, min_body_chars: int, budget: RecordBudget) -> Iterator[Item]:
    if fmt == "json":
        yield from _read_json(text, path, min_body_chars, budget)
    elif fmt == "jsonl":
        yield from _read_jsonl(text, path, min_body_chars, budget)
    elif fmt == "md":
        yield _finish(_read_markdown(text, path), path, 0, min_body_chars)
    elif fmt == "html":
        yield _finish(_read_html(text, path, min_body_chars), path, 0, min_body_chars)
    else:
        yield _finish(_read_txt(text, path), path, 0, min_body_chars)


_WALL = re.compile(r"\b(subscribe|subscribers?|subscription|sign in|log in|login|register|paywall|continue reading|"
                   r"create an account|already a member|enable javascript|accept cookies)\b", re.IGNORECASE)
WALL_MAX_WORDS = 80
MIN_REAL_WORDS = 12
_REAL_WORD = re.compile(r"(?<![<\w/=.'])[^\W\d_]{2,}(?![\w(=])")


def _finish(article: RawArticle, path: str, record: int, min_body_chars: int) -> Item:
    min_body_chars, min_real_words = fields.body_minimums(article.summary_only, min_body_chars, MIN_REAL_WORDS)
    words = len(article.body.split())
    if words < WALL_MAX_WORDS and len(_WALL.findall(article.body)) >= 2:
        return Rejected(path, record, "parse", "no_article_text",
                        f"only a subscription/login wall ({words} words, no article text)", payload=excerpt(article.body))
    real_words = len(_REAL_WORD.findall(article.body))
    if real_words < min_real_words and len(article.body) >= min_body_chars:
        return Rejected(path, record, "parse", "no_article_text",
                        f"body has only {real_words} words (code, markup or a fragment, not an article)",
                        payload=excerpt(article.body))
    if len(article.body) < min_body_chars:
        return Rejected(path, record, "parse", "no_article_text",
                        f"article body is {len(article.body)} characters, under the {min_body_chars} minimum",
                        payload=excerpt(article.body) or None)
    return article


def _read_txt(text: str, path: str) -> RawArticle:
    clean = clean_scraped_text(text)
    return RawArticle(source_path=path, record=0, format="txt", body=clean.body, title=clean.title,
                      authors=clean.authors or None, dateline=clean.dateline, removed_text=clean.removed,
                      published_at=clean.published_at, published_text=clean.published_text)


def _read_markdown(text: str, path: str) -> RawArticle:
    import frontmatter
    import yaml

    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise InputError("malformed_front_matter", f"YAML front matter cannot be parsed: {exc}", stage="parse", path=path) from exc
    from .markdown import render_markdown

    rendered = render_markdown(post.content)
    return _from_record(dict(post.metadata) | {"body": rendered.text}, path, 0, fmt="md", removed=rendered.removed)


def _read_html(text: str, path: str, min_body_chars: int) -> RawArticle:
    from .html import extract_html, page_published

    found = extract_html(text, path, min_body_chars)
    published = page_published(text)  # htmldate, the page's meta; trafilatura's own date is htmldate's guess
    found.pop("published", None)
    clean = clean_scraped_text(found["body"], extracted=True)
    published_at, published_text = fields.parse_published(published)
    if published_at is None and clean.published_at is not None:  # the page's markup, when it has a date, wins
        published_at, published_text = clean.published_at, clean.published_text
    return RawArticle(
        source_path=path, record=0, format="html", body=clean.body,
        title=fields.as_text(found["title"]), authors=fields.as_authors(found["authors"]),
        publisher=fields.as_text(found["publisher"]), url=fields.as_text(found["url"]),
        published_at=published_at, published_text=published_text, dateline=clean.dateline,
        removed_text=clean.removed,
    )


def _read_json(text: str, path: str, min_body_chars: int, budget: RecordBudget) -> Iterator[Item]:
    """A list, a wrapper object holding one, or a single article object, one record at a time. A list deeper
    inside an API response (``data/news_api_shapes.yaml``: ``articles.results``, ``rss.channel.item``) is read
    from the decoded object."""
    kinds: set[str] = set()
    seen = 0
    cursor = Cursor()
    for seen, (index, record) in enumerate(iter_json_records(text, path, cursor), start=1):
        kinds.add(type(record).__name__)
        if index == 0:
            nested = fields.record_list(record)
            if isinstance(nested, list):
                yield from _read_nested(nested, path, min_body_chars, budget)
            else:
                yield _record_item(record, path, 0, min_body_chars)
            return
        if budget.full:  # the rest is only counted, without an article or a generator step per record
            rest = 1 + (0 if cursor.done else count_rest(text, cursor.offset, path))
            budget.note_over(index, OVER_LIMIT, rest)
            break
        item = budget.admit(index, lambda i=index, r=record: _record_item(r, path, i, min_body_chars))
        if item is not None:
            yield item
    if not seen:
        raise InputError("wrong_json_shape", "JSON list is empty", stage="parse", path=path)
    if "dict" not in kinds:
        raise InputError("wrong_json_shape", f"JSON list holds {', '.join(sorted(kinds))} values, no article objects",
                         stage="parse", path=path)
    yield from budget.finish(path)


def _read_nested(records: list, path: str, min_body_chars: int, budget: RecordBudget) -> Iterator[Item]:
    if not records:
        raise InputError("wrong_json_shape", "JSON list is empty", stage="parse", path=path)
    for index, record in enumerate(records, start=1):
        if budget.full:
            budget.note_over(index, OVER_LIMIT, len(records) - index + 1)
            break
        item = budget.admit(index, lambda i=index, r=record: _record_item(r, path, i, min_body_chars))
        if item is not None:
            yield item
    yield from budget.finish(path)


def _read_jsonl(text: str, path: str, min_body_chars: int, budget: RecordBudget) -> Iterator[Item]:
    for i, start, line in iter_lines(text):
        if line.strip() and budget.full:
            budget.note_over(i, OVER_LIMIT, count_rest_lines(text, start))
            break
        if line.strip():
            item = budget.admit(i, lambda i=i, line=line: _jsonl_item(line, path, i, min_body_chars))
            if item is not None:
                yield item
    yield from budget.finish(path)


def _jsonl_item(line: str, path: str, index: int, min_body_chars: int) -> Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Rejected(path, index, "parse", "malformed_json",
                        f"line {index} is not valid JSON: {exc.msg} at column {exc.colno}", payload=excerpt(line))
    return _record_item(record, path, index, min_body_chars)


def _record_item(record: Any, path: str, index: int, min_body_chars: int) -> Item:
    if not isinstance(record, dict):
        return Rejected(path, index, "parse", "wrong_json_shape",
                        f"record {index} is a {type(record).__name__}, not an object with article fields",
                        payload=excerpt(json.dumps(record, ensure_ascii=False, default=str)))
    if not record:
        return Rejected(path, index, "parse", "empty_record", f"record {index} is an empty object", payload="{}")
    try:
        article = _from_record(record, path, index, fmt="json")
    except InputError as err:
        return Rejected(path, index, err.stage, err.check, err.reason,
                        payload=excerpt(json.dumps(record, ensure_ascii=False, default=str)))
    return _finish(article, path, index, min_body_chars)


def _authors(value: Any, problems: list[str]) -> list[str] | None:
    """Authors given as a string, a list of strings or ``{name: ...}`` objects; anything else in the list (a
    number, null, an object without a name) is noted as a field problem, never stored as 'None' or '5'."""
    if not isinstance(value, (list, dict)):
        return fields.as_authors(value) if isinstance(value, str) else _bad_authors(value, problems)
    names: list[str] = []
    for i, item in enumerate(value if isinstance(value, list) else [value]):
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(name)
        else:
            problems.append(f"[field_problem] authors[{i}] is {excerpt(json.dumps(item, default=str), 60)}, "
                            "not a name or an object with a name")
    return fields.as_authors(names) if names else None


def _bad_authors(value: Any, problems: list[str]) -> None:
    if value is not None:
        problems.append(f"[field_problem] authors is {excerpt(json.dumps(value, default=str), 60)}, not a name")
    return None


def _from_record(record: dict[str, Any], path: str, index: int, fmt: str, removed: list[str] | None = None) -> RawArticle:
    body, summary_only = fields.article_text(record)
    if isinstance(body, list) and body and all(isinstance(p, str) for p in body):
        body = "\n\n".join(p.strip() for p in body if p.strip())  # a body given as its paragraphs
    if not isinstance(body, str) or not body.strip():
        names = ", ".join(fields.FIELD_CANDIDATES["body"][:4] + fields.FIELD_CANDIDATES["summary"][:2])
        raise InputError("missing_body", f"record has no article text (looked for {names}, ...)", stage="parse",
                         path=path, record=index)
    removed = list(removed or [])
    if "\x00" in body:  # a JSON "\u0000" escape: NUL is never stored
        body = body.replace("\x00", "")
        removed.append("[nul_characters]")
    body, truncated = fields.strip_api_truncation(body)
    if truncated:
        removed.append("[api_truncation_marker]")
        summary_only = True  # only the start of the article
    if "<p" in body or "<br" in body:
        import trafilatura

        body = trafilatura.extract(f"<html><body><article>{body}</article></body></html>", favor_recall=True) or ""
    # Rendered Markdown is written text, like an extractor's output: no page furniture to remove by position.
    clean = clean_scraped_text(body, extracted=fmt == "md")
    if clean.title and not clean.body.strip():
        # A record whose whole text is one line: that line is its body, not a headline above an empty body.
        clean.body, clean.title = clean.title, None
    url = fields.url_of(record)
    published_at, published_text = fields.parse_published(fields.first_value(record, "published"))
    if published_at is None and published_text is None and clean.published_at is not None:
        # A date line in the body counts only when the record (JSON field, front matter) states no date itself.
        published_at, published_text = clean.published_at, clean.published_text
    return RawArticle(
        source_path=path, record=index, format=fmt,
        body=clean.body,
        title=fields.as_text(fields.first_value(record, "title")) or clean.title,
        authors=_authors(fields.first_value(record, "authors"), removed),
        publisher=fields.as_text(fields.first_value(record, "publisher")) or fields.publisher_from_url(url),
        url=url,
        published_at=published_at, published_text=published_text,
        dateline=clean.dateline,
        removed_text=removed + clean.removed,
        summary_only=summary_only, section=fields.as_text(fields.first_value(record, "section")),
    )
