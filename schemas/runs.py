"""``runs``: one row per pipeline run - lineage for every other row."""

import pandera.polars as pa
import polars as pl

from ._base import TableSpec

RUN_STATUSES = ["running", "completed", "warning", "failed", "interrupted"]


class Runs(pa.DataFrameModel):
    run_id: str = pa.Field(unique=True, description="'run_<UTC start>_<random>'.")
    flow_run_id: str = pa.Field(nullable=True, description="Prefect flow run id (None when run without Prefect).")
    started_at: pl.Datetime(time_zone="UTC") = pa.Field(description="Start time.")
    finished_at: pl.Datetime(time_zone="UTC") = pa.Field(nullable=True, description="End time (None while running or if interrupted).")
    status: str = pa.Field(isin=RUN_STATUSES, description="running, completed, warning, failed, interrupted.")
    raw_dir: str = pa.Field(description="Folder that was ingested.")
    model_name: str = pa.Field(description="spaCy pipeline package.")
    model_version: str = pa.Field(description="spaCy pipeline version.")
    package_version: str = pa.Field(description="spaceetl version.")
    settings_json: str = pa.Field(description="All settings of the run, as JSON.")
    files_seen: pl.Int64 = pa.Field(nullable=True, ge=0, description="Files found in raw_dir.")
    files_unchanged: pl.Int64 = pa.Field(nullable=True, ge=0, description="Files skipped as unchanged.")
    records_read: pl.Int64 = pa.Field(nullable=True, ge=0, description="Records read from new or changed files.")
    articles_loaded: pl.Int64 = pa.Field(nullable=True, ge=0, description="New articles loaded.")
    duplicates: pl.Int64 = pa.Field(nullable=True, ge=0, description="Records that were exact copies of known articles.")
    near_duplicates: pl.Int64 = pa.Field(nullable=True, ge=0, description="New articles linked to an earlier story.")
    quarantined: pl.Int64 = pa.Field(nullable=True, ge=0, description="Quarantine rows written.")
    report_path: str = pa.Field(nullable=True, description="HTML data-quality report of the run.")
    message: str = pa.Field(nullable=True, description="Why the run is warning/failed/interrupted.")
    data_files_json: str = pa.Field(nullable=True, description="Domain data files the run used, as JSON: {file name: "
                                    "{sha256, origin ('shipped' or 'override' from SPACEETL_DATA_DIR), path}} (None "
                                    "for runs before this column existed).")
    files_deleted: pl.Int64 = pa.Field(nullable=True, ge=0, description="Files known from earlier runs that this run "
                                       "found gone from raw_dir (their sources rows became 'deleted').")


SPEC = TableSpec(name="runs", contract=Runs, primary_key=("run_id",), per_article=False,
                 description="Pipeline runs: lineage, model, settings and counts.")
