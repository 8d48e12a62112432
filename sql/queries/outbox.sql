-- name: outbox_insert
INSERT INTO outbox (message_id, ticket_id, kind, recipients, subject, body_text, body_html,
                    created_at, next_attempt_at)
VALUES (%(message_id)s, %(ticket_id)s, %(kind)s, %(recipients)s, %(subject)s, %(body_text)s,
        %(body_html)s, %(created_at)s, %(created_at)s)
ON CONFLICT (message_id) DO NOTHING
RETURNING id;

-- name: outbox_due
-- Locked so that two delivery tasks running at once never send the same message.
SELECT id, message_id, ticket_id, kind, recipients, subject, body_text, body_html, created_at,
       attempts
  FROM outbox
 WHERE state = 'pending' AND next_attempt_at <= %(now)s
   AND (%(message_ids)s::text[] IS NULL OR message_id = ANY(%(message_ids)s::text[]))
 ORDER BY id
 LIMIT %(limit)s
 FOR UPDATE SKIP LOCKED;

-- name: outbox_mark_sent
UPDATE outbox SET state = 'sent', sent_at = %(now)s, attempts = attempts + 1, last_error = NULL
 WHERE id = %(id)s;

-- name: outbox_mark_retry
UPDATE outbox
   SET attempts = attempts + 1, last_error = %(error)s, next_attempt_at = %(next_attempt_at)s
 WHERE id = %(id)s;

-- name: outbox_mark_failed
UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = %(error)s
 WHERE id = %(id)s;
