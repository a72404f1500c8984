"""A run of the pipeline: the declared stages (``stages.STAGES``), the batch loop, the executors and the one
runner, :func:`run`. Nothing here imports Prefect; ``flows/etl.py`` decorates :func:`run`."""

from .context import RunResult
from .retry import DEFAULT_POLICY, RetryPolicy
from .run import RunInterrupted, run
from .stages import STAGES

__all__ = ["run", "RunResult", "RetryPolicy", "DEFAULT_POLICY", "RunInterrupted", "STAGES"]
