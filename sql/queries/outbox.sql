-- name: outbox_insert
INSERT INTO outbox (message_id, ticket_id, kind, recipients, subject, body_text, body_html,
                    created_at, next_attempt_at)
VALUES (%(message_id)s, %(ticket_id)s, %(kind)s, %(recipients)s, %(subject)s, %(body_text)s,
        %(body_html)s, %(created_at)s, %(created_at)s)
ON CONFLICT (message_id) DO NOTHING
RETURNING id;

-- name: outbox_due
-- The messages a delivery round goes through, oldest first.
SELECT id FROM outbox
 WHERE state = 'pending' AND next_attempt_at <= %(now)s
   AND (%(message_ids)s::text[] IS NULL OR message_id = ANY(%(message_ids)s::text[]))
 ORDER BY id
 LIMIT %(limit)s;

-- name: outbox_take
-- One due message, locked so that two delivery tasks running at once never send it twice
-- (no row: another task holds it or has sent it).
SELECT o.id, o.message_id, o.ticket_id, o.kind, o.recipients, o.subject, o.body_text,
       o.body_html, o.created_at, o.attempts,
       EXISTS (SELECT 1 FROM outbox_attachment a WHERE a.message_id = o.message_id)
         AS has_attachments
  FROM outbox o
 WHERE o.id = %(id)s AND o.state = 'pending' AND o.next_attempt_at <= %(now)s
   FOR UPDATE OF o SKIP LOCKED;

-- name: outbox_mark_sent
-- Marks the message sent and, in the same statement, records a ticket's e-mail on its ticket.
WITH sent AS (
    UPDATE outbox SET state = 'sent', sent_at = %(now)s, attempts = attempts + 1, last_error = NULL
     WHERE id = %(id)s
    RETURNING ticket_id, message_id, kind, recipients
)
INSERT INTO ticket_event (ticket_id, kind, event_key, at, actor, detail)
SELECT ticket_id, 'email_sent', message_id, %(now)s, 'smcc',
       jsonb_build_object('recipients', recipients, 'kind', kind)
  FROM sent
 WHERE ticket_id IS NOT NULL
ON CONFLICT (ticket_id, kind, event_key) DO NOTHING;

-- name: outbox_mark_retry
UPDATE outbox
   SET attempts = attempts + 1, last_error = %(error)s, next_attempt_at = %(next_attempt_at)s
 WHERE id = %(id)s;

-- name: outbox_mark_failed
UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = %(error)s
 WHERE id = %(id)s;
