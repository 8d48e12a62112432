-- name: batch_ids_to_score
-- New mentions of a batch, plus those a scored-stage gate quarantined (a re-run re-scores them).
SELECT id FROM mention
 WHERE source = %(source)s AND interval_start = %(start)s AND interval_end = %(end)s
   AND state IN ('new', 'quarantined')
 ORDER BY id;

-- name: period_ids_to_rescore
-- Mentions published in a period that were scored before (re-scoring with the current model).
SELECT id FROM mention
 WHERE published_at >= %(start)s AND published_at < %(end)s AND state IN ('scored', 'quarantined')
 ORDER BY id;

-- name: score_input
SELECT m.id, m.source, m.external_id, m.source_type, m.url, m.title, m.text, m.author,
       m.author_followers, m.reactions, m.comments, m.shares, m.published_at, m.state,
       (SELECT count(*) FROM mention r
         WHERE r.source = m.source AND r.parent_external_id = m.external_id) AS replies,
       -- What the item answers: its parent post, else (forum posts) the thread title.
       COALESCE((SELECT concat_ws(' ', p.title, p.text) FROM mention p
                  WHERE p.source = m.source AND p.external_id = m.parent_external_id),
                CASE WHEN m.source_type = 'forum_post' THEN m.title END) AS context,
       src.config->>'brand' AS page_brand
  FROM mention m JOIN source src ON src.name = m.source
 WHERE m.id = ANY(%(ids)s)
 ORDER BY m.id;

-- name: score_upsert_batch
-- All scores of a batch in one statement (a JSON array, one object per mention and brand).
INSERT INTO score (mention_id, brand, relevant, sentiment, sentiment_score, topic, level,
                   reasons, normalized_text, model_version, scored_at)
SELECT r.mention_id, r.brand, r.relevant, r.sentiment, r.sentiment_score, r.topic, r.level,
       r.reasons, r.normalized_text, %(model_version)s, %(scored_at)s
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
       mention_id bigint, brand text, relevant boolean, sentiment text, sentiment_score real,
       topic text, level smallint, reasons jsonb, normalized_text text)
ON CONFLICT (mention_id, brand) DO UPDATE
   SET relevant = EXCLUDED.relevant, sentiment = EXCLUDED.sentiment,
       sentiment_score = EXCLUDED.sentiment_score, topic = EXCLUDED.topic,
       level = EXCLUDED.level, reasons = EXCLUDED.reasons,
       normalized_text = EXCLUDED.normalized_text, model_version = EXCLUDED.model_version,
       scored_at = EXCLUDED.scored_at;

-- name: mention_mark_scored
UPDATE mention SET state = 'scored' WHERE id = ANY(%(ids)s) AND state = 'new';

-- name: batch_ids_scored
SELECT id FROM mention
 WHERE source = %(source)s AND interval_start = %(start)s AND interval_end = %(end)s
   AND state <> 'new'
 ORDER BY id;

-- name: scored_rows
SELECT s.mention_id, m.source, m.external_id, s.brand, s.relevant, s.sentiment,
       s.sentiment_score, s.topic, s.level, s.reasons
  FROM score s JOIN mention m ON m.id = s.mention_id
 WHERE s.mention_id = ANY(%(ids)s)
 ORDER BY s.mention_id, s.brand;

-- name: stories_of_mentions
SELECT DISTINCT story_id FROM score WHERE mention_id = ANY(%(ids)s) AND story_id IS NOT NULL;
