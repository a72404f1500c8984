"""How often a claim's object entity is not named inside the claim's object: runs the real pipeline over a folder
(``spaceetl run FOLDER --warehouse W``) and measures, in SQL, the share of claims with an ``object_entity_id`` that
have no mention of that entity inside the object's span.

A claim whose object is "its lander" must not point at the lander's owner: the object entity is the head of the
object phrase, so a mention of it lies inside the phrase. Warehouses written before the object span was stored
(no ``object_start_char`` column) are measured by locating ``object_text`` in the claim's sentence, as the first
audit did.

    .venv/bin/python scripts/claim_object_audit.py ../shared/corpora/spacenews [--warehouse /tmp/x.duckdb]
        [--reuse] [--dump claims.jsonl] [--examples 20] [--before OLD.duckdb]

``--dump`` writes every claim row (without run ids) as sorted JSON lines, to compare two versions of the code row
by row; ``--reuse`` measures an existing warehouse without running the pipeline again; ``--before`` measures a
warehouse the previous version wrote from the same folder and prints the share as before -> after.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

log = logging.getLogger("claim_object_audit")

# The object's span: the stored columns when present, else object_text located in the sentence (first match).
_SPAN_STORED = "c.object_start_char AS o_start, c.object_end_char AS o_end"
_SPAN_LOCATED = ("CASE WHEN strpos(c.sentence, c.object_text) > 0 THEN c.start_char + strpos(c.sentence, c.object_text) - 1 END AS o_start, "
                 "CASE WHEN strpos(c.sentence, c.object_text) > 0 THEN c.start_char + strpos(c.sentence, c.object_text) - 1 + length(c.object_text) END AS o_end")

AUDIT_SQL = """
WITH obj AS (
    SELECT c.claim_id, c.article_id, c.object_entity_id, c.object_text, c.predicate, c.subject_text, {span}
    FROM claims c WHERE c.object_entity_id IS NOT NULL
)
SELECT o.*, e.canonical_name,
       EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = o.article_id AND m.entity_id = o.object_entity_id
               AND m.start_char >= o.o_start AND m.end_char <= o.o_end) AS named_inside
FROM obj o LEFT JOIN entities e ON e.entity_id = o.object_entity_id
ORDER BY o.article_id, o.o_start
"""


def run_pipeline(folder: Path, warehouse: Path) -> int:
    """The command a user runs; its exit code is reported but not fatal (the claims are loaded before the run's
    final checks)."""
    cmd = [str(Path(sys.executable).with_name("spaceetl")), "run", str(folder), "--warehouse", str(warehouse),
           "--no-progress", "-q"]
    log.info("running %s", " ".join(cmd))
    return subprocess.run(cmd, check=False).returncode


def audit(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple], bool]:
    """(claims with an object entity, each with whether the entity is named inside the object span; whether the
    stored span was used)."""
    cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'claims'").fetchall()}
    span = _SPAN_STORED if "object_start_char" in cols else _SPAN_LOCATED
    return con.execute(AUDIT_SQL.format(span=span)).fetchall(), span is _SPAN_STORED


def dump(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Every claim row without run bookkeeping, one JSON object a line, sorted: two dumps diff line by line."""
    frame = con.execute("SELECT * EXCLUDE (run_id) FROM claims").pl()
    lines = sorted(json.dumps(row, default=str, sort_keys=True) for row in frame.to_dicts())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--warehouse", type=Path, default=None, help="DuckDB file (default: a new temporary one)")
    ap.add_argument("--reuse", action="store_true", help="measure the warehouse as it is, without a run")
    ap.add_argument("--dump", type=Path, default=None, help="write the claim rows as sorted JSON lines")
    ap.add_argument("--examples", type=int, default=15, help="claims without their object entity to print")
    ap.add_argument("--before", type=Path, default=None, help="warehouse of the previous version, same folder")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    warehouse = args.warehouse or Path(tempfile.mkdtemp(prefix="claim_audit_")) / "audit.duckdb"
    if not args.reuse:
        if warehouse.exists():
            warehouse.unlink()
        code = run_pipeline(args.folder, warehouse)
        log.info("spaceetl run exit code: %s", code)
    con = duckdb.connect(str(warehouse), read_only=True)
    rows, stored = audit(con)
    missing = [r for r in rows if not r[-1]]
    share = len(missing) / len(rows) if rows else 0.0
    log.info("object span: %s", "stored columns" if stored else "object_text located in the sentence")
    log.info("claims with an object entity: %d; no mention of it inside the object span: %d (%.1f%%)",
             len(rows), len(missing), 100 * share)
    for r in missing[:args.examples]:
        log.info("  %-28s %r -> %s", r[4][:28], r[3], r[-2])
    if args.before is not None:
        old, _ = audit(duckdb.connect(str(args.before), read_only=True))
        old_missing = sum(1 for r in old if not r[-1])
        log.info("before -> after: %d/%d (%.1f%%) -> %d/%d (%.1f%%)", old_missing, len(old),
                 100 * old_missing / max(len(old), 1), len(missing), len(rows), 100 * share)
    if args.dump is not None:
        log.info("dumped %d claim rows to %s", dump(con, args.dump), args.dump)
    return 0


if __name__ == "__main__":
    sys.exit(main())
