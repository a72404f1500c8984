"""``spaceetl sql``: a query console that cannot change the warehouse, reach any other file, or take the machine.

Read-only is enforced by DuckDB, not by looking at the query text:

* the warehouse is opened ``read_only`` (no write to the database itself) after checking that the file is whole
  (:func:`spaceetl.warehouse.open_verified`: a truncated or damaged file is refused, not half read);
* the full-text extension is loaded from its installed file first, then ``enable_external_access = false``
  (no ``COPY ... TO``, ``read_csv``, ``read_text``, ``glob``, ``ATTACH``, ``INSTALL``, ``EXPORT DATABASE``: no file
  or network access at all) and ``lock_configuration = true`` (no ``SET`` / ``RESET`` can undo that);
* the text must be exactly one statement, and DuckDB's own parser (``duckdb.extract_statements``) must classify
  it as a query (``SELECT``, including ``WITH``, ``FROM``-first, ``DESCRIBE``, ``SHOW``, ``SUMMARIZE``) or an
  ``EXPLAIN`` of one.

Cost is bounded whatever the query: a time limit (a timer thread interrupts the connection), DuckDB's
``memory_limit`` with spilling to disk turned off (``temp_directory = ''``: a query that needs more memory ends
with one line instead of filling the disk beside the warehouse), and results are fetched in chunks: the table and
Markdown formats keep only the rows they show, CSV and JSON stream every row.

Results leave only through standard output. The table strips ANSI escape sequences and control characters (a
stored string cannot drive the terminal); CSV cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import re
import shutil
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import duckdb

from ..errors import SpaceetlError

ALLOWED = {duckdb.StatementType.SELECT: "a query", duckdb.StatementType.EXPLAIN: "EXPLAIN"}
MAX_CELL = 40
DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MEMORY_LIMIT = "2GB"
DEFAULT_LIMIT = 200
FETCH_ROWS = 10_000  # rows per fetch: what the console holds at a time when it streams
COUNT_CAP = 1_000_000  # rows past the shown ones counted by fetching them, when no count query can be made
COUNT_BUDGET_S = 5.0  # time given to counting the rows not shown, once the shown ones are out
_EXPLAIN = re.compile(r"^\s*EXPLAIN(\s+ANALY[SZ]E)?(\s*\([^)]*\))?\s+", re.IGNORECASE)
_MEMORY = re.compile(r"^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)
# CSI / OSC / two-character escape sequences (ECMA-48), 7- and 8-bit.
_ANSI = re.compile(r"(\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(\x1b\]|\x9d)[^\x07\x1b\x9c]*(\x07|\x1b\\|\x9c)?|\x1b[@-Z\\-_]")
# OWASP CSV injection: a cell starting with one of these is a formula (or becomes one) in a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class QueryRefused(SpaceetlError):
    """The text is not exactly one read-only query (decided by DuckDB's parser), or it failed or broke a limit."""

    def __init__(self, message: str):
        super().__init__(message, stage="query")


@dataclass
class Limits:
    timeout_s: float = DEFAULT_TIMEOUT_S  # 0: none
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    rows: int = DEFAULT_LIMIT  # shown in table / Markdown format


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple]


def check_query(query: str) -> str:
    """The single statement to run, or :class:`QueryRefused` saying why not."""
    try:
        query.encode("utf-8")
    except UnicodeEncodeError as exc:  # bytes that are not UTF-8 reach us as lone surrogates (surrogateescape)
        bad = ord(query[exc.start])
        raise QueryRefused(f"the query is not valid UTF-8 (byte 0x{bad - 0xDC00 if bad >= 0xDC80 else bad:02x} at "
                           f"character {exc.start + 1})") from None
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise QueryRefused(f"query does not parse: {_first_line(exc)}") from None
    if not statements:
        raise QueryRefused("no statement given")
    if len(statements) > 1:
        raise QueryRefused(f"one statement at a time ({len(statements)} given)")
    kind = statements[0].type
    if kind == duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE runs its statement: what is explained must itself be a query (parsed by DuckDB again).
        inner = _EXPLAIN.sub("", statements[0].query, count=1)
        try:
            inner_kinds = [st.type for st in duckdb.extract_statements(inner)]
        except duckdb.Error:
            inner_kinds = []
        if inner_kinds != [duckdb.StatementType.SELECT]:
            raise QueryRefused("EXPLAIN is allowed only for a query (SELECT, WITH, FROM, ...)")
    if kind not in ALLOWED:
        raise QueryRefused(f"{kind.name} statements are not allowed: the console runs read-only queries "
                           "(SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN); export a result with "
                           "--format csv|json|markdown on standard output")
    return query


def check_limits(limits: Limits) -> None:
    if not _MEMORY.match(limits.memory_limit or ""):
        raise QueryRefused(f"--memory-limit {limits.memory_limit!r} is not a size such as 500MB or 2GB")
    if limits.timeout_s < 0 or limits.rows < 0:
        raise QueryRefused("--timeout and --limit must be 0 or more")


def open_locked(warehouse: Path, retry_s: float, memory_limit: str = DEFAULT_MEMORY_LIMIT) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a verified warehouse, with every file-system path closed, spilling off, the
    memory limit set and the configuration locked."""
    from .. import warehouse as wh

    from .core import target

    if target(warehouse).is_lake:  # a lake: its catalog and Parquet files, no DuckDB file to verify
        conn = wh.connect(warehouse, read_only=True, retry_s=retry_s)
    else:
        try:
            str(warehouse).encode("utf-8")
        except UnicodeEncodeError:
            raise SpaceetlError(f"the warehouse path {str(warehouse)!r} is not valid UTF-8: DuckDB cannot open it; "
                                "rename the file or its folder", stage="query") from None
        conn = wh.open_verified(warehouse, retry_s=retry_s)  # loads fts from its installed file
    try:
        data_dir = wh.lake_data_dir(conn)
        if data_dir:  # a lake reads its own Parquet files: that folder alone stays open
            conn.execute("SET allowed_directories = [?]".replace("?", wh.core._quote(data_dir)))
        conn.execute(f"SET memory_limit = '{memory_limit.strip()}'")  # checked by check_limits
        conn.execute("SET temp_directory = ''")
        conn.execute("SET enable_progress_bar = false")  # DuckDB would draw it on standard output
        conn.execute("SET enable_external_access = false")
        conn.execute("SET lock_configuration = true")
    except BaseException:
        conn.close()
        raise
    return conn


class _Clock:
    """The time limit: a timer thread that interrupts the connection (DuckDB checks for it between vectors, so a
    runaway join stops within a moment); restartable with a shorter budget for counting the rows not shown."""

    def __init__(self, conn: duckdb.DuckDBPyConnection, seconds: float):
        self.conn = conn
        self.deadline = _now() + seconds if seconds else None
        self.timer: threading.Timer | None = None
        self._arm(seconds)

    def _arm(self, seconds: float | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = None
        if seconds:
            self.timer = threading.Timer(max(0.0, seconds), self.conn.interrupt)
            self.timer.daemon = True
            self.timer.start()

    def shorten(self, seconds: float) -> float:
        left = seconds if self.deadline is None else min(seconds, self.deadline - _now())
        self._arm(max(left, 0.001))
        return left

    def stop(self) -> None:
        self._arm(None)


def _now() -> float:
    import time as _time

    return _time.monotonic()


@contextlib.contextmanager
def open_query(warehouse: Path, query: str, limits: Limits, *, retry_s: float = 30.0) -> Iterator["Stream"]:
    """The query running under its limits; the stream's rows are fetched by whoever writes them. Any failure
    while running or fetching (syntax, the time or memory limit) becomes one :class:`QueryRefused` line."""
    check_query(query)
    check_limits(limits)
    from .core import target

    where = target(warehouse)  # a DuckDB file, or a lake: its SQLite catalog file (a PostgreSQL one is asked)
    if where.catalog != "postgres" and not Path(where.location).is_file():
        raise SpaceetlError(f"no warehouse at {warehouse}: run `spaceetl run` first", stage="query")
    conn = open_locked(Path(warehouse), retry_s, limits.memory_limit)
    clock = _Clock(conn, limits.timeout_s)
    try:
        try:
            cur = conn.execute(query)
            columns = [d[0] for d in cur.description or []]
            fetch = (lambda n: cur.fetchmany(n)) if columns else (lambda n: [])
            yield Stream(columns, fetch, _counter(conn, clock, query, fetch))
        except (duckdb.Error, MemoryError) as exc:
            raise _failure(exc, limits) from None
    finally:
        clock.stop()
        conn.close()


def _counter(conn: duckdb.DuckDBPyConnection, clock: _Clock, query: str,
             fetch: Callable[[int], list[tuple]]) -> Callable[[], int | None]:
    """How many rows are left after the shown ones, or None if that takes more than ``COUNT_BUDGET_S``.
    A query is counted by DuckDB (``SELECT count(*) FROM (query)``: unused columns are never read or converted);
    an ``EXPLAIN`` by fetching its rows."""
    statement = duckdb.extract_statements(query)[0]
    counting = None
    if statement.type == duckdb.StatementType.SELECT:
        counting = f"SELECT count(*) FROM (\n{statement.query}\n)"
        try:
            check_query(counting)
        except QueryRefused:
            counting = None

    def rest(shown: int) -> int | None:
        clock.shorten(COUNT_BUDGET_S)
        try:
            if counting is None:
                n = 0
                while chunk := fetch(FETCH_ROWS):
                    n += len(chunk)
                    if n > COUNT_CAP:
                        return None
                return n
            return max(0, conn.execute(counting).fetchone()[0] - shown)
        except duckdb.InterruptException:
            return None
        except duckdb.Error:  # the count query itself failed: the rows were shown, the number is unknown
            return None

    return rest


def run_query(warehouse: Path, query: str, *, retry_s: float = 30.0, limits: Limits | None = None) -> Result:
    """The whole result in memory (for callers that need it as a list; the CLI streams instead)."""
    with open_query(warehouse, query, limits or Limits(), retry_s=retry_s) as stream:
        rows: list[tuple] = []
        while chunk := stream.fetch(FETCH_ROWS):
            rows.extend(chunk)
        return Result(stream.columns, rows)


def _failure(exc: BaseException, limits: Limits) -> QueryRefused:
    if isinstance(exc, duckdb.InterruptException):
        return QueryRefused(f"query stopped at the time limit of {limits.timeout_s:g} s (--timeout SECONDS, 0 for "
                            "none)")
    if isinstance(exc, (duckdb.OutOfMemoryException, MemoryError)):
        return QueryRefused(f"query needs more than the memory limit of {limits.memory_limit} (--memory-limit): "
                            "narrow it with WHERE, LIMIT or fewer joined rows")
    return QueryRefused(f"query failed: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    return terminal_text((str(exc).strip().splitlines() or [type(exc).__name__])[0])


@dataclass
class Stream:
    columns: list[str]
    fetch: Callable[[int], list[tuple]]
    rest: Callable[[int], int | None]  # rows left after ``shown`` (None: not counted in time)

    @classmethod
    def of(cls, result: Result) -> "Stream":
        rows = iter(result.rows)
        return cls(result.columns, lambda n: list(itertools.islice(rows, n)), lambda shown: len(result.rows) - shown)


# --- output --------------------------------------------------------------------------------------------------

def terminal_text(text: str) -> str:
    """Text that cannot drive a terminal: escape sequences removed, line breaks, tabs and other spaces made one
    space, remaining control and format characters (C0, C1, bidirectional overrides, zero-width) dropped."""
    text = _ANSI.sub("", text)
    if text.isprintable():
        return text
    out = []
    for c in text:
        if c.isprintable():
            out.append(c)
        elif c in "\t\n\r\v\f" or unicodedata.category(c) in ("Zs", "Zl", "Zp"):
            out.append(" ")
    return "".join(out)


def spreadsheet_safe(value: Any) -> Any:
    """OWASP's CSV-injection defence: a text cell that a spreadsheet would evaluate gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date, time)):
        return str(value)  # "2025-06-12 09:15:00+00:00", as the DuckDB CLI shows it
    if isinstance(value, (list, dict)):
        return terminal_text(json.dumps(_plain(value), ensure_ascii=False))
    return terminal_text(str(_plain(value)))


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(_plain(value), ensure_ascii=False)
    return _plain(value)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def write(stream: Stream, out: TextIO, fmt: str = "table", *, limit: int = DEFAULT_LIMIT, width: int | None = None,
          raw: bool = False) -> None:
    """Write a result: table and Markdown show ``limit`` rows and count the rest (up to ``COUNT_CAP``); CSV and
    JSON stream every row, ``FETCH_ROWS`` at a time."""
    if fmt == "csv":
        _write_csv(stream, out, raw=raw)
    elif fmt == "json":
        _write_json(stream, out)
    else:
        shown = stream.fetch(limit) if limit else []
        more: int | None = 1 if len(shown) == limit and stream.fetch(1) else 0
        out.write(_markdown(stream.columns, shown) if fmt == "markdown" else
                  _table(stream.columns, shown, width=width or shutil.get_terminal_size((160, 24)).columns))
        if more:
            out.flush()  # the rows are out before the rest is counted
            out.write(_more_line(stream.rest(len(shown)), fmt))


def render(result: Result, fmt: str = "table", *, max_rows: int = DEFAULT_LIMIT, width: int | None = None,
           raw: bool = False) -> str:
    import io

    buf = io.StringIO()
    write(Stream.of(result), buf, fmt, limit=max_rows, width=width, raw=raw)
    return buf.getvalue()


def _more_line(more: int | None, fmt: str) -> str:
    hint = "--limit N shows more; --format csv or json writes every row"
    if more is None:
        text = f"… more rows, too many to count within {COUNT_BUDGET_S:g} s ({hint})"
    else:
        text = f"… {more:,} more row{'' if more == 1 else 's'} ({hint})"
    return ("\n" if fmt == "markdown" else "") + text + "\n"


def _write_csv(stream: Stream, out: TextIO, *, raw: bool) -> None:
    safe = (lambda v: v) if raw else spreadsheet_safe
    writer = csv.writer(out, lineterminator="\n")
    # Python's csv module quotes a field holding "\n" but not one holding a lone "\r", which readers then take
    # for the end of the line: such a row is written with every field quoted.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for chunk in itertools.chain([[stream.columns]], iter(lambda: stream.fetch(FETCH_ROWS), [])):
        rows = [[safe(_csv_value(v)) for v in row] for row in chunk]
        if not any(isinstance(c, str) and "\r" in c for row in rows for c in row):
            writer.writerows(rows)
            continue
        for cells in rows:
            (quoted if any(isinstance(c, str) and "\r" in c for c in cells) else writer).writerow(cells)


def _write_json(stream: Stream, out: TextIO) -> None:
    """One JSON array, written record by record. Characters that JSON leaves raw but a terminal may act on
    (C1 controls, bidirectional overrides) are written as ``\\uXXXX`` escapes: the same text once parsed."""
    out.write("[")
    first = True
    while chunk := stream.fetch(FETCH_ROWS):
        for row in chunk:
            record = json.dumps(dict(zip(stream.columns, (_plain(v) for v in row))), ensure_ascii=False, default=str)
            out.write(("\n" if first else ",\n") + _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", record))
            first = False
    out.write("]\n" if first else "\n]\n")


def _markdown(columns: list[str], rows: list[tuple]) -> str:
    def esc(v: Any) -> str:
        return _cell(v).replace("|", "\\|")

    lines = ["| " + " | ".join(esc(c) for c in columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(esc(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _table(columns: list[str], rows: list[tuple], *, width: int) -> str:
    """Aligned columns like the DuckDB CLI's: cells over ``MAX_CELL`` characters are clipped; when even the
    clipped table is wider than the terminal, one ``column = value`` block per row (DuckDB's line mode)."""
    names = [_clip(_cell(c), MAX_CELL) for c in columns]
    cells = [[_clip(_cell(v), MAX_CELL) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(names)]
    if sum(widths) + 2 * max(0, len(widths) - 1) <= width:
        lines = ["  ".join(c.ljust(w) for c, w in zip(names, widths)).rstrip()]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
        return "\n".join(lines) + "\n"
    name_w = max(len(c) for c in names)
    value_w = max(20, width - name_w - 3)
    blocks = ["\n".join(f"{c.rjust(name_w)} = {_clip(_cell(v), value_w)}" for c, v in zip(names, row)) for row in rows]
    return "\n\n".join(blocks) + "\n"
