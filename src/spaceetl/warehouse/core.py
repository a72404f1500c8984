"""The DuckDB warehouse: DDL derived from the contracts, one transaction per batch, idempotent loads, run
bookkeeping, cross-table checks and the analyst views in ``warehouse/sql``.

Concurrency model (DuckDB allows one writing process per file, and a second open of a file being written
fails at once with "Could not set lock on file"):
* Runs take an exclusive lock file (``<warehouse>.lock``) for their whole duration: a second run on the same
  warehouse waits up to ``lock_timeout_s`` and then fails with a clear message.
* A run keeps the DuckDB file open from its first stage to its last (:func:`kept_open`): closing it after every
  batch made DuckDB checkpoint every time, rewriting each table's last row group, up to a second per batch in the
  run's own process. A reader that finds the file held leaves a knock (``<warehouse>.wait``); the run then closes
  the file after the transaction in hand, so the reader gets in between two batches, as before. Both sides retry
  the open with back-off for ``busy_retry_s`` and then raise :class:`WarehouseBusyError` ("busy, retry").
* Every batch is one transaction: a crash (or kill) at any point leaves either the whole batch or none of it.
  The next run marks the dead run ``interrupted`` and picks up the files it did not load.

The same code serves a DuckLake warehouse (``ducklake:sqlite:PATH`` or ``ducklake:postgres:CONNINFO``: catalog in
a database, data in Parquet under the lake data path). There several loaders commit at once; what differs is
routed here, in one place:
* the tables are created without PRIMARY KEY (DuckLake refuses it): the registry's ``unique_key`` checks hold them;
* the run lock is shared (several runs at once); a run marks others ``interrupted`` only when it was alone;
* a write that meets a concurrent commit (a SQLite catalog answers "database is locked"; a lake conflict) is
  rolled back whole and retried (:func:`retry_conflicts`); each load also bumps one row (``lake_writes``) so two
  overlapping loads always conflict and the second one sees the first's articles: an article is stored once;
* the full-text index lives in a DuckDB file beside the catalog (``<catalog>.search.duckdb``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import fcntl
import importlib
import json
import logging
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from ..errors import RunLockedError, WarehouseBusyError
from ..ingest.discover import KnownFile
from ..schemas import ARTICLE_TABLES, TABLES, ddl

log = logging.getLogger(__name__)
LOCK_MESSAGES = ("Could not set lock", "Conflicting lock", "database is locked")
# What a write that lost a race with another loader's commit says (SQLite catalog, lake conflict check).
CONFLICT_MESSAGES = ("database is locked", "onflict", "could not serialize", "deadlock detected")
# Another process created the same new lake catalog at the same moment: attaching again finds it made.
ATTACH_RACE_MESSAGES = ("Failed to initialize DuckLake",)
LAKE_PREFIX = "ducklake:"
LAKE_NAME = "lake"
T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """Where the warehouse lives. ``home`` is a local file path the lock file and the search index sit beside
    (the DuckDB file itself, the SQLite catalog, or ``warehouse/lake`` for a PostgreSQL catalog)."""

    raw: str
    catalog: str | None  # None: a DuckDB file; "sqlite" or "postgres": a DuckLake catalog
    location: str  # the DuckDB file, the SQLite catalog file, or the PostgreSQL connection string
    home: Path

    @property
    def is_lake(self) -> bool:
        return self.catalog is not None

    def default_data_path(self) -> Path:
        return Path(f"{self.home}.files")

    def search_path(self) -> Path:
        return Path(f"{self.home}.search.duckdb")


def target(value: Path | str) -> Target:
    """Parse the warehouse setting: a DuckDB file path, or ``ducklake:sqlite:PATH`` / ``ducklake:postgres:CONNINFO``."""
    raw = str(value)
    if not raw.startswith(LAKE_PREFIX):
        return Target(raw, None, raw, Path(raw))
    kind, _, location = raw[len(LAKE_PREFIX):].partition(":")
    if kind == "sqlite" and location:
        path = Path(location).expanduser().resolve()
        return Target(raw, "sqlite", str(path), path)
    if kind == "postgres" and location:  # no local catalog file: lock, search index, reports under SPACEETL_LAKE_HOME
        return Target(raw, "postgres", location, Path(os.environ.get("SPACEETL_LAKE_HOME", "warehouse/lake")).resolve())
    from ..errors import SpaceetlError

    raise SpaceetlError(f"warehouse {raw!r}: a DuckLake warehouse is ducklake:sqlite:PATH or "
                        "ducklake:postgres:CONNINFO", stage="load")


def extension_path(package: str, name: str) -> Path | None:
    """A DuckDB extension shipped on PyPI for this DuckDB version (``duckdb-extension-*``): no download at run time."""
    try:
        module = importlib.import_module(package)
    except ImportError:
        return None
    path = Path(module.__file__).parent / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"
    return path if path.exists() else None


def fts_extension_path() -> Path | None:
    """The fts extension shipped on PyPI for DuckDB 1.5.5 (no download at run time)."""
    return extension_path("duckdb_extension_fts", "fts")


def _load_extension(conn: duckdb.DuckDBPyConnection, package: str, name: str, *, required: bool) -> None:
    from ..errors import EnvironmentCheckError

    path = extension_path(package, name)
    if path is None:
        if required:
            raise EnvironmentCheckError(f"DuckDB's {name} extension file is missing (pip install "
                                        f"{package.replace('_', '-')}=={duckdb.__version__})", stage="load")
        return
    try:
        conn.execute(f"LOAD '{path.as_posix()}'")
    except duckdb.Error as exc:
        if required:
            raise
        log.warning("%s extension not loaded: %s", name, exc)  # a mismatched fts must not stop loads


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _prepare_sqlite_catalog(path: Path) -> None:
    """WAL journal: readers never block a loader's commit, and a commit from a stale snapshot fails at once
    ("database is locked"), which :func:`retry_conflicts` retries, instead of waiting on a held lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=30)
    try:
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def _data_path_text(value: Path | str) -> str:
    """A local folder is created and made absolute; a URL (``s3://``, ``gs://``, ...) is passed as given."""
    text = str(value)
    if "://" in text:
        return text.rstrip("/") + "/"
    folder = Path(text).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder.as_posix() + "/"


RUN_MEMORY_LIMIT = "1GB"


def _open(where: Target, read_only: bool, data_path: Path | str | None) -> duckdb.DuckDBPyConnection:
    if not where.is_lake:
        if not read_only:
            Path(where.location).parent.mkdir(parents=True, exist_ok=True)
        # A run's writes and whole-warehouse checks (and the full-text index) get a bounded share of memory: by
        # default DuckDB would cache up to 80% of the machine, so a run's peak grew with the warehouse.
        config = {} if read_only else {"memory_limit": RUN_MEMORY_LIMIT}
        conn = duckdb.connect(where.location, read_only=read_only, config=config)
        _load_extension(conn, "duckdb_extension_fts", "fts", required=False)
        return conn
    from ..errors import SpaceetlError

    if where.catalog == "sqlite" and read_only and not Path(where.location).is_file():
        raise SpaceetlError(f"no DuckLake catalog at {where.location}: run `spaceetl run` first", stage="load")
    conn = duckdb.connect()
    try:
        with _attach_lock(where, read_only):  # two loaders creating one new catalog at once must not race
            new = where.catalog == "postgres" or not Path(where.location).is_file()
            if where.catalog == "sqlite" and not read_only:
                _prepare_sqlite_catalog(Path(where.location))
            _attach(conn, where, read_only, data_path, new)
    except BaseException:
        conn.close()
        raise
    return conn


@contextlib.contextmanager
def _attach_lock(where: Target, read_only: bool) -> Iterator[None]:
    """Exclusive for the moment of a writable ATTACH (``<home>.attach.lock``): loaders on one machine never race
    to create a new catalog. Loaders on several machines that do race retry (``ATTACH_RACE_MESSAGES``)."""
    if read_only or not where.is_lake:
        yield
        return
    path = Path(f"{where.home}.attach.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _attach(conn: duckdb.DuckDBPyConnection, where: Target, read_only: bool, data_path: Path | str | None,
            new: bool) -> None:
    _load_extension(conn, "duckdb_extension_ducklake", "ducklake", required=True)
    scanner = "sqlite_scanner" if where.catalog == "sqlite" else "postgres_scanner"
    _load_extension(conn, f"duckdb_extension_{scanner}", scanner, required=True)
    _load_extension(conn, "duckdb_extension_fts", "fts", required=False)
    options = []
    if read_only:
        options.append("READ_ONLY")
    elif data_path or new:  # an existing lake keeps the folder its catalog records (a different one is refused)
        data = _data_path_text(data_path or where.default_data_path())
        options.append(f"DATA_PATH {_quote(data)}")
    conn.execute(f"ATTACH {_quote(f'ducklake:{where.catalog}:{where.location}')} AS {LAKE_NAME}"
                 + (f" ({', '.join(options)})" if options else ""))
    conn.execute(f"USE {LAKE_NAME}")


_lake_instances: dict[tuple[str, str], duckdb.DuckDBPyConnection] = {}


def _drop_lake_instances() -> None:
    """Before a fork (spaCy's worker processes) and at exit: no DuckDB instance crosses into a child."""
    for base in _lake_instances.values():
        with contextlib.suppress(duckdb.Error):
            base.close()
    _lake_instances.clear()


os.register_at_fork(before=_drop_lake_instances)


def _lake_cursor(where: Target, data_path: Path | str | None) -> duckdb.DuckDBPyConnection:
    """A writable lake connection from this process's one attached instance. Loading the three extensions and
    attaching costs about 1.3 s; a run opens the warehouse once per batch and a few times more, so the instance is
    kept and each session gets its own connection (its own transactions) to it. Each transaction still reads
    the catalog's latest snapshot, so other loaders' commits are seen."""
    key = (where.raw, str(data_path or ""))
    base = _lake_instances.get(key)
    if base is None:
        base = _lake_instances[key] = _open(where, False, data_path)
    try:
        cursor = base.cursor()
    except duckdb.Error:
        _lake_instances.pop(key, None)
        raise
    cursor.execute(f"USE {LAKE_NAME}")
    return cursor


@dataclass
class _KeptOpen:
    """The run's own connection to its DuckDB file (None between a reader's knock and the next session)."""

    where: Target
    base: duckdb.DuckDBPyConnection | None = None
    pid: int = dataclasses.field(default_factory=os.getpid)  # a forked child has a copy, not the database

    @property
    def knock(self) -> Path:
        return Path(f"{self.where.location}.wait")


_kept: dict[str, _KeptOpen] = {}


@contextlib.contextmanager
def kept_open(path: Path | str) -> Iterator[None]:
    """Within the block, sessions on the DuckDB file ``path`` in this process share one open database: a session's
    close is then cheap, and DuckDB checkpoints when its log is full or the block ends, not after every batch. A
    lake keeps its own instance (:func:`_lake_cursor`)."""
    where = target(path)
    if where.is_lake or where.location in _kept:
        yield
        return
    kept = _kept[where.location] = _KeptOpen(where)
    try:
        yield
    finally:
        _kept.pop(where.location, None)
        if kept.base is not None:
            with contextlib.suppress(duckdb.FatalException):  # already reported by the run's own checkpoint
                kept.base.close()


def _kept_cursor(kept: _KeptOpen) -> duckdb.DuckDBPyConnection:
    if kept.base is None:
        kept.base = _open(kept.where, False, None)
    return kept.base.cursor()


def _release_if_knocked(path: Path | str) -> None:
    """A reader is waiting (it left a knock): close the run's connection now, between two transactions."""
    kept = _kept.get(target(path).location)
    if kept is None or kept.base is None or kept.pid != os.getpid() or not kept.knock.exists():
        return
    with contextlib.suppress(OSError):
        kept.knock.unlink()
    log.debug("a reader is waiting for %s: closing it until the next batch", kept.where.location)
    kept.base.close()
    kept.base = None


def checkpoint(conn: duckdb.DuckDBPyConnection) -> None:
    """Fold the log into a DuckDB file now. A run keeps its file open (:func:`kept_open`), and a checkpoint that
    fails when the connection closes is only logged by DuckDB: a full disk must fail the run instead (its
    writes stay safe in the log). A lake commits to its files as it goes."""
    if is_lake(conn):
        return
    try:
        conn.execute("CHECKPOINT")
    except duckdb.FatalException as exc:  # DuckDB gives up on the open database; the file and its log are intact
        for kept in _kept.values():
            if kept.base is not None and kept.pid == os.getpid():
                with contextlib.suppress(duckdb.Error):
                    kept.base.close()
                kept.base = None  # the next session opens the file afresh
        raise duckdb.IOException(str(exc).replace("FATAL Error: ", "", 1)) from exc


def _knock(where: Target) -> None:
    """Ask the run holding the file to let this reader in (see :func:`kept_open`)."""
    if not where.is_lake:
        with contextlib.suppress(OSError):
            Path(f"{where.location}.wait").touch()


def connect(path: Path | str, *, read_only: bool = False, retry_s: float = 30.0,
            data_path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (a DuckDB file, or a DuckLake attached as ``lake`` and in use), retrying with back-off
    while another process holds it. ``data_path`` is where a new lake puts its Parquet files (default beside
    the catalog, ``<catalog>.files/``); an existing lake keeps the one its catalog records."""
    where = target(path)
    deadline = time.monotonic() + retry_s
    delay = 0.05
    while True:
        try:
            if where.is_lake and not read_only:
                return _lake_cursor(where, data_path)
            kept = _kept.get(where.location)
            if kept is not None and kept.pid == os.getpid():  # this process's run holds the file: the same database
                return _kept_cursor(kept)
            return _open(where, read_only, data_path)
        except duckdb.Error as exc:
            if not any(m in str(exc) for m in (*LOCK_MESSAGES, *ATTACH_RACE_MESSAGES)):
                raise
            if read_only:
                _knock(where)
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"warehouse {path} is busy (another process is writing or reading it); retry in a moment",
                    stage="load", path=str(path)) from exc
            time.sleep(delay + random.uniform(0, delay))
            delay = min(delay * 2, 1.0)


def is_lake(conn: duckdb.DuckDBPyConnection) -> bool:
    """By the database's kind, not its name: a DuckDB file called ``lake.duckdb`` is named ``lake`` too."""
    row = conn.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row is not None and row[0] == "ducklake"


def lake_data_dir(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The folder a lake's catalog records for its Parquet files (None for a DuckDB file)."""
    if not is_lake(conn):
        return None
    row = conn.execute(f"SELECT value FROM __ducklake_metadata_{LAKE_NAME}.ducklake_metadata "
                       "WHERE key = 'data_path'").fetchone()
    return row[0] if row else None


def tag_commit(conn: duckdb.DuckDBPyConnection, run_id: str, what: str) -> None:
    """Name the lake snapshot the open transaction will make after its run (``commit_extra_info`` holds the
    run id), so the snapshot a run left can be found (:func:`run_snapshots`). Nothing for a DuckDB file."""
    if is_lake(conn):
        conn.execute(f"CALL {LAKE_NAME}.set_commit_message('spaceetl', {_quote(f'{what} {run_id}')}, "
                     f"extra_info => {_quote(json.dumps({'run_id': run_id}))})")


def run_snapshots(conn: duckdb.DuckDBPyConnection, run_id: str) -> list[int]:
    """The lake snapshots a run committed, oldest first: the last one is the warehouse as the run left it."""
    return [r[0] for r in conn.execute(
        f"SELECT snapshot_id FROM ducklake_snapshots({_quote(LAKE_NAME)}) "
        "WHERE json_extract_string(commit_extra_info, '$.run_id') = ? ORDER BY snapshot_id", [run_id]).fetchall()]


def restore_snapshot(conn: duckdb.DuckDBPyConnection, snapshot_id: int) -> dict[str, int]:
    """Roll the lake back to an earlier snapshot (undo a bad run): in one transaction every table gets the rows
    it had then. It is a new snapshot, so the rolled-back state stays reachable by time travel too.
    Returns the rows per table after the restore."""
    if not is_lake(conn):
        from ..errors import SpaceetlError

        raise SpaceetlError("restoring a snapshot needs a DuckLake warehouse", stage="load")
    existed = {r[0] for r in conn.execute(
        f"SELECT table_name FROM ducklake_table_info({_quote(LAKE_NAME)})").fetchall()}
    rows = {}
    with transaction(conn):
        conn.execute(f"CALL {LAKE_NAME}.set_commit_message('spaceetl', {_quote(f'restore snapshot {snapshot_id}')})")
        for name in TABLES:
            if name not in existed:
                continue
            # Read the old rows before deleting: in the same transaction a time-travel read sees the delete.
            try:
                old = conn.execute(f'SELECT * FROM "{name}" AT (VERSION => {int(snapshot_id)})').fetch_arrow_table()
            except duckdb.CatalogException:  # the table did not exist yet at that snapshot: it ends empty
                old = None
            conn.execute(f'DELETE FROM "{name}"')
            if old is not None and old.num_rows:
                conn.register("_restored", old)
                conn.execute(f'INSERT INTO "{name}" SELECT * FROM _restored')
                conn.unregister("_restored")
            rows[name] = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    return rows


CONFLICT_RETRY_S = float(os.environ.get("SPACEETL_CONFLICT_RETRY_S", "120"))  # how long a write retries
conflict_retries = 0  # in this process, for the run summary and the benchmark


def retry_conflicts(fn: Callable[..., T]) -> Callable[..., T]:
    """Retry a write that lost a race with another loader's commit. The function must be one transaction (or
    one statement): the failed attempt was rolled back whole, so running it again loses nothing and doubles
    nothing. A DuckDB file has one writer and never raises these."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        global conflict_retries
        deadline = time.monotonic() + CONFLICT_RETRY_S
        delay = 0.05
        while True:
            try:
                return fn(*args, **kwargs)
            except duckdb.Error as exc:
                if not any(m in str(exc) for m in CONFLICT_MESSAGES) or time.monotonic() >= deadline:
                    raise
                conflict_retries += 1
                log.info("%s met a concurrent commit: retrying (%s)", fn.__name__, str(exc).splitlines()[-1][:200])
                time.sleep(delay + random.uniform(0, delay))
                delay = min(delay * 2, 2.0)
    return wrapper


@contextlib.contextmanager
def session(path: Path | str, *, read_only: bool = False, retry_s: float = 30.0,
            data_path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    conn = connect(path, read_only=read_only, retry_s=retry_s, data_path=data_path)
    try:
        yield conn
    finally:
        conn.close()
        _release_if_knocked(path)


@contextlib.contextmanager
def transaction(conn: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back on any exception (a kill leaves none of it)."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            conn.execute("ROLLBACK")
        raise


@dataclass
class RunLock:
    """What the run lock told this process: ``alone`` when no other run held the warehouse as it started, and
    since when (``since``): runs marked ``running`` that started before that moment are dead."""

    shared: bool = False
    alone: bool = True
    since: datetime | None = None


held_lock: RunLock | None = None  # the run lock this process holds, if any


def _wait_for_lock(fh, path, mode: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    waiting = False
    while True:
        try:
            fcntl.flock(fh.fileno(), mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if not waiting:
                waiting = True
                fh.seek(0)
                holder = fh.read().strip()
                log.warning("another spaceetl run%s is writing to %s: waiting for it (up to %.0f s, "
                            "SPACEETL_LOCK_TIMEOUT_S)", f" (process {holder})" if holder else "", path, timeout_s)
            if time.monotonic() >= deadline:
                raise RunLockedError(
                    f"another spaceetl run is writing to {path} and did not finish within {timeout_s:.0f}s",
                    stage="load", path=str(path)) from None
            time.sleep(0.5)


@contextlib.contextmanager
def run_lock(path: Path | str, timeout_s: float) -> Iterator[RunLock]:
    """Per-warehouse run lock beside the warehouse (``<file>.lock``; for a lake beside its catalog). Released by
    the OS if the process dies, so a killed run never blocks. A DuckDB file: exclusive, one run at a time. A
    lake: shared, so several runs load at once; a run that found no other holder (``alone``) may mark runs
    left ``running`` before it started as interrupted."""
    global held_lock
    where = target(path)
    lock_path = Path(f"{where.home}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(lock_path, "a+")
    state = RunLock(shared=where.is_lake)
    try:
        if where.is_lake:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                state.since = datetime.now(timezone.utc)
            except BlockingIOError:
                state.alone = False
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH)  # converts an exclusive lock; waits for a starting one
        else:
            _wait_for_lock(fh, path, fcntl.LOCK_EX, timeout_s)
            state.since = datetime.now(timezone.utc)
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
        held_lock = state
        yield state
    finally:
        held_lock = None
        with contextlib.suppress(OSError):
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()


@retry_conflicts
def init_schema(conn: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, add columns a newer contract declares to an older warehouse, (re)create views."""
    from ..schemas import duckdb_type

    lake = is_lake(conn)
    if lake:  # the row every load bumps, so that two overlapping loads conflict (see the module's docstring)
        conn.execute("CREATE TABLE IF NOT EXISTS lake_writes (loads BIGINT NOT NULL)")
        if conn.execute("SELECT count(*) FROM lake_writes").fetchone()[0] == 0:
            conn.execute("INSERT INTO lake_writes VALUES (0)")
    for spec in TABLES.values():
        conn.execute(ddl(spec, primary_key=not lake))
        existing = {r[0] for r in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [spec.name]).fetchall()}
        for name, col in spec.schema.columns.items():
            if name not in existing:  # additive migration: older rows get NULL
                log.info("warehouse migration: adding %s.%s", spec.name, name)
                conn.execute(f'ALTER TABLE "{spec.name}" ADD COLUMN "{name}" {duckdb_type(col.dtype.type)}')
    create_views(conn)


def create_views(conn: duckdb.DuckDBPyConnection) -> None:
    for _name, sql in view_sql():
        conn.execute(sql)


def view_sql() -> list[tuple[str, str]]:
    """The analyst views, ``warehouse/sql/*.sql`` (installed as ``spaceetl.sql``), in file-name order."""
    from importlib import resources

    files = sorted((f for f in resources.files("spaceetl.sql").iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return [(f.name, f.read_text(encoding="utf-8")) for f in files]


def _cols(name: str) -> str:
    return ", ".join(f'"{c}"' for c in TABLES[name].columns)


def insert_frame(conn: duckdb.DuckDBPyConnection, name: str, df: pl.DataFrame, *, ignore_existing: bool = False) -> int:
    """Append a contract-shaped frame through Arrow (no row-by-row inserts). Returns rows inserted."""
    if df.height == 0:
        return 0
    spec = TABLES[name]
    view = f"_incoming_{name}"
    conn.register(view, df.select(spec.columns).to_arrow())
    try:
        if ignore_existing and spec.primary_key:
            keys = " AND ".join(f't."{k}" = i."{k}"' for k in spec.primary_key)
            sql = (f'INSERT INTO "{name}" ({_cols(name)}) SELECT {_cols(name)} FROM {view} i '
                   f'WHERE NOT EXISTS (SELECT 1 FROM "{name}" t WHERE {keys})')
        else:
            sql = f'INSERT INTO "{name}" ({_cols(name)}) SELECT {_cols(name)} FROM {view}'
        before = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        conn.execute(sql)
        return conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] - before
    finally:
        conn.unregister(view)


# --- runs ----------------------------------------------------------------------------------------------------

@retry_conflicts
def mark_interrupted_runs(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Runs still 'running' when a new run holds the run lock died mid-way (killed, crashed, machine lost). On a
    lake other runs may be alive: only a run that started alone marks, and only runs started before it."""
    lock = held_lock
    if lock is not None and lock.shared and not lock.alone:
        return []
    where = "status = 'running'" + (" AND started_at < ?" if lock is not None and lock.since else "")
    params = [lock.since] if lock is not None and lock.since else []
    stale = [r[0] for r in conn.execute(f"SELECT run_id FROM runs WHERE {where}", params).fetchall()]
    if stale:
        conn.execute("UPDATE runs SET status = 'interrupted', message = 'the run process ended before finishing; "
                     f"batches it committed are kept, the rest is loaded by the next run' WHERE {where}", params)
    return stale


def unrepaired_runs(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Runs that ended before their checks (interrupted, killed, crashed) since the last run that checked the
    warehouse: the next run re-checks everything and rebuilds what they left (the full-text index). On a lake
    shared with other live runs, a ``running`` run is one of them, not a dead one."""
    lock = held_lock
    statuses = ("'interrupted', 'failed'" if lock is not None and lock.shared and not lock.alone
                else "'running', 'interrupted', 'failed'")
    return [r[0] for r in conn.execute(f"""
        SELECT run_id FROM runs r
        WHERE NOT EXISTS (SELECT 1 FROM dq_results d WHERE d.run_id = r.run_id)
          AND status IN ({statuses})
          AND started_at > coalesce((SELECT max(x.started_at) FROM runs x
                                     WHERE EXISTS (SELECT 1 FROM dq_results d WHERE d.run_id = x.run_id)),
                                    '-infinity'::TIMESTAMPTZ)
        ORDER BY started_at""").fetchall()]


@retry_conflicts
def insert_run(conn: duckdb.DuckDBPyConnection, run: dict) -> None:
    from ..checks.contracts import validate_table

    with transaction(conn):
        tag_commit(conn, run["run_id"], "start")
        insert_frame(conn, "runs", validate_table("runs", TABLES["runs"].frame([run])))


@retry_conflicts
def update_run(conn: duckdb.DuckDBPyConnection, run_id: str, **fields) -> None:
    """Set fields of a run's row while it runs (retried like every write, for a lake shared with other runs)."""
    assignments = ", ".join(f'"{k}" = ?' for k in fields)
    with transaction(conn):
        tag_commit(conn, run_id, "progress")
        conn.execute(f"UPDATE runs SET {assignments} WHERE run_id = ?", [*fields.values(), run_id])


@retry_conflicts
def finish_run(conn: duckdb.DuckDBPyConnection, run_id: str, **fields) -> None:
    fields.setdefault("finished_at", datetime.now(timezone.utc))
    assignments = ", ".join(f'"{k}" = ?' for k in fields)
    with transaction(conn):
        tag_commit(conn, run_id, f"finish ({fields.get('status', '')})")
        conn.execute(f"UPDATE runs SET {assignments} WHERE run_id = ?", [*fields.values(), run_id])


def known_files(conn: duckdb.DuckDBPyConnection) -> dict[str, KnownFile]:
    """Files whose content the warehouse holds, for change detection. A deleted file whose article was removed
    (``on_delete = remove``) is not known any more: if it comes back it is read again."""
    rows = conn.execute(
        "SELECT source_path, any_value(file_size), any_value(mtime_ns), any_value(file_sha256), any_value(outcome) "
        "FROM sources WHERE source_path NOT IN (SELECT source_path FROM sources WHERE status = 'deleted' "
        "AND article_id IS NULL AND outcome <> 'quarantined') GROUP BY source_path").fetchall()
    return {p: KnownFile(size, mtime, sha, outcome) for p, size, mtime, sha, outcome in rows}


def present_files(conn: duckdb.DuckDBPyConnection, raw_dir: str) -> set[str]:
    """Files not yet marked deleted that were last seen by a run over the same raw folder (a run over another
    folder into the same warehouse must not mark this folder's files as deleted)."""
    return {r[0] for r in conn.execute(
        "SELECT DISTINCT s.source_path FROM sources s JOIN runs r ON r.run_id = s.run_id "
        "WHERE s.status <> 'deleted' AND r.raw_dir = ?", [raw_dir]).fetchall()}


@retry_conflicts
def mark_deleted(conn: duckdb.DuckDBPyConnection, paths: list[str], run_id: str, remove: bool) -> int:
    """Files gone from the raw folder: their ``sources`` rows become ``deleted``. With ``remove`` their articles
    (and every row derived from them) are deleted too, unless another file still holds the same text; the rows
    then keep no ``article_id``. One transaction. Returns the number of articles deleted."""
    if not paths:
        return 0
    with transaction(conn):
        tag_commit(conn, run_id, "deleted files")
        conn.register("_deleted", pl.DataFrame({"source_path": paths}, schema={"source_path": pl.String}).to_arrow())
        held = [r[0] for r in conn.execute(
            "SELECT DISTINCT article_id FROM sources WHERE article_id IS NOT NULL "
            "AND source_path IN (SELECT source_path FROM _deleted)").fetchall()]
        if remove:
            conn.execute("""
                UPDATE sources SET status = 'deleted', run_id = ?, article_id = NULL,
                       reason = 'file deleted from the raw folder; its article was removed (on_delete = remove)'
                WHERE source_path IN (SELECT source_path FROM _deleted)""", [run_id])
        else:
            conn.execute("UPDATE sources SET status = 'deleted', run_id = ? "
                         "WHERE source_path IN (SELECT source_path FROM _deleted)", [run_id])
        conn.unregister("_deleted")
        removed = delete_unreferenced_articles(conn, held) if remove and held else 0
    return removed


@retry_conflicts
def mark_unchanged(conn: duckdb.DuckDBPyConnection, paths: list[str], run_id: str,
                   new_mtimes: dict[str, int] | None = None) -> None:
    if not paths:
        return
    frame = pl.DataFrame({"source_path": paths, "mtime_ns": [(new_mtimes or {}).get(p) for p in paths]},
                         schema={"source_path": pl.String, "mtime_ns": pl.Int64})
    conn.register("_unchanged", frame.to_arrow())
    try:
        conn.execute("""
            UPDATE sources SET status = 'unchanged', run_id = ?,
                   mtime_ns = coalesce(u.mtime_ns, sources.mtime_ns)
            FROM _unchanged u WHERE sources.source_path = u.source_path""", [run_id])
    finally:
        conn.unregister("_unchanged")


# --- batch load ----------------------------------------------------------------------------------------------

@retry_conflicts
def load_batch(conn: duckdb.DuckDBPyConnection, batch, files: pl.DataFrame, run_id: str,
               near_duplicate_threshold: float = 0.6) -> dict[str, int]:
    """Load one validated batch in one transaction.

    ``files`` has (source_path, file_size, mtime_ns) of the batch's files. Re-loading the same content adds
    nothing (keys are content- and span-derived); a changed file's old article is deleted with everything
    derived from it when no other file still holds it.
    """
    counts = {"articles_loaded": 0, "duplicates": 0, "quarantined": 0, "quarantined_inputs": 0, "deleted_articles": 0,
              "near_duplicates": 0}
    with transaction(conn):
        if is_lake(conn):  # first: a concurrent load that commits before this one makes this one retry
            conn.execute("UPDATE lake_writes SET loads = loads + 1")
            tag_commit(conn, run_id, "load")
        records = batch.records.join(files, on="source_path", how="left")
        conn.register("_batch_records", records.to_arrow())
        # Articles already in the warehouse: their records are duplicates of that article.
        existing = {r[0] for r in conn.execute(
            "SELECT DISTINCT a.article_id FROM articles a JOIN _batch_records b ON a.article_id = b.article_id").fetchall()}
        # Old rows of files being re-read (changed files), and the articles they pointed at.
        old_articles = [r[0] for r in conn.execute(
            "SELECT DISTINCT s.article_id FROM sources s WHERE s.article_id IS NOT NULL AND s.source_path IN "
            "(SELECT DISTINCT source_path FROM _batch_records)").fetchall()]
        conn.execute("DELETE FROM sources WHERE source_path IN (SELECT DISTINCT source_path FROM _batch_records)")
        conn.unregister("_batch_records")

        status = (
            pl.when(pl.col("status") == "quarantined").then(pl.lit("quarantined"))
            .when(pl.col("status") == "skipped").then(pl.lit("skipped"))
            .when(pl.col("status") == "duplicate").then(pl.lit("duplicate"))
            .when(pl.col("article_id").is_in(list(existing))).then(pl.lit("duplicate"))
            .otherwise(pl.lit("loaded"))
        )
        reason = (pl.when((pl.col("status") == "new") & pl.col("article_id").is_in(list(existing)))
                  .then(pl.lit("same content as an article already in the warehouse")).otherwise(pl.col("reason")))
        sources = records.with_columns(status.alias("status"), reason.alias("reason")).with_columns(
            pl.col("status").alias("outcome"), pl.lit(run_id).alias("loaded_run_id"), pl.lit(run_id).alias("run_id"),
        ).unique(subset=["source_path", "record"], keep="first")
        from ..checks.contracts import validate_table

        insert_frame(conn, "sources", validate_table(
            "sources", sources.select(TABLES["sources"].columns).cast(TABLES["sources"].polars_schema)))

        tables = {name: (df.filter(~pl.col("article_id").is_in(list(existing))) if "article_id" in df.columns else df)
                  for name, df in batch.tables.items()}
        # Old versions of re-read files that no file holds any more are deleted below: never link to them.
        doomed = {a for a in old_articles
                  if conn.execute("SELECT 1 FROM sources WHERE article_id = ? LIMIT 1", [a]).fetchone() is None}
        tables["articles"] = link_near_duplicates(conn, tables["articles"], tables["article_bands"],
                                                  tables["article_signatures"], near_duplicate_threshold,
                                                  exclude=doomed)
        counts["near_duplicates"] = int(tables["articles"]["near_duplicate_of"].is_not_null().sum())
        for spec in ARTICLE_TABLES:
            df = tables[spec.name]
            n = insert_frame(conn, spec.name, df, ignore_existing=True)
            if spec.name == "articles":
                counts["articles_loaded"] = n
        counts["quarantined"] = insert_frame(conn, "quarantine", validate_table("quarantine", batch.quarantine))
        counts["duplicates"] = int(sources.filter(pl.col("status") == "duplicate").height)
        counts["quarantined_inputs"] = int(sources.filter(pl.col("status") == "quarantined").height)
        if old_articles:
            counts["deleted_articles"] = delete_unreferenced_articles(conn, old_articles)
    return counts


def link_near_duplicates(conn: duckdb.DuckDBPyConnection, articles: pl.DataFrame, bands: pl.DataFrame,
                         signatures: pl.DataFrame, threshold: float, exclude: set[str] = frozenset()) -> pl.DataFrame:
    """Point each new article at the most similar earlier article (in the warehouse, or earlier in this batch)
    whose MinHash similarity reaches ``threshold``, and give it that article's story. Articles in ``exclude``
    (about to be deleted) are never chosen."""
    from ..ingest.neardup import similarity

    if articles.height == 0:
        return articles
    order = {a: i for i, a in enumerate(articles["article_id"])}
    conn.register("_new_bands", bands.to_arrow())
    try:
        stored = conn.execute("""
            SELECT DISTINCT n.article_id AS new_id, b.article_id AS old_id, s.signature, a.story_id
            FROM _new_bands n
            JOIN article_bands b ON b.band = n.band AND b.bucket = n.bucket AND b.article_id <> n.article_id
            JOIN article_signatures s ON s.article_id = b.article_id
            JOIN articles a ON a.article_id = b.article_id""").fetchall()
    finally:
        conn.unregister("_new_bands")
    sigs = {r["article_id"]: r["signature"] for r in signatures.iter_rows(named=True)}
    candidates: dict[str, list[tuple[str, list[int], str | None]]] = {}
    for new_id, old_id, sig, story in stored:
        if old_id not in exclude:
            candidates.setdefault(new_id, []).append((old_id, sig, story))
    by_bucket: dict[tuple[int, int], list[str]] = {}
    for r in bands.iter_rows(named=True):
        by_bucket.setdefault((r["band"], r["bucket"]), []).append(r["article_id"])
    for ids in by_bucket.values():
        for later in ids:
            for earlier in ids:
                if order.get(earlier, 1 << 30) < order.get(later, -1):
                    candidates.setdefault(later, []).append((earlier, sigs[earlier], None))
    story = dict(zip(articles["article_id"], articles["story_id"]))
    of: dict[str, str] = {}
    score: dict[str, float] = {}
    for article_id in articles["article_id"]:  # in order, so a chain of copies joins the first story
        best = None
        for cand_id, cand_sig, cand_story in candidates.get(article_id, []):
            if article_id not in sigs:
                continue
            sim = similarity(sigs[article_id], cand_sig)
            if sim >= threshold and (best is None or sim > best[1]):
                best = (cand_id, sim, cand_story or story.get(cand_id, cand_id))
        if best:
            of[article_id], score[article_id], story[article_id] = best[0], round(best[1], 4), best[2]
    if not of:
        return articles
    return articles.with_columns(
        pl.col("article_id").replace_strict(of, default=None).alias("near_duplicate_of"),
        pl.col("article_id").replace_strict(score, default=None, return_dtype=pl.Float64).alias("near_duplicate_similarity"),
        pl.col("article_id").replace_strict(story, default=None).alias("story_id"),
    )


def delete_unreferenced_articles(conn: duckdb.DuckDBPyConnection, candidates: list[str]) -> int:
    """Delete articles (and every row derived from them) that no ``sources`` row points at any more, then mend
    the links other articles had to them: a ``near_duplicate_of`` naming a deleted article is cleared (the text it
    was compared with no longer exists), and a story whose first article was deleted is given a new one: among its
    remaining articles, one that is no near-copy of another, loaded earliest (then the smallest id)."""
    conn.register("_candidates", pl.DataFrame({"article_id": candidates}).to_arrow())
    try:
        gone = [r[0] for r in conn.execute(
            "SELECT c.article_id FROM _candidates c WHERE NOT EXISTS "
            "(SELECT 1 FROM sources s WHERE s.article_id = c.article_id)").fetchall()]
        if not gone:
            return 0
        conn.register("_gone", pl.DataFrame({"article_id": gone}).to_arrow())
        for spec in reversed(ARTICLE_TABLES):
            if "article_id" in spec.columns:
                conn.execute(f'DELETE FROM "{spec.name}" WHERE article_id IN (SELECT article_id FROM _gone)')
        conn.execute("DELETE FROM entities e WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.entity_id) "
                     "AND NOT EXISTS (SELECT 1 FROM claims c WHERE e.entity_id IN (c.subject_entity_id, c.object_entity_id, c.speaker_entity_id)) "
                     "AND NOT EXISTS (SELECT 1 FROM entity_references r WHERE r.entity_id = e.entity_id)")
        conn.execute("UPDATE articles SET near_duplicate_of = NULL, near_duplicate_similarity = NULL "
                     "WHERE near_duplicate_of IN (SELECT article_id FROM _gone)")
        conn.execute("""
            UPDATE articles SET story_id = o.new_root
            FROM (SELECT story_id AS old_root,
                         arg_min(article_id, (CASE WHEN near_duplicate_of IS NULL THEN '0' ELSE '1' END) || run_id
                                             || article_id) AS new_root
                  FROM articles WHERE story_id IN (SELECT article_id FROM _gone) GROUP BY story_id) o
            WHERE articles.story_id = o.old_root""")
        conn.unregister("_gone")
        return len(gone)
    finally:
        conn.unregister("_candidates")


def rebuild_search_index(conn: duckdb.DuckDBPyConnection, warehouse: Path | str | None = None) -> bool:
    """Full-text index over titles and bodies (DuckDB fts, offline). Returns False if fts is unavailable.

    DuckLake cannot hold the index (fts writes a table type the lake does not store), so for a lake the
    articles' ids, titles and bodies are copied into a DuckDB file beside the catalog
    (``<catalog>.search.duckdb``) and indexed there: search with ``spaceetl sql --warehouse <that file>``."""
    if fts_extension_path() is None:
        return False
    if not is_lake(conn):
        conn.execute("PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', overwrite=1)")
        return True
    if warehouse is None:
        log.warning("full-text index of a lake not rebuilt: the caller gave no warehouse location")
        return False
    articles = conn.execute("SELECT article_id, title, body FROM articles").fetch_arrow_table()
    with session(target(warehouse).search_path(), retry_s=CONFLICT_RETRY_S) as search:
        search.register("_articles", articles)
        search.execute("CREATE OR REPLACE TABLE articles AS SELECT * FROM _articles")
        search.unregister("_articles")
        search.execute("PRAGMA create_fts_index('articles', 'article_id', 'title', 'body', overwrite=1)")
    return True


# --- verifying a warehouse file ------------------------------------------------------------------------------

DUCKDB_HEADER_BYTES = 3 * 4096  # the main header and the two alternating database headers before block 0


def verify_file(path: Path | str, *, full: bool = False, conn: duckdb.DuckDBPyConnection | None = None) -> dict:
    """Prove that an existing warehouse file is whole before anything trusts it, without writing a byte.

    DuckDB opens a file cut in half without complaint (its catalog sits in the first blocks) and fails only when
    a query reaches a missing block; a run would then write into it. So: the file is at least as long as the
    blocks its header declares, the catalog reads, every table counts its rows, and with ``full`` every column of
    every row is read (``bit_xor(hash(...))``, which also checks every block's checksum on the way). The file is
    opened read-only (no ``.wal``; nothing it runs spills), or ``conn`` is used when the caller has one open.
    Raises :class:`EnvironmentCheckError` (``check = "warehouse file"``) saying what is wrong, or
    :class:`WarehouseBusyError` when another process holds the file. Returns ``{"tables": {name: rows},
    "missing": [expected tables absent], "checksums": {name: value}}`` (checksums only with ``full``)."""
    path = Path(path)
    size = _checked_header(path)
    own = conn is None
    if own:
        try:
            conn = duckdb.connect(str(path), read_only=True)
        except duckdb.Error as exc:
            # Held by another process, or open in this one with other settings: it opened, it is in use.
            if any(m in str(exc) for m in (*LOCK_MESSAGES, "different configuration")):
                raise WarehouseBusyError(f"warehouse {path} is busy (another process holds it)", stage="preflight",
                                         path=str(path)) from None
            raise _broken(path, f"is damaged and does not open ({_one_line(exc)})") from None
    try:
        conn.execute("SET enable_progress_bar = false")  # DuckDB would draw it on standard output
        return _verify_open(conn, path, size, full)
    finally:
        if own:
            conn.close()


def open_verified(path: Path | str, *, retry_s: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A read-only connection (fts loaded, busy retried) to a warehouse :func:`verify_file` found whole (cheap
    checks): what ``sql`` and ``report`` read through, so a damaged file is refused in one line, not trusted."""
    path = Path(path)
    size = _checked_header(path)
    try:
        conn = connect(path, read_only=True, retry_s=retry_s)
    except duckdb.Error as exc:
        raise _broken(path, f"is damaged and does not open ({_one_line(exc)})") from None
    try:
        _verify_open(conn, path, size, full=False)
    except BaseException:
        conn.close()
        raise
    return conn


def _broken(path: Path, what: str):
    from ..errors import EnvironmentCheckError

    return EnvironmentCheckError(f"warehouse {path} {what}; it was not changed: restore it from a backup or move it "
                                 "away (a run then starts a new one)", check="warehouse file", path=str(path))


def _checked_header(path: Path) -> int:
    """The file's size, once its first bytes say it is a DuckDB database (an empty file or random bytes is
    refused before DuckDB is asked: DuckDB would only say "not a valid DuckDB database file")."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise _broken(path, f"cannot be read ({exc.strerror})") from None
    if size == 0:
        raise _broken(path, "is an empty file (0 bytes), not a DuckDB database")
    if len(head) < 12 or head[8:12] != b"DUCK":
        raise _broken(path, "is not a DuckDB database (corrupted or another kind of file)")
    return size


def _verify_open(conn: duckdb.DuckDBPyConnection, path: Path, size: int, full: bool) -> dict:
    from ..schemas import TABLES

    try:
        _, _, block_size, _total, used_blocks, *_ = conn.execute("PRAGMA database_size").fetchone()
        # DuckDB cuts free blocks off the end of the file, so only the blocks in use must all be there
        declared = DUCKDB_HEADER_BYTES + int(used_blocks) * int(block_size)
        if size < declared:
            raise _broken(path, f"is truncated ({size:,} bytes, shorter than the {declared:,} its blocks in use "
                                "need)")
        tables = conn.execute("SELECT schema_name, table_name FROM duckdb_tables() "
                              "WHERE database_name = current_database() ORDER BY ALL").fetchall()
    except duckdb.Error as exc:
        raise _broken(path, f"is damaged: its catalog does not read ({_one_line(exc)})") from None
    result: dict = {"tables": {}, "checksums": {}}
    for schema, name in tables:
        label = name if schema == "main" else f"{schema}.{name}"
        qualified = '"' + schema.replace('"', '""') + '"."' + name.replace('"', '""') + '"'
        try:
            result["tables"][label] = conn.execute(f"SELECT count(*) FROM {qualified}").fetchone()[0]
            if full:
                sums = conn.execute(f"SELECT bit_xor(hash(COLUMNS(*))) FROM {qualified}").fetchone()
                result["checksums"][label] = f"{functools.reduce(lambda a, b: a ^ (b or 0), sums, 0):016x}"
        except duckdb.Error as exc:
            raise _broken(path, f"is damaged: table {label} does not read ({_one_line(exc)})") from None
    result["missing"] = [t for t in TABLES if t not in result["tables"]]
    return result


def _one_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
