"""The one way a run executes: :func:`run`. The CLI's Prefect flow decorates it, tests and notebooks call it as
it is, so every caller exercises the same path.

What it guarantees, whatever happens after the run's row is written:

* the run ends with a status that says what happened (``completed``, ``warning``, ``failed``, ``interrupted``),
  never ``running``; SIGINT and SIGTERM end it ``interrupted`` with exit codes 130 and 143;
* every batch is one transaction, so a stop leaves whole batches only; the next run marks runs left unfinished
  by a kill, re-checks the warehouse and rebuilds what they did not (the full-text index);
* a failing or erroring check, a bad derived row or one bad file never ends the run before its report.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from .. import warehouse as wh
from ..config import Settings
from ..errors import ENVIRONMENT_ERRORS
from . import stages
from .batches import BatchLoop, LoadedFn
from .context import Plan, RunContext, RunResult, RunTotals
from .executors import Executor, executor_for
from .retry import DEFAULT_POLICY, RetryPolicy

log = logging.getLogger(__name__)

#: How a stage is called: ``wrap(name, fn)`` returns the callable to use (a Prefect task in the flow).
StageWrapper = Callable[[str, Callable[..., Any]], Callable[..., Any]]


class RunInterrupted(BaseException):
    """SIGINT or SIGTERM reached the run (a BaseException, like KeyboardInterrupt: no ``except Exception`` in a
    stage swallows it)."""

    def __init__(self, signum: int):
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(f"stopped by {self.name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class RunObserver(Protocol):
    def planned(self, plan: Plan) -> None: ...

    def loaded(self, job, validated, counts: dict, failed: bool) -> None: ...

    def closed(self) -> None: ...


@contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGINT/SIGTERM raise :class:`RunInterrupted` in the run's thread (only the main thread can take them)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, _frame):
        raise RunInterrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def plain_stages(policy: RetryPolicy) -> StageWrapper:
    """Stages called directly, a transient fault tried again as the policy says."""
    return lambda name, fn: (lambda *args: policy.call(name, fn, *args))


def run(settings: Settings, executor: Executor | None = None, retry_policy: RetryPolicy | None = None, *,
        wrap: StageWrapper | None = None, observer: RunObserver | None = None, flow_run_id: str | None = None,
        preflight_done: bool = False, run_id: str | None = None) -> RunResult:
    """Run the pipeline over ``settings.raw_dir`` into ``settings.warehouse``.

    ``executor``: where extraction runs (default: chosen from the settings and the number of batches).
    ``wrap``: how stages are called (the Prefect flow passes task wrappers built from the same ``retry_policy``).
    ``run_id``: the id the run takes (default: the one ``executor`` extracts under, e.g. a head start's).
    Raises only for faults of the environment (``errors.ENVIRONMENT_ERRORS``: exit code 2 in the CLI)."""
    from ..preflight import ensure_ready

    policy = retry_policy or DEFAULT_POLICY
    call = wrap or plain_stages(policy)
    if not preflight_done:
        ensure_ready(settings)
    with wh.run_lock(settings.warehouse, settings.lock_timeout_s), wh.kept_open(settings.warehouse), \
            _signals_interrupt():
        ctx = call("begin", stages.begin)(settings, flow_run_id, run_id or getattr(executor, "run_id", None))
        return _RunSteps(ctx, call, policy, executor, observer).execute()


class _RunSteps:
    """The stages after ``begin``, with the bookkeeping of a run that stops part-way."""

    def __init__(self, ctx: RunContext, call: StageWrapper, policy: RetryPolicy, executor: Executor | None,
                 observer: RunObserver | None):
        self.ctx, self.call, self.policy, self.executor, self.observer = ctx, call, policy, executor, observer
        self.stage = "begin"

    def execute(self) -> RunResult:
        try:
            summary = self._stages()
        except RunInterrupted as sig:
            message = (f"interrupted by {sig.name} during {self.stage}: batches committed before it are kept; "
                       "the next run loads the rest, re-checks the warehouse and rebuilds its index")
            log.warning("run %s %s", self.ctx.run_id, message)
            return self._unfinished("interrupted", message, sig.exit_code)
        except ENVIRONMENT_ERRORS as exc:
            self._try_end("interrupted", f"stopped during {self.stage} by a fault of the environment: {exc}")
            raise
        except Exception as exc:  # noqa: BLE001 - a bug must still leave an honest run row and a report
            log.debug("run crashed", exc_info=True)
            message = f"crashed during {self.stage}: {type(exc).__name__}: {exc}"
            log.error("run %s %s", self.ctx.run_id, message)
            return self._unfinished("failed", message, 1)
        return RunResult(summary, self._report(summary))

    def _stages(self) -> dict:
        ctx = self.ctx
        self.stage = "discover"
        plan = self.call("discover", stages.discover)(ctx)
        if self.observer is not None:
            self.observer.planned(plan)
        self.stage = "extract"
        executor = self.executor or executor_for(ctx.settings, ctx.run_id, len(plan.batches))
        on_loaded: LoadedFn | None = self.observer.loaded if self.observer is not None else None
        try:
            totals = BatchLoop(ctx, executor, self.call("load", stages.load), RunTotals(), self.policy,
                               on_loaded).run_plan(plan)
        except RunInterrupted:
            executor.abort_running()  # do not wait for batches in flight: they are not loaded anyway
            raise
        finally:
            if self.observer is not None:
                self.observer.closed()
            if self.executor is None:
                executor.close()
        self.stage = "check"
        _results, outcome = self.call("check", stages.check)(ctx, plan, totals)
        self.stage = "finish"
        return self.call("finish", stages.finish)(ctx, plan, totals, outcome)

    def _report(self, summary: dict) -> dict:
        self.stage = "report"
        try:
            return self.call("report", stages.report)(self.ctx.settings, self.ctx.run_id)
        except RunInterrupted:
            log.warning("interrupted while writing the report; `spaceetl report %s` writes it again", self.ctx.run_id)
        except Exception as exc:  # noqa: BLE001 - the data and the checks are in; only the pages are missing
            log.error("the report could not be written: %s: %s", type(exc).__name__, exc)
            summary["message"] = "; ".join(filter(None, [summary.get("message"),
                                                         f"report not written: {type(exc).__name__}: {exc}"]))
            self._try_end(summary["status"], summary["message"])
        return {}

    def _try_end(self, status: str, message: str) -> bool:
        try:
            stages.end_unfinished(self.ctx.settings, self.ctx.run_id, status, message)
            return True
        except Exception as exc:  # noqa: BLE001 - the warehouse itself is the fault (full disk, gone)
            log.error("could not record the run's end (%s): the next run marks it interrupted", exc)
            return False

    def _unfinished(self, status: str, message: str, exit_code: int) -> RunResult:
        settings = self.ctx.settings
        self._try_end(status, message)
        report: dict = {}
        try:
            report = stages.report(settings, self.ctx.run_id)
        except BaseException as exc:  # noqa: BLE001 - a second signal or a broken warehouse: the row says enough
            log.debug("no report for the unfinished run: %s", exc)
        html = settings.resolved_reports_dir() / f"{self.ctx.run_id}.html"
        summary = dict(run_id=self.ctx.run_id, status=status, message=message, exit_code=exit_code,
                       warehouse=str(settings.warehouse), report_html=str(html),
                       report_json=str(html.with_suffix(".json")))
        return RunResult(summary, report)
