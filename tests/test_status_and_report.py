"""When warn checks make a run a warning (per-check thresholds, sharp rises), one-sided drift, failing-row samples
with their context and SQL, the run index and the links between run reports."""

import json
import re

import pytest

from conftest import write
from spaceetl import warehouse as wh
from spaceetl.pipeline import run
from spaceetl.checks.metrics import drift_limits, is_drift
from spaceetl.checks.runner import verdict
from spaceetl.checks.escalation import Threshold, escalated_warn_checks, parse_thresholds

# Original texts written for these tests: long enough to load, no publication date anywhere.
UNDATED = [
    ("Relay Satellite Passes Orbit Tests", "Northwind Orbital said its relay satellite passed its first orbit tests "
     "and began carrying traffic for the Norwegian coast guard. The company plans two more spacecraft."),
    ("Ground Station Opens in Tromso", "A new ground station in Tromso will download imagery from six polar "
     "satellites, the operator said. Engineers finished the antenna work ahead of schedule."),
    ("Launch Slips to Spring", "The launch of a weather satellite for the European agency slipped to the spring "
     "after a valve problem, the launch provider said. The satellite is stored in a clean room."),
]


def warn_row(check="missing publication date", failed=3, total=4, table="articles", column="published_at"):
    return dict(table_name=table, check_name=check, column_name=column, severity="warn", status="fail" if failed else "pass",
                failed_rows=failed, total_rows=total, sample=None)


# --- the status decision (pure) -------------------------------------------------------------------------------

def test_warn_check_failing_on_most_rows_escalates():
    out = escalated_warn_checks([warn_row(failed=3, total=4), warn_row("missing title", 1, 4, column="title")], {},
                                parse_thresholds(None))
    assert [r["table_name"] + "." + r["column_name"] for r in out] == ["articles.published_at"]
    assert "share 0.75 > 0.5" in out[0]["check_name"]


def test_an_escalated_check_names_what_its_count_counts():
    row = dict(warn_row(failed=3, total=4), denominator="articles extracted by this run")
    problems = verdict([], escalated_warn_checks([row], {}, parse_thresholds(None))).problems
    assert problems == ["articles.missing publication date (share 0.75 > 0.5): 3 of 4 articles extracted by this run"]


def test_thresholds_per_check_from_json_and_yaml(tmp_path):
    rows = [warn_row(failed=3, total=4)]
    assert escalated_warn_checks(rows, {}, parse_thresholds('{"missing publication date": 0.9}')) == []
    assert escalated_warn_checks(rows, {}, parse_thresholds('{"articles.published_at": {"max_share": 0.8}}')) == []
    assert escalated_warn_checks(rows, {}, parse_thresholds('{"*": 0.7}'))  # 0.75 > 0.7
    yaml_file = write(tmp_path / "t.yaml", "'*':\n  max_share: 1\n  max_rise: 1\n")
    assert escalated_warn_checks(rows, {}, parse_thresholds(str(yaml_file))) == []
    for bad in ('{"x": 2}', '{"x": {"max_shares": 0.1}}', "no/such/file.yaml", "[1]"):
        with pytest.raises(ValueError):
            parse_thresholds(bad)


def test_sharp_rise_against_recent_runs_escalates_but_a_fall_does_not():
    key = ("articles", "missing title", "title")
    rows = [warn_row("missing title", failed=2, total=5, column="title")]  # 0.4: under the share limit
    rise = escalated_warn_checks(rows, {key: [0.0, 0.05, 0.0]}, parse_thresholds(None))
    assert rise and "up from 0.00" in rise[0]["check_name"]
    assert escalated_warn_checks(rows, {key: [0.3, 0.35]}, parse_thresholds(None)) == []
    assert escalated_warn_checks([warn_row("missing title", 0, 5, column="title")], {key: [0.9]}, parse_thresholds(None)) == []
    assert escalated_warn_checks(rows, {key: [0.0]}, {"*": Threshold(max_rise=1.0)}) == []


def test_drift_is_one_sided():
    # fewer articles without a date is an improvement; more is drift
    assert not is_drift("share_articles_without_date", 0.0, 0.75)
    assert is_drift("share_articles_without_date", 0.9, 0.2)
    # fewer entities per 1,000 words is bad, more is not
    assert is_drift("entities_per_1000_words", 20.0, 70.0) and not is_drift("entities_per_1000_words", 140.0, 70.0)
    low, high = drift_limits("share_articles_without_date", 0.2)
    assert low is None and high == pytest.approx(0.3)
    assert drift_limits("articles_loaded", 10.0) == (None, None)


# --- through a real run ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def undated_runs(tmp_path_factory, nlp):
    from spaceetl.config import load_settings

    base = tmp_path_factory.mktemp("undated")
    raw = base / "raw"
    for i, (title, body) in enumerate(UNDATED):
        write(raw / f"story_{i}.txt", f"{title}\n\n{body}")
    settings = load_settings(raw_dir=raw, warehouse=base / "w.duckdb", busy_retry_s=5, lock_timeout_s=5)
    first = run(settings)
    write(raw / "story_3.txt", "Fourth Relay Ordered\n\n" + UNDATED[0][1].replace("two more", "three more"))
    second = run(settings)
    return settings, first, second


def test_run_where_every_article_lacks_a_date_is_a_warning(undated_runs):
    settings, first, _ = undated_runs
    s = first.summary
    assert s["status"] == "warning" and s["quarantined"] == 0
    assert "missing publication date" in s["message"] and "3 of 3" in s["message"]


def test_threshold_setting_keeps_such_a_run_completed(tmp_path, nlp):
    from spaceetl.config import load_settings

    raw = tmp_path / "raw"
    for i, (title, body) in enumerate(UNDATED):
        write(raw / f"s{i}.txt", f"{title}\n\n{body}")
    settings = load_settings(raw_dir=raw, warehouse=tmp_path / "w.duckdb",
                             check_thresholds='{"missing publication date": 1, "very short article": 1}')
    assert run(settings).summary["status"] == "completed"


def test_failing_check_shows_rows_with_context_and_sql_that_lists_them_all(undated_runs):
    settings, first, _ = undated_runs
    report = first.report
    check = next(c for c in report["failing_checks"] if c["check_name"] == "missing publication date")
    rows = check["sample_rows"]
    assert {r["file"] for r in rows} == {"story_0.txt", "story_1.txt", "story_2.txt"}
    assert {r["title"] for r in rows} == {t for t, _ in UNDATED} and all(r["value"] is None for r in rows)
    assert all(r["record"] == 0 for r in rows)
    with wh.session(settings.warehouse, read_only=True) as conn:
        listed = conn.execute(check["sql"]).fetchall()
    assert len(listed) == check["failed_rows"] == 3
    html = open(first.summary["report_html"], encoding="utf-8").read()
    assert "story_1.txt" in html and "Ground Station Opens in Tromso" in html and "[null" not in html
    assert "x.run_id = &#39;" in html  # the SQL, escaped


def test_run_index_and_links_between_reports(undated_runs):
    settings, first, second = undated_runs
    reports = settings.resolved_reports_dir()
    r1, r2 = first.summary["run_id"], second.summary["run_id"]
    page1 = (reports / f"{r1}.html").read_text(encoding="utf-8")  # written again when the second run finished
    page2 = (reports / f"{r2}.html").read_text(encoding="utf-8")
    assert f'href="{r2}.html"' in page1 and 'id="next-run"' in page1 and 'id="prev-run"' not in page1
    assert f'href="{r1}.html"' in page2 and 'id="prev-run"' in page2 and 'id="next-run"' not in page2
    assert (reports / "latest.html").read_text(encoding="utf-8") == page2
    index = (reports / "index.html").read_text(encoding="utf-8")
    runs_table = re.search(r'<table id="runs">(.*?)</table>', index, re.S).group(1)
    assert runs_table.index(r2) < runs_table.index(r1)  # newest first
    assert "Content-Security-Policy" in index and "<script" not in index
    history = re.search(r'<table id="check-history">(.*?)</table>', index, re.S).group(1)
    row = next(r for r in history.split("</tr>") if "missing publication date" in r)
    assert "2 runs in a row" in row and f'href="{r1}.html"' in row  # failing since the first run
    twin = json.loads((reports / f"{r2}.json").read_text(encoding="utf-8"))
    assert twin["previous_run"] == r1 and "_index" not in twin


def test_charts_have_axes_labels_and_values(undated_runs):
    settings, _, second = undated_runs
    html = open(second.summary["report_html"], encoding="utf-8").read()
    volume = re.search(r'<div id="trend-volume">(.*?)</div>', html, re.S).group(1)
    assert 'class="axis"' in volume and 'class="tick"' in volume and 'class="legend"' in volume
    r1 = second.report["history"][0]["run_id"]
    assert r1.rsplit("_", 1)[1] in volume  # run ids under the bars
    assert re.search(r'class="value"[^>]*>3<', volume) and re.search(r'class="value"[^>]*>1<', volume)
    assert "bad when" in html and "↑ higher" in html and "↓ lower" in html


def test_progress_counts_files_once_with_ticks_inside_a_batch(capsys):
    from spaceetl import progress

    p = progress.Progress(enabled=True, mode="plain", batch_lines=True)
    p.start(10, batches=1)
    for _ in range(4):
        p.tick()  # articles finished inside the batch
    assert p.files == 4
    p.advance(10, articles=8, rows=100)  # the batch reports its 10 files: 6 more, not 10
    assert (p.files, p.articles, p.rows) == (10, 8, 100)
    p.batch_done(10, 8, 2)
    out, err = capsys.readouterr()
    assert re.search(r"^\d\d:\d\d:\d\d  1 of 1  WARN  batch of 10 files \.+ 8 articles, 2 quarantined \[\d", out, re.M)
    assert "progress: 10/10 files (100%), 8 articles loaded, 100 rows" in err
    assert "4 articles extracted, 0 articles loaded" in err  # the articles move before their batch is loaded


def test_progress_moves_inside_one_file_of_many_records(capsys):
    from spaceetl import progress

    p = progress.Progress(enabled=True, mode="bar")
    p.start(5, batches=1)
    p.files = p.total  # every file counted already: a file of many records goes on ticking
    for _ in range(3):
        p.tick()
    assert p.extracted == 3 and p._bar is not None
    assert p._bar.postfix and "extracted=3" in p._bar.postfix
    p.close()


def test_prefect_flow_run_link_and_warning_wording(undated_runs, monkeypatch):
    from spaceetl.report.build import collect, markdown_summary, prefect_ui_url
    from spaceetl.report.html import render_html

    settings, first, _ = undated_runs
    monkeypatch.delenv("PREFECT_UI_URL", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert prefect_ui_url() is None  # a temporary server is gone after the run: no link
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:8123/api")
    monkeypatch.setenv("SPACEETL_TEMPORARY_PREFECT_API", "http://127.0.0.1:8123/api")
    assert prefect_ui_url() is None  # the API of `spaceetl run`'s own temporary server: no link either
    monkeypatch.delenv("SPACEETL_TEMPORARY_PREFECT_API")
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.example:4200/api")
    assert prefect_ui_url() == "http://prefect.example:4200"
    monkeypatch.setenv("PREFECT_UI_URL", "https://ui.example/")
    with wh.session(settings.warehouse) as conn:
        conn.execute("UPDATE runs SET flow_run_id = 'fr-123' WHERE run_id = ?", [first.summary["run_id"]])
        report = collect(conn, first.summary["run_id"], with_pages=False)
    assert report["flow_run_url"] == "https://ui.example/runs/flow-run/fr-123"
    html = render_html(report)
    assert 'id="flow-run-link" href="https://ui.example/runs/flow-run/fr-123"' in html
    assert "This run is a warning." in html and "green" in html
    assert "This run is a WARNING" in markdown_summary(report)
