"""The warehouse's table contracts - the single source of truth for columns, types and checks.

``TABLES`` is in load order: parents before the rows that reference them.
"""

from ._base import ForeignKey, Span, TableSpec, ddl, duckdb_type
from .amounts import SPEC as AMOUNTS
from .articles import SPEC as ARTICLES
from .claims import SPEC as CLAIMS
from .dates import SPEC as DATES
from .dq_results import METRICS_SPEC as DQ_METRICS
from .dq_results import SPEC as DQ_RESULTS
from .entities import SPEC as ENTITIES
from .mentions import SPEC as MENTIONS
from .near_duplicates import BANDS as ARTICLE_BANDS
from .near_duplicates import SIGNATURES as ARTICLE_SIGNATURES
from .quarantine import SPEC as QUARANTINE
from .references import SPEC as REFERENCES
from .runs import SPEC as RUNS
from .sources import SPEC as SOURCES

#: Tables the pipeline fills per batch of articles, parents first.
ARTICLE_TABLES: tuple[TableSpec, ...] = (ARTICLES, ARTICLE_SIGNATURES, ARTICLE_BANDS, ENTITIES, MENTIONS, AMOUNTS,
                                         DATES, CLAIMS, REFERENCES)
#: Every table in the warehouse.
TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (RUNS, SOURCES, *ARTICLE_TABLES, QUARANTINE, DQ_RESULTS, DQ_METRICS)
}

__all__ = ["TABLES", "ARTICLE_TABLES", "TableSpec", "ForeignKey", "Span", "ddl", "duckdb_type",
           "ARTICLES", "SOURCES", "ENTITIES", "MENTIONS", "AMOUNTS", "DATES", "CLAIMS", "RUNS", "QUARANTINE",
           "DQ_RESULTS", "DQ_METRICS", "REFERENCES", "ARTICLE_SIGNATURES", "ARTICLE_BANDS"]
