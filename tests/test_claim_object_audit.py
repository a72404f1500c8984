"""scripts/claim_object_audit.py on a hand-made warehouse: a claim whose object entity has no mention inside the
object span is counted, one with a mention inside is not; a warehouse without the span columns is measured by
locating object_text in the sentence."""

import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from claim_object_audit import audit  # noqa: E402

BODY = "Kestrel tested its lander. Vantor hired Orbex for the job."


def _warehouse(with_span: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    span_cols = ", object_start_char BIGINT, object_end_char BIGINT" if with_span else ""
    con.execute(f"CREATE TABLE claims (claim_id VARCHAR, article_id VARCHAR, object_entity_id VARCHAR, "
                f"object_text VARCHAR, predicate VARCHAR, subject_text VARCHAR, sentence VARCHAR, start_char BIGINT{span_cols})")
    con.execute("CREATE TABLE mentions (article_id VARCHAR, entity_id VARCHAR, start_char BIGINT, end_char BIGINT)")
    con.execute("CREATE TABLE entities (entity_id VARCHAR, canonical_name VARCHAR)")
    con.execute("INSERT INTO entities VALUES ('e_kes', 'Kestrel'), ('e_orb', 'Orbex')")
    con.execute("INSERT INTO mentions VALUES ('a', 'e_kes', 0, 7), ('a', 'e_orb', 40, 45)")
    lander = ("c1", "a", "e_kes", "its lander", "test", "Kestrel", BODY[0:26], 0)
    orbex = ("c2", "a", "e_orb", "Orbex", "hire", "Vantor", BODY[27:], 27)
    for row, span in ((lander, (15, 25)), (orbex, (40, 45))):
        values = row + (span if with_span else ())
        con.execute(f"INSERT INTO claims VALUES ({', '.join('?' * len(values))})", values)
    return con


def test_object_entity_outside_the_object_span_is_counted():
    rows, stored = audit(_warehouse(with_span=True))
    assert stored
    assert {r[0]: r[-1] for r in rows} == {"c1": False, "c2": True}


def test_older_warehouse_is_measured_from_object_text():
    rows, stored = audit(_warehouse(with_span=False))
    assert not stored
    assert {r[0]: r[-1] for r in rows} == {"c1": False, "c2": True}
