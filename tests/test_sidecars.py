"""Metadata sidecars: a manifest beside the article files (CSV or JSON lines, keyed by file name or URL) fills
the dates, authors, URLs, outlets and sections the files do not state, and says which fields it supplied. Real
runs of the pipeline into real DuckDB files; every text here was written for these tests."""

import json
import os
from pathlib import Path

import duckdb
import pytest

from conftest import write
from spaceetl.ingest import fields
from spaceetl.pipeline import run

# Release-style texts with a headline and no date anywhere.
RELEASE_A = ("Guardians test a mobile missile warning terminal\n\n"
             "Guardians from a satellite communications squadron drove a mobile missile warning terminal across "
             "three states this spring to show that the system can be set up in a day and pass warning data to "
             "commanders from wherever it is parked. The crew trained local reservists on the equipment along the "
             "way and reported two software faults that the program office fixed within a week.\n")
RELEASE_B = ("Army awards contract for portable ground power units\n\n"
             "The Army awarded a five-year contract for portable ground power units that start helicopters at "
             "remote landing zones, the program office said. The first units will go to aviation brigades in the "
             "Pacific, where crews now borrow power carts from other services, and the order covers spare parts "
             "and training for the mechanics who will keep them running in the field.\n")
# This one states its own date: the file's date wins over the manifest's.
RELEASE_C = ("Navy reservists finish a harbour survey\n\n"
             "NORFOLK, Va. (March 3, 2025) — Navy reservists finished a survey of the harbour's shipping channels "
             "with an uncrewed boat that mapped the bottom in a fraction of the time a crewed launch needs. The "
             "survey found two shoals that the harbour authority will dredge before the summer, and the unit said "
             "it would repeat the exercise at another port later in the year.\n")

MANIFEST = (
    "id,title,source,source_url,published_date,author,category,notes\n"
    "001-mobile-warning,Guardians test a mobile missile warning terminal,dvids,"
    "https://news.example.mil/news/1001/mobile-warning,2025-04-18,Staff Sgt. Jane Roe,operations,branch=Space Force\n"
    "002-ground-power,Army awards contract for portable ground power units,dvids,"
    "https://news.example.mil/news/1002/ground-power,2025-05-02,\"Mass Communication Specialist 2nd Class Lee Park; "
    "Avery Stone\",acquisition,\n"
    "003-harbour-survey,Navy reservists finish a harbour survey,dvids,"
    "https://news.example.mil/news/1003/harbour-survey,2025-03-05,,operations,\n"
)


def rows(settings, sql):
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        cur = conn.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def by_file(settings) -> dict[str, dict]:
    found = rows(settings, "SELECT s.source_path, a.* FROM sources s JOIN articles a USING (article_id) "
                           "WHERE s.status = 'loaded'")
    return {r["source_path"]: r for r in found}


def test_csv_manifest_supplies_dates_urls_outlets_sections_and_ranked_authors(tmp_path, settings_for):
    raw = tmp_path / "raw"
    write(raw / "corpus" / "001-mobile-warning.txt", RELEASE_A)
    write(raw / "corpus" / "002-ground-power.txt", RELEASE_B)
    write(raw / "corpus" / "003-harbour-survey.txt", RELEASE_C)
    write(raw / "corpus" / "manifest.csv", MANIFEST)
    settings = settings_for(raw)
    summary = run(settings).summary
    assert summary["articles_loaded"] == 3 and summary["quarantined"] == 0
    got = by_file(settings)
    a, b, c = (got[f"corpus/{n}.txt"] for n in ("001-mobile-warning", "002-ground-power", "003-harbour-survey"))
    assert [r["published_at"].date().isoformat() for r in (a, b, c)] == ["2025-04-18", "2025-05-02", "2025-03-03"]
    assert a["url"] == "https://news.example.mil/news/1001/mobile-warning" and a["publisher"] == "dvids"
    assert (a["section"], b["section"]) == ("operations", "acquisition")
    assert a["metadata_source"] == "corpus/manifest.csv"
    assert set(a["metadata_fields"]) == {"published_at", "authors", "url", "publisher", "section"}
    # the file's own date wins; the manifest fills the rest and says so
    assert c["published_text"] == "March 3, 2025" and "published_at" not in c["metadata_fields"]
    assert c["metadata_fields"] and "url" in c["metadata_fields"]
    # ranks are kept apart from the names, position by position
    assert (a["authors"], a["author_ranks"]) == (["Jane Roe"], ["Staff Sgt."])
    assert b["authors"] == ["Lee Park", "Avery Stone"]
    assert b["author_ranks"] == ["Mass Communication Specialist 2nd Class", None]
    # the manifest itself is no article and no quarantined input
    assert rows(settings, "SELECT status FROM sources WHERE source_path = 'corpus/manifest.csv'") == [{"status": "skipped"}]


def test_jsonl_manifest_keyed_by_url_fills_records_of_an_api_export(tmp_path, settings_for):
    raw = tmp_path / "raw"
    records = [{"title": "Tracking layer passes design review", "url": "https://www.orbitdesk.example/tracking-review/",
                "content": RELEASE_A.split("\n\n", 1)[1]},
               {"title": "Power units ordered", "url": "https://orbitdesk.example/power-units",
                "content": RELEASE_B.split("\n\n", 1)[1], "publishedAt": "2025-06-01T10:00:00Z"}]
    write(raw / "export.json", json.dumps(records))
    write(raw / "metadata.jsonl", "\n".join(json.dumps(r) for r in [
        {"url": "http://orbitdesk.example/tracking-review", "published": "2025-05-30T09:00:00Z",
         "section": "Defense", "outlet": "Orbit Desk"},
        {"url": "https://orbitdesk.example/power-units", "published": "2024-01-01", "section": "Army"},
    ]) + "\n")
    settings = settings_for(raw)
    summary = run(settings).summary
    assert summary["quarantined"] == 0  # metadata.jsonl is a sidecar, not a JSONL file of articles
    first, second = sorted(rows(settings, "SELECT a.* FROM sources s JOIN articles a USING (article_id) "
                                          "ORDER BY s.record"), key=lambda r: r["title"] != records[0]["title"])
    assert first["published_at"].isoformat() == "2025-05-30T09:00:00+00:00"  # scheme, www. and slash ignored
    assert (first["section"], first["publisher"], first["metadata_source"]) == ("Defense", "Orbit Desk", "metadata.jsonl")
    assert second["published_at"].isoformat() == "2025-06-01T10:00:00+00:00"  # the record's own date wins
    assert second["section"] == "Army" and second["metadata_fields"] == ["section"]
    reason = rows(settings, "SELECT reason FROM sources WHERE source_path = 'metadata.jsonl'")[0]["reason"]
    assert "metadata sidecar" in reason


def test_manifest_describes_only_its_own_folder_and_an_edit_applies_to_files_read_after_it(tmp_path, settings_for):
    raw = tmp_path / "raw"
    write(raw / "a" / "001-mobile-warning.txt", RELEASE_A)
    write(raw / "b" / "001-mobile-warning-copy.txt", RELEASE_A.replace("three states", "four states"))
    manifest = write(raw / "a" / "manifest.csv", MANIFEST)
    settings = settings_for(raw)
    run(settings)
    got = by_file(settings)
    assert got["a/001-mobile-warning.txt"]["published_at"] is not None
    assert got["b/001-mobile-warning-copy.txt"]["metadata_source"] is None  # another folder's manifest
    # The manifest is edited and a new file described by it arrives: the new file gets the edited row (the
    # manifest is reloaded by the same process, not served from a stale cache).
    manifest.write_text(MANIFEST.replace("2025-05-02", "2025-07-09"), encoding="utf-8")
    os.utime(manifest, ns=(manifest.stat().st_atime_ns, manifest.stat().st_mtime_ns + 5_000_000_000))
    write(raw / "a" / "002-ground-power.txt", RELEASE_B)
    run(settings)
    assert by_file(settings)["a/002-ground-power.txt"]["published_at"].date().isoformat() == "2025-07-09"


def test_unreadable_manifest_is_ignored_and_the_articles_still_load(tmp_path, settings_for):
    raw = tmp_path / "raw"
    write(raw / "001-mobile-warning.txt", RELEASE_A)
    write(raw / "manifest.csv", "title;headline\nno key column here;at all\n")
    write(raw / "metadata.jsonl", b"\x00\x01\x02 not text \xff\xfe")
    settings = settings_for(raw)
    summary = run(settings).summary
    assert summary["articles_loaded"] == 1 and summary["quarantined"] == 0
    assert by_file(settings)["001-mobile-warning.txt"]["metadata_source"] is None


def test_tsv_manifest_with_a_bom_names_a_gzipped_file_by_its_stem(tmp_path):
    import gzip

    from spaceetl.ingest.models import FileEntry
    from spaceetl.ingest.readers import read_file

    path = write(tmp_path / "002-ground-power.txt.gz", gzip.compress(RELEASE_B.encode("utf-8")))
    write(tmp_path / "metadata.tsv", "\ufeffslug\tdate\tbyline\n002-ground-power\t2025-05-02\tSenior Airman Dana Cruz\n")
    items, _ = read_file(FileEntry("002-ground-power.txt.gz", path, path.stat().st_size, 0), max_bytes=10_000_000,
                         min_body_chars=80)
    (article,) = items
    assert article.published_at.date().isoformat() == "2025-05-02" and article.metadata_source == "metadata.tsv"
    assert (article.authors, article.author_ranks) == (["Dana Cruz"], ["Senior Airman"])


@pytest.mark.parametrize("author, rank, name", [
    ("Staff Sgt. Jane Roe", "Staff Sgt.", "Jane Roe"),
    ("Army Sgt. 1st Class Omar Haddad", "Army Sgt. 1st Class", "Omar Haddad"),
    ("Petty Officer 3rd Class Kim Lee", "Petty Officer 3rd Class", "Kim Lee"),
    ("Spc. 3 Aliya Brook", "Spc. 3", "Aliya Brook"),
    ("Senior Airman Dana Cruz", "Senior Airman", "Dana Cruz"),
    ("Lt. Col. Ben Ode", "Lt. Col.", "Ben Ode"),
    ("Jane Roe", None, "Jane Roe"),
    ("General Dynamics Staff", None, "General Dynamics Staff"),  # not a rank: an outlet-like byline
    ("Capt. Roe", None, "Capt. Roe"),  # a surname alone is left whole: too little to tell
])
def test_split_rank(author, rank, name):
    assert fields.split_rank(author) == (rank, name)


@pytest.mark.skipif(not (Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "dvids").is_dir(),
                    reason="reference corpus ../shared/corpora/dvids not present")
def test_dvids_manifest_dates_every_article():
    from spaceetl.ingest.discover import walk
    from spaceetl.ingest.models import RawArticle
    from spaceetl.ingest.readers import read_file

    folder = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpora" / "dvids"
    articles = []
    for entry in walk(folder, exclude=("README*", "LICENSE*", "*.csv")):
        if not isinstance(entry, RawArticle) and hasattr(entry, "abs_path"):
            items, _ = read_file(entry, max_bytes=10_000_000, min_body_chars=80)
            articles += [i for i in items if isinstance(i, RawArticle)]
    assert len(articles) >= 60
    assert sum(a.published_at is not None for a in articles) >= 60
