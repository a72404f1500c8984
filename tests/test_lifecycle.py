"""Edited and deleted input files: no article keeps a link to a version that is gone, deletions are recorded,
and ``on_delete`` decides whether a deleted file's article stays. Real runs into real DuckDB files."""

import pytest

from conftest import write
from spaceetl import warehouse as wh
from spaceetl.config import load_settings
from spaceetl.pipeline import run
from spaceetl.checks.runner import warehouse_check_rows

HEAD = "Harbour Orbital wins tracking award\n\n"
ORIGINAL = (
    "NORFOLK — The Space Development Agency picked Harbour Orbital to build eighteen tracking satellites for its "
    "missile warning layer, the agency said on Monday. The award is worth $412 million and covers the spacecraft, "
    "their infrared payloads and two years of on-orbit support. Harbour Orbital said the first satellites would "
    "ship from its Virginia plant in the spring of next year, and that it had already ordered the focal plane "
    "arrays from a supplier in Colorado. The agency plans to launch the satellites in three groups of six on "
    "commercial rockets. Officials said the layer would let the military follow hypersonic gliders across the "
    "globe, something the older warning satellites in high orbits cannot do well. Congress added money for the "
    "layer in last year's budget after the agency showed that two demonstration satellites had tracked a test "
    "target from launch to splashdown. Harbour Orbital beat two larger rivals for the work, according to people "
    "familiar with the competition, and will hire about two hundred engineers for the programme.\n")
# A syndicated near-copy: another opening sentence and a few words changed.
REPOST = ORIGINAL.replace(
    "The Space Development Agency picked Harbour Orbital to build eighteen tracking satellites for its missile "
    "warning layer, the agency said on Monday.",
    "Harbour Orbital has been chosen to build eighteen tracking satellites, the Space Development Agency announced "
    "on Monday.").replace("two larger rivals", "two bigger rivals").replace("about two hundred", "roughly 200")
# The same file, edited: a correction at the end.
EDITED = ORIGINAL + ("\nCorrection: an earlier version of this article gave the wrong state for the focal plane "
                     "supplier, which is based in Arizona.\n")
OTHER = (
    "Lunar relay study contracts go to three firms\n\nHOUSTON — NASA gave three companies study contracts for a "
    "communications relay around the Moon, the agency said on Thursday. Each contract is worth $2 million and runs "
    "for nine months. The studies will look at how a small constellation could carry data from crews and rovers "
    "near the lunar south pole back to Earth, and at what the spacecraft would cost to build and operate. Agency "
    "officials said they expect to pick a design next year, and that commercial firms could later sell relay "
    "services to other space agencies. One of the companies said its design would use optical links between the "
    "relay satellites and radio links to the surface.\n")


def settings(tmp_path, raw, **kw):
    return load_settings(raw_dir=raw, warehouse=tmp_path / "wh" / "w.duckdb", busy_retry_s=5, lock_timeout_s=5, **kw)


def snapshot(path):
    with wh.session(path, read_only=True) as conn:
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                  for t in ("articles", "sources", "entities", "mentions", "amounts", "dates", "claims",
                            "article_signatures", "article_bands")}
        sources = {(p, s, a) for p, s, a in conn.execute("SELECT source_path, status, article_id FROM sources").fetchall()}
        articles = {r[0]: r[1:] for r in conn.execute(
            "SELECT article_id, near_duplicate_of, story_id FROM articles").fetchall()}
        failing = [f"{c['table_name']}.{c['check_name']}" for c in warehouse_check_rows(conn) if c["status"] == "fail"]
    return counts, sources, articles, failing


def article_of(sources, path):
    (article,) = {a for p, _, a in sources if p == path}
    return article


@pytest.fixture
def corpus(tmp_path):
    raw = tmp_path / "raw"
    write(raw / "award.txt", HEAD + ORIGINAL)
    write(raw / "award_repost.txt", "Harbour Orbital chosen for tracking satellites\n\n" + REPOST)
    write(raw / "relay.txt", OTHER)
    write(raw / "relay_copy.txt", OTHER)
    return raw


def test_edited_file_leaves_no_link_to_its_old_version(tmp_path, corpus):
    s = settings(tmp_path, corpus)
    run(s)
    _, sources, articles, failing = snapshot(s.warehouse)
    old = article_of(sources, "award.txt")
    repost = article_of(sources, "award_repost.txt")
    assert articles[repost] == (old, old) and not failing  # the repost is a near-copy in the award's story

    write(corpus / "award.txt", HEAD + EDITED)
    summary = run(s).summary
    assert summary["articles_loaded"] == 1 and summary["status"] != "failed"
    counts, sources, articles, failing = snapshot(s.warehouse)
    new = article_of(sources, "award.txt")
    assert new != old and old not in articles
    assert not failing, failing
    # Nothing points at the old version; the story lives on in the repost, which the new version joins.
    assert old not in {x for pair in articles.values() for x in pair}
    assert articles[repost] == (None, repost)
    assert articles[new] == (repost, repost)

    # Two more runs of the unchanged folder change nothing.
    for _ in range(2):
        again = run(s).summary
        assert again["records_read"] == 0 and again["status"] != "failed"
        assert snapshot(s.warehouse)[:3] == (counts, {(p, "unchanged", a) for p, _, a in sources}, articles)


@pytest.mark.parametrize("on_delete", ["keep", "remove"])
def test_deleted_file_is_recorded_and_on_delete_decides(tmp_path, corpus, on_delete):
    s = settings(tmp_path, corpus, on_delete=on_delete)
    run(s)
    before, sources, _, _ = snapshot(s.warehouse)
    award, relay = article_of(sources, "award.txt"), article_of(sources, "relay.txt")

    (corpus / "award.txt").unlink()
    (corpus / "relay.txt").unlink()  # its text is still held by relay_copy.txt
    summary = run(s).summary
    assert summary["status"] != "failed"
    counts, sources, articles, failing = snapshot(s.warehouse)
    assert not failing, failing
    statuses = {p: st for p, st, _ in sources}
    assert statuses["award.txt"] == statuses["relay.txt"] == "deleted"
    assert statuses["award_repost.txt"] == statuses["relay_copy.txt"] == "unchanged"
    assert relay in articles  # an article another file still holds always stays
    with wh.session(s.warehouse, read_only=True) as conn:
        assert conn.execute("SELECT files_deleted FROM v_runs LIMIT 1").fetchone()[0] == 2
        award_rows = conn.execute("SELECT count(*) FROM mentions WHERE article_id = ?", [award]).fetchone()[0]
    if on_delete == "keep":
        assert counts == before and award in articles and award_rows > 0
        assert article_of(sources, "award.txt") == award
    else:
        assert award not in articles and award_rows == 0 and counts["articles"] == before["articles"] - 1
        assert article_of(sources, "award.txt") is None
        repost = article_of(sources, "award_repost.txt")
        assert articles[repost] == (None, repost)  # its story's first article is gone: it leads the story now

    # Two more runs: the deletions are not recorded again and nothing changes.
    for _ in range(2):
        again = run(s).summary
        assert again["records_read"] == 0 and again["status"] != "failed"
        assert snapshot(s.warehouse)[0] == counts and snapshot(s.warehouse)[1] == {
            (p, "deleted" if p in ("award.txt", "relay.txt") else "unchanged", a) for p, _, a in sources}
        with wh.session(s.warehouse, read_only=True) as conn:
            assert conn.execute("SELECT files_deleted FROM v_runs LIMIT 1").fetchone()[0] == 0

    # The file comes back: with keep it is simply there again; with remove it is read and loaded again.
    write(corpus / "award.txt", HEAD + ORIGINAL)
    back = run(s).summary
    counts_back, sources_back, articles_back, failing = snapshot(s.warehouse)
    assert not failing, failing
    assert article_of(sources_back, "award.txt") == award and award in articles_back
    assert back["articles_loaded"] == (0 if on_delete == "keep" else 1)
    assert {p: st for p, st, _ in sources_back}["award.txt"] in ("unchanged", "loaded")


def test_run_over_another_folder_marks_nothing_deleted(tmp_path, corpus):
    s = settings(tmp_path, corpus, on_delete="remove")
    run(s)
    before = snapshot(s.warehouse)
    other = tmp_path / "other"
    write(other / "relay_elsewhere.txt", OTHER.replace("nine months", "ten months"))
    summary = run(settings(tmp_path, other, on_delete="remove")).summary
    after = snapshot(s.warehouse)
    assert summary["status"] != "failed"
    assert after[0]["articles"] == before[0]["articles"] + 1
    assert not {p for p, st, _ in after[1] if st == "deleted"}
