"""``dq_results``: the result of every data-quality check in every run (the history the report charts)."""

import pandera.polars as pa
import polars as pl

from ._base import TableSpec


class DqResults(pa.DataFrameModel):
    run_id: str = pa.Field(description="Run.")
    check_id: str = pa.Field(unique=True, description="The check's id in the registry (spaceetl.checks.registry), "
                             "e.g. 'mentions.span_matches_body[text]' or 'run.batches_failed'. Key with run_id.")
    table_name: str = pa.Field(description="Table checked ('run' for run-level checks).")
    check_name: str = pa.Field(description="Check.")
    column_name: str = pa.Field(nullable=True, description="Column checked, if any.")
    severity: str = pa.Field(isin=["error", "warn", "info"], description="error rows are quarantined; warn rows are loaded and counted.")
    status: str = pa.Field(isin=["pass", "fail", "error"], description="pass, fail, or error: the check itself "
                           "raised or timed out (its message says why); an error is never a pass.")
    failed_rows: pl.Int64 = pa.Field(ge=0, description="Rows failing the check.")
    total_rows: pl.Int64 = pa.Field(ge=0, description="Rows checked (what they are: denominator).")
    denominator: str = pa.Field(nullable=True, description="What total_rows counts, e.g. 'mentions extracted by this "
                                "run' or 'articles in the warehouse'.")
    sample: str = pa.Field(nullable=True, description="A few failing values, as JSON.")
    message: str = pa.Field(nullable=True, description="Why the check errored (status 'error'), or a note.")


class DqMetrics(pa.DataFrameModel):
    run_id: str = pa.Field(description="Run.")
    metric: str = pa.Field(description="Extraction-quality signal, e.g. entities_per_1000_words.")
    value: pl.Float64 = pa.Field(nullable=True, description="Value in this run.")
    baseline: pl.Float64 = pa.Field(nullable=True, description="Mean of the previous runs' values.")
    drift: bool = pa.Field(description="True if the value moved far from the baseline.")


SPEC = TableSpec(name="dq_results", contract=DqResults, primary_key=("run_id", "check_id"), per_article=False,
                 description="Every data-quality check of every run.")
METRICS_SPEC = TableSpec(name="dq_metrics", contract=DqMetrics, per_article=False,
                         description="Extraction-quality signals per run, with drift against earlier runs.")
