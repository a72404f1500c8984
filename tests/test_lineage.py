"""Lineage of domain data: every run records the SHA-256 of each data file it used, and uses exactly those."""

import hashlib
import json
from importlib import resources

import pytest

from conftest import write
from spaceetl import warehouse as wh
from spaceetl.config import load_settings
from spaceetl.data import DATA_FILES
from spaceetl.pipeline import run

ARTICLE = {
    "title": "Relay satellite order placed with a Bremen integrator",
    "published_at": "2025-03-04T09:00:00Z",
    "publisher": "Orbit Ledger",
    "content": ("The German space agency ordered a small relay satellite from a Bremen integrator on Tuesday. "
                "The contract is worth €10 million and covers the spacecraft, its ground segment and two years of "
                "operations, the agency said in a statement. Launch is planned for the second half of next year on "
                "a rideshare mission, and the integrator said it would hire thirty engineers for the programme."),
}


def _shipped_sha(name: str) -> str:
    return hashlib.sha256((resources.files("spaceetl") / "data" / name).read_bytes()).hexdigest()


def _run(tmp_path, name: str):
    raw = tmp_path / f"raw_{name}"
    write(raw / "relay_order.json", json.dumps(ARTICLE))
    settings = load_settings(raw_dir=raw, warehouse=tmp_path / name / "w.duckdb", busy_retry_s=5, lock_timeout_s=5)
    summary = run(settings).summary
    with wh.session(settings.warehouse, read_only=True) as conn:
        files = json.loads(conn.execute("SELECT data_files_json FROM runs").fetchone()[0])
        version = conn.execute("SELECT data_version FROM v_runs").fetchone()[0]
        usd = conn.execute("SELECT usd_value FROM amounts WHERE currency = 'EUR'").fetchone()[0]
    return summary, files, version, usd


def test_runs_with_different_data_dirs_record_different_hashes(tmp_path, monkeypatch):
    monkeypatch.delenv("SPACEETL_DATA_DIR", raising=False)
    summary, shipped, version_shipped, usd_shipped = _run(tmp_path, "shipped")
    assert set(shipped) == set(DATA_FILES)
    for name, f in shipped.items():
        assert f["origin"] == "shipped" and f["sha256"] == _shipped_sha(name), name

    # An override folder with one file: a different EUR rate for 2025. The other files stay the shipped ones.
    override = tmp_path / "my_data"
    write(override / "fx_rates.csv", "currency,year,usd_per_unit,source\nEUR,2025,2.0,test rate\n")
    monkeypatch.setenv("SPACEETL_DATA_DIR", str(override))
    _, custom, version_custom, usd_custom = _run(tmp_path, "custom")

    assert custom["fx_rates.csv"]["origin"] == "override"
    assert custom["fx_rates.csv"]["sha256"] == hashlib.sha256((override / "fx_rates.csv").read_bytes()).hexdigest()
    assert custom["fx_rates.csv"]["sha256"] != shipped["fx_rates.csv"]["sha256"]
    assert {n: f["sha256"] for n, f in custom.items() if n != "fx_rates.csv"} == \
           {n: f["sha256"] for n, f in shipped.items() if n != "fx_rates.csv"}
    assert version_custom != version_shipped
    # The recorded file is the one that was used: the amount's USD value follows the override's rate.
    assert usd_custom == pytest.approx(20e6) and usd_shipped != pytest.approx(20e6)

    html = (tmp_path / "custom" / "reports" / "latest.html").read_text(encoding="utf-8")
    assert custom["fx_rates.csv"]["sha256"][:12] in html and "(override)" in html


def test_older_warehouse_gets_the_lineage_columns(tmp_path):
    path = tmp_path / "old.duckdb"
    with wh.session(path) as conn:
        wh.init_schema(conn)
        conn.execute("DROP VIEW v_runs; ALTER TABLE runs DROP COLUMN data_files_json; "
                     "ALTER TABLE runs DROP COLUMN files_deleted")
    with wh.session(path) as conn:
        wh.init_schema(conn)
        cols = {r[0] for r in conn.execute("DESCRIBE runs").fetchall()}
        assert {"data_files_json", "files_deleted"} <= cols
        conn.execute("SELECT data_version, data_files_json, files_deleted FROM v_runs LIMIT 0")


def test_every_rule_table_loads_at_once_for_the_fork_server():
    """The extraction fork server calls load_every_table once, so forked workers never parse a data file."""
    import spaceetl.nlp.rows  # noqa: F401 - declares the NLP rule tables' loaders
    from spaceetl import data

    for loader in data._LOADERS:
        loader.cache_clear()
    assert len(data._LOADERS) > 10 and not any(loader.is_loaded() for loader in data._LOADERS)
    data.load_every_table()
    assert all(loader.is_loaded() for loader in data._LOADERS)
