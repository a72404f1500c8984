"""The warehouse: one DuckDB file (or a DuckLake: catalog in SQLite/PostgreSQL, data in Parquet) whose DDL derives from the contracts in ``schemas/`` (``core``: connections,
the run lock, loads, run bookkeeping, the full-text index) and the read-only SQL console (``console``)."""

from .core import (LOCK_MESSAGES, RunLock, Target, extension_path, is_lake, lake_data_dir, retry_conflicts, target, connect, create_views, delete_unreferenced_articles, finish_run, fts_extension_path,
                   init_schema, insert_frame, insert_run, known_files, link_near_duplicates, load_batch, mark_deleted,
                   mark_interrupted_runs, mark_unchanged, present_files, rebuild_search_index, run_lock, session,
                   transaction, unrepaired_runs, view_sql)

__all__ = ["LOCK_MESSAGES", "RunLock", "Target", "extension_path", "is_lake", "lake_data_dir", "retry_conflicts", "target", "connect", "create_views", "delete_unreferenced_articles", "finish_run",
           "fts_extension_path", "init_schema", "insert_frame", "insert_run", "known_files", "link_near_duplicates",
           "load_batch", "mark_deleted", "mark_interrupted_runs", "mark_unchanged", "present_files",
           "rebuild_search_index", "run_lock", "session", "transaction", "unrepaired_runs", "view_sql"]
