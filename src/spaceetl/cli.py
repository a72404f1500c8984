"""``spaceetl`` command line. Heavy libraries (Prefect, spaCy, polars) are imported inside the commands, so
``spaceetl --help`` starts fast."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

log = logging.getLogger("spaceetl")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--warehouse", type=Path, help="DuckDB file (default: warehouse/spaceetl.duckdb, env SPACEETL_WAREHOUSE)")
    p.add_argument("-v", "--verbose", action="store_true", help="more logging")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spaceetl", description="Raw space/defence/satellite-telecom news files -> DuckDB warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest a folder of raw article files (a Prefect flow run)")
    run.add_argument("raw_dir", nargs="?", type=Path, help="folder of raw files (default: samples/corpus, env SPACEETL_RAW_DIR)")
    _common(run)
    run.add_argument("--reports-dir", type=Path, help="where reports go (default: <warehouse folder>/reports)")
    run.add_argument("--model", dest="spacy_model", help="spaCy pipeline package (env SPACEETL_SPACY_MODEL)")
    run.add_argument("--batch-files", type=int, help="files per batch / Prefect task")
    run.add_argument("--n-process", type=int, help="spaCy processes per batch (0 = auto)")
    run.add_argument("--task-runner", choices=["thread", "process", "dask"], help="how extraction batches run")
    run.add_argument("--workers", type=int, help="parallel extraction workers")
    run.add_argument("--dask-address", help="existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --task-runner dask)")
    run.add_argument("--max-file-bytes", type=int, help="files larger than this are quarantined")
    run.add_argument("--no-progress", action="store_true", help="no progress bar (off anyway in CI and without a TTY)")

    rep = sub.add_parser("report", help="re-render the data-quality report of a run (default: the latest)")
    _common(rep)
    rep.add_argument("--run", dest="run_id", help="run id (default: latest)")
    rep.add_argument("--reports-dir", type=Path)
    rep.add_argument("--open", action="store_true", help="open the HTML report in a browser")

    sql = sub.add_parser("sql", help="run a read-only SQL query against the warehouse and print the result")
    sql.add_argument("query")
    _common(sql)
    sql.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table",
                     help="table (aligned, for reading) or csv / json / markdown on standard output (for export)")
    sql.add_argument("--max-rows", type=int, default=50, help="rows shown in table format")

    serve = sub.add_parser("serve", help="run the flow on a schedule over a raw folder (needs a Prefect server: PREFECT_API_URL)")
    serve.add_argument("raw_dir", nargs="?", type=Path, help="folder to ingest on every run")
    _common(serve)
    when = serve.add_mutually_exclusive_group()
    when.add_argument("--cron", default=None, help='cron schedule, e.g. "0 * * * *" (default: hourly)')
    when.add_argument("--interval", type=float, help="seconds between runs instead of a cron schedule")
    serve.add_argument("--name", default="spaceetl-scheduled", help="deployment name")

    server = sub.add_parser("server", help="start a persistent local Prefect server (for schedules and the UI)")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=4200)
    server.add_argument("-v", "--verbose", action="store_true")

    dic = sub.add_parser("dictionary", help="write the data dictionary generated from the table contracts")
    dic.add_argument("--output", type=Path, default=Path("docs/DATA_DICTIONARY.md"), help="'-' for stdout")
    dic.add_argument("-v", "--verbose", action="store_true")
    return parser


def cmd_serve(args: argparse.Namespace) -> int:
    """A long-running process that polls the Prefect server for the deployment's scheduled runs and executes them.
    Only new or changed files are read on each run (unchanged ones are skipped cheaply)."""
    import os

    if not os.environ.get("PREFECT_API_URL"):
        log.error("schedules need a persistent Prefect server: start one with `spaceetl server` (or "
                  "`prefect server start`) and set PREFECT_API_URL=http://127.0.0.1:4200/api")
        return 2
    settings = _settings(args, "raw_dir", "warehouse")
    from spaceetl.flows.etl import etl

    params = {"raw_dir": str(Path(settings.raw_dir).resolve()), "warehouse": str(Path(settings.warehouse).resolve())}
    schedule = {"interval": args.interval} if args.interval else {"cron": args.cron or "0 * * * *"}
    log.info("serving deployment %s (%s) over %s", args.name, schedule, params["raw_dir"])
    etl.serve(name=args.name, parameters=params, **schedule)
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    """`prefect server start` with the offline defaults (no telemetry)."""
    import os

    from . import prefect_env  # noqa: F401

    cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", args.host, "--port", str(args.port)]
    sys.stdout.write(f"Prefect server on http://{args.host}:{args.port} - in another shell:\n"
                     f"  export PREFECT_API_URL=http://{args.host}:{args.port}/api\n")
    sys.stdout.flush()
    os.execv(sys.executable, cmd)
    return 0  # pragma: no cover


def cmd_dictionary(args: argparse.Namespace) -> int:
    from .dictionary import render_markdown

    text = render_markdown()
    if str(args.output) == "-":
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        sys.stdout.write(f"{args.output}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")
    for noisy in ("httpx", "httpcore", "distributed", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    from .errors import SpaceetlError

    try:
        return {"run": cmd_run, "report": cmd_report, "sql": cmd_sql, "dictionary": cmd_dictionary,
                "serve": cmd_serve, "server": cmd_server}[args.command](args)
    except SpaceetlError as exc:
        log.error("%s", exc)
        return 2


def _settings(args: argparse.Namespace, *names: str):
    from .config import load_settings

    overrides = {n: getattr(args, n, None) for n in names}
    return load_settings(**overrides)


def cmd_run(args: argparse.Namespace) -> int:
    if args.dask_address and not args.task_runner:
        args.task_runner = "dask"
    settings = _settings(args, "raw_dir", "warehouse", "reports_dir", "spacy_model", "batch_files", "n_process",
                         "task_runner", "workers", "dask_address", "max_file_bytes")
    from spaceetl import progress
    from spaceetl.flows.etl import run_etl

    progress.enable(progress.wanted() and not args.no_progress)
    state = run_etl(settings, return_state=True)
    summary = state.result(raise_on_failure=False)
    if not isinstance(summary, dict):
        log.error("flow run did not finish: %s", summary)
        return 1
    _print_summary(summary)
    return 1 if summary["status"] == "failed" else 0


def _print_summary(s: dict) -> None:
    lines = [
        f"spaceetl run {s['run_id']}: {s['status'].upper()}" + (f" ({s['message']})" if s.get("message") else ""),
        f"  files seen        {s['files_seen']:>7}   (unchanged: {s['files_unchanged']}, "
        f"skipped as not articles: {s.get('files_skipped', 0)})",
        f"  records read      {s['records_read']:>7}",
        f"  articles loaded   {s['articles_loaded']:>7}",
        f"  duplicates        {s['duplicates']:>7}   near-duplicates linked: {s['near_duplicates']}",
        f"  quarantined       {s['quarantined']:>7}",
        f"  warehouse         {s['warehouse']}",
        f"  report            {s['report_html']}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")


def cmd_report(args: argparse.Namespace) -> int:
    from . import warehouse as wh
    from .report.build import collect, write_report

    settings = _settings(args, "warehouse", "reports_dir")
    with wh.session(settings.warehouse, read_only=True, retry_s=settings.busy_retry_s) as conn:
        run_id = args.run_id or (conn.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone() or [None])[0]
        if run_id is None:
            log.error("the warehouse %s has no runs yet: run `spaceetl run` first", settings.warehouse)
            return 2
        report = collect(conn, run_id)
    html_path, json_path = write_report(report, settings.resolved_reports_dir())
    sys.stdout.write(f"{html_path}\n{json_path}\n")
    if args.open:
        import webbrowser

        webbrowser.open(html_path.resolve().as_uri())
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """Read-only by construction: see :mod:`spaceetl.sqlconsole`."""
    from .sqlconsole import render, run_query

    settings = _settings(args, "warehouse")
    result = run_query(settings.warehouse, args.query, retry_s=settings.busy_retry_s)
    sys.stdout.write(render(result, args.format, max_rows=args.max_rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
