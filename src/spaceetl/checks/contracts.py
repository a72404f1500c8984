"""Validate a batch's frames against the contracts in ``schemas/`` before anything is loaded.

* ``Contract`` failures are errors: the failing rows are removed and written to ``quarantine`` with the check
  and the row's key; rows that reference them (a mention of a quarantined article) follow them, so nothing
  loaded is ever an orphan. The rest of the batch goes on.
* Span checks: ``text`` must equal ``body[start_char:end_char]`` of its article.
* ``Warnings`` failures only flag rows: they are loaded and counted with severity ``warn``.

Frames are validated *eagerly* (``pl.DataFrame``): validating a LazyFrame checks only names and types unless
``PANDERA_VALIDATION_DEPTH=SCHEMA_AND_DATA`` is set, which would let bad values through silently.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaError, SchemaErrors

from ..frames import BatchOutput
from ..schemas import ARTICLE_TABLES, QUARANTINE, TABLES, TableSpec

log = logging.getLogger(__name__)
ROW = "__row"


@dataclass
class CheckTally:
    """Failed/total rows per (table, check, column, severity), summed over the batches of a run."""

    counts: dict[tuple[str, str, str | None, str], list] = field(default_factory=dict)

    def add(self, table: str, check: str, column: str | None, severity: str, failed: int, total: int,
            sample: list | None = None) -> None:
        key = (table, check, column, severity)
        entry = self.counts.setdefault(key, [0, 0, []])
        entry[0] += failed
        entry[1] += total
        if sample and len(entry[2]) < SAMPLE_ROWS:
            entry[2].extend(sample[: SAMPLE_ROWS - len(entry[2])])

    def merge(self, other: "CheckTally") -> None:
        for (table, check, column, severity), (failed, total, sample) in other.counts.items():
            self.add(table, check, column, severity, failed, total, sample)

    def get(self, table: str, check: str, column: str | None, severity: str) -> tuple[int, int, list] | None:
        entry = self.counts.get((table, check, column, severity))
        return None if entry is None else (entry[0], entry[1], entry[2])

    def as_dicts(self) -> list[dict]:
        """The tally as plain rows (the check runner turns them into ``dq_results`` through the registry)."""
        out = []
        for table, check, column, severity in self.keys():
            failed, total, _sample = self.counts[(table, check, column, severity)]
            out.append(dict(table_name=table, check_name=check, column_name=column, severity=severity,
                            status="fail" if failed else "pass", failed_rows=failed, total_rows=total))
        return out

    def keys(self) -> list[tuple[str, str, str | None, str]]:
        """Every (table, check, column, severity) tallied, in a stable order (a frame-level check has no column:
        it sorts before the column checks of its table)."""
        return sorted(self.counts, key=lambda k: (k[0], k[1], k[2] or "", k[3]))


@dataclass
class ValidatedBatch:
    tables: dict[str, pl.DataFrame]
    records: pl.DataFrame
    quarantine: pl.DataFrame
    tally: CheckTally
    stats: dict[str, float]


def declared_checks(spec: TableSpec, model: type[pa.DataFrameModel] | None = None) -> list[tuple[str, str | None]]:
    """(check, column) for every check a contract declares - so passing checks are reported too."""
    schema = (model or spec.contract).to_schema()
    out: list[tuple[str, str | None]] = []
    for name, col in schema.columns.items():
        if not col.nullable:
            out.append(("not_nullable", name))
        if col.unique:
            out.append(("field_uniqueness", name))
        out.extend((ch.error or ch.name, name) for ch in col.checks)
    out.extend((ch.name, None) for ch in schema.checks)
    if spec.span is not None and model is None:
        out.append(("span_matches_body", spec.span.text))
    if model is None:
        out.extend((f"references_{fk.table}", fk.column) for fk in spec.foreign_keys if fk.table in {t.name for t in ARTICLE_TABLES})
    return out


def _failures(model: type[pa.DataFrameModel], df: pl.DataFrame) -> pl.DataFrame:
    """Failure cases (check, column, failure_case, index) - empty when the frame passes."""
    try:
        model.validate(df, lazy=True)
    except SchemaErrors as exc:
        return exc.failure_cases.select("check", "column", "failure_case", "index")
    except SchemaError as exc:  # a non-lazy path (e.g. a missing column) - treat the whole frame as failing
        return pl.DataFrame({"check": [str(exc.check or "schema")], "column": [None], "failure_case": [str(exc)[:200]],
                             "index": [None]}, schema={"check": pl.String, "column": pl.String,
                                                        "failure_case": pl.String, "index": pl.Int32})
    return pl.DataFrame(schema={"check": pl.String, "column": pl.String, "failure_case": pl.String, "index": pl.Int32})


SAMPLE_ROWS = 5


def _sample_rows(df: pl.DataFrame, records: pl.DataFrame, fails: list[dict], column: str | None) -> list[dict]:
    """Failing rows with the context an analyst needs to find them: the file and record the article came from, its
    title, and the offending value (a failure case alone is often just ``null``)."""
    out = []
    for f in fails:
        value = f.get("failure_case")
        row: dict = {}
        idx = f.get("index")
        if idx is not None and 0 <= int(idx) < df.height:
            row = df.row(int(idx), named=True)
            if column and column in row:
                value = row[column]
        article_id = row.get("article_id")
        source_path = record = None
        if article_id is not None and records.height and "article_id" in records.columns:
            hit = records.filter(pl.col("article_id") == article_id).head(1)
            if hit.height:
                source_path, record = hit["source_path"][0], hit["record"][0]
        span = [row["start_char"], row["end_char"]] if row.get("start_char") is not None else None
        out.append({"file": source_path, "record": record, "article_id": article_id, "span": span,
                    "title": (row.get("title") or None) if "title" in row else None,
                    "value": value if value is None or isinstance(value, (int, float, bool)) else str(value)[:200]})
    return out


def _key_of(spec: TableSpec, row: dict) -> str | None:
    if not spec.primary_key:
        return None
    return "|".join(str(row.get(k)) for k in spec.primary_key)


def validate_batch(batch: BatchOutput, run_id: str) -> ValidatedBatch:
    """Every article table of the batch against its contract, parents first: failing rows are quarantined (and the
    rows that reference them follow), every declared check is tallied, warn checks flag rows that are kept."""
    return _BatchValidation(batch, run_id).run()


class _TableCheck:
    """One table's frame under validation: the reasons each failing row collects, and the failures per check."""

    def __init__(self, spec: TableSpec, frame: pl.DataFrame):
        self.spec = spec
        self.df = frame.with_row_index(ROW)
        self.reasons: dict[int, list[str]] = defaultdict(list)
        self.by_check: dict[tuple[str, str | None], list] = defaultdict(list)

    def contract(self) -> None:
        failures = _failures(self.spec.contract, self.df.drop(ROW))
        for f in failures.iter_rows(named=True):
            if f["column"] not in self.df.columns:  # a frame-level check: pandera names the schema, not a column
                f["column"] = None
            self.by_check[(f["check"], f["column"])].append(f)
            if f["index"] is not None:
                self.reasons[int(f["index"])].append(
                    f"{f['check']} failed on {f['column']}: {str(f['failure_case'])[:80]!r}")
        whole_frame = failures.filter(pl.col("index").is_null() & ~pl.col("check").is_in(["field_uniqueness"]))
        if whole_frame.height:
            log.error("contract of %s does not match the frame: %s", self.spec.name, whole_frame.to_dicts())
            why = "frame does not match the contract: " + "; ".join(whole_frame["failure_case"].to_list())[:300]
            for i in range(self.df.height):
                self.reasons[i].append(why)

    def spans(self, articles: pl.DataFrame) -> None:
        """``text`` is exactly its span of the (already validated) article body."""
        sp = self.spec.span
        if sp is None or not self.df.height:
            return
        bodies = articles.select(pl.col("article_id").alias(sp.article), "body")
        checked = self.df.join(bodies, on=sp.article, how="left").with_columns(
            (pl.col("body").str.slice(pl.col(sp.start), pl.col(sp.end) - pl.col(sp.start)) == pl.col(sp.text))
            .fill_null(False).alias("__span_ok"))
        bad = checked.filter(~pl.col("__span_ok"))
        for r in bad.iter_rows(named=True):
            self.reasons[r[ROW]].append(f"span_matches_body failed: {r[sp.text]!r} is not body[{r[sp.start]}:{r[sp.end]}]")
        self.by_check[("span_matches_body", sp.text)] = bad.select(pl.col(sp.text).alias("failure_case")).to_dicts()

    def references(self, good: dict[str, pl.DataFrame], refused_articles: dict[str, str]) -> None:
        """Rows that point at rows of this batch that were refused (or never produced) follow them."""
        for fk in self.spec.foreign_keys:
            if fk.table not in good:
                continue
            parent_keys = good[fk.table].get_column(fk.ref_column)
            missing = self.df.filter(pl.col(fk.column).is_not_null() & ~pl.col(fk.column).is_in(parent_keys.implode()))
            for r in missing.iter_rows(named=True):
                why = refused_articles.get(r[fk.column]) if fk.table == "articles" else None
                self.reasons[r[ROW]].append(f"references_{fk.table} failed: {fk.column}={r[fk.column]!r} is not loaded"
                                            + (f" ({why})" if why else ""))
            self.by_check[(f"references_{fk.table}", fk.column)] = (
                missing.select(pl.col(fk.column).alias("failure_case")).to_dicts())

    def tally_into(self, tally: "CheckTally", records: pl.DataFrame) -> None:
        for check, column in declared_checks(self.spec):
            self.by_check.setdefault((check, column), [])
        for (check, column), fails in self.by_check.items():
            # pandera failures carry a row index (a row can fail twice); span and reference failures are one per row
            from_pandera = bool(fails) and "index" in fails[0]
            rows_failed = len({f["index"] for f in fails if f["index"] is not None}) if from_pandera else len(fails)
            tally.add(self.spec.name, check, column, "error", rows_failed, self.df.height,
                      _sample_rows(self.df, records, fails[:SAMPLE_ROWS], column))

    def quarantine_rows(self, run_id: str, now: datetime) -> list[dict]:
        out = []
        for r in self.df.filter(pl.col(ROW).is_in(sorted(self.reasons))).iter_rows(named=True):
            reason = "; ".join(self.reasons[r[ROW]])
            row = {k: v for k, v in r.items() if k != ROW}
            out.append(dict(run_id=run_id, stage="validate", source_path=None, record=None, table_name=self.spec.name,
                            row_key=_key_of(self.spec, r), check_name=self.reasons[r[ROW]][0].split(" ", 1)[0],
                            reason=reason[:2000], payload=json.dumps(row, ensure_ascii=False, default=str)[:4000],
                            quarantined_at=now))
        return out

    def good_rows(self) -> pl.DataFrame:
        return self.df.filter(~pl.col(ROW).is_in(sorted(self.reasons))).drop(ROW)


def _tally_warnings(spec: TableSpec, good: pl.DataFrame, records: pl.DataFrame, tally: "CheckTally") -> None:
    """Warn checks flag rows that are loaded anyway: counted, with a sample."""
    if spec.warnings is None or not good.height:
        return
    warn_failures = _failures(spec.warnings, good)
    for name, col in spec.warnings.to_schema().columns.items():
        flagged = warn_failures.filter((pl.col("column") == name) & pl.col("index").is_not_null())
        sample = flagged.unique("index", keep="first", maintain_order=True).head(SAMPLE_ROWS).to_dicts()
        tally.add(spec.name, col.description or name, name, "warn",
                  flagged.get_column("index").n_unique() if flagged.height else 0, good.height,
                  _sample_rows(good, records, sample, name))


class _BatchValidation:
    def __init__(self, batch: BatchOutput, run_id: str):
        self.batch, self.run_id = batch, run_id
        self.now = datetime.now(timezone.utc)
        self.tally = CheckTally()
        self.good: dict[str, pl.DataFrame] = {}
        self.quarantined: list[dict] = []
        self.refused_articles: dict[str, str] = {}  # article_id -> why it was refused

    def run(self) -> ValidatedBatch:
        for spec in ARTICLE_TABLES:
            table = _TableCheck(spec, self.batch.tables[spec.name])
            table.contract()
            if "articles" in self.good:
                table.spans(self.good["articles"])
            table.references(self.good, self.refused_articles)
            table.tally_into(self.tally, self.batch.records)
            rows = table.quarantine_rows(self.run_id, self.now)
            if spec.name == "articles":
                self.refused_articles.update({r["row_key"]: r["reason"] for r in rows})
            self.quarantined += rows
            self.good[spec.name] = table.good_rows()
            _tally_warnings(spec, self.good[spec.name], self.batch.records, self.tally)
        quarantine = (pl.concat([self.batch.quarantine, QUARANTINE.frame(self.quarantined)], how="vertical")
                      if self.quarantined else self.batch.quarantine)
        return ValidatedBatch(tables=self.good, records=self._records(), quarantine=quarantine, tally=self.tally,
                              stats=dict(self.batch.stats))

    def _records(self) -> pl.DataFrame:
        """Article rows refused by validation: their source records are quarantined too, with the same reason."""
        records = self.batch.records
        if not self.refused_articles:
            return records
        refused = pl.DataFrame({"article_id": list(self.refused_articles), "__why": list(self.refused_articles.values())})
        return records.join(refused, on="article_id", how="left").with_columns(
            pl.when(pl.col("__why").is_not_null()).then(pl.lit("quarantined")).otherwise(pl.col("status")).alias("status"),
            pl.when(pl.col("__why").is_not_null()).then(pl.col("__why")).otherwise(pl.col("reason")).alias("reason"),
        ).drop("__why")


def validate_table(name: str, df: pl.DataFrame) -> pl.DataFrame:
    """Validate a bookkeeping frame (runs, dq_results, ...) strictly: a failure here is a bug, so it raises."""
    from ..errors import ContractError

    spec = TABLES[name]
    try:
        return spec.contract.validate(df, lazy=True)
    except SchemaErrors as exc:
        raise ContractError(f"{name} rows break their contract: {exc.failure_cases.head(5).to_dicts()}", stage="validate") from exc
