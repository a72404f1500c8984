"""``spaceetl sql``: a query console that cannot change the warehouse or reach any other file.

Read-only is enforced by DuckDB, not by looking at the query text:

* the warehouse is opened ``read_only`` (no write to the database itself);
* the full-text extension is loaded from its installed file first, then ``enable_external_access = false``
  (no ``COPY ... TO``, ``read_csv``, ``read_text``, ``glob``, ``ATTACH``, ``INSTALL``, ``EXPORT DATABASE``: no file
  or network access at all) and ``lock_configuration = true`` (no ``SET`` / ``RESET`` can undo that);
* the text must be exactly one statement, and DuckDB's own parser (``duckdb.extract_statements``) must classify
  it as a query (``SELECT``, including ``WITH``, ``FROM``-first, ``DESCRIBE``, ``SHOW``, ``SUMMARIZE``) or an
  ``EXPLAIN`` of one.

Results leave only through standard output, as an aligned table or as CSV / JSON / Markdown.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ..errors import SpaceetlError

ALLOWED = {duckdb.StatementType.SELECT: "a query", duckdb.StatementType.EXPLAIN: "EXPLAIN"}
MAX_CELL = 40
_EXPLAIN = re.compile(r"^\s*EXPLAIN(\s+ANALY[SZ]E)?(\s*\([^)]*\))?\s+", re.IGNORECASE)


class QueryRefused(SpaceetlError):
    """The text is not exactly one read-only query (decided by DuckDB's parser)."""

    def __init__(self, message: str):
        super().__init__(message, stage="query")


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple]


def check_query(query: str) -> str:
    """The single statement to run, or :class:`QueryRefused` saying why not."""
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


def open_locked(warehouse: Path, retry_s: float) -> duckdb.DuckDBPyConnection:
    """A read-only connection with every file-system path closed and the configuration locked."""
    from .. import warehouse as wh

    conn = wh.connect(warehouse, read_only=True, retry_s=retry_s)  # loads fts from its installed file
    data_dir = wh.lake_data_dir(conn)
    if data_dir:  # a lake reads its own Parquet files: that folder alone stays open
        conn.execute("SET allowed_directories = [?]".replace("?", wh.core._quote(data_dir)))
    conn.execute("SET enable_external_access = false")
    conn.execute("SET lock_configuration = true")
    return conn


def run_query(warehouse: Path, query: str, *, retry_s: float = 30.0) -> Result:
    check_query(query)
    from .core import target

    where = target(warehouse)  # a DuckDB file, or a lake: its SQLite catalog file (a PostgreSQL one is asked)
    if where.catalog != "postgres" and not Path(where.location).is_file():
        raise SpaceetlError(f"no warehouse at {warehouse}: run `spaceetl run` first", stage="query")
    conn = open_locked(Path(warehouse), retry_s)
    try:
        cur = conn.execute(query)
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchall() if columns else []
    except duckdb.Error as exc:
        raise QueryRefused(f"query failed: {_first_line(exc)}") from None
    finally:
        conn.close()
    return Result(columns, rows)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


# --- output --------------------------------------------------------------------------------------------------

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
        return json.dumps(_plain(value), ensure_ascii=False)
    text = str(_plain(value))
    # Control characters would break the layout (and could drive the terminal): show them escaped.
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 1)] + "…"


def render(result: Result, fmt: str = "table", *, max_rows: int = 50, width: int | None = None) -> str:
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[("" if v is None else _cell(v) if isinstance(v, (list, dict)) else _plain(v)) for v in row]
                          for row in result.rows])
        return buf.getvalue()
    if fmt == "json":
        records = [dict(zip(result.columns, (_plain(v) for v in row))) for row in result.rows]
        return json.dumps(records, ensure_ascii=False, default=str) + "\n"
    if fmt == "markdown":
        def esc(v: Any) -> str:
            return _cell(v).replace("|", "\\|")
        lines = ["| " + " | ".join(esc(c) for c in result.columns) + " |",
                 "|" + "|".join("---" for _ in result.columns) + "|"]
        lines += ["| " + " | ".join(esc(v) for v in row) + " |" for row in result.rows]
        return "\n".join(lines) + "\n"
    return _table(result, max_rows=max_rows, width=width or shutil.get_terminal_size((160, 24)).columns)


def _table(result: Result, *, max_rows: int, width: int) -> str:
    """Aligned columns like the DuckDB CLI's: cells over ``MAX_CELL`` characters are clipped; when even the
    clipped table is wider than the terminal, one ``column = value`` block per row (DuckDB's line mode)."""
    shown = result.rows[:max_rows]
    cells = [[_clip(_cell(v), MAX_CELL) for v in row] for row in shown]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    footer = (f"({len(result.rows)} rows, {len(shown)} shown; --max-rows to see more)\n"
              if len(result.rows) > len(shown) else "")
    if sum(widths) + 2 * max(0, len(widths) - 1) <= width:
        lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths)).rstrip()]
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
        return "\n".join(lines) + "\n" + footer
    name_w = max(len(c) for c in result.columns)
    value_w = max(20, width - name_w - 3)
    blocks = []
    for row in shown:
        blocks.append("\n".join(f"{c.rjust(name_w)} = {_clip(_cell(v), value_w)}" for c, v in zip(result.columns, row)))
    return "\n\n".join(blocks) + "\n" + footer

