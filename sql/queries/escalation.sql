-- name: scores_without_story
SELECT s.mention_id, s.brand, s.topic, s.sentiment, s.level, s.reasons, s.normalized_text,
       m.published_at, m.interval_end, m.title, m.text, m.reactions + m.comments + m.shares AS interactions
  FROM score s JOIN mention m ON m.id = s.mention_id
 WHERE s.relevant AND s.story_id IS NULL AND m.state = 'scored'
 ORDER BY m.published_at, s.mention_id, s.brand;

-- name: story_candidates
SELECT id, signature, topic, last_published_at
  FROM story
 WHERE brand = %(brand)s AND topic = %(topic)s AND last_published_at >= %(since)s
 ORDER BY last_published_at DESC;

-- name: story_insert
INSERT INTO story (brand, topic, signature, title, first_published_at, last_published_at,
                   level, updated_at, own_brand)
VALUES (%(brand)s, %(topic)s, %(signature)s, %(title)s, %(published_at)s, %(published_at)s,
        0, %(at)s, %(own_brand)s)
RETURNING id;

-- name: story_ids_reserve
-- Ids for the new stories of a run, taken from the sequence as their inserts would take them.
SELECT nextval(pg_get_serial_sequence('story', 'id')) AS id FROM generate_series(1, %(n)s);

-- name: story_insert_batch
-- The new stories of a run (a JSON array, ids from story_ids_reserve).
INSERT INTO story (id, brand, topic, signature, title, first_published_at, last_published_at,
                   level, updated_at, own_brand)
SELECT r.id, r.brand, r.topic, r.signature, r.title, r.published_at, r.published_at,
       0, %(at)s, r.own_brand
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
       id bigint, brand text, topic text, signature bigint, title text,
       published_at timestamptz, own_brand boolean)
 ORDER BY r.id;

-- name: score_set_story
UPDATE score SET story_id = %(story_id)s WHERE mention_id = %(mention_id)s AND brand = %(brand)s;

-- name: score_set_story_batch
UPDATE score s SET story_id = r.story_id
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(story_id bigint, mention_id bigint, brand text)
 WHERE s.mention_id = r.mention_id AND s.brand = r.brand;

-- name: story_mentions
SELECT s.story_id, m.id, m.source, m.source_type, m.url, m.title, m.text, m.author,
       m.author_followers, m.published_at, m.interval_end, m.late, m.reactions, m.comments,
       m.shares, m.reactions + m.comments + m.shares AS interactions, s.level, s.reasons,
       s.sentiment,
       (SELECT count(*) FROM mention r
         WHERE r.source = m.source AND r.parent_external_id = m.external_id) AS replies,
       (SELECT e.reactions + e.comments + e.shares FROM engagement_snapshot e
         WHERE e.mention_id = m.id AND e.observed_at < %(at)s
         ORDER BY e.observed_at DESC LIMIT 1) AS previous_interactions,
       (SELECT e.observed_at FROM engagement_snapshot e
         WHERE e.mention_id = m.id AND e.observed_at < %(at)s
         ORDER BY e.observed_at DESC LIMIT 1) AS previous_observed_at
  FROM score s JOIN mention m ON m.id = s.mention_id
 WHERE s.story_id = ANY(%(story_ids)s) AND s.relevant
 ORDER BY s.story_id, s.level DESC, m.reactions + m.comments + m.shares DESC, m.id;

-- name: topic_volume
-- Mentions of a brand's topic in the last hour and in the 12 hours before (spike baseline).
SELECT count(*) FILTER (WHERE m.published_at >= %(at)s::timestamptz - interval '1 hour') AS last_hour,
       count(*) FILTER (WHERE m.published_at < %(at)s::timestamptz - interval '1 hour') AS baseline
  FROM score s JOIN mention m ON m.id = s.mention_id
 WHERE s.brand = %(brand)s AND s.topic = %(topic)s AND s.relevant
   AND m.published_at >= %(at)s::timestamptz - interval '13 hours' AND m.published_at < %(at)s::timestamptz;

-- name: story_update
UPDATE story
   SET first_published_at = %(first_published_at)s, last_published_at = %(last_published_at)s,
       mention_count = %(mention_count)s, interactions = %(interactions)s, level = %(level)s,
       reasons = %(reasons)s, updated_at = %(at)s
 WHERE id = %(story_id)s;

-- name: story_update_batch
UPDATE story st
   SET first_published_at = r.first_published_at, last_published_at = r.last_published_at,
       mention_count = r.mention_count, interactions = r.interactions, level = r.level,
       reasons = r.reasons, updated_at = %(at)s
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
       story_id bigint, first_published_at timestamptz, last_published_at timestamptz,
       mention_count integer, interactions integer, level smallint, reasons jsonb)
 WHERE st.id = r.story_id;

-- name: tickets_of_stories
SELECT * FROM ticket WHERE story_id = ANY(%(story_ids)s);

-- name: ticket_insert
-- The story's ticket and, in the same statement, its "created" event.
WITH opened AS (
    INSERT INTO ticket (number, story_id, level, topic, owner, coordinating, late, opened_at,
                        level_since, deadline)
    VALUES (%(number)s, %(story_id)s, %(level)s, %(topic)s, %(owner)s, %(coordinating)s,
            %(late)s, %(opened_at)s, %(opened_at)s, %(deadline)s)
    ON CONFLICT (story_id) DO NOTHING
    RETURNING *
), recorded AS (
    INSERT INTO ticket_event (ticket_id, kind, event_key, at, actor, detail)
    SELECT id, 'created', 'L' || level, %(at)s, 'smcc',
           jsonb_build_object('level', level, 'reasons', %(reasons)s::jsonb, 'late', late)
      FROM opened
    ON CONFLICT (ticket_id, kind, event_key) DO NOTHING
)
SELECT * FROM opened;

-- name: ticket_raise
-- A raise never extends the deadline; level_since is where the new level's SLA clock starts,
-- so that deadline = level_since + SLA always holds. Records the "level_raised" event in the
-- same statement.
WITH raised AS (
    UPDATE ticket
       SET level = %(level)s, owner = %(owner)s, coordinating = %(coordinating)s,
           deadline = LEAST(deadline, %(level_since)s::timestamptz + %(sla)s::interval),
           level_since = LEAST(deadline, %(level_since)s::timestamptz + %(sla)s::interval)
                         - %(sla)s::interval
     WHERE id = %(ticket_id)s AND level < %(level)s
    RETURNING *
), recorded AS (
    INSERT INTO ticket_event (ticket_id, kind, event_key, at, actor, detail)
    SELECT id, 'level_raised', 'L' || level, %(at)s, 'smcc',
           jsonb_build_object('level', level, 'reasons', %(reasons)s::jsonb, 'late', late)
      FROM raised
    ON CONFLICT (ticket_id, kind, event_key) DO NOTHING
)
SELECT * FROM raised;

-- name: ticket_event_insert
INSERT INTO ticket_event (ticket_id, kind, event_key, at, actor, detail)
VALUES (%(ticket_id)s, %(kind)s, %(event_key)s, %(at)s, %(actor)s, %(detail)s)
ON CONFLICT (ticket_id, kind, event_key) DO NOTHING
RETURNING id;

-- name: escalation_rows
-- One row per story at level >= 1 touched by this run, for the escalation gate.
SELECT st.id AS story_id, st.level,
       (SELECT count(*) FROM ticket t WHERE t.story_id = st.id) AS ticket_count,
       t.state AS ticket_state, t.level_since AS opened_at, t.deadline, t.level AS ticket_level,
       (SELECT count(*) FROM outbox o WHERE o.ticket_id = t.id) AS outbox_count,
       COALESCE(%(digest_late_level1)s AND t.late AND t.level = 1, false) AS digest_only
  FROM story st LEFT JOIN ticket t ON t.story_id = st.id
 WHERE st.level >= 1 AND st.own_brand AND st.id = ANY(%(story_ids)s)
 ORDER BY st.id;

-- name: story_meta
SELECT id, brand, topic, level, reasons, own_brand FROM story WHERE id = %(story_id)s;

-- name: stories_meta
SELECT id, brand, topic, own_brand FROM story WHERE id = ANY(%(story_ids)s) ORDER BY id;

-- name: tickets_unresolved
SELECT * FROM ticket
 WHERE state IN ('open', 'acknowledged') AND level_since < %(end)s
 ORDER BY id;

-- name: ticket_by_number
SELECT t.*, s.title AS story_title, s.brand, s.reasons, s.mention_count, s.interactions
  FROM ticket t JOIN story s ON s.id = t.story_id
 WHERE t.number = %(number)s;

-- name: ticket_list
SELECT t.number, t.level, t.topic, t.owner, t.state, t.late, t.opened_at, t.deadline,
       s.title AS story_title, s.mention_count, s.interactions
  FROM ticket t JOIN story s ON s.id = t.story_id
 WHERE (%(state)s::text IS NULL OR t.state = %(state)s::text)
 ORDER BY t.level DESC, t.deadline
 LIMIT %(limit)s;

-- name: ticket_events
SELECT kind, event_key, at, actor, detail FROM ticket_event
 WHERE ticket_id = %(ticket_id)s ORDER BY at, id;

-- name: ticket_acknowledge
UPDATE ticket SET state = 'acknowledged', acknowledged_at = %(at)s
 WHERE number = %(number)s AND state = 'open'
RETURNING *;

-- name: ticket_resolve
UPDATE ticket SET state = %(state)s, outcome = %(outcome)s, resolved_at = %(at)s
 WHERE number = %(number)s AND state IN ('open', 'acknowledged')
RETURNING *;

-- name: stories_missing_ticket
-- Stories that need a ticket but have none (an earlier run stopped half-way): healed next run.
SELECT s.id FROM story s
 WHERE s.level >= 1 AND s.own_brand
   AND NOT EXISTS (SELECT 1 FROM ticket t WHERE t.story_id = s.id)
 ORDER BY s.id;
