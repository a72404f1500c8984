-- Mentions per entity per month of publication (articles without a date are left out).
CREATE OR REPLACE VIEW v_entity_timeline AS
SELECT e.entity_id, e.canonical_name, e.entity_type,
       date_trunc('month', a.published_at)::DATE AS month,
       count(*) AS mentions, count(DISTINCT a.article_id) AS articles
FROM mentions m
JOIN articles a USING (article_id)
JOIN entities e USING (entity_id)
WHERE a.published_at IS NOT NULL
GROUP BY ALL;
