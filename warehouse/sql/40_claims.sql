-- Claims with entity names (pronouns, short names and descriptions resolved), amounts and the article's outlet and date.
CREATE OR REPLACE VIEW v_claims AS
SELECT c.claim_id, c.article_id, a.title,
       coalesce(a.publisher, (SELECT min(s.source_path) FROM sources s WHERE s.article_id = a.article_id)) AS publisher,
       a.published_at, a.story_id,
       c.claim_type, coalesce(s.canonical_name, c.subject_text) AS subject, c.predicate,
       coalesce(o.canonical_name, c.object_text) AS object, coalesce(sp.canonical_name, c.speaker_text) AS speaker,
       c.quote_text, c.quote_style, c.attribution, c.modality, c.modality_cue,
       am.text AS amount_text, am.value AS amount_value, am.currency, am.usd_value,
       c.claim_date, c.place_text, c.sentence, c.start_char, c.end_char, c.confidence,
       c.subject_entity_id, c.object_entity_id, c.speaker_entity_id, c.party_entity_ids, c.run_id,
       -- as written ("it", "the company", "he"), beside the resolved names above (see entity_references)
       c.subject_text, c.object_text, c.speaker_text
FROM claims c
JOIN articles a USING (article_id)
LEFT JOIN entities s ON s.entity_id = c.subject_entity_id
LEFT JOIN entities o ON o.entity_id = c.object_entity_id
LEFT JOIN entities sp ON sp.entity_id = c.speaker_entity_id
LEFT JOIN amounts am ON am.amount_id = c.amount_id;
