"""Validation against the contracts: bad values are really caught (eagerly), quarantined with the check and the
row's key, their dependants follow them, and the rest of the batch goes on."""

import polars as pl
import pytest

from spaceetl.pipeline.extract import extract_articles
from spaceetl.ingest.models import RawArticle
from spaceetl.checks.contracts import validate_batch

TEXT = ("Italy signed a €1.5 billion agreement with SpaceX on Oct. 15, officials said. "
        "“It is a leap forward,” said Alessandro Rossi, a defense analyst.")


@pytest.fixture
def batch(settings_for, tmp_path, nlp):
    raw = [RawArticle(source_path="a.txt", record=0, format="txt", body=TEXT, title="T"),
           RawArticle(source_path="b.txt", record=0, format="txt", body=TEXT + " More text here.", title="T2")]
    return extract_articles(raw, settings_for(tmp_path), "run_x")


def test_clean_batch_passes_every_check(batch):
    v = validate_batch(batch, "run_x")
    assert v.quarantine.height == 0
    assert v.tables["articles"].height == 2 and v.tables["mentions"].height > 0
    errors = [r for r in v.tally.as_dicts() if r["severity"] == "error"]
    assert errors and all(r["status"] == "pass" for r in errors)
    assert {"span_matches_body", "references_articles", "not_nullable"} <= {r["check_name"] for r in errors}


def test_bad_value_is_caught_and_dependants_follow(batch):
    bad_id = batch.tables["articles"]["article_id"][0]
    batch.tables["articles"] = batch.tables["articles"].with_columns(
        pl.when(pl.col("article_id") == bad_id).then(pl.lit("klingon!")).otherwise(pl.col("language")).alias("language"))
    n_mentions = batch.tables["mentions"].filter(pl.col("article_id") == bad_id).height
    v = validate_batch(batch, "run_x")
    assert v.tables["articles"]["article_id"].to_list() == [a for a in batch.tables["articles"]["article_id"] if a != bad_id]
    q = v.quarantine
    art = q.filter(pl.col("table_name") == "articles")
    assert art.height == 1 and art["row_key"][0] == bad_id and "str_matches" in art["reason"][0]
    assert q.filter(pl.col("table_name") == "mentions").height == n_mentions
    assert v.tables["mentions"].filter(pl.col("article_id") == bad_id).height == 0
    rec = v.records.filter(pl.col("article_id") == bad_id)
    assert rec["status"].to_list() == ["quarantined"] and "str_matches" in rec["reason"][0]


def test_span_that_does_not_match_the_body_is_quarantined(batch):
    m = batch.tables["mentions"]
    batch.tables["mentions"] = m.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.col("start_char") + 1).otherwise(pl.col("start_char")).alias("start_char"))
    v = validate_batch(batch, "run_x")
    bad = v.quarantine.filter(pl.col("table_name") == "mentions")
    assert bad.height == 1 and bad["check_name"][0] == "span_matches_body"
    assert v.tables["mentions"].height == m.height - 1


def test_negative_amount_is_caught(batch):
    batch.tables["amounts"] = batch.tables["amounts"].with_columns(pl.lit(-5.0).alias("value"))
    v = validate_batch(batch, "run_x")
    assert v.tables["amounts"].height == 0
    assert v.quarantine.filter(pl.col("table_name") == "amounts").height == batch.tables["amounts"].height
    # claims that pointed at a refused amount are refused with it, never loaded as orphans
    assert v.tables["claims"].filter(pl.col("amount_id").is_not_null()).height == 0


def test_warnings_flag_rows_but_keep_them(batch):
    v = validate_batch(batch, "run_x")
    warn = {r["check_name"]: r for r in v.tally.as_dicts() if r["severity"] == "warn"}
    assert warn["missing publication date"]["failed_rows"] == 2  # flagged...
    assert v.tables["articles"].height == 2                        # ...and loaded


def test_non_english_article_is_loaded_flagged_and_skipped_by_the_model(settings_for, tmp_path, nlp):
    from spaceetl.ingest.language import detect_language

    italian = ("L'Agenzia Spaziale Italiana ha firmato un accordo con la NASA per un modulo abitativo lunare. "
               "Il contratto vale circa un miliardo di euro e prevede la consegna del primo esemplare nel 2028, "
               "secondo quanto riferito da fonti vicine al ministero della Difesa.")
    assert detect_language(italian) == "it" and detect_language(TEXT) == "en"
    raw = [RawArticle(source_path="it.txt", record=0, format="txt", body=italian, title="Accordo")]
    batch = extract_articles(raw, settings_for(tmp_path), "run_x")
    art = batch.tables["articles"].row(0, named=True)
    assert (art["language"], art["nlp_status"]) == ("it", "skipped_language")
    assert batch.tables["mentions"].height == 0
    v = validate_batch(batch, "run_x")
    warn = {r["check_name"]: r["failed_rows"] for r in v.tally.as_dicts() if r["severity"] == "warn"}
    assert v.tables["articles"].height == 1 and warn["not English: loaded, skipped by the English model"] == 1
