"""The result objects the stages pass along: a run's context, its plan, its running totals, its result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..checks.contracts import CheckTally, ValidatedBatch
from ..config import Settings
from ..ingest.models import FileEntry, Rejected


@dataclass
class RunContext:
    run_id: str
    started_at: datetime
    settings: Settings
    model_name: str
    model_version: str
    flow_run_id: str | None = None
    # runs found unfinished ('running') when this one began: marked interrupted, their articles re-checked and
    # what they did not rebuild (full-text index) rebuilt by this run
    interrupted: list[str] = field(default_factory=list)

    @property
    def repairs(self) -> bool:
        return bool(self.interrupted)


@dataclass
class Plan:
    batches: list[list[FileEntry]]
    unchanged: list[str]
    rejected: list[Rejected]
    files_seen: int
    new_mtimes: dict[str, int] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    deleted_articles: int = 0

    @property
    def files_to_read(self) -> int:
        return sum(len(b) for b in self.batches)


@dataclass(frozen=True)
class BatchFailure:
    batch_no: int
    files: list[str]
    error_type: str
    message: str

    def describe(self) -> str:
        first = self.files[0] if self.files else "no file"
        return f"{self.error_type}: {self.message} (batch {self.batch_no + 1}, {len(self.files)} file(s), first {first})"


@dataclass
class RunTotals:
    records_read: int = 0
    articles_loaded: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    quarantined: int = 0
    quarantined_inputs: int = 0
    deleted_articles: int = 0
    nlp_words: int = 0
    nlp_seconds: float = 0.0
    load_seconds: float = 0.0
    tally: CheckTally = field(default_factory=CheckTally)
    worker_pids: set[int] = field(default_factory=set)
    failures: list[BatchFailure] = field(default_factory=list)
    worker_restarts: int = 0
    batches_done: int = 0

    @property
    def files_failed(self) -> int:
        return sum(len(f.files) for f in self.failures)

    def first_error(self) -> str | None:
        return self.failures[0].describe() if self.failures else None

    def add(self, validated: ValidatedBatch, counts: dict[str, int]) -> None:
        if "pid" in validated.stats:
            self.worker_pids.add(int(validated.stats["pid"]))
        self.records_read += int(validated.stats.get("records_read", 0))
        self.nlp_words += int(validated.stats.get("nlp_words", 0))
        self.nlp_seconds += float(validated.stats.get("nlp_seconds", 0.0))
        for name in ("articles_loaded", "duplicates", "near_duplicates", "quarantined", "quarantined_inputs",
                     "deleted_articles"):
            setattr(self, name, getattr(self, name) + int(counts.get(name, 0)))
        self.load_seconds += counts.get("load_seconds", 0.0)
        self.tally.merge(validated.tally)


@dataclass
class RunResult:
    """What a run returns: the summary the CLI prints and the report it wrote."""

    summary: dict
    report: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.summary["status"]

    @property
    def exit_code(self) -> int:
        return int(self.summary.get("exit_code", 1 if self.status == "failed" else 0))


@dataclass(frozen=True)
class BatchJob:
    batch_no: int
    entries: list[FileEntry]
    rejected: list[Rejected] = field(default_factory=list)
    attempt: int = 0
    isolated: bool = False  # a single file split out of a batch that raised

    @property
    def label(self) -> str:
        what = self.entries[0].rel_path if self.isolated and self.entries else f"{len(self.entries)} files"
        return f"batch {self.batch_no + 1} ({what})"
