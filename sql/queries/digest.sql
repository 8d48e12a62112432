-- name: digest_tickets
-- Tickets opened in the period (optionally of one owning department).
SELECT t.level, t.state, t.late, count(*) AS n
  FROM ticket t
 WHERE t.opened_at >= %(start)s AND t.opened_at < %(end)s
   AND (%(owner)s::text IS NULL OR t.owner = %(owner)s::text)
 GROUP BY t.level, t.state, t.late;

-- name: digest_sla
-- Tickets whose deadline fell in the period: handled in time or not.
SELECT count(*) FILTER (WHERE t.resolved_at IS NOT NULL AND t.resolved_at <= t.deadline) AS met,
       count(*) FILTER (WHERE t.resolved_at IS NULL OR t.resolved_at > t.deadline) AS breached
  FROM ticket t
 WHERE t.deadline >= %(start)s AND t.deadline < %(end)s
   AND (%(owner)s::text IS NULL OR t.owner = %(owner)s::text);

-- name: digest_mentions
SELECT s.topic, s.sentiment, count(*) AS n
  FROM score s JOIN mention m ON m.id = s.mention_id
 WHERE s.brand = %(brand)s AND s.relevant
   AND m.published_at >= %(start)s AND m.published_at < %(end)s
 GROUP BY s.topic, s.sentiment;

-- name: digest_top_stories
SELECT t.number, t.level, t.state, t.late, t.deadline, t.topic, st.title, st.mention_count,
       st.interactions
  FROM ticket t JOIN story st ON st.id = t.story_id
 WHERE st.updated_at >= %(start)s AND st.updated_at < %(end)s
   AND (%(owner)s::text IS NULL OR t.owner = %(owner)s::text)
 ORDER BY t.level DESC, st.interactions DESC, t.number
 LIMIT 5;

-- name: digest_late_tickets
-- Level-1 tickets found by a backfill: announced here instead of one e-mail each.
SELECT t.number, t.topic, t.opened_at, t.deadline, st.title, st.interactions
  FROM ticket t JOIN story st ON st.id = t.story_id
 WHERE t.late AND t.level = 1 AND t.opened_at >= %(start)s AND t.opened_at < %(end)s
   AND (%(owner)s::text IS NULL OR t.owner = %(owner)s::text)
 ORDER BY t.opened_at;

-- name: digest_gates
SELECT stage, count(*) FILTER (WHERE passed) AS passed, count(*) FILTER (WHERE NOT passed) AS failed
  FROM gate_result
 WHERE interval_start >= %(start)s AND interval_start < %(end)s
 GROUP BY stage ORDER BY stage;

-- name: digest_daily_volume
-- Relevant mentions per local day and their negative share, for the 7-day chart.
SELECT (m.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
       count(*) AS mentions, count(*) FILTER (WHERE s.sentiment = 'negative') AS negative
  FROM score s JOIN mention m ON m.id = s.mention_id
 WHERE s.brand = %(brand)s AND s.relevant
   AND m.published_at >= %(end)s::timestamptz - interval '7 days' AND m.published_at < %(end)s
 GROUP BY 1 ORDER BY 1;

-- name: outbox_attachment_insert
INSERT INTO outbox_attachment (message_id, cid, content_type, data)
VALUES (%(message_id)s, %(cid)s, %(content_type)s, %(data)s)
ON CONFLICT (message_id, cid) DO NOTHING;

-- name: outbox_attachments
SELECT cid, content_type, data FROM outbox_attachment WHERE message_id = %(message_id)s ORDER BY cid;
