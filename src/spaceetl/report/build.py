"""Assemble a run's data-quality report from the warehouse and write it as HTML (self-contained, escaped)
and JSON (the same content, for machines), plus ``latest.html`` / ``latest.json`` and the run index
``index.html`` (every run, newest first, and how long each check has been failing).

A run's page links to the previous and the next run's page; when a run is written, the previous run's page is
written again so its "next" link appears."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import duckdb

HISTORY_RUNS = 12
QUARANTINE_LIMIT = 500
INDEX_RUNS = 200  # the index and the check history cover this many latest runs
# Keys of the report dict that are written as pages of their own, not into the run's JSON twin.
_EXTRA_PAGES = ("_index", "_previous")


def _q(value: str) -> str:
    """A SQL string literal (run ids and names are ours, but a user may paste the SQL anywhere)."""
    return "'" + str(value).replace("'", "''") + "'"


def prefect_ui_url() -> str | None:
    """The Prefect UI's base URL when a persistent server is configured (a temporary server is gone after the
    run, so no link is shown for it)."""
    ui = os.environ.get("PREFECT_UI_URL")
    if ui:
        return ui.rstrip("/")
    api = os.environ.get("PREFECT_API_URL", "").rstrip("/")
    if api and api == os.environ.get("SPACEETL_TEMPORARY_PREFECT_API", "").rstrip("/"):
        return None  # this run's temporary server (spaceetl.cli.prefect_server): gone after the run
    if api.endswith("/api"):
        return api[: -len("/api")]
    return None


def _warn_predicate(table: str, column: str) -> str | None:
    """The SQL condition a row fails for the warn check on ``column``, derived from the warnings contract."""
    from ..schemas import TABLES

    spec = TABLES.get(table)
    if spec is None or spec.warnings is None:
        return None
    col = spec.warnings.to_schema().columns.get(column)
    if col is None:
        return None
    ident = f'x."{column}"'
    parts = [f"{ident} IS NULL"] if not col.nullable else []
    for ch in col.checks:
        st = ch.statistics or {}
        if ch.name == "isin":
            parts.append(f"{ident} NOT IN ({', '.join(_q(v) for v in st['allowed_values'])})")
        elif ch.name == "greater_than_or_equal_to":
            parts.append(f"{ident} < {st['min_value']}")
        elif ch.name == "greater_than":
            parts.append(f"{ident} <= {st['min_value']}")
        elif ch.name == "less_than_or_equal_to":
            parts.append(f"{ident} > {st['max_value']}")
        elif ch.name == "less_than":
            parts.append(f"{ident} >= {st['max_value']}")
        else:
            return None
    return " OR ".join(parts) or None


def failing_rows_sql(check: dict, run_id: str) -> str | None:
    """A query that lists every row failing ``check`` in this run (paste it into `spaceetl sql` or the duckdb CLI)."""
    from ..checks.registry import by_id
    from ..schemas import TABLES

    declared = by_id().get(check.get("check_id") or "")
    if declared is not None and declared.failing_rows:
        return declared.failing_rows
    table, name, column, run = check["table_name"], check["check_name"], check.get("column_name"), _q(run_id)
    if table == "run":
        if name.startswith("quarantined_share"):
            return (f"SELECT source_path, record, stage, check_name, reason FROM quarantine WHERE run_id = {run} "
                    "ORDER BY source_path, record")
        if name.startswith("volume"):
            return "SELECT run_id, started_at, status, articles_loaded FROM runs ORDER BY started_at DESC LIMIT 6"
        return None
    if check["severity"] == "warn" and column:
        pred = _warn_predicate(table, column)
        if pred is None:
            return None
        if table == "articles":
            value = "" if column in ("article_id", "title") else f', x."{column}"'
            return (f'SELECT s.source_path, s.record, x.article_id, x.title{value} FROM articles x '
                    f"LEFT JOIN sources s ON s.article_id = x.article_id WHERE x.run_id = {run} AND ({pred}) "
                    "ORDER BY s.source_path, s.record")
        return f'SELECT * FROM "{table}" x WHERE x.run_id = {run} AND ({pred})'
    if name.startswith("no_orphans:") and "->" in name:
        fk_col, parent = name.split(":", 1)[1].split("->")
        spec = TABLES.get(table)
        fk = next((f for f in spec.foreign_keys if f.column == fk_col and f.table == parent), None) if spec else None
        if fk is None:
            return None
        return (f'SELECT * FROM "{table}" x WHERE x."{fk.column}" IS NOT NULL AND NOT EXISTS '
                f'(SELECT 1 FROM "{fk.table}" p WHERE p."{fk.ref_column}" = x."{fk.column}")')
    if name == "has_source":
        return ("SELECT article_id, title FROM articles a WHERE NOT EXISTS "
                "(SELECT 1 FROM sources s WHERE s.article_id = a.article_id)")
    # error checks of the article tables: the failing rows were quarantined, with the check in their reason
    return (f"SELECT source_path, record, row_key, reason, payload FROM quarantine WHERE run_id = {run} "
            f"AND table_name = {_q(table)} AND contains(reason, {_q(name)}) ORDER BY source_path, record, row_key")


def sample_rows(sample: str | None) -> list[dict]:
    """``dq_results.sample`` as rows (file, record, article, title, value). Older runs stored bare values."""
    if not sample:
        return []
    try:
        data = json.loads(sample)
    except ValueError:
        return [dict(file=None, record=None, article_id=None, title=None, value=sample)]
    if not isinstance(data, list):
        data = [data]
    return [d if isinstance(d, dict) and "value" in d else dict(file=None, record=None, article_id=None, title=None, value=d)
            for d in data]


def _rows(conn: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    cur = conn.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def collect(conn: duckdb.DuckDBPyConnection, run_id: str, *, with_pages: bool = True) -> dict:
    """The report of ``run_id``. ``with_pages``: also the run index and the previous run's report (written as
    pages of their own by :func:`write_report`)."""
    from ..checks.metrics import BAD_DIRECTION, drift_limits

    run = _rows(conn, "SELECT * FROM runs WHERE run_id = ?", [run_id])
    if not run:
        raise LookupError(f"no run {run_id!r} in this warehouse")
    run = run[0]
    checks = _rows(conn, "SELECT check_id, table_name, check_name, column_name, severity, status, failed_rows, total_rows, "
                         "denominator, sample, message FROM dq_results WHERE run_id = ? "
                         "ORDER BY status = 'pass', status <> 'error', severity, table_name, check_name", [run_id])
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
        low, high = drift_limits(name, current.get("baseline"))
        metrics.append(dict(metric=name, value=current.get("value"), baseline=current.get("baseline"),
                            drift=bool(current.get("drift")), bad_direction=BAD_DIRECTION.get(name, "both"),
                            drift_below=low, drift_above=high,
                            history=[per_run.get(r, {}).get("value") for r in run_ids]))
    tables = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
              for t in ("articles", "sources", "entities", "mentions", "amounts", "dates", "claims", "quarantine")}
    this_run = {t: conn.execute(f'SELECT count(*) FROM "{t}" WHERE run_id = ?', [run_id]).fetchone()[0]
                for t in ("articles", "entities", "mentions", "amounts", "dates", "claims")}
    skipped = _rows(conn, f"SELECT source_path, reason FROM sources WHERE run_id = ? AND status = 'skipped' "
                          f"ORDER BY source_path LIMIT {QUARANTINE_LIMIT}", [run_id])
    skipped_total = conn.execute("SELECT count(*) FROM sources WHERE run_id = ? AND status = 'skipped'", [run_id]).fetchone()[0]
    source_status = _rows(conn, "SELECT status, count(*) AS n FROM sources WHERE run_id = ? GROUP BY status ORDER BY status", [run_id])
    for c in checks:
        c["sample_rows"] = sample_rows(c.get("sample"))
        c["check_id"] = c.get("check_id") or f"{c['table_name']}.{c['check_name']}"  # runs before check ids
        c["sql"] = failing_rows_sql(c, run_id) if c["status"] == "fail" else None
    neighbours = conn.execute(
        """SELECT (SELECT run_id FROM runs WHERE started_at < r.started_at ORDER BY started_at DESC LIMIT 1),
                  (SELECT run_id FROM runs WHERE started_at > r.started_at ORDER BY started_at LIMIT 1)
           FROM runs r WHERE run_id = ?""", [run_id]).fetchone()
    ui = prefect_ui_url()
    extra = {}
    if with_pages:
        extra["_index"] = collect_index(conn)
        if neighbours[0]:
            extra["_previous"] = collect(conn, neighbours[0], with_pages=False)
    return dict(
        previous_run=neighbours[0], next_run=neighbours[1],
        flow_run_url=f"{ui}/runs/flow-run/{run['flow_run_id']}" if ui and run.get("flow_run_id") else None,
        run=run, status=run["status"], message=run.get("message"),
        stages=[
            dict(stage="discover", label="files in raw folder", count=run.get("files_seen")),
            dict(stage="discover", label="unchanged", count=run.get("files_unchanged")),
            dict(stage="discover", label="skipped (not articles)", count=skipped_total),
            dict(stage="discover", label="deleted since last run", count=run.get("files_deleted")),
            dict(stage="read", label="records read", count=run.get("records_read")),
            dict(stage="dedup", label="exact duplicates", count=run.get("duplicates")),
            dict(stage="dedup", label="near-duplicates linked", count=run.get("near_duplicates")),
            dict(stage="load", label="articles loaded", count=run.get("articles_loaded")),
            dict(stage="validate", label="quarantined", count=run.get("quarantined")),
        ],
        source_status=source_status, tables=tables, this_run=this_run, data_files=_data_files(run),
        failing_checks=[c for c in checks if c["status"] in ("fail", "error")], checks=checks,
        quarantine=quarantine, quarantine_total=quarantine_total, skipped=skipped, skipped_total=skipped_total,
        metrics=metrics, history=history, **extra,
    )


def _data_files(run: dict) -> list[dict]:
    """The run's lineage of domain data files, for the summary (empty for runs recorded before it existed)."""
    if not run.get("data_files_json"):
        return []
    files = json.loads(run["data_files_json"])
    return [dict(name=name, sha256=f["sha256"], origin=f["origin"], path=f["path"]) for name, f in sorted(files.items())]


def collect_index(conn: duckdb.DuckDBPyConnection) -> dict:
    """Every run (newest first) with its counts and failing checks, and per check how many runs in a row (up to
    the latest) it has failed, and since when."""
    runs = _rows(conn, f"""
        SELECT run_id, started_at, finished_at, status, message, files_seen, files_unchanged, records_read,
               articles_loaded, duplicates, quarantined, flow_run_id
        FROM runs ORDER BY started_at DESC LIMIT {INDEX_RUNS}""")
    recent = f"(SELECT run_id FROM runs ORDER BY started_at DESC LIMIT {INDEX_RUNS})"
    failing = _rows(conn, f"""
        SELECT run_id, table_name, check_name, severity, failed_rows, total_rows FROM dq_results
        WHERE status = 'fail' AND run_id IN {recent} ORDER BY severity, table_name, check_name""")
    by_run: dict[str, list[dict]] = {}
    for f in failing:
        by_run.setdefault(f["run_id"], []).append(f)
    for r in runs:
        r["failing"] = by_run.get(r["run_id"], [])
    # streaks over the runs that checked anything (a run that read nothing leaves per-row checks out)
    checked = _rows(conn, f"""
        SELECT d.run_id, r.started_at, d.table_name, d.check_name, d.severity, d.status, d.failed_rows, d.total_rows
        FROM dq_results d JOIN runs r USING (run_id) WHERE d.run_id IN {recent} ORDER BY r.started_at DESC""")
    history: dict[tuple, list[dict]] = {}
    for c in checked:
        history.setdefault((c["table_name"], c["check_name"], c["severity"]), []).append(c)
    checks = []
    for (table, check, severity), results in history.items():
        streak = 0
        for res in results:  # newest first
            if res["status"] != "fail":
                break
            streak += 1
        if not any(res["status"] == "fail" for res in results):
            continue
        last_fail = next(res for res in results if res["status"] == "fail")
        checks.append(dict(table_name=table, check_name=check, severity=severity, failing_now=streak > 0,
                           failing_runs=streak, failing_since=results[streak - 1]["started_at"] if streak else None,
                           since_run=results[streak - 1]["run_id"] if streak else None,
                           runs_checked=len(results), runs_failed=sum(res["status"] == "fail" for res in results),
                           last_failed=last_fail["started_at"], last_failed_run=last_fail["run_id"],
                           latest_failed_rows=results[0]["failed_rows"], latest_total_rows=results[0]["total_rows"]))
    checks.sort(key=lambda c: (not c["failing_now"], c["severity"] != "error", -c["failing_runs"], c["table_name"], c["check_name"]))
    return dict(runs=runs, checks=checks, prefect_ui=prefect_ui_url())


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def write_report(report: dict, reports_dir: Path, *, latest: bool | None = None) -> tuple[Path, Path]:
    """Write the run's page and JSON twin; ``latest.*`` when it is the newest run (``latest=None``: when it has no
    next run); the run index and the previous run's page when the report carries them."""
    from .html import render_html, render_index

    reports_dir.mkdir(parents=True, exist_ok=True)
    run_id = report["run"]["run_id"]
    html_path = reports_dir / f"{run_id}.html"
    json_path = reports_dir / f"{run_id}.json"
    plain = {k: v for k, v in report.items() if k not in _EXTRA_PAGES}
    _atomic_write(json_path, json.dumps(plain, indent=2, default=_json_default, ensure_ascii=False))
    _atomic_write(html_path, render_html(plain))
    if latest if latest is not None else not report.get("next_run"):
        for src, name in ((html_path, "latest.html"), (json_path, "latest.json")):
            tmp = reports_dir / f".{name}.tmp"
            shutil.copyfile(src, tmp)
            tmp.replace(reports_dir / name)
    if report.get("_previous"):
        write_report(report["_previous"], reports_dir, latest=False)
    if report.get("_index"):
        _atomic_write(reports_dir / "index.html", render_index(report["_index"]))
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
    if report["status"] in ("interrupted", "running"):
        lines += ["**This run did not finish**: its checks did not all run; nothing here says its data passed.", ""]
    if report["status"] == "warning":
        lines += ["**This run is a WARNING.** Prefect has no warning state: the flow run is a Completed state named "
                  "Warning and shows green. Look at the failing checks below.", ""]
    if report.get("message"):
        lines += [cell(report["message"]), ""]
    lines += ["| stage | what | count |", "|---|---|---|"]
    lines += [f"| {s['stage']} | {s['label']} | {cell(s['count'])} |" for s in report["stages"]]
    lines += ["", f"## Failing checks ({len(report['failing_checks'])})", "", "| table | check | severity | failed / total |", "|---|---|---|---|"]
    lines += [f"| {cell(c['table_name'])} | {cell(c['check_name'])} | {c['severity']} | "
              + (f"errored: {cell(c.get('message'))}" if c["status"] == "error" else
                 f"{c['failed_rows']} / {c['total_rows']} {cell(c.get('denominator'))}") + " |"
              for c in report["failing_checks"]]
    lines += ["", f"## Quarantined ({report['quarantine_total']})", "", "| file | record | check | reason |", "|---|---|---|---|"]
    lines += [f"| {cell(q['source_path'])} | {cell(q['record'])} | {cell(q['check_name'])} | {cell(q['reason'])} |"
              for q in report["quarantine"][:50]]
    if report.get("skipped"):
        lines += ["", f"## Skipped, not articles ({report['skipped_total']})", "", "| file | reason |", "|---|---|"]
        lines += [f"| {cell(k['source_path'])} | {cell(k['reason'])} |" for k in report["skipped"][:50]]
    return "\n".join(lines)
