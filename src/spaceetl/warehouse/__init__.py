"""The warehouse: one DuckDB file (or a DuckLake: catalog in SQLite/PostgreSQL, data in Parquet) whose DDL derives
from the contracts in ``schemas/`` (``core``: connections, the run lock, loads, run bookkeeping, the full-text
index, lake snapshots) and the read-only SQL console (``console``)."""

from .core import (LOCK_MESSAGES, RunLock, Target, checkpoint, connect, create_views, delete_unreferenced_articles,
                   extension_path, finish_run, fts_extension_path, init_schema, insert_frame, insert_run, is_lake,
                   kept_open, known_files, lake_data_dir, link_near_duplicates, load_batch, mark_deleted, mark_interrupted_runs,
                   mark_unchanged, open_verified, present_files, rebuild_search_index, restore_snapshot, retry_conflicts,
                   run_lock, run_snapshots, session, tag_commit, target, transaction, unrepaired_runs, update_run, verify_file,
                   view_sql)

__all__ = ["LOCK_MESSAGES", "RunLock", "Target", "checkpoint", "connect", "create_views", "delete_unreferenced_articles",
           "extension_path", "finish_run", "fts_extension_path", "init_schema", "insert_frame", "insert_run",
           "is_lake", "kept_open", "known_files", "lake_data_dir", "link_near_duplicates", "load_batch", "mark_deleted",
           "mark_interrupted_runs", "mark_unchanged", "open_verified", "present_files", "rebuild_search_index", "restore_snapshot",
           "retry_conflicts", "run_lock", "run_snapshots", "session", "tag_commit", "target", "transaction",
           "unrepaired_runs", "update_run", "verify_file", "view_sql"]
