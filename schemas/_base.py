"""What a table contract is. Each table in the warehouse is declared exactly once, in this folder, as:

* ``Contract`` - a pandera (polars) ``DataFrameModel``: columns, dtypes, nullability and row checks. Rows that
  fail it are *errors*: they are quarantined with the failing check, and never loaded.
* ``Warnings`` - an optional second model over the same rows whose failures only *flag* rows (pandera has no
  warn level of its own). Flagged rows are loaded and counted in ``dq_results`` with severity ``warn``.
* a :class:`TableSpec` with the keys and references pandera cannot express: primary key, foreign keys and
  character spans into ``articles.body``.

The DuckDB DDL, the empty polars frames each stage fills, the cross-table checks and the data dictionary are all
derived from these declarations, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandera.polars as pa
import polars as pl


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    ref_column: str


@dataclass(frozen=True)
class Span:
    """``substr(articles.body, start + 1, end - start) = text`` must hold for every row."""

    text: str = "text"
    start: str = "start_char"
    end: str = "end_char"
    article: str = "article_id"


@dataclass(frozen=True)
class TableSpec:
    name: str
    contract: type[pa.DataFrameModel]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    span: Span | None = None
    warnings: type[pa.DataFrameModel] | None = None
    # Tables filled by the pipeline per article batch (vs. run bookkeeping tables).
    per_article: bool = True
    # Natural key for rows that are shared across articles (entities): insert if absent, never duplicate.
    shared: bool = False
    description: str = ""
    column_docs: dict[str, str] = field(default_factory=dict)

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        return self.contract.to_schema()

    @cached_property
    def polars_schema(self) -> dict[str, pl.DataType]:
        return {name: col.dtype.type for name, col in self.schema.columns.items()}

    @property
    def columns(self) -> list[str]:
        return list(self.schema.columns)

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.polars_schema)

    def frame(self, rows: list[dict]) -> pl.DataFrame:
        """Rows (dicts) -> a frame with exactly the contract's columns and dtypes."""
        if not rows:
            return self.empty()
        return pl.DataFrame(rows, schema=self.polars_schema, strict=False)

    def doc(self, column: str) -> str:
        col = self.schema.columns[column]
        return col.description or ""


def duckdb_type(dtype: pl.DataType) -> str:
    """polars dtype -> DuckDB column type."""
    if isinstance(dtype, pl.List):
        return duckdb_type(dtype.inner) + "[]"
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ" if dtype.time_zone else "TIMESTAMP"
    simple = {
        pl.String: "VARCHAR", pl.Int64: "BIGINT", pl.Int32: "INTEGER", pl.Int16: "SMALLINT",
        pl.Float64: "DOUBLE", pl.Float32: "FLOAT", pl.Boolean: "BOOLEAN", pl.Date: "DATE",
        pl.UInt64: "UBIGINT", pl.UInt32: "UINTEGER", pl.Binary: "BLOB",
    }
    for pl_type, sql in simple.items():
        if dtype == pl_type:
            return sql
    raise TypeError(f"no DuckDB type for polars dtype {dtype!r}")


def ddl(spec: TableSpec, *, primary_key: bool = True) -> str:
    """``primary_key=False`` for DuckLake, which refuses PRIMARY KEY/UNIQUE: there the check registry's
    ``unique_key`` checks hold the keys instead."""
    cols = []
    for name, col in spec.schema.columns.items():
        null = "" if col.nullable else " NOT NULL"
        cols.append(f'    "{name}" {duckdb_type(col.dtype.type)}{null}')
    if spec.primary_key and primary_key:
        cols.append("    PRIMARY KEY (" + ", ".join(f'"{c}"' for c in spec.primary_key) + ")")
    return f'CREATE TABLE IF NOT EXISTS "{spec.name}" (\n' + ",\n".join(cols) + "\n)"
