"""CLI commands and the HTML/JSON report (escaping of hostile file names and text)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write
from spaceetl.cli import main
from spaceetl.pipeline import run

HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"
BODY = ("NASA and the Italian Space Agency signed an agreement on a lunar habitat module worth $1.1 billion, "
        "officials said on Tuesday in Washington. The module will fly in 2028.")


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    from spaceetl.config import load_settings

    base = tmp_path_factory.mktemp("cli")
    raw = base / "raw"
    write(raw / "good.txt", "Habitat Deal Signed\n\n" + BODY)
    write(raw / HOSTILE_NAME, "<script>alert('x')</script> short")
    settings = load_settings(raw_dir=raw, warehouse=base / "w.duckdb")
    return settings, run(settings)


def test_help_is_light():
    code = ("import sys; from spaceetl.cli import build_parser; build_parser().format_help(); "
            "heavy = [m for m in ('spacy', 'prefect', 'polars', 'duckdb', 'pandera') if m in sys.modules]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_report_escapes_hostile_names_and_text(small_run):
    settings, result = small_run
    html = Path(result.summary["report_html"]).read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in html
    assert "&lt;script&gt;" in html
    data = json.loads(Path(result.summary["report_json"]).read_text(encoding="utf-8"))
    assert any(q["source_path"] == HOSTILE_NAME for q in data["quarantine"])


def test_sql_command_prints_results(small_run, capsys):
    settings, _ = small_run
    assert main(["sql", "SELECT count(*) AS n FROM articles", "--warehouse", str(settings.warehouse), "--format", "csv"]) == 0
    assert capsys.readouterr().out.strip().splitlines() == ["n", "1"]
    assert main(["sql", "SELECT nope FROM nothing", "--warehouse", str(settings.warehouse)]) == 2
    assert main(["sql", "SELECT 1", "--warehouse", str(settings.warehouse.parent / "missing.duckdb")]) == 2


def test_report_command_rerenders_latest(small_run, capsys):
    settings, result = small_run
    latest = settings.resolved_reports_dir() / "latest.html"
    latest.unlink()
    assert main(["report", "--warehouse", str(settings.warehouse)]) == 0
    assert latest.exists()
    assert result.summary["run_id"] in capsys.readouterr().out


@pytest.mark.e2e
def test_cli_run_in_a_fresh_process(tmp_path):
    """What the README's first command does: a new process, Prefect's temporary server, a summary, exit 0."""
    raw = tmp_path / "raw"
    write(raw / "good.txt", "Habitat Deal Signed\n\n" + BODY)
    write(raw / "empty.txt", "")
    out = subprocess.run([sys.executable, "-m", "spaceetl.cli", "run", str(raw), "--warehouse", str(tmp_path / "w.duckdb")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "articles loaded         1" in out.stdout and "quarantined             1" in out.stdout


def test_data_dictionary_is_generated_from_the_contracts(capsys):
    """docs/DATA_DICTIONARY.md must be what `spaceetl dictionary` renders now: docs never drift from schemas/."""
    from conftest import ROOT
    from spaceetl.dictionary import render_markdown

    committed = (ROOT / "docs" / "DATA_DICTIONARY.md").read_text(encoding="utf-8")
    assert committed == render_markdown(), "run `spaceetl dictionary` and commit docs/DATA_DICTIONARY.md"
    assert main(["dictionary", "--output", "-"]) == 0
    out = capsys.readouterr().out
    for table in ("articles", "mentions", "claims", "quarantine", "dq_results"):
        assert f"## `{table}`" in out
