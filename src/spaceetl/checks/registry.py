"""Every data-quality check of a run, declared once.

A check is an id, the table it is about, a severity, a description, what its denominator counts, and how it is
computed. The report, ``dq_results``, the run's status and the exit code all read the results of these
declarations (:func:`spaceetl.checks.runner.run_checks`); nothing else decides what a failing check means.

Three kinds, one registry:

* ``contract`` - the column and row checks of the table contracts in ``schemas/`` (pandera). They are computed
  per batch, before anything is loaded (failing rows are quarantined), and tallied over the run; the registry
  derives one entry per declared check, so a check added to a contract appears here by itself.
* ``sql`` - whole-warehouse checks after the load: foreign keys and spans (derived from the contracts), links
  between articles, key uniqueness. Each is one query returning ``(failed, total, sample)`` and comes with the
  query that lists its failing rows.
* ``run`` - run-level checks over the run's own totals: failed files, the quarantined share, volume, drift.

Adding a check: add a :class:`Check` to ``_explicit_checks`` below (an ``sql`` check needs only its query), or
declare it in a contract in ``schemas/`` (it is derived). Nothing else changes: the runner, the report and the
status read it from here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

Severity = Literal["error", "warn", "info"]
Kind = Literal["contract", "sql", "run"]


@dataclass(frozen=True)
class Outcome:
    failed: int
    total: int
    sample: list | None = None


@dataclass(frozen=True)
class Check:
    id: str
    table: str
    name: str
    severity: Severity
    kind: Kind
    description: str
    denominator: str
    column: str | None = None
    # sql: one row (failed, total, sample list); failing_rows: a query listing every failing row
    sql: str | None = None
    failing_rows: str | None = None
    # run: computed from the run's context
    compute: Callable[[CheckContext], Outcome] | None = None
    # a failing warn check of kind 'run' makes the run a warning; contract warn checks only flag rows, and make the
    # run a warning through the thresholds of ``checks.escalation``
    warns_run: bool = False


@dataclass
class CheckContext:
    """What the checks of one run may read."""

    conn: Any  # an open warehouse connection
    run_id: str
    settings: Any
    totals: Any  # pipeline.context.RunTotals
    files_seen: int
    metrics: list[dict] = field(default_factory=list)

    @property
    def tally(self):
        return self.totals.tally


def check_id(table: str, name: str, column: str | None) -> str:
    return f"{table}.{name}" + (f"[{column}]" if column else "")


# --- contract checks (derived from schemas/) ---------------------------------------------------------------------

def _contract_checks() -> list[Check]:
    from ..schemas import ARTICLE_TABLES
    from .contracts import declared_checks

    out = []
    for spec in ARTICLE_TABLES:
        what = f"{spec.name} extracted by this run"
        for name, column in declared_checks(spec):
            out.append(Check(check_id(spec.name, name, column), spec.name, name, "error", "contract",
                             f"contract of {spec.name}: {name}" + (f" on {column}" if column else "")
                             + "; failing rows are quarantined, never loaded", what, column))
        if spec.warnings is not None:
            for col_name, col in spec.warnings.to_schema().columns.items():
                name = col.description or col_name
                out.append(Check(check_id(spec.name, name, col_name), spec.name, name, "warn", "contract",
                                 f"warning contract of {spec.name}: flagged rows are loaded and counted; the rows counted "
                                 "are those validated in the run's batches (a text that a later batch finds stored "
                                 "already is counted, then not loaded again)",
                                 f"{spec.name} checked in this run's batches", col_name))
    return out


# --- whole-warehouse checks -------------------------------------------------------------------------------------

def _derived_sql_checks() -> list[Check]:
    from ..schemas import TABLES

    out = []
    for spec in TABLES.values():
        for fk in spec.foreign_keys:
            where = (f'FROM "{spec.name}" t WHERE t."{fk.column}" IS NOT NULL AND NOT EXISTS '
                     f'(SELECT 1 FROM "{fk.table}" p WHERE p."{fk.ref_column}" = t."{fk.column}")')
            name = f"no_orphans:{fk.column}->{fk.table}"
            out.append(Check(
                check_id(spec.name, name, fk.column), spec.name, name, "error", "sql",
                f"every {spec.name}.{fk.column} names a row of {fk.table}", f"{spec.name} rows in the warehouse",
                fk.column,
                sql=f'SELECT (SELECT count(*) {where}), (SELECT count(*) FROM "{spec.name}"), '
                    f'(SELECT list(t."{fk.column}")[1:5] {where})',
                failing_rows=f"SELECT * {where}"))
        if spec.span is not None:
            sp = spec.span
            where = (f'FROM "{spec.name}" t JOIN articles a USING ({sp.article}) WHERE '
                     f'substr(a.body, t."{sp.start}" + 1, t."{sp.end}" - t."{sp.start}") IS DISTINCT FROM t."{sp.text}"')
            name = "span_matches_body_in_warehouse"
            out.append(Check(
                check_id(spec.name, name, sp.text), spec.name, name, "error", "sql",
                f"{spec.name}.{sp.text} is exactly its span of the article body, over the whole warehouse",
                f"{spec.name} rows in the warehouse",
                sp.text,
                sql=f'SELECT (SELECT count(*) {where}), (SELECT count(*) FROM "{spec.name}"), '
                    f'(SELECT list(t."{sp.text}")[1:5] {where})',
                failing_rows=f'SELECT t.* {where}'))
        if spec.primary_key and spec.per_article:
            keys = ", ".join(f'"{k}"' for k in spec.primary_key)
            dup = f'FROM (SELECT {keys} FROM "{spec.name}" GROUP BY {keys} HAVING count(*) > 1)'
            out.append(Check(
                check_id(spec.name, "unique_key", ",".join(spec.primary_key)), spec.name, "unique_key", "error", "sql",
                f"no two {spec.name} rows share ({', '.join(spec.primary_key)})",
                f"{spec.name} rows in the warehouse", ",".join(spec.primary_key),
                sql=f'SELECT (SELECT count(*) {dup}), (SELECT count(*) FROM "{spec.name}"), NULL',
                failing_rows=f'SELECT * {dup}'))
    return out


def _article_link_check(column: str) -> Check:
    where = (f'FROM articles t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '
             f'(SELECT 1 FROM articles p WHERE p.article_id = t."{column}")')
    name = f"no_orphans:{column}->articles"
    return Check(check_id("articles", name, column), "articles", name, "error", "sql",
                 f"articles.{column} names a loaded article (links set at load, not declared as foreign keys)",
                 "articles in the warehouse", column,
                 sql=f"SELECT (SELECT count(*) {where}), (SELECT count(*) FROM articles), "
                     f'(SELECT list(t."{column}")[1:5] {where})',
                 failing_rows=f"SELECT t.article_id, t.title, t.{column} {where}")


# --- run-level checks: pure functions of the run's context ----------------------------------------------------

VOLUME_RUNS = 5
VOLUME_MIN_MEDIAN = 20
VOLUME_SHARE = 0.1


def batches_failed(ctx: CheckContext) -> Outcome:
    t = ctx.totals
    return Outcome(t.files_failed, t.records_read, [f.describe() for f in t.failures[:5]] or None)


def articles_loaded_when_input_read(ctx: CheckContext) -> Outcome:
    t = ctx.totals
    return Outcome(int(bool(t.records_read and t.articles_loaded == 0 and t.duplicates == 0)), 1)


def quarantined_share(ctx: CheckContext) -> Outcome:
    t = ctx.totals
    share = t.quarantined_inputs / t.records_read if t.records_read else 0.0
    return Outcome(t.quarantined_inputs if share > ctx.settings.quarantine_warn_share else 0, t.records_read)


def volume_not_far_below_recent_runs(ctx: CheckContext) -> Outcome:
    """The raw folder shrank (files seen), not "this run loaded little": a rerun that finds most files unchanged
    loads few articles and is no alarm."""
    recent = ctx.conn.execute(
        "SELECT median(files_seen) FROM (SELECT files_seen FROM runs WHERE run_id <> ? AND files_seen > 0 "
        "AND raw_dir = (SELECT raw_dir FROM runs WHERE run_id = ?) AND status IN ('completed', 'warning') "
        f"ORDER BY started_at DESC LIMIT {VOLUME_RUNS})", [ctx.run_id, ctx.run_id]).fetchone()[0]
    low = bool(recent and recent >= VOLUME_MIN_MEDIAN and ctx.files_seen < VOLUME_SHARE * recent)
    return Outcome(int(low), 1, [{"this_run": ctx.files_seen, "recent_median": recent}] if low else None)


def metrics_drift(ctx: CheckContext) -> Outcome:
    drifted = [m for m in ctx.metrics if m["drift"]]
    return Outcome(len(drifted), len(ctx.metrics),
                   [{"metric": m["metric"], "value": m["value"], "baseline": m["baseline"]} for m in drifted] or None)


def _explicit_checks() -> list[Check]:
    no_source = "FROM articles a WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.article_id = a.article_id)"
    return [
        _article_link_check("near_duplicate_of"),
        _article_link_check("story_id"),
        Check("articles.has_source[article_id]", "articles", "has_source", "error", "sql",
              "every article is held by at least one input file (sources row)", "articles in the warehouse",
              "article_id",
              sql=f"SELECT (SELECT count(*) {no_source}), (SELECT count(*) FROM articles), "
                  f"(SELECT list(a.article_id)[1:5] {no_source})",
              failing_rows=f"SELECT a.article_id, a.title {no_source}"),
        Check("run.batches_failed", "run", "batches_failed", "error", "run",
              "files whose extraction raised, after a retry on a fresh worker and one by one: never a green run",
              "input files read by this run", compute=batches_failed),
        Check("run.articles_loaded_when_input_read", "run", "articles_loaded_when_input_read", "error", "run",
              "a run that read records loaded at least one article (or found them all duplicates)",
              "runs (this one)", compute=articles_loaded_when_input_read),
        Check("run.quarantined_share", "run", "quarantined_share", "warn", "run",
              "the share of records read that were quarantined stays under quarantine_warn_share",
              "records read by this run", compute=quarantined_share, warns_run=True),
        Check("run.volume_not_far_below_recent_runs", "run", "volume_not_far_below_recent_runs", "warn", "run",
              "the raw folder did not shrink to under a tenth of the files the recent runs saw",
              "runs (this one; files seen vs the recent median)", column="files_seen",
              compute=volume_not_far_below_recent_runs, warns_run=True),
        Check("run.metrics_drift", "run", "metrics_drift", "warn", "run",
              "no extraction-quality signal (dq_metrics) moved past its limit in its bad direction",
              "extraction-quality signals", compute=metrics_drift, warns_run=True),
    ]


@lru_cache(maxsize=1)
def registry() -> tuple[Check, ...]:
    """Every check, in report order: run-level, then contracts, then whole-warehouse checks."""
    checks = [*_explicit_checks(), *_contract_checks(), *_derived_sql_checks()]
    ids = [c.id for c in checks]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise RuntimeError(f"check ids declared twice: {sorted(dupes)}")
    order = {"run": 0, "contract": 1, "sql": 2}
    return tuple(sorted(checks, key=lambda c: order[c.kind]))


def by_id() -> dict[str, Check]:
    return {c.id: c for c in registry()}


def sample_json(sample: list | None) -> str | None:
    return json.dumps(sample, ensure_ascii=False, default=str) if sample else None
