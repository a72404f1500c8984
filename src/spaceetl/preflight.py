"""Checks of the environment a run needs, made before the run starts.

A missing model, a missing extension or an unusable raw folder or warehouse fails every batch the same way. Found
after the fact, that is a run full of identical quarantine rows; found here, it is one clear line and exit code 2,
and no warehouse, ``running`` row or Prefect server is created. ``spaceetl doctor`` prints the same checks.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .errors import EnvironmentCheckError

DUCKDB_MAGIC = b"DUCK"  # bytes 8..11 of every DuckDB database file
# Libraries the extraction imports lazily inside the workers: a broken install must show before the run.
EXTRACTION_IMPORTS = ("trafilatura", "lxml.html.clean", "langdetect", "frontmatter", "spacy")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_raw_dir(raw_dir: Path) -> Check:
    if not raw_dir.exists():
        return Check("raw folder", False, f"raw folder {raw_dir} does not exist")
    if not raw_dir.is_dir():
        return Check("raw folder", False, f"raw folder {raw_dir} is a file, not a folder")
    if not os.access(raw_dir, os.R_OK | os.X_OK):
        return Check("raw folder", False, f"raw folder {raw_dir} is not readable")
    return Check("raw folder", True, str(raw_dir.resolve()))


def check_model(model_name: str, *, load: bool = False) -> Check:
    folder = Path(model_name)
    if (folder / "config.cfg").is_file():  # a pipeline saved to a folder (spacy.load accepts paths)
        pass
    elif importlib.util.find_spec(model_name) is None:
        return Check("spaCy model", False,
                     f"spaCy model {model_name!r} is not installed (pip install it, or set SPACEETL_SPACY_MODEL / --model "
                     "to an installed pipeline)")
    if load:
        try:
            from .nlp.pipeline import get_nlp

            nlp = get_nlp(model_name)
        except Exception as exc:  # noqa: BLE001 - any failure to load is the answer
            return Check("spaCy model", False, f"spaCy model {model_name!r} does not load: {type(exc).__name__}: {exc}")
        return Check("spaCy model", True, f"{model_name} {nlp.meta.get('version', '?')} loads")
    return Check("spaCy model", True, f"{model_name} installed")


def check_imports() -> Check:
    for module in EXTRACTION_IMPORTS:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return Check("libraries", False, f"a library the extraction needs does not import ({module}: {exc}); "
                                             "reinstall the project (make install)")
    return Check("libraries", True, "extraction libraries import")


def check_fts() -> Check:
    import duckdb

    from .warehouse import fts_extension_path

    path = fts_extension_path()
    if path is None:
        return Check("fts extension", False, "DuckDB's fts extension file is missing (pip install "
                                             f"duckdb-extension-fts=={duckdb.__version__})")
    try:
        with duckdb.connect() as conn:
            conn.execute(f"LOAD '{path.as_posix()}'")
    except duckdb.Error as exc:
        return Check("fts extension", False, f"the fts extension at {path} does not load: {exc}")
    return Check("fts extension", True, f"LOAD '{path.as_posix()}'")


def check_warehouse(warehouse: Path, *, must_exist: bool = False, min_free_mb: float = 50) -> Check:
    """The warehouse file opens (or can be created): no file in the way, a writable folder, disk space, and an
    existing file that really is a DuckDB database."""
    if str(warehouse).startswith("ducklake:"):
        return _check_lake(str(warehouse), must_exist=must_exist)
    for parent in [warehouse.parent, *warehouse.parent.parents]:
        if parent.exists():
            if not parent.is_dir():
                return Check("warehouse", False, f"warehouse {warehouse} is under {parent}, which is a file")
            break
    if warehouse.exists():
        if warehouse.is_dir():
            return Check("warehouse", False, f"warehouse {warehouse} is a folder, not a DuckDB file")
        try:
            with open(warehouse, "rb") as fh:
                head = fh.read(12)
        except OSError as exc:
            return Check("warehouse", False, f"warehouse {warehouse} cannot be read: {exc.strerror}")
        if len(head) >= 12 and head[8:12] != DUCKDB_MAGIC or 0 < len(head) < 12:
            return Check("warehouse", False, f"warehouse {warehouse} is not a DuckDB database (corrupted or another "
                                             "kind of file); move it away or choose another --warehouse")
    elif must_exist:
        return Check("warehouse", False, f"no warehouse at {warehouse}: run `spaceetl run` first")
    folder = next((p for p in [warehouse.parent, *warehouse.parent.parents] if p.exists()), None)
    if folder is None or not os.access(folder, os.W_OK | os.X_OK) or (
            warehouse.exists() and not os.access(warehouse, os.W_OK)):
        return Check("warehouse", False, f"warehouse {warehouse} is not writable (read-only file system or permissions)")
    if _read_only_mount(folder):
        return Check("warehouse", False, f"warehouse {warehouse} is on a read-only file system")
    free = shutil.disk_usage(folder).free
    if free < min_free_mb * 1_000_000:
        return Check("warehouse", False, f"only {free // 1_000_000} MB free where the warehouse {warehouse} lives")
    return Check("warehouse", True, str(warehouse.resolve()))


def _check_lake(value: str, *, must_exist: bool) -> Check:
    """A DuckLake: the setting parses and a SQLite catalog's folder is writable (a PostgreSQL catalog answers or
    not when the run connects)."""
    from .errors import SpaceetlError
    from .warehouse.core import target

    try:
        where = target(value)
    except SpaceetlError as exc:
        return Check("warehouse", False, str(exc))
    if where.catalog == "sqlite":
        catalog = Path(where.location)
        if must_exist and not catalog.is_file():
            return Check("warehouse", False, f"no DuckLake catalog at {catalog}: run `spaceetl run` first")
        folder = next((p for p in [catalog.parent, *catalog.parent.parents] if p.exists()), None)
        if folder is None or not os.access(folder, os.W_OK | os.X_OK):
            return Check("warehouse", False, f"DuckLake catalog {catalog} is not writable")
    return Check("warehouse", True, f"DuckLake ({where.catalog} catalog) {where.location}")


def _read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def check_prefect_api() -> Check | None:
    """The configured Prefect API answers (None when no server is configured: a temporary one is started)."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        return None
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=5.0) as response:  # noqa: S310 - user's URL
            ok = response.status == 200
            code = response.status
    except (urllib.error.URLError, OSError) as exc:
        return Check("Prefect API", False, f"PREFECT_API_URL={url} does not answer: {exc}")
    return Check("Prefect API", ok, f"{url} answers" if ok else f"{url} answered HTTP {code}")


def check_environment(settings: Settings, *, load_model: bool = False, check_prefect: bool = False) -> list[Check]:
    checks = [check_raw_dir(Path(settings.raw_dir)), check_model(settings.spacy_model, load=load_model),
              check_imports(), check_fts(), check_warehouse(Path(settings.warehouse), min_free_mb=settings.min_free_mb)]
    if check_prefect:
        api = check_prefect_api()
        if api is not None:
            checks.append(api)
    return checks


def check_warehouse_file(warehouse: Path, *, full: bool = False) -> Check | None:
    """An existing warehouse is whole (see :func:`spaceetl.warehouse.verify_file`); None when there is no file yet
    (a run creates it). ``full`` reads every column of every row: ``doctor`` always does, a run up to
    ``FULL_SCAN_MAX_BYTES`` (the cost grows with the warehouse; the cheap checks stay tens of milliseconds)."""
    from .errors import WarehouseBusyError
    from .warehouse import verify_file
    from .warehouse.core import target

    if target(warehouse).is_lake:  # no DuckDB file: the lake's catalog is checked by _check_lake
        return None
    warehouse = Path(warehouse)
    if not warehouse.is_file():
        return None
    try:
        found = verify_file(warehouse, full=full)
    except EnvironmentCheckError as exc:
        return Check("warehouse file", False, exc.reason)
    except WarehouseBusyError:
        # A live DuckDB process holds it open, so it opened; a run waits for it (run lock, busy retry).
        return Check("warehouse file", True, "in use by another process: not verified now")
    tables = found["tables"]
    missing = found["missing"]
    if tables and len(missing) == len(_expected_tables()):
        return Check("warehouse file", False, f"warehouse {warehouse} is a DuckDB database but not a spaceetl "
                                              f"warehouse (tables: {', '.join(list(tables)[:5])}); choose another "
                                              "--warehouse")
    rows = sum(tables.values())
    detail = (f"{len(tables)} tables, {rows:,} rows" + (", every column read" if full else "")
              + (f"; {len(missing)} tables missing ({', '.join(missing)}): the next run adds them" if missing else ""))
    return Check("warehouse file", not (full and missing), detail)


def _expected_tables() -> list[str]:
    from .schemas import TABLES

    return list(TABLES)


# Up to this size a run reads every column of the warehouse before writing into it (about 50 ms for the sample
# corpus's 10 MB; 6 s for 280 MB on a busy 2-core machine). Beyond it, a run makes the cheap checks only and
# `spaceetl doctor` reads everything.
FULL_SCAN_MAX_BYTES = 200_000_000


def verify_warehouse(path: Path) -> None:
    """Refuse a warehouse file that is not whole (truncated, random bytes, empty, damaged blocks) with
    :class:`EnvironmentCheckError`, before a run writes into it: a run into a file with one damaged block fails
    at that block after it has already written (and checkpointed) the rest. Reads only: the file stays
    byte-identical and no ``.wal`` is left beside it. A missing file passes (the run creates it); a DuckLake
    has no such file (its catalog and Parquet files are checked by ``_check_lake`` and the lake itself)."""
    path = Path(path)
    try:
        full = path.stat().st_size <= FULL_SCAN_MAX_BYTES
    except OSError:
        full = False
    check = check_warehouse_file(path, full=full)
    if check is not None and not check.ok:
        raise EnvironmentCheckError(check.detail, stage="preflight", check=check.name)


def ensure_ready(settings: Settings) -> None:
    """Raise :class:`EnvironmentCheckError` for the first check that fails."""
    for check in check_environment(settings):
        if not check.ok:
            raise EnvironmentCheckError(check.detail, stage="preflight", check=check.name)
    verify_warehouse(Path(settings.warehouse))
