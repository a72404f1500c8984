"""Assemble a run's data-quality report from the warehouse and write it as HTML (self-contained, escaped)
and JSON (the same content, for machines), plus ``latest.html`` / ``latest.json``."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb

HISTORY_RUNS = 12
QUARANTINE_LIMIT = 500


def _rows(conn: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    cur = conn.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def collect(conn: duckdb.DuckDBPyConnection, run_id: str) -> dict:
    run = _rows(conn, "SELECT * FROM runs WHERE run_id = ?", [run_id])
    if not run:
        raise LookupError(f"no run {run_id!r} in this warehouse")
    run = run[0]
    checks = _rows(conn, "SELECT table_name, check_name, column_name, severity, status, failed_rows, total_rows, sample "
                         "FROM dq_results WHERE run_id = ? ORDER BY status = 'pass', severity, table_name, check_name", [run_id])
    quarantine = _rows(conn, f"SELECT stage, source_path, record, table_name, row_key, check_name, reason, "
                             f"left(payload, 400) AS payload FROM quarantine WHERE run_id = ? "
                             f"ORDER BY source_path NULLS LAST, record LIMIT {QUARANTINE_LIMIT}", [run_id])
    quarantine_total = conn.execute("SELECT count(*) FROM quarantine WHERE run_id = ?", [run_id]).fetchone()[0]
    history = _rows(conn, f"""
        SELECT run_id, started_at, status, articles_loaded, quarantined, duplicates, files_seen, files_unchanged
        FROM (SELECT * FROM runs WHERE started_at <= (SELECT started_at FROM runs WHERE run_id = ?)
              ORDER BY started_at DESC LIMIT {HISTORY_RUNS}) ORDER BY started_at""", [run_id])
    run_ids = [h["run_id"] for h in history]
    metric_rows = _rows(conn, "SELECT run_id, metric, value, baseline, drift FROM dq_metrics WHERE run_id IN (SELECT unnest(?))", [run_ids])
    metrics = []
    by_metric: dict[str, dict[str, dict]] = {}
    for m in metric_rows:
        by_metric.setdefault(m["metric"], {})[m["run_id"]] = m
    for name, per_run in by_metric.items():
        current = per_run.get(run_id, {})
        metrics.append(dict(metric=name, value=current.get("value"), baseline=current.get("baseline"),
                            drift=bool(current.get("drift")),
                            history=[per_run.get(r, {}).get("value") for r in run_ids]))
    tables = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
              for t in ("articles", "sources", "entities", "mentions", "amounts", "dates", "claims", "quarantine")}
    this_run = {t: conn.execute(f'SELECT count(*) FROM "{t}" WHERE run_id = ?', [run_id]).fetchone()[0]
                for t in ("articles", "entities", "mentions", "amounts", "dates", "claims")}
    skipped = _rows(conn, f"SELECT source_path, reason FROM sources WHERE run_id = ? AND status = 'skipped' "
                          f"ORDER BY source_path LIMIT {QUARANTINE_LIMIT}", [run_id])
    skipped_total = conn.execute("SELECT count(*) FROM sources WHERE run_id = ? AND status = 'skipped'", [run_id]).fetchone()[0]
    source_status = _rows(conn, "SELECT status, count(*) AS n FROM sources WHERE run_id = ? GROUP BY status ORDER BY status", [run_id])
    return dict(
        run=run, status=run["status"], message=run.get("message"),
        stages=[
            dict(stage="discover", label="files in raw folder", count=run.get("files_seen")),
            dict(stage="discover", label="unchanged", count=run.get("files_unchanged")),
            dict(stage="discover", label="skipped (not articles)", count=skipped_total),
            dict(stage="read", label="records read", count=run.get("records_read")),
            dict(stage="dedup", label="exact duplicates", count=run.get("duplicates")),
            dict(stage="dedup", label="near-duplicates linked", count=run.get("near_duplicates")),
            dict(stage="load", label="articles loaded", count=run.get("articles_loaded")),
            dict(stage="validate", label="quarantined", count=run.get("quarantined")),
        ],
        source_status=source_status, tables=tables, this_run=this_run,
        failing_checks=[c for c in checks if c["status"] == "fail"], checks=checks,
        quarantine=quarantine, quarantine_total=quarantine_total, skipped=skipped, skipped_total=skipped_total, metrics=metrics, history=history,
    )


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def write_report(report: dict, reports_dir: Path) -> tuple[Path, Path]:
    from .html import render_html

    reports_dir.mkdir(parents=True, exist_ok=True)
    run_id = report["run"]["run_id"]
    html_path = reports_dir / f"{run_id}.html"
    json_path = reports_dir / f"{run_id}.json"
    _atomic_write(json_path, json.dumps(report, indent=2, default=_json_default, ensure_ascii=False))
    _atomic_write(html_path, render_html(report))
    for src, name in ((html_path, "latest.html"), (json_path, "latest.json")):
        tmp = reports_dir / f".{name}.tmp"
        shutil.copyfile(src, tmp)
        tmp.replace(reports_dir / name)
    return html_path, json_path


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def markdown_summary(report: dict) -> str:
    """The same summary for the Prefect UI (artifacts). Cell text is escaped for markdown tables."""
    def cell(v) -> str:
        return str(v if v is not None else "").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")[:160]

    run = report["run"]
    lines = [f"# spaceetl run {cell(run['run_id'])}: **{cell(report['status'])}**", ""]
    if report.get("message"):
        lines += [cell(report["message"]), ""]
    lines += ["| stage | what | count |", "|---|---|---|"]
    lines += [f"| {s['stage']} | {s['label']} | {cell(s['count'])} |" for s in report["stages"]]
    lines += ["", f"## Failing checks ({len(report['failing_checks'])})", "", "| table | check | severity | failed / total |", "|---|---|---|---|"]
    lines += [f"| {cell(c['table_name'])} | {cell(c['check_name'])} | {c['severity']} | {c['failed_rows']} / {c['total_rows']} |"
              for c in report["failing_checks"]]
    lines += ["", f"## Quarantined ({report['quarantine_total']})", "", "| file | record | check | reason |", "|---|---|---|---|"]
    lines += [f"| {cell(q['source_path'])} | {cell(q['record'])} | {cell(q['check_name'])} | {cell(q['reason'])} |"
              for q in report["quarantine"][:50]]
    if report.get("skipped"):
        lines += ["", f"## Skipped, not articles ({report['skipped_total']})", "", "| file | reason |", "|---|---|"]
        lines += [f"| {cell(k['source_path'])} | {cell(k['reason'])} |" for k in report["skipped"][:50]]
    return "\n".join(lines)
