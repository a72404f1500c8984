"""When warn-severity checks make a run a ``warning``.

A warn check only flags rows (they are loaded), so one failing row must not alarm anybody. But a warn check that
fails on *most* rows (every article of a corpus without a publication date) or whose failure share jumps against
the recent runs says the input or the extraction changed: the run is then a ``warning`` at least, so a green run
can be trusted. The decision is a pure function of this run's check rows and the recent shares, so it can be
tested without a warehouse; :func:`recent_warn_shares` is the one query it needs.

Thresholds per check (``SPACEETL_CHECK_THRESHOLDS``: a JSON object, or the path of a JSON / YAML file holding one)::

    {"*": {"max_share": 0.5, "max_rise": 0.3},       # defaults for every warn check
     "missing publication date": 0.9,                 # a number is max_share
     "articles.very short article": {"max_rise": 1}}  # key: check name, or table.check, or table.column

``max_share``: the run is a warning when more than this share of the rows checked fail (1 = never).
``max_rise``: ... or when the share rose by more than this (absolute) over the median of the recent runs
(1 = never).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any, Mapping

DEFAULT_MAX_SHARE = 0.5
DEFAULT_MAX_RISE = 0.3
RECENT_RUNS = 5

CheckKey = tuple[str, str, str | None]  # (table, check, column)


@dataclass(frozen=True)
class Threshold:
    max_share: float = DEFAULT_MAX_SHARE
    max_rise: float = DEFAULT_MAX_RISE


def parse_thresholds(spec: str | Mapping[str, Any] | None) -> dict[str, Threshold]:
    """``spec`` is a mapping, a JSON object, or the path of a JSON/YAML file. Raises ``ValueError`` with the
    offending key when a value is not a share between 0 and 1."""
    if spec is None or spec == "":
        raw: Mapping[str, Any] = {}
    elif isinstance(spec, Mapping):
        raw = spec
    else:
        text = str(spec).strip()
        if not text.startswith("{"):
            path = Path(text).expanduser()
            if not path.is_file():
                raise ValueError(f"check thresholds: {text!r} is neither a JSON object nor an existing file")
            text = path.read_text(encoding="utf-8")
            if path.suffix.lower() in (".yaml", ".yml"):
                import yaml

                raw = yaml.safe_load(text) or {}
            else:
                raw = json.loads(text)
        else:
            raw = json.loads(text)
        if not isinstance(raw, Mapping):
            raise ValueError("check thresholds must be an object mapping check names to thresholds")
    default = Threshold()
    out: dict[str, Threshold] = {}
    items = sorted(raw.items(), key=lambda kv: kv[0] != "*")  # the default first: the others start from it
    for key, value in items:
        base = default if key != "*" else Threshold()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            t = Threshold(max_share=float(value), max_rise=base.max_rise)
        elif isinstance(value, Mapping):
            unknown = set(value) - {"max_share", "max_rise"}
            if unknown:
                raise ValueError(f"check thresholds: unknown field(s) {sorted(unknown)} for {key!r}")
            t = Threshold(max_share=float(value.get("max_share", base.max_share)),
                          max_rise=float(value.get("max_rise", base.max_rise)))
        else:
            raise ValueError(f"check thresholds: {key!r} must be a number or an object, not {value!r}")
        for name, v in (("max_share", t.max_share), ("max_rise", t.max_rise)):
            if not 0 <= v <= 1:
                raise ValueError(f"check thresholds: {name} of {key!r} must be between 0 and 1, not {v}")
        if key == "*":
            default = t
        out[key] = t
    out["*"] = default
    return out


def threshold_for(thresholds: Mapping[str, Threshold], table: str, check: str, column: str | None) -> Threshold:
    for key in (f"{table}.{check}", f"{table}.{column}" if column else None, check):
        if key and key in thresholds:
            return thresholds[key]
    return thresholds.get("*", Threshold())


def escalated_warn_checks(rows: list[dict], recent: Mapping[CheckKey, list[float]],
                          thresholds: Mapping[str, Threshold]) -> list[dict]:
    """The warn-severity check rows of this run that make it a warning, each with a ``why`` and a ``check_name``
    that says so (for the run's message). ``rows`` are ``dq_results`` rows; ``recent`` maps (table, check,
    column) to the failure shares of the recent runs."""
    out = []
    for r in rows:
        if r.get("severity") != "warn" or not r.get("total_rows"):
            continue
        share = r["failed_rows"] / r["total_rows"]
        t = threshold_for(thresholds, r["table_name"], r["check_name"], r.get("column_name"))
        key = (r["table_name"], r["check_name"], r.get("column_name"))
        past = recent.get(key) or []
        why = None
        if t.max_share < 1 and share > t.max_share:
            why = f"share {share:.2f} > {t.max_share:g}"
        elif past and t.max_rise < 1 and share - median(past) > t.max_rise:
            why = f"share {share:.2f}, up from {median(past):.2f} in recent runs (rise > {t.max_rise:g})"
        if why:
            out.append(dict(r, status="fail", why=why, check_name=f"{r['table_name']}.{r['check_name']} ({why})"))
    return out


def recent_warn_shares(conn, run_id: str, n: int = RECENT_RUNS) -> dict[CheckKey, list[float]]:
    """Failure shares of every warn check in the ``n`` latest finished runs before ``run_id`` that checked rows."""
    rows = conn.execute(
        """SELECT d.table_name, d.check_name, d.column_name, d.failed_rows::DOUBLE / d.total_rows
           FROM dq_results d JOIN runs r USING (run_id)
           WHERE d.severity = 'warn' AND d.total_rows > 0 AND d.run_id IN (
               SELECT run_id FROM runs WHERE run_id <> ? AND status IN ('completed', 'warning') AND records_read > 0
               ORDER BY started_at DESC LIMIT ?)""", [run_id, n]).fetchall()
    out: dict[CheckKey, list[float]] = {}
    for table, check, column, share in rows:
        out.setdefault((table, check, column), []).append(float(share))
    return out


def warn_check_escalations(conn, run_id: str, rows: list[dict], thresholds_spec) -> list[dict]:
    """:func:`escalated_warn_checks` with the recent shares read from the warehouse (what ``finish_run`` calls)."""
    return escalated_warn_checks(rows, recent_warn_shares(conn, run_id), parse_thresholds(thresholds_spec))
