"""``quarantine``: everything the pipeline refused, with why - never silently dropped."""

import pandera.polars as pa
import polars as pl

from ._base import TableSpec

STAGES = ["discover", "read", "parse", "dedup", "extract", "validate", "load"]


class Quarantine(pa.DataFrameModel):
    run_id: str = pa.Field(description="Run that quarantined it.")
    stage: str = pa.Field(isin=STAGES, description="Stage that refused it.")
    source_path: str = pa.Field(nullable=True, description="Input file.")
    record: pl.Int64 = pa.Field(nullable=True, description="Record within the file (0 = whole file).")
    table_name: str = pa.Field(nullable=True, description="Table the row was meant for (validation failures).")
    row_key: str = pa.Field(nullable=True, description="Key of the refused row (article_id, mention_id, ...).")
    check_name: str = pa.Field(description="Check that failed: e.g. empty_file, binary_file, malformed_json, str_length(1, None).")
    reason: str = pa.Field(description="Human-readable reason.")
    payload: str = pa.Field(nullable=True, description="The refused row as JSON, or the start of the refused file.")
    quarantined_at: pl.Datetime(time_zone="UTC") = pa.Field(description="When.")


SPEC = TableSpec(name="quarantine", contract=Quarantine, per_article=False,
                 description="Refused files, records and rows with the check that failed.")
