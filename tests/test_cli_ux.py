"""The command line as a user meets it: one clear line and exit code 2 for every user error (never a traceback),
--version, doctor, fts-load, --warn-error and the quiet default output of a run."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write

BODY = ("Northwind Orbital said its relay satellite passed its first orbit tests and began carrying traffic for the "
        "coast guard. The company plans two more spacecraft next year, its chief engineer said.")


def cli(*args, env=None, cwd=None, timeout=300):
    full_env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # a temporary server unless asked
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "spaceetl.cli", *map(str, args)], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout)


def assert_one_line_error(out, *words):
    assert out.returncode == 2, (out.stdout, out.stderr)
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr and lines[0].startswith("spaceetl: error: ")
    for w in words:
        assert w in lines[0], lines[0]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, nlp):
    from spaceetl.config import load_settings
    from spaceetl.pipeline import run

    base = tmp_path_factory.mktemp("ux")
    write(base / "raw" / "a.txt", "Relay Satellite Passes Orbit Tests\n\n" + BODY)
    settings = load_settings(raw_dir=base / "raw", warehouse=base / "w.duckdb")
    run(settings)
    return settings


def test_version():
    out = cli("--version")
    assert out.returncode == 0 and re.match(r"spaceetl \S+ \(prefect \d", out.stdout), out.stdout


def test_report_unknown_run_is_one_line(warehouse):
    assert_one_line_error(cli("report", "--run", "run_nope", "--warehouse", warehouse.warehouse), "run_nope", "latest:")


def test_report_missing_warehouse_is_one_line(tmp_path):
    assert_one_line_error(cli("report", "--warehouse", tmp_path / "none.duckdb"), "no warehouse at")


def test_report_open_without_a_browser_says_where_the_file_is(warehouse, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    env["PATH"] = str(tmp_path)  # no browser on the PATH
    out = subprocess.run([sys.executable, "-m", "spaceetl.cli", "report", "--open", "--warehouse",
                          str(warehouse.warehouse)], capture_output=True, text=True, env=env, timeout=120)
    assert_one_line_error(out, "no web browser found", str(warehouse.resolved_reports_dir().resolve()))


@pytest.mark.parametrize("make", ["missing", "file"])
def test_run_on_a_raw_folder_that_is_missing_or_a_file(tmp_path, make):
    raw = tmp_path / "raw"
    if make == "file":
        write(raw, "not a folder")
    out = cli("run", raw, "--warehouse", tmp_path / "w.duckdb")
    assert_one_line_error(out, str(raw))
    assert not (tmp_path / "w.duckdb").exists()


def test_run_with_a_model_that_is_not_installed(tmp_path):
    write(tmp_path / "raw" / "a.txt", "T\n\n" + BODY)
    assert_one_line_error(cli("run", tmp_path / "raw", "--model", "xx_no_such_model", "--warehouse", tmp_path / "w.duckdb"),
                          "xx_no_such_model")


def test_serve_on_a_missing_folder(tmp_path):
    out = cli("serve", tmp_path / "nope", "--warehouse", tmp_path / "w.duckdb",
              env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert_one_line_error(out, "does not exist")


@pytest.mark.parametrize("var,value,word", [("SPACEETL_BATCH_FILES", "zero", "batch_files"),
                                            ("SPACEETL_CHECK_THRESHOLDS", '{"missing title": 3}', "check_thresholds")])
def test_invalid_setting_is_one_line(tmp_path, var, value, word):
    assert_one_line_error(cli("report", "--warehouse", tmp_path / "w.duckdb", env={var: value}), word)


def test_doctor_prints_one_line_per_check(warehouse, tmp_path):
    out = cli("doctor", warehouse.raw_dir, "--warehouse", warehouse.warehouse)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    for name in ("raw folder", "spaCy model", "fts extension", "warehouse"):
        assert any(re.match(rf"OK\s+{name}\s", ln) for ln in lines), (name, out.stdout)
    bad = cli("doctor", tmp_path / "missing", "--warehouse", warehouse.warehouse,
              env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert re.search(r"^FAIL\s+raw folder\s.*does not exist", bad.stdout, re.M)
    assert re.search(r"^FAIL\s+Prefect API\s.*does not answer", bad.stdout, re.M)


def test_fts_load_line_works_in_the_duckdb_cli_from_any_folder(warehouse, tmp_path):
    out = cli("fts-load")
    assert out.returncode == 0 and out.stdout.startswith("LOAD '/")
    duckdb_cli = Path(sys.executable).parent / "duckdb"
    if not duckdb_cli.exists():
        pytest.skip("duckdb CLI not installed")
    q = ("SELECT title FROM (SELECT title, fts_main_articles.match_bm25(article_id, 'relay satellite') AS s "
         "FROM articles) WHERE s IS NOT NULL")
    res = subprocess.run([str(duckdb_cli), "-readonly", str(warehouse.warehouse.resolve()), "-cmd", out.stdout.strip(),
                          "-csv", "-c", q], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert res.returncode == 0 and "Relay Satellite Passes Orbit Tests" in res.stdout, res.stderr


@pytest.mark.e2e
def test_default_output_is_quiet_and_warn_error_fails_a_warning_run(tmp_path):
    """A run whose articles all lack a date is a warning: with --warn-error it exits 1. The default output has one
    line per batch and the summary table, and none of Prefect's per-task lines or its documentation link."""
    raw = tmp_path / "raw"
    for i in range(6):  # more than a few files: progress lines (not a terminal here)
        write(raw / f"s{i}.txt", f"Relay Story {i}\n\n{BODY} Update number {i} followed on the same day.")
    out = cli("run", raw, "--warehouse", tmp_path / "w.duckdb", "--warn-error", "--batch-files", "3")
    text = out.stdout + out.stderr
    assert out.returncode == 1, text[-3000:]
    assert "Finished in state" not in text and "docs.prefect.io" not in text and "Traceback" not in text
    assert re.search(r"^\d\d:\d\d:\d\d  1 of 2  OK\s+batch of 3 files \.+ 3 articles", out.stdout, re.M), out.stdout
    assert re.search(r"^  WARN  articles\.missing publication date\[published_at\] \.+ 6 of 6 articles checked in this run's batches$",
                     out.stdout, re.M), out.stdout
    assert re.search(r"^Done\. PASS=\d+ WARN=\d+ ERROR=0 TOTAL=\d+$", out.stdout, re.M)
    assert "WARNING" in out.stdout and "--warn-error" in out.stdout
    assert re.search(r"^progress: 6/6 files", out.stderr, re.M)
    # --quiet: the summary only
    write(raw / "s9.txt", f"Relay Story 9\n\n{BODY} A ninth update.")
    quiet = cli("run", raw, "--warehouse", tmp_path / "w.duckdb", "-q")
    assert quiet.returncode == 0, quiet.stderr[-2000:]
    assert quiet.stderr.strip() == "" and not re.search(r"batch of", quiet.stdout)
    assert quiet.stdout.startswith("spaceetl run run_") and "Done. PASS=" in quiet.stdout


def test_run_starts_prefects_server_itself_and_ends_it(tmp_path):
    """`spaceetl run` starts Prefect's temporary server at its very beginning (cli/prefect_server.py) and points the
    flow run at it: Prefect does not start a second one, the report links to no UI, and the server is gone after."""
    import psutil

    write(tmp_path / "raw" / "a.txt", "Relay Satellite Passes Orbit Tests\n\n" + BODY)
    marker = f"server-{os.getpid()}-{tmp_path.name}"  # other tests may run servers of their own meanwhile
    out = cli("run", tmp_path / "raw", "--warehouse", tmp_path / "w.duckdb", "-v", env={"SPACEETL_TEST_MARK": marker})
    text = out.stdout + out.stderr
    assert out.returncode == 0, text[-3000:]
    assert "Starting temporary server" not in text  # Prefect's own start-up line: it used ours
    assert "Beginning flow run" in text
    left = [p for p in psutil.process_iter() if "uvicorn" in " ".join(_cmdline(p)) and _marked(p, marker)]
    assert not left, [" ".join(_cmdline(p))[:120] for p in left]
    report = next((tmp_path / "reports").glob("run_*.json")).read_text()
    assert "127.0.0.1:8" not in report  # no link to a server that is gone


def _cmdline(proc) -> list[str]:
    try:
        return proc.cmdline()
    except Exception:  # noqa: BLE001 - a process that ended or is not ours to read
        return []


def _marked(proc, marker: str) -> bool:
    try:
        return proc.environ().get("SPACEETL_TEST_MARK") == marker
    except Exception:  # noqa: BLE001 - a process that ended or is not ours to read
        return False
