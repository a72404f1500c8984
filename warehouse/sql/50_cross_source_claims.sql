-- What different outlets say about the same parties and the same kind of claim: one row per version
-- (article), with amounts in USD, modality, and how many independent stories (syndicated copies count once)
-- back the same group.
CREATE OR REPLACE VIEW v_cross_source_claims AS
WITH keyed AS (
    SELECT c.*,
           least(c.subject_entity_id, coalesce(c.object_entity_id, c.subject_entity_id)) AS party_a,
           greatest(c.subject_entity_id, coalesce(c.object_entity_id, c.subject_entity_id)) AS party_b,
           CASE WHEN c.claim_type = 'quote' THEN 'statement' ELSE c.claim_type END AS predicate_family
    FROM v_claims c
    WHERE c.subject_entity_id IS NOT NULL AND c.claim_type <> 'quote'
)
SELECT party_a, party_b, predicate_family, predicate, publisher, title, article_id, story_id, modality, modality_cue,
       amount_text, currency, amount_value, round(usd_value / 1e6, 1) AS usd_millions, claim_date, sentence,
       count(DISTINCT story_id) OVER (PARTITION BY party_a, party_b, predicate_family) AS independent_sources,
       count(DISTINCT article_id) OVER (PARTITION BY party_a, party_b, predicate_family) AS articles
FROM keyed;
