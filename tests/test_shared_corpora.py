"""Every record of the real news corpora in ``../shared/corpora`` through ``pipeline.run``, as a user would run
them: one folder, one run. Each must end with a finished run row, its report, no failed file, and a full-text
index that answers. Skipped when the corpora are not beside the checkout (they are reference data, never shipped).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from conftest import ROOT
from spaceetl.config import load_settings
from spaceetl.pipeline import run
from spaceetl.warehouse import fts_extension_path

CORPORA = ROOT.parent / "shared" / "corpora"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not here")]


@pytest.mark.parametrize("name, word", [("spacenews", "satellite"), ("dvids", "army"), ("bbc", "election")])
def test_a_real_corpus_runs_to_its_report(tmp_path, name, word):
    raw = CORPORA / name
    settings = load_settings(raw_dir=raw, warehouse=tmp_path / "wh" / "w.duckdb", workers=2, n_process=1,
                             busy_retry_s=5, lock_timeout_s=5)
    result = run(settings)
    s = result.summary
    assert s["status"] in ("completed", "warning"), s["message"]
    assert s["files_failed"] == 0 and s["records_read"] > 0
    assert Path(s["report_html"]).is_file() and result.report["checks"]
    assert not [c for c in result.report["checks"] if c["status"] == "error"]
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0] == 0
        read = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
        assert read >= s["records_read"] - s["quarantined"]
        conn.execute(f"LOAD '{fts_extension_path()}'")
        hits = conn.execute("SELECT count(*) FROM articles WHERE fts_main_articles.match_bm25(article_id, ?) "
                            "IS NOT NULL", [word]).fetchone()[0]
    assert hits > 0
