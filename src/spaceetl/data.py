"""Access to the reviewable data files shipped in ``spaceetl/data`` (gazetteer, currencies, rates, cue lists).

``SPACEETL_DATA_DIR`` (``Settings.data_dir``) names a folder whose files take precedence over the shipped ones,
file by file: an analyst can keep an extended gazetteer or a fresher rate table of their own without touching the
installed package.

Lineage: every run records which file it used for each name in :data:`DATA_FILES` and its SHA-256
(:func:`data_files`), so two runs over different domain data can be told apart. The loaders built on these files
cache their tables per data folder (:func:`cached_per_data_dir`), so a process that is handed another folder
(``use_data_dir``, called by every batch with its run's settings) reloads them instead of keeping stale tables.
"""

from __future__ import annotations

import csv
import hashlib
import os
import threading
from collections.abc import Callable
from functools import wraps
from importlib import resources
from pathlib import Path
from typing import TypeVar

#: Every domain data file the pipeline reads (and so every file a run's lineage names).
DATA_FILES: tuple[str, ...] = ("gazetteer_entities.csv", "gazetteer_aliases.csv", "gazetteer_common_words.csv",
                               "entity_rules.yaml", "currencies.csv", "fx_rates.csv", "time_zones.csv",
                               "claim_rules.yaml", "reference_rules.yaml",
                               "news_api_shapes.yaml", "metadata_sidecars.yaml", "author_ranks.yaml")
ENV_VAR = "SPACEETL_DATA_DIR"

_lock = threading.Lock()
_hashes: dict[tuple[str, int, int], str] = {}
T = TypeVar("T")


def current_data_dir() -> str | None:
    """The override folder in force in this process ('' and unset both mean: the shipped files only)."""
    return os.environ.get(ENV_VAR) or None


def use_data_dir(data_dir: Path | str | None) -> None:
    """Make ``data_dir`` the override folder of this process (worker processes get it from the run's settings)."""
    if data_dir:
        os.environ[ENV_VAR] = str(data_dir)
    else:
        os.environ.pop(ENV_VAR, None)


def data_path(name: str, data_dir: Path | str | None = None) -> Path:
    override = data_dir if data_dir is not None else current_data_dir()
    if override and (Path(override) / name).is_file():
        return Path(override) / name
    return Path(str(resources.files("spaceetl") / "data" / name))


def _sha256(path: Path) -> str:
    """Hashed once per process and file version (path, size, mtime)."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _lock:
        if key not in _hashes:
            _hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        return _hashes[key]


def data_files(data_dir: Path | str | None = None) -> dict[str, dict[str, str]]:
    """``{name: {"sha256", "origin" ('shipped' or 'override'), "path"}}`` for every data file a run reads."""
    override = data_dir if data_dir is not None else current_data_dir()
    out: dict[str, dict[str, str]] = {}
    for name in DATA_FILES:
        path = data_path(name, override or "")
        shipped = not (override and path == Path(override) / name)
        out[name] = {"sha256": _sha256(path), "origin": "shipped" if shipped else "override", "path": str(path)}
    return out


_LOADERS: list[Callable[[], object]] = []


def load_every_table() -> None:
    """Call every loader declared so far (for the data folder in force): the extraction fork server does this once,
    so a worker forked from it never parses a data file itself."""
    for loader in _LOADERS:
        loader()


def cached_per_data_dir(fn: Callable[[], T]) -> Callable[[], T]:
    """Like ``lru_cache`` for a loader without arguments, but one value per data folder in force."""
    values: dict[str | None, T] = {}

    @wraps(fn)
    def wrapper() -> T:
        key = current_data_dir()
        if key not in values:
            values[key] = fn()
        return values[key]

    wrapper.cache_clear = values.clear  # type: ignore[attr-defined]
    wrapper.is_loaded = lambda: current_data_dir() in values  # type: ignore[attr-defined]
    _LOADERS.append(wrapper)
    return wrapper


def read_csv(name: str) -> list[dict[str, str]]:
    with data_path(name).open(encoding="utf-8", newline="") as fh:
        rows = [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]
    return [r for r in rows if any(r.values())]


def read_yaml(name: str):
    import yaml

    with data_path(name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)
