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


def _environment_errors() -> tuple[type[BaseException], ...]:
    import duckdb

    return (SpaceetlError, duckdb.IOException, duckdb.TransactionException, OSError)


# What stops a run as a fault of the environment (exit code 2) rather than a failure of the data (exit code 1).
ENVIRONMENT_ERRORS = _environment_errors()


def describe_environment_error(exc: BaseException, settings=None) -> str:
    """One line for a fault of the machine rather than of the data: a full disk, a read-only or vanished
    warehouse folder, a warehouse held by another process. A run stopped by one stays ``running`` in ``runs`` and
    the next run marks it ``interrupted``; each batch is one transaction, so nothing is half loaded."""
    if isinstance(exc, SpaceetlError):
        return str(exc)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    where = f" (warehouse {settings.warehouse})" if settings is not None else ""
    if "No space left" in text or getattr(exc, "errno", None) == 28:
        return f"the disk is full{where}: {text}"
    if "Read-only file system" in text or getattr(exc, "errno", None) == 30:
        return f"the file system is read-only{where}: {text}"
    return f"{type(exc).__name__}{where}: {text}"


class QuietEnvironmentFaults:
    """A logging filter: an environment fault is logged as its one-line message, without the traceback Prefect's
    engine attaches to every failed task (the user can do nothing with it; ``--verbose`` keeps tracebacks)."""

    def filter(self, record) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and isinstance(exc, ENVIRONMENT_ERRORS):
            record.exc_info = None
            record.exc_text = None
        return True

    @classmethod
    def install(cls, *logger_names: str) -> None:
        import logging

        for name in logger_names:
            logger = logging.getLogger(name)
            if not any(isinstance(f, cls) for f in logger.filters):
                logger.addFilter(cls())
