-- Inline images of an outbox e-mail (the digest's chart), sent as multipart/related parts.
CREATE TABLE outbox_attachment (
    message_id    text NOT NULL REFERENCES outbox(message_id),
    cid           text NOT NULL,
    content_type  text NOT NULL,
    data          bytea NOT NULL,
    PRIMARY KEY (message_id, cid)
);
