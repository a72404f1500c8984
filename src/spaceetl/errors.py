"""Typed errors that carry where they happened (stage, file, record), so a log line or a quarantine row can say
exactly what went wrong without a traceback."""

from __future__ import annotations


class SpaceetlError(Exception):
    """Base error. ``stage`` is one of discover/read/parse/extract/validate/load/report."""

    def __init__(self, message: str, *, stage: str, path: str | None = None, record: int | None = None):
        self.stage = stage
        self.path = path
        self.record = record
        where = "".join(
            [f" [{stage}]", f" {path}" if path else "", f" record {record}" if record is not None else ""]
        )
        super().__init__(f"{message}{where}")
        self.reason = message


class InputError(SpaceetlError):
    """A raw file or record cannot become an article. Always ends up as a quarantine row, never stops a run."""

    def __init__(self, check: str, message: str, *, stage: str = "read", path: str | None = None,
                 record: int | None = None):
        super().__init__(message, stage=stage, path=path, record=record)
        self.check = check


class ContractError(SpaceetlError):
    """A frame does not have the columns or types its contract declares: a bug in the pipeline, not bad input."""


class WarehouseBusyError(SpaceetlError):
    """Another process holds the DuckDB file (a run is loading, or a reader is connected). Retry later."""


class RunLockedError(SpaceetlError):
    """Another run is writing to the same warehouse and did not finish within the lock timeout."""


class EnvironmentCheckError(SpaceetlError):
    """The environment cannot run the pipeline at all (model missing, raw folder unreadable, warehouse unusable).
    Raised before a run starts, so nothing is written; the CLI exits with code 2."""

    def __init__(self, message: str, *, stage: str = "preflight", check: str = "", path: str | None = None):
        super().__init__(message, stage=stage, path=path)
        self.check = check

    def __str__(self) -> str:  # one line for the user: the detail already names the file
        return self.reason


class BatchFailedError(SpaceetlError):
    """A batch's extraction raised even after a retry; carries the first exception's type and message."""
