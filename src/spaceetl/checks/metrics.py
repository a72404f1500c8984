"""Extraction-quality signals no generic tool has, computed per run and compared with the previous runs.

Drift is one-sided: every signal has a direction that is bad (fewer entities per 1,000 words, more articles
without a date). A move the other way is an improvement and never makes a run a warning; the modality mix has no
better direction, so a swing either way counts. The limit a signal must cross is shown beside it in the report.
"""

from __future__ import annotations

from typing import Literal

import duckdb

Direction = Literal["up", "down", "both"]

# metric -> SQL over the articles loaded by run ? (one row, one value; NULL when the run loaded nothing)
METRICS: dict[str, str] = {
    "articles_loaded": "SELECT count(*)::DOUBLE FROM articles WHERE run_id = $run",
    "entities_per_1000_words": """
        SELECT 1000.0 * (SELECT count(*) FROM mentions m JOIN articles a USING (article_id) WHERE a.run_id = $run)
               / nullif((SELECT sum(word_count) FROM articles WHERE run_id = $run AND nlp_status <> 'skipped_language'), 0)""",
    "gazetteer_link_share": """
        SELECT avg(CASE WHEN m.linked THEN 1.0 ELSE 0.0 END) FROM mentions m JOIN articles a USING (article_id)
        WHERE a.run_id = $run""",
    "odd_label_share": """
        SELECT avg(CASE WHEN m.label IN ('ORG','GPE','PERSON','NORP','LOC','FAC','PRODUCT','LAW','EVENT','CELESTIAL') THEN 0.0 ELSE 1.0 END)
        FROM mentions m JOIN articles a USING (article_id) WHERE a.run_id = $run""",
    "claims_per_article": """
        SELECT (SELECT count(*) FROM claims c JOIN articles a USING (article_id) WHERE a.run_id = $run)::DOUBLE
               / nullif((SELECT count(*) FROM articles WHERE run_id = $run AND nlp_status <> 'skipped_language'), 0)""",
    "share_claims_asserted": "SELECT avg((modality = 'asserted')::INT) FROM claims c JOIN articles a USING (article_id) WHERE a.run_id = $run",
    "share_claims_reported": "SELECT avg((modality = 'reported')::INT) FROM claims c JOIN articles a USING (article_id) WHERE a.run_id = $run",
    "share_claims_hedged": "SELECT avg((modality = 'hedged')::INT) FROM claims c JOIN articles a USING (article_id) WHERE a.run_id = $run",
    "share_claims_negated": "SELECT avg((modality = 'negated')::INT) FROM claims c JOIN articles a USING (article_id) WHERE a.run_id = $run",
    "share_articles_without_title": "SELECT avg((title IS NULL)::INT) FROM articles WHERE run_id = $run",
    "share_articles_without_date": "SELECT avg((published_at IS NULL)::INT) FROM articles WHERE run_id = $run",
    "share_articles_without_entity": """
        SELECT avg((NOT EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = a.article_id))::INT)
        FROM articles a WHERE a.run_id = $run AND a.nlp_status <> 'skipped_language'""",
    "amounts_per_article": """
        SELECT (SELECT count(*) FROM amounts x JOIN articles a USING (article_id) WHERE a.run_id = $run)::DOUBLE
               / nullif((SELECT count(*) FROM articles WHERE run_id = $run), 0)""",
}
# Which way each signal is bad. ``articles_loaded`` is not a drift signal (the run-level volume check covers it).
BAD_DIRECTION: dict[str, Direction] = {
    "articles_loaded": "down",
    "entities_per_1000_words": "down",
    "gazetteer_link_share": "down",
    "odd_label_share": "up",
    "claims_per_article": "down",
    "share_claims_asserted": "both",
    "share_claims_reported": "both",
    "share_claims_hedged": "both",
    "share_claims_negated": "both",
    "share_articles_without_title": "up",
    "share_articles_without_date": "up",
    "share_articles_without_entity": "up",
    "amounts_per_article": "down",
}
NO_DRIFT = {"articles_loaded"}
# Relative change from the baseline that counts as drift (with an absolute floor for shares near zero).
DRIFT_RELATIVE = 0.5
DRIFT_ABSOLUTE = 0.1
BASELINE_RUNS = 5


def drift_margin(metric: str, baseline: float) -> float:
    """How far from the baseline a signal may move in its bad direction before it counts as drift."""
    return max(DRIFT_RELATIVE * abs(baseline), DRIFT_ABSOLUTE if metric.startswith("share") or metric.endswith("_share") else 0.0)


def drift_limits(metric: str, baseline: float | None) -> tuple[float | None, float | None]:
    """(low, high): a value below ``low`` or above ``high`` is drift; ``None`` where that side is fine."""
    if baseline is None or metric in NO_DRIFT:
        return None, None
    margin = drift_margin(metric, baseline)
    direction = BAD_DIRECTION.get(metric, "both")
    low = baseline - margin if direction in ("down", "both") else None
    high = baseline + margin if direction in ("up", "both") else None
    return low, high


def is_drift(metric: str, value: float | None, baseline: float | None) -> bool:
    if value is None:
        return False
    low, high = drift_limits(metric, baseline)
    return (low is not None and value < low) or (high is not None and value > high)


def compute_metrics(conn: duckdb.DuckDBPyConnection, run_id: str) -> list[dict]:
    rows = []
    for metric, sql in METRICS.items():
        value = conn.execute(sql, {"run": run_id}).fetchone()[0]
        baseline = conn.execute(
            """SELECT avg(value) FROM (
                   SELECT d.value FROM dq_metrics d JOIN runs r USING (run_id)
                   WHERE d.metric = $metric AND d.value IS NOT NULL AND d.run_id <> $run
                   ORDER BY r.started_at DESC LIMIT $n)""",
            {"metric": metric, "run": run_id, "n": BASELINE_RUNS}).fetchone()[0]
        drift = is_drift(metric, None if value is None else float(value), None if baseline is None else float(baseline))
        rows.append(dict(run_id=run_id, metric=metric, value=None if value is None else float(value),
                         baseline=None if baseline is None else float(baseline), drift=bool(drift)))
    return rows
