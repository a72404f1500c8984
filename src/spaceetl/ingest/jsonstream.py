"""JSON and JSON Lines read one record at a time, so memory does not grow with the number of records.

``json.loads`` of a list of millions of tiny records builds every one of them before the first is looked at (a
20 MB list of ``{}`` is 6.6 million dicts). Here the text is walked with ``json.JSONDecoder.raw_decode``: a top-level
list yields its elements one by one, a wrapper object (``{"articles": [...]}``) is scanned member by member and
its list streamed the same way, and a JSON Lines file is split line by line without building the list of lines.
Only one record is alive at a time; the caller decides how many it keeps (:class:`RecordBudget`)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from .models import RawArticle, Rejected

#: Keys whose list value holds the records of a news-API export; the first one present (in this order) wins.
WRAPPER_KEYS = ("articles", "results", "items", "data", "docs", "news")

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")
_DELIM = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")


def _skip_ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]  # matches the empty string at worst


def _malformed(exc: json.JSONDecodeError, path: str) -> InputError:
    return InputError("malformed_json", f"JSON cannot be parsed: {exc.msg} at line {exc.lineno} column {exc.colno}",
                      stage="parse", path=path)


def _decode_at(text: str, i: int, path: str) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, i)
    except json.JSONDecodeError as exc:
        raise _malformed(exc, path) from exc


def _expect(text: str, i: int, chars: str, path: str) -> int:
    """Index of the expected punctuation at ``i`` (after blanks), as json would report its absence."""
    i = _skip_ws(text, i)
    if i >= len(text) or text[i] not in chars:
        want = " or ".join(repr(c) for c in chars)
        raise _malformed(json.JSONDecodeError(f"Expecting {want}", text, i), path)
    return i


def iter_array(text: str, start: int, path: str, cursor: Cursor | None = None) -> Iterator[tuple[Any, int]]:
    """Elements of the JSON array whose ``[`` is at ``start``, each with the offset just after the array once the
    last one is consumed (the final tuple's offset). A tight loop: millions of tiny elements cost seconds."""
    i = _skip_ws(text, start + 1)
    if i < len(text) and text[i] == "]":
        return
    decode, delim = _DECODER.raw_decode, _DELIM.match
    while True:
        try:
            value, i = decode(text, i)
        except json.JSONDecodeError as exc:
            raise _malformed(exc, path) from exc
        m = delim(text, i)
        if m is None:
            _expect(text, i, ",]", path)  # raises with json's own wording and position
        last = m.group(1) == "]"  # type: ignore[union-attr]
        if cursor is not None:
            cursor.offset, cursor.done = m.end(), last  # type: ignore[union-attr]
        yield value, m.end()  # type: ignore[union-attr]
        if last:
            return
        i = m.end()  # type: ignore[union-attr]


@dataclass
class Cursor:
    """Where a streamed array stands: the offset after the last element given out, and whether it was the last."""

    offset: int = 0
    done: bool = True


def count_rest(text: str, i: int, path: str) -> int:
    """Elements left in an array from offset ``i`` (just past a comma): parsed to find their ends, then dropped,
    in a loop without a generator frame per element."""
    scan, delim = _DECODER.scan_once, _DELIM.match
    n = 0
    while True:
        try:
            _value, i = scan(text, i)
        except StopIteration as exc:
            raise _malformed(json.JSONDecodeError("Expecting value", text, exc.value), path) from None
        n += 1
        m = delim(text, i)
        if m is None:
            _expect(text, i, ",]", path)
        if m.group(1) == "]":  # type: ignore[union-attr]
            return n
        i = m.end()  # type: ignore[union-attr]


def count_rest_lines(text: str, i: int) -> int:
    """Non-blank lines from offset ``i``."""
    return sum(1 for _ in _NONBLANK_LINE.finditer(text, i))


_NONBLANK_LINE = re.compile(r"^[ \t\r]*\S", re.MULTILINE)


def _end_of_array(text: str, start: int, path: str) -> int:
    end = _skip_ws(text, start + 1) + 1  # an empty list: just past its "]"
    for _value, end in iter_array(text, start, path):
        pass
    return end


def _scan_object(text: str, start: int, path: str) -> tuple[dict[str, Any], dict[str, int], int]:
    """Members of the top-level object at ``start``: wrapper lists are not built, only their start is noted."""
    members: dict[str, Any] = {}
    lists: dict[str, int] = {}
    i = _skip_ws(text, start + 1)
    if i < len(text) and text[i] == "}":
        return members, lists, i + 1
    while True:
        i = _expect(text, i, '"', path)
        key, i = _decode_at(text, i, path)
        i = _skip_ws(text, _expect(text, i, ":", path) + 1)
        if key in WRAPPER_KEYS and i < len(text) and text[i] == "[":
            lists.setdefault(key, i)
            i = _end_of_array(text, i, path)
        else:
            members[key], i = _decode_at(text, i, path)
        i = _expect(text, i, ",}", path)
        if text[i] == "}":
            return members, lists, i + 1
        i += 1


def _check_trailing(text: str, end: int, path: str) -> None:
    end = _skip_ws(text, end)
    if end < len(text):
        raise _malformed(json.JSONDecodeError("Extra data", text, end), path)


def iter_json_records(text: str, path: str, cursor: Cursor | None = None) -> Iterator[tuple[int, Any]]:
    """(record number from 1, value) for a list or a wrapper's list; (0, object) for a single article object."""
    i = _skip_ws(text, 0)
    if i < len(text) and text[i] == "[":
        end = _skip_ws(text, i + 1) + 1
        for n, (value, end) in enumerate(iter_array(text, i, path, cursor), start=1):
            yield n, value
        _check_trailing(text, end, path)
        return
    if i < len(text) and text[i] == "{":
        members, lists, end = _scan_object(text, i, path)
        _check_trailing(text, end, path)
        wrapper = next((k for k in WRAPPER_KEYS if k in lists), None)
        if wrapper is None:
            yield 0, members
            return
        for n, (value, _end) in enumerate(iter_array(text, lists[wrapper], path, cursor), start=1):
            yield n, value
        return
    value, end = _decode_at(text, i, path)
    _check_trailing(text, end, path)
    raise InputError("wrong_json_shape", f"JSON holds a {type(value).__name__}, not an article object or a list of them",
                     stage="parse", path=path)


def iter_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(line number from 1, its offset, line) without building the list of all lines."""
    start = 0
    n = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        n += 1
        yield n, start, text[start:end]
        start = end + 1


OVER_LIMIT = "not read (over the per-file record limit)"
#: How a summary row names the reasons it counts (a check name otherwise, with spaces).
REASON_WORDS = {"empty_record": "empty record", "missing_body": "no article text field",
                "no_article_text": "no article text", "wrong_json_shape": "not an article object",
                "malformed_json": "malformed JSON"}


@dataclass
class RecordBudget:
    """Per-file limits on what one file may put in the warehouse: at most ``max_records`` records are read as
    articles and at most ``max_rejected`` of them become quarantine rows; everything over either limit is counted
    by reason and reported as one summary row."""

    max_records: int
    max_rejected: int
    rejected: int = 0
    over: Counter = field(default_factory=Counter)
    first_over: int | None = None

    records: int = 0

    def admit(self, index: int, make: Callable[[], RawArticle | Rejected]) -> RawArticle | Rejected | None:
        """The item of record ``index`` (built by ``make`` only when it is read at all), or None when it is over
        a limit and only counted."""
        self.records += 1
        if self.records > self.max_records:
            self.note_over(index, OVER_LIMIT)
            return None
        item = make()
        if isinstance(item, Rejected) and not item.skipped:
            if self.rejected >= self.max_rejected:
                self.note_over(index, REASON_WORDS.get(item.check, item.check.replace("_", " ")))
                return None
            self.rejected += 1
        return item

    def finish(self, path: str) -> Iterator[Rejected]:
        summary = self.summary()
        if summary:
            yield Rejected(path, self.first_over or 0, "parse", "records_over_limit", summary)

    @property
    def full(self) -> bool:
        return self.records >= self.max_records

    def note_over(self, index: int, reason: str, count: int = 1) -> None:
        if self.first_over is None:
            self.first_over = index
        self.over[reason] += count

    def summary(self) -> str | None:
        total = sum(self.over.values())
        if not total:
            return None
        parts = ", ".join(f"{count:,} {reason}" for reason, count in self.over.most_common())
        if len(self.over) == 1:
            parts = next(iter(self.over))
        return (f"{total:,} records rejected: {parts} (only the first {self.max_rejected:,} rejected records of a file "
                f"are quarantined one by one, SPACEETL_MAX_QUARANTINE_ROWS_PER_FILE; at most {self.max_records:,} "
                f"records of a file are read, SPACEETL_MAX_RECORDS_PER_FILE)")
