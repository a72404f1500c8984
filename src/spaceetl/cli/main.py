"""``spaceetl`` command line. Heavy libraries (Prefect, spaCy, polars) are imported inside the commands, so
``spaceetl --help`` starts fast."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

log = logging.getLogger("spaceetl")


def _verbosity(p: argparse.ArgumentParser) -> None:
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="show Prefect's and the libraries' log lines and warnings (-vv: debug)")
    p.add_argument("-q", "--quiet", action="store_true", help="only the summary (and errors)")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--warehouse", type=Path, help="DuckDB file (default: warehouse/spaceetl.duckdb, env SPACEETL_WAREHOUSE)")
    _verbosity(p)


def _version() -> str:
    """Our version and the versions that decide the results (read from package metadata: no heavy import)."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    parts = []
    for dist in ("prefect", "spacy", "duckdb", "pandera", "polars"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            continue
    return f"spaceetl {__version__} ({', '.join(parts)}; Python {sys.version.split()[0]})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="spaceetl", description="Raw space/defence/satellite-telecom news files -> DuckDB warehouse.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest a folder of raw article files (a Prefect flow run)")
    run.add_argument("raw_dir", nargs="?", type=Path, help="folder of raw files (default: samples/corpus, env SPACEETL_RAW_DIR)")
    _common(run)
    run.add_argument("--reports-dir", type=Path, help="where reports go (default: <warehouse folder>/reports)")
    run.add_argument("--model", dest="spacy_model", help="spaCy pipeline package (env SPACEETL_SPACY_MODEL)")
    run.add_argument("--batch-files", type=int, help="files per batch / Prefect task")
    run.add_argument("--n-process", type=int, help="spaCy processes per batch (0 = auto)")
    run.add_argument("--task-runner", choices=["local", "thread", "process", "dask"],
                     help="where extraction runs: local worker processes (default) or a Dask cluster")
    run.add_argument("--workers", type=int, help="parallel extraction workers")
    run.add_argument("--dask-address", help="existing Dask scheduler, e.g. tcp://10.0.0.5:8786 (implies --task-runner dask)")
    run.add_argument("--max-file-bytes", type=int, help="files larger than this are quarantined")
    run.add_argument("--no-progress", action="store_true", help="no progress bar or progress lines (env SPACEETL_PROGRESS=0)")
    run.add_argument("--warn-error", action="store_true", help="treat a warning run as a failure: exit code 1 (as dbt's flag)")

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
    sql.add_argument("--limit", "--max-rows", dest="limit", type=int, default=200,
                     help="rows shown in table / markdown format, then '… N more rows' (default 200); csv and json "
                          "write every row")
    sql.add_argument("--timeout", type=float, default=60.0,
                     help="seconds the query may run, fetching included, before it is stopped (default 60; 0: none)")
    sql.add_argument("--memory-limit", default="2GB",
                     help="DuckDB memory limit for the query, e.g. 500MB (default 2GB); nothing spills to disk")
    sql.add_argument("--raw", action="store_true",
                     help="csv: write cells as they are (by default a cell starting with = + - @ tab or CR gets a "
                          "leading ' so that a spreadsheet does not run it as a formula)")

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
    _verbosity(server)

    dic = sub.add_parser("dictionary", help="write the data dictionary generated from the table contracts")
    dic.add_argument("--output", type=Path, default=Path("docs/DATA_DICTIONARY.md"), help="'-' for stdout")
    _verbosity(dic)

    doc = sub.add_parser("doctor", help="check the environment: model, fts extension, warehouse, raw folder, Prefect API")
    doc.add_argument("raw_dir", nargs="?", type=Path, help="folder to check (default: samples/corpus, env SPACEETL_RAW_DIR)")
    _common(doc)
    doc.add_argument("--model", dest="spacy_model", help="spaCy pipeline package (env SPACEETL_SPACY_MODEL)")

    back = sub.add_parser("rollback", help="undo a run on a DuckLake warehouse (restore the snapshot before it)")
    back.add_argument("run_id", help="the run to undo (see `spaceetl sql \"SELECT run_id, status FROM v_runs\"`)")
    back.add_argument("--and-later", action="store_true", help="also undo the runs that committed after it")
    _common(back)

    fts = sub.add_parser("fts-load", help="print the LOAD line for DuckDB's full-text search extension (for the duckdb CLI)")
    _verbosity(fts)
    return parser


def cmd_serve(args: argparse.Namespace) -> int:
    """A long-running process that polls the Prefect server for the deployment's scheduled runs and executes them.
    Only new or changed files are read on each run (unchanged ones are skipped cheaply)."""
    import os

    if not os.environ.get("PREFECT_API_URL"):
        _error("schedules need a persistent Prefect server: start one with `spaceetl server` (or "
               "`prefect server start`) and set PREFECT_API_URL=http://127.0.0.1:4200/api")
        return 2
    settings = _settings(args, "raw_dir", "warehouse")
    from ..errors import EnvironmentCheckError
    from ..preflight import check_raw_dir, check_warehouse

    for check in (check_raw_dir(Path(settings.raw_dir)), check_warehouse(Path(settings.warehouse))):
        if not check.ok:  # refuse now, not at the first scheduled run
            raise EnvironmentCheckError(check.detail, check=check.name)
    from spaceetl.flows.etl import etl

    quiet_prefect_console()
    if not args.verbose:  # the runner's INFO lines (polling, submitting) are Prefect's, not ours; the flow runs it
        logging.getLogger("prefect").setLevel(logging.WARNING)  # starts inherit the level through the environment
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    _stop_serving_on_signals()

    params = {"raw_dir": str(Path(settings.raw_dir).resolve()), "warehouse": _resolved_warehouse(settings.warehouse)}
    schedule = {"interval": args.interval} if args.interval else {"cron": args.cron or "0 * * * *"}
    log.info("serving deployment %s (%s) over %s", args.name, schedule, params["raw_dir"])
    etl.serve(name=args.name, parameters=params, **schedule)
    return 0


def _stop_serving_on_signals() -> None:
    """Ctrl-C or SIGTERM stops ``serve`` at once. Prefect's runner would wait for its loops to wind down first;
    a flow run in progress runs in its own process, takes the same signal itself and ends ``interrupted``."""
    import os
    import signal

    def stop(signum, _frame) -> None:
        sys.stderr.write(f"spaceetl serve: stopped by {signal.Signals(signum).name}\n")
        sys.stderr.flush()
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def cmd_server(args: argparse.Namespace) -> int:
    """`prefect server start` with the offline defaults (no telemetry)."""
    import os

    from .. import prefect_env  # noqa: F401

    cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", args.host, "--port", str(args.port)]
    sys.stdout.write(f"Prefect server on http://{args.host}:{args.port} - in another shell:\n"
                     f"  export PREFECT_API_URL=http://{args.host}:{args.port}/api\n")
    sys.stdout.flush()
    os.execv(sys.executable, cmd)
    return 0  # pragma: no cover


def cmd_dictionary(args: argparse.Namespace) -> int:
    from ..dictionary import render_markdown

    text = render_markdown()
    if str(args.output) == "-":
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        sys.stdout.write(f"{args.output}\n")
    return 0


# Loggers whose INFO lines are for developers: shown with --verbose only.
_QUIET_BY_DEFAULT = ("prefect", "httpx", "httpcore", "distributed", "asyncio", "uvicorn", "fastapi", "alembic",
                     "docket", "spacy", "numexpr")


class _ConsoleFilter(logging.Filter):
    """Default output keeps our own warnings and errors; the libraries' INFO lines (Prefect's per-task
    ``Finished in state Completed()``, the temporary server's documentation link) go to the Prefect UI only."""

    def __init__(self, level: int):
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= self.level


def setup_logging(verbose: int = 0, quiet: bool = False) -> None:
    """One console handler on the root logger (above the progress bar). Prefect's own handlers keep sending
    flow and task logs to its API, whatever is shown here. Without --verbose, Python warnings (spaCy's, Prefect's
    deprecations) are hidden here and in the worker processes."""
    import os
    import warnings

    from ..progress import ConsoleHandler

    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING
    root = logging.getLogger()
    for h in list(root.handlers):
        if isinstance(h, ConsoleHandler):
            root.removeHandler(h)
    handler = ConsoleHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S"))
    handler.addFilter(_ConsoleFilter(level))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    for name in _QUIET_BY_DEFAULT:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose or name == "prefect" else logging.WARNING)
    if not verbose:
        warnings.simplefilter("ignore")
        os.environ.setdefault("PYTHONWARNINGS", "ignore")  # worker processes started from here


def quiet_prefect_console() -> None:
    """Prefect configures logging when it is imported and puts its own console handler on the root logger: keep
    ours only, so the default output stays ours (Prefect's API handlers are left alone)."""
    from ..progress import ConsoleHandler

    root = logging.getLogger()
    for h in list(root.handlers):
        if not isinstance(h, ConsoleHandler) and type(h).__name__ == "PrefectConsoleHandler":
            root.removeHandler(h)
    for name in ("prefect", "prefect.flow_runs", "prefect.task_runs", "prefect.extra"):
        lg = logging.getLogger(name)
        for h in list(lg.handlers):
            if type(h).__name__ == "PrefectConsoleHandler":
                lg.removeHandler(h)




def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(getattr(args, "verbose", 0), getattr(args, "quiet", False))
    from ..errors import SpaceetlError

    handlers = {"run": cmd_run, "report": cmd_report, "sql": cmd_sql, "dictionary": cmd_dictionary,
                "serve": cmd_serve, "server": cmd_server, "doctor": cmd_doctor, "fts-load": cmd_fts_load,
                "rollback": cmd_rollback}
    try:
        code = handlers[args.command](args)
        if argv is None and args.command == "run":
            _exit_now(code)
        return code
    except SpaceetlError as exc:
        _error(str(exc))
        return 2
    except Exception as exc:  # noqa: BLE001 - DuckDB refusing the file (corrupt, busy) or a disk fault
        from ..errors import ENVIRONMENT_ERRORS, describe_environment_error

        if isinstance(exc, ENVIRONMENT_ERRORS) or type(exc).__module__.startswith("duckdb"):
            _error(describe_environment_error(exc))
            return 2
        raise
    except KeyboardInterrupt:
        _error("interrupted")
        return 130


def _exit_now(code: int) -> None:
    """End a finished ``spaceetl run`` process without the interpreter's teardown: freeing the spaCy model, the
    DuckDB and polars state object by object takes seconds and serves nobody. Everything is written and closed
    by now; the exit handlers (Prefect's log and event workers, the worker processes) still run first."""
    import atexit
    import os

    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _error(message: str) -> None:
    """A user error: one line on stderr, no traceback."""
    sys.stderr.write(f"spaceetl: error: {message}\n")
    sys.stderr.flush()


def _settings(args: argparse.Namespace, *names: str):
    """The settings, or one line saying which setting is wrong (a typo in an environment variable must not
    print a pydantic traceback)."""
    from pydantic import ValidationError

    from ..config import load_settings
    from ..errors import SpaceetlError

    overrides = {n: getattr(args, n, None) for n in names}
    try:
        return load_settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ())) or "settings"
        raise SpaceetlError(f"invalid setting {where} (SPACEETL_{where.upper()}): {first.get('msg')}",
                            stage="config") from None


def cmd_run(args: argparse.Namespace) -> int:
    if args.dask_address and not args.task_runner:
        args.task_runner = "dask"
    settings = _settings(args, "raw_dir", "warehouse", "reports_dir", "spacy_model", "batch_files", "n_process",
                         "task_runner", "workers", "dask_address", "max_file_bytes")
    # Fixed costs run side by side: Prefect's temporary server starts in its own process, the model loads (or
    # the worker processes start), and the environment checks run, instead of one after the other.
    # The first batches go to the workers before the run begins (pipeline.head_start), so the workers are busy
    # while Prefect's server finishes starting and the flow run is registered.
    from .. import preflight, reaper
    from ..pipeline.allocator import map_large_blocks_apart
    from ..pipeline.executors import warm_up
    from ..pipeline.head_start import head_start
    from .prefect_server import TemporaryServer

    map_large_blocks_apart()  # the batches this process loads leave no allocator holes behind (see allocator)
    reaper.watch_descendants()  # whatever this run starts ends with it, even if it is killed
    server = TemporaryServer.start_in_background()
    preflight.ensure_ready(settings)  # the one preflight: exit 2 at once (the server, half started, dies with us)
    warm_up(settings, 2 if _more_files_than(Path(settings.raw_dir), settings.batch_files) else 1)
    early = head_start(settings)
    server.wait()  # points Prefect at the server: before this process imports Prefect
    from spaceetl import progress
    from spaceetl.flows.etl import run_etl

    quiet_prefect_console()
    progress.enable(progress.wanted() and not args.no_progress and not args.quiet, batch_lines=not args.quiet)
    try:
        state = run_etl(settings, return_state=True, preflight_done=True, executor=early)
    finally:
        server.stop_nowait()  # the summary need not wait for the server's shutdown
        if early is not None:
            early.close()
    summary = state.result(raise_on_failure=False)
    log.debug("flow run returned")
    if isinstance(summary, dict) and "error" in summary:  # the run could not start or go on (environment)
        _error(summary["error"])
        return int(summary["exit_code"])
    if not isinstance(summary, dict):
        _error(f"the flow run did not finish: {summary}")
        return 1
    if summary["status"] == "interrupted" or "exit_code" in summary:
        _error(f"run {summary['run_id']} {summary['status']}: {summary['message']}")
        return int(summary.get("exit_code", 1))
    _print_summary(summary, warn_error=args.warn_error)
    if summary["status"] == "failed" or (args.warn_error and summary["status"] == "warning"):
        return 1
    return 0


def _more_files_than(folder: Path, n: int) -> bool:
    """Cheap guess of whether a run has several batches (the plan decides for real, after unchanged files)."""
    import os

    seen = 0
    try:
        for _, _, files in os.walk(folder):
            seen += len(files)
            if seen > n:
                return True
    except OSError:
        return False
    return False


def _check_counts(report: dict) -> dict[str, int]:
    checks = report.get("checks", [])
    return dict(PASS=sum(c["status"] == "pass" for c in checks),
                WARN=sum(c["status"] == "fail" and c["severity"] != "error" for c in checks),
                ERROR=sum(c["status"] == "error" or (c["status"] == "fail" and c["severity"] == "error")
                          for c in checks),
                TOTAL=len(checks))


def _print_summary(s: dict, warn_error: bool = False) -> None:
    """dbt-style: the run's status and counts, the failing checks one per line, and PASS/WARN/ERROR totals."""
    import json

    status = s["status"].upper()
    lines = [
        f"spaceetl run {s['run_id']}: {status}" + (f" ({s['message']})" if s.get("message") else ""),
        f"  files seen        {s['files_seen']:>7}   (unchanged: {s['files_unchanged']}, "
        f"skipped as not articles: {s.get('files_skipped', 0)})",
        f"  records read      {s['records_read']:>7}",
        f"  articles loaded   {s['articles_loaded']:>7}",
        f"  duplicates        {s['duplicates']:>7}   near-duplicates linked: {s['near_duplicates']}",
        f"  quarantined       {s['quarantined']:>7}",
        *([f"  failed files      {s['files_failed']:>7}   first error: {s['first_error']}"] if s.get("files_failed") else []),
        *([f"  workers replaced  {s['worker_restarts']:>7}"] if s.get("worker_restarts") else []),
        f"  warehouse         {s['warehouse']}",
        f"  report            {s['report_html']}",
        f"  all runs          {Path(s['report_html']).parent / 'index.html'}",
    ]
    try:
        report = json.loads(Path(s["report_json"]).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError):
        report = {}
    failing = [c for c in report.get("checks", []) if c["status"] in ("fail", "error")]
    if failing:
        lines.append("")
        for c in failing:
            tag = "ERROR" if c["severity"] == "error" or c["status"] == "error" else "WARN "
            name = c.get("check_id") or f"{c['table_name']}.{c['check_name']}"
            what = (f"check errored: {c.get('message')}" if c["status"] == "error" else
                    f"{c['failed_rows']:,} of {c['total_rows']:,} {c.get('denominator') or 'rows'}")
            lines.append(f"  {tag} {name[:60] + ' ':.<62} {what}")
    if report:
        counts = _check_counts(report)
        lines += ["", "Done. " + " ".join(f"{k}={v}" for k, v in counts.items())]
    if s["status"] == "warning":
        lines.append("This run is a WARNING" + (" and --warn-error makes it fail (exit 1)." if warn_error else
                     ": data loaded, checks need a look. Prefect shows it as a green Completed state named Warning."))
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def _resolved_warehouse(value) -> str:
    """An absolute DuckDB file path; a ``ducklake:`` setting as given (its catalog path is resolved on use)."""
    return str(value) if str(value).startswith("ducklake:") else str(Path(value).resolve())


def cmd_report(args: argparse.Namespace) -> int:
    import contextlib

    from ..errors import SpaceetlError

    settings = _settings(args, "warehouse", "reports_dir")
    from ..warehouse.core import target

    where = target(settings.warehouse)  # a DuckDB file, or a lake's catalog (a SQLite file, or PostgreSQL)
    if where.catalog != "postgres" and not Path(where.location).is_file():
        raise SpaceetlError(f"no warehouse at {settings.warehouse}: run `spaceetl run` first, or pass --warehouse",
                            stage="report")
    from .. import warehouse as wh
    from ..report.build import collect, write_report

    conn = wh.open_verified(settings.warehouse, retry_s=settings.busy_retry_s)  # a damaged file: one line, exit 2
    with contextlib.closing(conn):
        try:
            run_id = args.run_id or (conn.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone() or [None])[0]
        except Exception:  # noqa: BLE001 - a DuckDB file that is not a spaceetl warehouse
            run_id = None
        if run_id is None:
            raise SpaceetlError(f"the warehouse {settings.warehouse} has no runs yet: run `spaceetl run` first", stage="report")
        try:
            report = collect(conn, run_id)
        except LookupError:
            recent = [r[0] for r in conn.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 3").fetchall()]
            raise SpaceetlError(f"no run {run_id!r} in {settings.warehouse} (latest: {', '.join(recent)}; "
                                "`spaceetl sql \"SELECT run_id, status FROM v_runs\"` lists them all)", stage="report") from None
    html_path, json_path = write_report(report, settings.resolved_reports_dir())
    sys.stdout.write(f"{html_path}\n{json_path}\n")
    if args.open:
        import webbrowser

        try:
            opened = webbrowser.open(html_path.resolve().as_uri())
        except webbrowser.Error:
            opened = False
        if not opened:
            raise SpaceetlError(f"no web browser found: open {html_path.resolve()} yourself", stage="report")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    """One OK/FAIL line per thing a run needs (the checks of ``spaceetl.preflight``, with the model really loaded
    and the Prefect API asked); exit 1 if any fails. The FTS line is the one to paste into the duckdb CLI."""
    settings = _settings(args, "raw_dir", "warehouse", "spacy_model")
    from .. import preflight

    checks = preflight.check_environment(settings, load_model=True, check_prefect=True)
    warehouse_ok = next((c.ok for c in checks if c.name == "warehouse"), True)
    contents = preflight.check_warehouse_file(Path(settings.warehouse), full=True) if warehouse_ok else None
    if contents is not None:  # opened read-only, every column of every table read
        checks.append(contents)
    width = max((len(c.name) for c in checks), default=0)
    for c in checks:
        sys.stdout.write(f"{'OK  ' if c.ok else 'FAIL'}  {c.name:<{width}}  {c.detail}\n")
    import os

    if not os.environ.get("PREFECT_API_URL"):
        sys.stdout.write(f"{'--':<4}  {'Prefect API':<{width}}  none configured (PREFECT_API_URL): each run starts a "
                         "temporary local server\n")
    line = _fts_load_line()
    if line:
        sys.stdout.write(f"\nduckdb CLI full-text search: {line}\n")
    failed = [c for c in checks if not c.ok]
    sys.stdout.write(f"\n{len(checks) - len(failed)} of {len(checks)} checks OK\n")
    return 1 if failed else 0


def _fts_load_line() -> str | None:
    from ..warehouse import fts_extension_path

    path = fts_extension_path()
    return None if path is None else "LOAD '" + str(path.resolve()).replace("'", "''") + "';"


def cmd_rollback(args: argparse.Namespace) -> int:
    from .rollback import cmd_rollback as rollback

    return rollback(args, _settings(args, "warehouse"))


def cmd_fts_load(args: argparse.Namespace) -> int:
    """``duckdb warehouse/spaceetl.duckdb -cmd "$(spaceetl fts-load)"`` works from any folder."""
    from ..errors import SpaceetlError

    line = _fts_load_line()
    if line is None:
        raise SpaceetlError("the duckdb-extension-fts package is not installed for this DuckDB version", stage="report")
    sys.stdout.write(line + "\n")
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """Read-only by construction, bounded in time and memory: see :mod:`spaceetl.warehouse.console`."""
    import os

    from ..warehouse.console import Limits, open_query, write

    settings = _settings(args, "warehouse")
    limits = Limits(timeout_s=args.timeout, memory_limit=args.memory_limit, rows=args.limit)
    try:
        with open_query(settings.warehouse, args.query, limits, retry_s=settings.busy_retry_s) as stream:
            write(stream, sys.stdout, args.format, limit=limits.rows, raw=args.raw)
            sys.stdout.flush()
    except BrokenPipeError:  # `spaceetl sql ... | head`: the reader has all it wants
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
