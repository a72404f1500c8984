"""``spaceetl rollback RUN_ID``: undo a bad run on a DuckLake warehouse.

A lake keeps every snapshot, tagged with the run that committed it, so undoing a run is restoring the snapshot
just before its first commit (itself a new snapshot: the undone run stays readable by time travel). Runs that
committed after it would be undone too; that is refused unless asked for by name, so a rollback never takes more
than the user meant. A DuckDB file has no snapshots: restore a copy of the file instead.
"""

from __future__ import annotations

import argparse
import sys

from ..config import Settings
from ..errors import SpaceetlError


def cmd_rollback(args: argparse.Namespace, settings: Settings) -> int:
    from .. import warehouse as wh
    from ..warehouse.core import LAKE_NAME, target

    if target(settings.warehouse).catalog is None:
        raise SpaceetlError(f"{settings.warehouse} is a DuckDB file: it keeps no snapshots, so a run cannot be "
                            "rolled back (restore a copy of the file; a DuckLake warehouse keeps them)", stage="rollback")
    with wh.session(settings.warehouse, retry_s=settings.busy_retry_s, data_path=settings.lake_data_path) as conn:
        made = wh.run_snapshots(conn, args.run_id)
        if not made:
            raise SpaceetlError(f"run {args.run_id!r} made no snapshot in {settings.warehouse} "
                                "(`spaceetl sql \"SELECT run_id, status FROM v_runs\"` lists the runs)", stage="rollback")
        snapshots = conn.execute(
            f"SELECT snapshot_id, json_extract_string(commit_extra_info, '$.run_id') "
            f"FROM ducklake_snapshots('{LAKE_NAME}') ORDER BY snapshot_id").fetchall()
        before = max((s for s, _ in snapshots if s < made[0]), default=None)
        later = sorted({r for s, r in snapshots if s > made[0] and r and r != args.run_id})
        if before is None:
            raise SpaceetlError("the run made the lake's first snapshot: there is nothing before it to go back to",
                                stage="rollback")
        if later and not args.and_later:
            raise SpaceetlError(f"{len(later)} later run(s) committed after {args.run_id} ({', '.join(later)}): "
                                "rolling back would undo them too; pass --and-later to do that", stage="rollback")
        counts_before = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("articles", "claims")}
        rows = wh.restore_snapshot(conn, before)
    undone = ", ".join([args.run_id, *later])
    sys.stdout.write(f"rolled back to snapshot {before} (before {args.run_id}); undone: {undone}\n"
                     f"  articles {counts_before['articles']} -> {rows.get('articles', 0)}, "
                     f"claims {counts_before['claims']} -> {rows.get('claims', 0)}\n"
                     "  the undone runs stay readable by time travel: SELECT ... FROM t AT (VERSION => "
                     f"{made[-1]})\n")
    return 0
