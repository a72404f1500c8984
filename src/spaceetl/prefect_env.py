"""Prefect defaults for an offline machine, applied before Prefect is imported. Users can override any of them
in their environment (we only ``setdefault``)."""

from __future__ import annotations

import os

DEFAULTS = {
    # No telemetry: the machine has no internet, and analysts' runs are their own business.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The temporary local server can take a while to start the first time (database migrations).
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    # Our own loggers show up in the Prefect UI next to the task logs.
    "PREFECT_LOGGING_EXTRA_LOGGERS": "spaceetl",
    # Our loggers also run outside flow runs (the CLI, plain runs): no warning that those lines stay local.
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    # Batches are handed between tasks in memory; nothing needs persisting as a Prefect result.
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
}


def apply() -> None:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)


apply()
