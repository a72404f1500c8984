"""The computations of the run-level checks declared in ``registry``: pure functions of a run's context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import Outcome

if TYPE_CHECKING:
    from .runner import CheckContext

VOLUME_RUNS = 5
VOLUME_MIN_MEDIAN = 20
VOLUME_SHARE = 0.1


def batches_failed(ctx: "CheckContext") -> Outcome:
    t = ctx.totals
    return Outcome(t.files_failed, t.records_read, [f.describe() for f in t.failures[:5]] or None)


def articles_loaded_when_input_read(ctx: "CheckContext") -> Outcome:
    t = ctx.totals
    return Outcome(int(bool(t.records_read and t.articles_loaded == 0 and t.duplicates == 0)), 1)


def quarantined_share(ctx: "CheckContext") -> Outcome:
    t = ctx.totals
    share = t.quarantined_inputs / t.records_read if t.records_read else 0.0
    return Outcome(t.quarantined_inputs if share > ctx.settings.quarantine_warn_share else 0, t.records_read)


def volume_not_far_below_recent_runs(ctx: "CheckContext") -> Outcome:
    """The raw folder shrank (files seen), not "this run loaded little": a rerun that finds most files unchanged
    loads few articles and is no alarm."""
    recent = ctx.conn.execute(
        "SELECT median(files_seen) FROM (SELECT files_seen FROM runs WHERE run_id <> ? AND files_seen > 0 "
        "AND raw_dir = (SELECT raw_dir FROM runs WHERE run_id = ?) AND status IN ('completed', 'warning') "
        f"ORDER BY started_at DESC LIMIT {VOLUME_RUNS})", [ctx.run_id, ctx.run_id]).fetchone()[0]
    low = bool(recent and recent >= VOLUME_MIN_MEDIAN and ctx.files_seen < VOLUME_SHARE * recent)
    return Outcome(int(low), 1, [{"this_run": ctx.files_seen, "recent_median": recent}] if low else None)


def metrics_drift(ctx: "CheckContext") -> Outcome:
    drifted = [m for m in ctx.metrics if m["drift"]]
    return Outcome(len(drifted), len(ctx.metrics),
                   [{"metric": m["metric"], "value": m["value"], "baseline": m["baseline"]} for m in drifted] or None)
