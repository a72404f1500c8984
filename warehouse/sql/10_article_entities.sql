-- Articles with the canonical entities they mention (one row per article and entity).
CREATE OR REPLACE VIEW v_article_entities AS
SELECT a.article_id, a.title, a.publisher, a.published_at, e.entity_id, e.canonical_name, e.entity_type, e.category,
       count(*) AS mentions, min(m.start_char) AS first_offset
FROM articles a
JOIN mentions m USING (article_id)
JOIN entities e USING (entity_id)
GROUP BY ALL;
