"""Run every registered check, record its result, and decide the run's status from the results.

A check that raises or runs past ``check_timeout_s`` is a result too: status ``error`` with its message. The run
still reaches its report, and an erroring check is never counted as a pass.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .registry import Check, CheckContext, Outcome, by_id, check_id, registry, sample_json

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    check: Check
    status: str  # pass | fail | error
    failed: int = 0
    total: int = 0
    sample: list | None = None
    message: str | None = None

    def row(self, run_id: str) -> dict:
        c = self.check
        return dict(run_id=run_id, check_id=c.id, table_name=c.table, check_name=c.name, column_name=c.column,
                    severity=c.severity, status=self.status, failed_rows=self.failed, total_rows=self.total,
                    denominator=c.denominator, sample=sample_json(self.sample), message=self.message)


@contextmanager
def _deadline(conn, seconds: float) -> Iterator[None]:
    """Interrupt the connection's running query after ``seconds`` (DuckDB raises InterruptException)."""
    timer = threading.Timer(seconds, conn.interrupt) if seconds and hasattr(conn, "interrupt") else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()


def _compute(check: Check, ctx: CheckContext) -> Outcome:
    if check.kind == "contract":
        got = ctx.tally.get(check.table, check.name, check.column, check.severity)
        return Outcome(*got) if got else Outcome(0, 0)
    if check.kind == "sql":
        failed, total, sample = ctx.conn.execute(check.sql).fetchone()
        return Outcome(int(failed or 0), int(total or 0), list(sample) if sample else None)
    assert check.compute is not None, check.id
    return check.compute(ctx)


def run_one(check: Check, ctx: CheckContext) -> CheckResult:
    timeout = float(getattr(ctx.settings, "check_timeout_s", 0) or 0)
    try:
        with _deadline(ctx.conn, timeout):
            out = _compute(check, ctx)
    except Exception as exc:  # noqa: BLE001 - a check that errors is a result, never the end of the run
        what = "timed out" if type(exc).__name__ == "InterruptException" else "raised"
        message = f"the check {what}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]
        log.error("check %s %s", check.id, message)
        return CheckResult(check, "error", message=message)
    return CheckResult(check, "fail" if out.failed else "pass", out.failed, out.total, out.sample)


def _unregistered_tallies(ctx: CheckContext) -> list[CheckResult]:
    """Contract failures the registry did not foresee (a frame that did not match its contract at all): they are
    reported under their own id rather than lost."""
    if ctx.totals is None:  # checks outside a run: no batch was validated
        return []
    known = by_id()
    out = []
    for table, name, column, severity in ctx.tally.keys():
        cid = check_id(table, name, column)
        if cid in known:
            continue
        failed, total, sample = ctx.tally.get(table, name, column, severity)
        check = Check(cid, table, name, "error" if severity == "error" else "warn", "contract",
                      f"contract of {table}: {name}", f"{table} extracted by this run", column)
        out.append(CheckResult(check, "fail" if failed else "pass", failed, total, sample))
    return out


def run_checks(ctx: CheckContext, checks: tuple[Check, ...] | None = None) -> list[CheckResult]:
    results = [run_one(c, ctx) for c in (checks if checks is not None else registry())]
    return results + _unregistered_tallies(ctx)


@dataclass(frozen=True)
class Verdict:
    status: str  # completed | warning | failed
    problems: list[str]


def verdict(results: list[CheckResult], escalated: list[dict]) -> Verdict:
    """failed: a warehouse or run-level error check failed, or an error check errored; warning: a run-level warn
    check failed, a warn check errored, or a contract warn check crossed its threshold (``escalated``, from
    ``checks.escalation``). A failing contract error check is not a failed run: its rows were quarantined before
    the load (the quarantined share and its own line in the report say how many)."""
    problems: list[str] = []
    status = "completed"
    for r in results:
        c = r.check
        if r.status == "error":
            problems.append(f"{c.id} could not be computed ({r.message})")
            status = "failed" if c.severity == "error" else _at_least_warning(status)
        elif r.status == "fail" and c.severity == "error" and c.kind != "contract":
            problems.append(f"{c.id} failed on {r.failed} of {r.total} {c.denominator}")
            status = "failed"
        elif r.status == "fail" and c.warns_run:
            problems.append(f"{c.id}: {r.failed} of {r.total} {c.denominator}")
            status = _at_least_warning(status)
    for e in escalated:
        counted = e.get("denominator") or "rows checked"
        problems.append(f"{e['check_name']}: {e['failed_rows']} of {e['total_rows']} {counted}")
        status = _at_least_warning(status)
    return Verdict(status, problems)


def _at_least_warning(status: str) -> str:
    return "failed" if status == "failed" else "warning"


def warehouse_check_rows(conn) -> list[dict]:
    """The whole-warehouse (``sql``) checks on an open connection, outside a run (tests, ``doctor``)."""
    ctx = CheckContext(conn, run_id="", settings=None, totals=None, files_seen=0)
    return [r.row("") for r in run_checks(ctx, tuple(c for c in registry() if c.kind == "sql"))]
