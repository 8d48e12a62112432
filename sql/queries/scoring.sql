-- name: score_input
-- New mentions of a batch, plus those a scored-stage gate quarantined (a re-run re-scores them).
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
 WHERE m.source = %(source)s AND m.interval_start = %(start)s AND m.interval_end = %(end)s
   AND m.state IN ('new', 'quarantined')
 ORDER BY m.id;

-- name: score_upsert
INSERT INTO score (mention_id, brand, relevant, sentiment, sentiment_score, topic, level,
                   reasons, normalized_text, model_version, scored_at)
VALUES (%(mention_id)s, %(brand)s, %(relevant)s, %(sentiment)s, %(sentiment_score)s,
        %(topic)s, %(level)s, %(reasons)s, %(normalized_text)s, %(model_version)s,
        %(scored_at)s)
ON CONFLICT (mention_id, brand) DO UPDATE
   SET relevant = EXCLUDED.relevant, sentiment = EXCLUDED.sentiment,
       sentiment_score = EXCLUDED.sentiment_score, topic = EXCLUDED.topic,
       level = EXCLUDED.level, reasons = EXCLUDED.reasons,
       normalized_text = EXCLUDED.normalized_text, model_version = EXCLUDED.model_version,
       scored_at = EXCLUDED.scored_at;

-- name: mention_mark_scored
UPDATE mention SET state = 'scored' WHERE id = ANY(%(ids)s) AND state = 'new';

-- name: scored_batch
SELECT s.mention_id, m.source, m.external_id, s.brand, s.relevant, s.sentiment,
       s.sentiment_score, s.topic, s.level, s.reasons
  FROM score s JOIN mention m ON m.id = s.mention_id
 WHERE m.source = %(source)s AND m.interval_start = %(start)s AND m.interval_end = %(end)s
   AND m.state <> 'new'
 ORDER BY s.mention_id, s.brand;
