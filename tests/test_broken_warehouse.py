"""A broken warehouse is never trusted: a file cut short, random bytes, an empty file or a damaged block is refused
by `run`, `sql` and `report` with one line and exit code 2 (and reported by `doctor`), and stays byte-identical
with no `.wal` or spill folder left beside it."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import write
from spaceetl.errors import EnvironmentCheckError
from spaceetl.preflight import check_warehouse_file, verify_warehouse
from spaceetl.warehouse.core import DUCKDB_HEADER_BYTES, verify_file

SPACEETL = Path(sys.executable).with_name("spaceetl")
BODY = ("The Danish ground-station operator agreed to host four tracking antennas for a Lisbon launch startup, "
        "the two companies said on Tuesday. The antennas will follow the startup's first suborbital flights "
        "from the Azores next year, according to the operator's chief executive.")


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A real warehouse made by the pipeline from a small raw folder of our own."""
    from spaceetl.config import load_settings
    from spaceetl.pipeline import run

    base = tmp_path_factory.mktemp("broken")
    write(base / "raw" / "antennas.txt", "Danish Operator to Host Launch Startup's Antennas\n\n" + BODY)
    write(base / "raw" / "second.txt", "Azores Flights Planned\n\n" + BODY.replace("four", "six").replace("Tuesday", "Friday"))
    settings = load_settings(raw_dir=base / "raw", warehouse=base / "wh" / "w.duckdb", busy_retry_s=2.0)
    run(settings)
    return settings.warehouse


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make(kind: str, good: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "w.duckdb"
    data = good.read_bytes()
    if kind == "truncated_half":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "truncated_in_header_blocks":
        path.write_bytes(data[:300_000])
    elif kind == "random_bytes":
        path.write_bytes(random.Random(7).randbytes(len(data)))
    elif kind == "random_with_magic":  # passes the 'DUCK' magic test, fails DuckDB's header checksum
        path.write_bytes(data[:12] + random.Random(8).randbytes(len(data) - 12))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "damaged_block":
        return damaged_block_only_a_full_scan_finds(good, folder)
    else:
        raise AssertionError(kind)
    return path


KINDS = ["truncated_half", "truncated_in_header_blocks", "random_bytes", "random_with_magic", "empty", "damaged_block"]


def test_duckdb_itself_opens_a_warehouse_cut_in_half(good, tmp_path):
    """Why the size check exists: the catalog is in the first blocks, so a half file opens and lists its tables."""
    path = make("truncated_half", good, tmp_path)
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            assert conn.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0] > 5
    except duckdb.IOException:
        pytest.skip("in this file the catalog lies past the cut: DuckDB refuses it by itself")


@pytest.mark.parametrize("kind", KINDS)
def test_verify_refuses_every_kind_and_changes_nothing(good, tmp_path, kind):
    path = make(kind, good, tmp_path)
    before = digest(path)
    with pytest.raises(EnvironmentCheckError) as caught:
        verify_warehouse(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    assert caught.value.check == "warehouse file"
    assert digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_a_whole_warehouse_passes_and_a_missing_one_is_created_later(good, tmp_path):
    before = digest(good)
    found = verify_file(good, full=True)
    assert found["missing"] == [] and found["tables"]["articles"] == 2 and found["tables"]["runs"] == 1
    assert set(found["checksums"]) == set(found["tables"])
    assert verify_file(good, full=True)["checksums"] == found["checksums"]  # the same file, the same checksums
    assert good.stat().st_size >= DUCKDB_HEADER_BYTES and digest(good) == before
    verify_warehouse(good)
    verify_warehouse(tmp_path / "none.duckdb")  # no file: nothing to verify, a run creates it
    assert check_warehouse_file(tmp_path / "none.duckdb") is None


def damaged_block_only_a_full_scan_finds(good: Path, folder: Path) -> Path:
    """A copy of the warehouse with one data block overwritten, chosen so that the cheap checks (size, catalog,
    row counts) still pass: only reading the columns meets DuckDB's block checksum."""
    data = good.read_bytes()
    path = folder / "w.duckdb"
    folder.mkdir(parents=True, exist_ok=True)
    for block in range((len(data) - DUCKDB_HEADER_BYTES) // 262144):
        damaged = bytearray(data)
        at = DUCKDB_HEADER_BYTES + block * 262144 + 1000
        damaged[at:at + 16] = b"\xaa" * 16
        path.write_bytes(bytes(damaged))
        try:
            verify_file(path)
        except EnvironmentCheckError:
            continue
        try:
            verify_file(path, full=True)
        except EnvironmentCheckError:
            return path
    pytest.fail("no block of the warehouse is read only by the full scan")


def test_the_full_scan_finds_a_damaged_block_the_cheap_checks_miss(good, tmp_path):
    path = damaged_block_only_a_full_scan_finds(good, tmp_path)
    before = digest(path)
    cheap = check_warehouse_file(path)
    full = check_warehouse_file(path, full=True)
    assert cheap.ok and not full.ok
    assert "does not read" in full.detail and "Corrupt" in full.detail
    assert digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb"]


def test_a_duckdb_file_of_another_application_is_not_written_into(tmp_path):
    path = tmp_path / "other.duckdb"
    with duckdb.connect(str(path)) as conn:
        conn.execute("CREATE TABLE invoices AS SELECT 1 AS n")
    before = digest(path)
    with pytest.raises(EnvironmentCheckError, match="not a spaceetl warehouse"):
        verify_warehouse(path)
    assert digest(path) == before


def test_a_warehouse_in_use_by_a_writer_is_not_called_broken(good, tmp_path):
    """A run waits for another run's lock: its check must not fail because the file is open elsewhere."""
    path = tmp_path / "w.duckdb"
    shutil.copy(good, path)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(60)", str(path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        check = check_warehouse_file(path)
        assert check.ok and "in use" in check.detail
    finally:
        holder.kill()
        holder.wait()


def spaceetl(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(SPACEETL), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "CI": "1"})


@pytest.mark.parametrize("command, kind", [("run", "truncated_half"), ("run", "damaged_block"), ("sql", "truncated_half"),
                                           ("sql", "random_with_magic"), ("sql", "empty"),
                                           ("report", "truncated_half"), ("report", "random_with_magic")])
def test_commands_refuse_a_broken_warehouse_in_one_line(good, tmp_path, kind, command):
    path = make(kind, good, tmp_path / "wh")
    before = digest(path)
    raw = write(tmp_path / "raw" / "a.txt", "Antennas\n\n" + BODY).parent
    args = {"run": ["run", str(raw)], "sql": ["sql", "SELECT count(*) FROM articles"], "report": ["report"]}[command]
    proc = spaceetl(*args, "--warehouse", str(path))
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(lines) == 1, proc.stderr
    assert lines[0].startswith("spaceetl: error: warehouse ") and proc.stdout == ""
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["w.duckdb"]  # no .wal, .lock, .tmp or reports


def test_doctor_fails_on_a_truncated_warehouse(good, tmp_path):
    path = make("truncated_half", good, tmp_path / "wh")
    before = digest(path)
    proc = spaceetl("doctor", str(good.parent.parent / "raw"), "--warehouse", str(path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    line = next(line for line in proc.stdout.splitlines() if "warehouse file" in line)
    assert line.startswith("FAIL") and ("truncated" in line or "damaged" in line)
    assert digest(path) == before and sorted(p.name for p in path.parent.iterdir()) == ["w.duckdb"]
