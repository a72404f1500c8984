-- What different outlets say about the same parties and the same kind of claim. One row per claim and pair of
-- parties named in its clause (organisations and countries), with the amount in USD, the modality and its cue,
-- and how many independent stories back the group (syndicated near-copies share a story_id and count once).
-- Predicate families: deal (agreement, transaction), capability, attribute (what a party is: 'X, a unit of Y'),
-- statement (statements and indirect speech).
CREATE OR REPLACE VIEW v_cross_source_claims AS
WITH fam AS (
    SELECT c.*,
           CASE c.claim_type WHEN 'agreement' THEN 'deal' WHEN 'transaction' THEN 'deal'
                             WHEN 'capability' THEN 'capability'
                             WHEN 'attribute' THEN 'attribute' ELSE 'statement' END AS predicate_family
    FROM v_claims c
    WHERE c.quote_style IS DISTINCT FROM 'direct' AND len(c.party_entity_ids) >= 2
),
pairs AS (
    SELECT fam.*, pa.party_a, pb.party_b
    FROM fam, unnest(fam.party_entity_ids) AS pa(party_a), unnest(fam.party_entity_ids) AS pb(party_b)
    WHERE pa.party_a < pb.party_b
)
SELECT ea.canonical_name AS party_a_name, eb.canonical_name AS party_b_name, p.predicate_family, p.predicate,
       p.publisher, p.title, p.published_at, p.modality, p.modality_cue, p.amount_text, p.currency, p.amount_value,
       round(p.usd_value / 1e6, 1) AS usd_millions, p.claim_date, p.sentence, p.story_id, p.article_id, p.claim_id,
       count(DISTINCT p.story_id) OVER (PARTITION BY p.party_a, p.party_b, p.predicate_family) AS independent_sources,
       count(DISTINCT p.story_id) FILTER (WHERE p.modality IN ('asserted', 'reported'))
           OVER (PARTITION BY p.party_a, p.party_b, p.predicate_family) AS sources_asserting,
       count(DISTINCT p.story_id) FILTER (WHERE p.modality = 'hedged')
           OVER (PARTITION BY p.party_a, p.party_b, p.predicate_family) AS sources_hedging,
       count(DISTINCT p.story_id) FILTER (WHERE p.modality = 'negated')
           OVER (PARTITION BY p.party_a, p.party_b, p.predicate_family) AS sources_denying,
       p.party_a, p.party_b
FROM pairs p
JOIN entities ea ON ea.entity_id = p.party_a
JOIN entities eb ON eb.entity_id = p.party_b;
