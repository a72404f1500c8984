-- Pairs of entities named in the same article; each unordered pair once (entity_a < entity_b).
CREATE OR REPLACE VIEW v_entity_cooccurrence AS
WITH per_article AS (SELECT DISTINCT article_id, entity_id FROM mentions)
SELECT x.entity_id AS entity_a, ea.canonical_name AS name_a, y.entity_id AS entity_b, eb.canonical_name AS name_b,
       count(*) AS articles
FROM per_article x
JOIN per_article y ON x.article_id = y.article_id AND x.entity_id < y.entity_id
JOIN entities ea ON ea.entity_id = x.entity_id
JOIN entities eb ON eb.entity_id = y.entity_id
GROUP BY ALL;
