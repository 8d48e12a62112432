-- SMCC warehouse, first version. Natural keys carry the idempotency: re-running a task for
-- the same data interval upserts onto them instead of inserting again.

CREATE TABLE source (
    name        text PRIMARY KEY,
    type        text NOT NULL,
    enabled     boolean NOT NULL DEFAULT true,
    paused      boolean NOT NULL DEFAULT false,
    config      jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per source and data interval; attempts count retries and re-runs.
CREATE TABLE crawl_run (
    id              bigserial PRIMARY KEY,
    source          text NOT NULL REFERENCES source(name),
    interval_start  timestamptz NOT NULL,
    interval_end    timestamptz NOT NULL,
    run_id          text NOT NULL,
    state           text NOT NULL CHECK (state IN ('running', 'success', 'failed')),
    attempts        integer NOT NULL DEFAULT 1,
    items_found     integer NOT NULL DEFAULT 0,
    items_new       integer NOT NULL DEFAULT 0,
    items_refreshed integer NOT NULL DEFAULT 0,
    pages_fetched   integer NOT NULL DEFAULT 0,
    warnings        jsonb NOT NULL DEFAULT '[]'::jsonb,
    error           text,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (source, interval_start, interval_end)
);

-- What a crawl returned for one source and interval, exactly as returned (duplicates and
-- all), so the raw gate judges the batch before anything reaches the mention table.
CREATE TABLE crawl_item (
    source          text NOT NULL REFERENCES source(name),
    interval_start  timestamptz NOT NULL,
    interval_end    timestamptz NOT NULL,
    seq             integer NOT NULL,
    external_id     text,
    refreshed       boolean NOT NULL DEFAULT false,
    payload         jsonb NOT NULL,
    PRIMARY KEY (source, interval_start, interval_end, seq)
);

CREATE TABLE mention (
    id                  bigserial PRIMARY KEY,
    source              text NOT NULL REFERENCES source(name),
    external_id         text NOT NULL,
    source_type         text NOT NULL CHECK (source_type IN
                            ('news_article', 'forum_post', 'facebook_post', 'facebook_comment')),
    url                 text NOT NULL,
    title               text,
    author              text,
    author_followers    integer,
    published_at        timestamptz NOT NULL,
    text                text NOT NULL,
    quoted_text         text,
    parent_external_id  text,
    reactions           integer NOT NULL DEFAULT 0,
    comments            integer NOT NULL DEFAULT 0,
    shares              integer NOT NULL DEFAULT 0,
    raw                 jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- The data interval whose crawl first stored the mention, and whether that crawl ran
    -- late (a backfill), which drives the late-ticket policy.
    interval_start      timestamptz NOT NULL,
    interval_end        timestamptz NOT NULL,
    first_run_id        text NOT NULL,
    discovered_at       timestamptz NOT NULL DEFAULT now(),
    -- new: passed the raw gate, not scored; quarantined: refused by the scored gate.
    state               text NOT NULL DEFAULT 'new'
                            CHECK (state IN ('new', 'quarantined', 'scored')),
    UNIQUE (source, external_id)
);
CREATE INDEX mention_published_idx ON mention (published_at);
CREATE INDEX mention_interval_idx ON mention (source, interval_start);

-- Engagement counts observed at the end of each interval, so velocity can be computed.
CREATE TABLE engagement_snapshot (
    mention_id   bigint NOT NULL REFERENCES mention(id),
    observed_at  timestamptz NOT NULL,
    reactions    integer NOT NULL,
    comments     integer NOT NULL,
    shares       integer NOT NULL,
    PRIMARY KEY (mention_id, observed_at)
);

CREATE TABLE story (
    id                 bigserial PRIMARY KEY,
    brand              text NOT NULL,
    topic              text NOT NULL,
    signature          bigint NOT NULL,
    title              text NOT NULL,
    first_published_at timestamptz NOT NULL,
    last_published_at  timestamptz NOT NULL,
    mention_count      integer NOT NULL DEFAULT 0,
    interactions       integer NOT NULL DEFAULT 0,
    level              smallint NOT NULL CHECK (level BETWEEN 0 AND 3),
    reasons            jsonb NOT NULL DEFAULT '[]'::jsonb,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX story_lookup_idx ON story (brand, topic, last_published_at);

CREATE TABLE score (
    mention_id       bigint NOT NULL REFERENCES mention(id),
    brand            text NOT NULL,
    relevant         boolean NOT NULL,
    sentiment        text NOT NULL,
    sentiment_score  real NOT NULL,
    topic            text NOT NULL,
    level            smallint NOT NULL CHECK (level BETWEEN 0 AND 3),
    reasons          jsonb NOT NULL DEFAULT '[]'::jsonb,
    normalized_text  text NOT NULL,
    model_version    text NOT NULL,
    story_id         bigint REFERENCES story(id),
    scored_at        timestamptz NOT NULL,
    PRIMARY KEY (mention_id, brand)
);

CREATE TABLE ticket (
    id               bigserial PRIMARY KEY,
    number           text NOT NULL UNIQUE,
    story_id         bigint NOT NULL UNIQUE REFERENCES story(id),
    level            smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
    topic            text NOT NULL,
    owner            text NOT NULL,
    coordinating     jsonb NOT NULL DEFAULT '[]'::jsonb,
    state            text NOT NULL DEFAULT 'open'
                         CHECK (state IN ('open', 'acknowledged', 'resolved', 'false_positive')),
    late             boolean NOT NULL DEFAULT false,
    opened_at        timestamptz NOT NULL,
    -- When the current level was set: the deadline counts the level's SLA from here.
    level_since      timestamptz NOT NULL,
    deadline         timestamptz NOT NULL,
    outcome          text,
    acknowledged_at  timestamptz,
    resolved_at      timestamptz,
    CHECK (state NOT IN ('resolved', 'false_positive') OR outcome IS NOT NULL)
);

-- Each event happens once: the key makes a retried task's second insert a no-op.
CREATE TABLE ticket_event (
    id         bigserial PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES ticket(id),
    kind       text NOT NULL CHECK (kind IN ('created', 'level_raised', 'level_lowered',
                   'email_sent', 'reminded', 'escalated', 'acknowledged', 'resolved',
                   'false_positive')),
    event_key  text NOT NULL,
    at         timestamptz NOT NULL,
    actor      text,
    detail     jsonb NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (ticket_id, kind, event_key)
);

-- Transactional outbox: written in the same transaction as the ticket change it announces.
CREATE TABLE outbox (
    id               bigserial PRIMARY KEY,
    message_id       text NOT NULL UNIQUE,
    ticket_id        bigint REFERENCES ticket(id),
    kind             text NOT NULL,
    recipients       jsonb NOT NULL,
    subject          text NOT NULL,
    body_text        text NOT NULL,
    body_html        text NOT NULL,
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    last_error       text,
    created_at       timestamptz NOT NULL,
    next_attempt_at  timestamptz NOT NULL,
    sent_at          timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at) WHERE state = 'pending';

CREATE TABLE gate_result (
    id                 bigserial PRIMARY KEY,
    suite              text NOT NULL,
    stage              text NOT NULL,
    batch              text NOT NULL,
    run_id             text NOT NULL,
    interval_start     timestamptz NOT NULL,
    interval_end       timestamptz NOT NULL,
    passed             boolean NOT NULL,
    row_count          integer NOT NULL,
    failing_row_count  integer NOT NULL,
    critical_failures  jsonb NOT NULL DEFAULT '[]'::jsonb,
    warnings           jsonb NOT NULL DEFAULT '[]'::jsonb,
    result_json        jsonb NOT NULL,
    report_path        text,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gate_result_recent_idx ON gate_result (stage, batch, created_at DESC);

-- Rows a critical gate refused, with the reasons; released (never deleted) when a re-run of
-- the same batch passes.
CREATE TABLE quarantine (
    id              bigserial PRIMARY KEY,
    stage           text NOT NULL,
    batch           text NOT NULL,
    interval_start  timestamptz NOT NULL,
    interval_end    timestamptz NOT NULL,
    row_key         text NOT NULL,
    mention_id      bigint REFERENCES mention(id),
    payload         jsonb NOT NULL,
    reasons         jsonb NOT NULL,
    run_id          text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    released_at     timestamptz
);
CREATE UNIQUE INDEX quarantine_open_idx
    ON quarantine (stage, batch, interval_start, row_key) WHERE released_at IS NULL;
