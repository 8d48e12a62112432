-- name: source_upsert
INSERT INTO source (name, type, enabled, config, updated_at)
VALUES (%(name)s, %(type)s, %(enabled)s, %(config)s, now())
ON CONFLICT (name) DO UPDATE
   SET type = EXCLUDED.type, enabled = EXCLUDED.enabled, config = EXCLUDED.config,
       updated_at = now();

-- name: source_active_names
SELECT name FROM source WHERE enabled AND NOT paused AND name = ANY(%(names)s) ORDER BY name;

-- name: source_set_paused
UPDATE source SET paused = %(paused)s, updated_at = now() WHERE name = %(name)s;

-- name: crawl_run_start
INSERT INTO crawl_run (source, interval_start, interval_end, run_id, state)
VALUES (%(source)s, %(start)s, %(end)s, %(run_id)s, 'running')
ON CONFLICT (source, interval_start, interval_end) DO UPDATE
   SET run_id = EXCLUDED.run_id, state = 'running', attempts = crawl_run.attempts + 1,
       error = NULL, started_at = now(), finished_at = NULL;

-- name: crawl_run_finish
UPDATE crawl_run
   SET state = %(state)s, items_found = %(items_found)s, items_new = %(items_new)s,
       items_refreshed = %(items_refreshed)s, pages_fetched = %(pages_fetched)s,
       warnings = %(warnings)s, error = %(error)s, finished_at = now()
 WHERE source = %(source)s AND interval_start = %(start)s AND interval_end = %(end)s;

-- name: mention_upsert_batch
-- One statement for a whole batch (a JSON array of mentions, unique per source and external
-- id: the raw gate guarantees it). Engagement always refreshes; content may still change
-- while the mention is unscored (a re-crawl after a parser fix replaces what a gate refused).
INSERT INTO mention (source, external_id, source_type, url, title, author, author_followers,
                     published_at, text, quoted_text, parent_external_id, reactions, comments,
                     shares, raw, interval_start, interval_end, first_run_id, late)
SELECT r.source, r.external_id, r.source_type, r.url, r.title, r.author, r.author_followers,
       r.published_at, r.text, r.quoted_text, r.parent_external_id, r.reactions, r.comments,
       r.shares, COALESCE(r.raw, '{}'::jsonb), %(interval_start)s, %(interval_end)s,
       %(run_id)s, %(late)s
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
       source text, external_id text, source_type text, url text, title text, author text,
       author_followers integer, published_at timestamptz, text text, quoted_text text,
       parent_external_id text, reactions integer, comments integer, shares integer, raw jsonb)
ON CONFLICT (source, external_id) DO UPDATE
   SET reactions = EXCLUDED.reactions, comments = EXCLUDED.comments, shares = EXCLUDED.shares,
       source_type = CASE WHEN mention.state = 'scored' THEN mention.source_type ELSE EXCLUDED.source_type END,
       url = CASE WHEN mention.state = 'scored' THEN mention.url ELSE EXCLUDED.url END,
       title = CASE WHEN mention.state = 'scored' THEN mention.title ELSE EXCLUDED.title END,
       author = CASE WHEN mention.state = 'scored' THEN mention.author ELSE EXCLUDED.author END,
       author_followers = COALESCE(EXCLUDED.author_followers, mention.author_followers),
       published_at = CASE WHEN mention.state = 'scored' THEN mention.published_at ELSE EXCLUDED.published_at END,
       text = CASE WHEN mention.state = 'scored' THEN mention.text ELSE EXCLUDED.text END,
       quoted_text = CASE WHEN mention.state = 'scored' THEN mention.quoted_text ELSE EXCLUDED.quoted_text END,
       raw = CASE WHEN mention.state = 'scored' THEN mention.raw ELSE EXCLUDED.raw END
RETURNING id, source, external_id, (xmax = 0) AS inserted;

-- name: mention_refresh_batch
-- New engagement counts of already stored mentions (unknown ones are ignored).
UPDATE mention m
   SET reactions = r.reactions, comments = r.comments, shares = r.shares
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
       source text, external_id text, reactions integer, comments integer, shares integer)
 WHERE m.source = r.source AND m.external_id = r.external_id
RETURNING m.id;

-- name: snapshot_upsert_batch
INSERT INTO engagement_snapshot (mention_id, observed_at, reactions, comments, shares)
SELECT m.id, %(observed_at)s, r.reactions, r.comments, r.shares
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
       source text, external_id text, reactions integer, comments integer, shares integer)
  JOIN mention m ON m.source = r.source AND m.external_id = r.external_id
ON CONFLICT (mention_id, observed_at) DO UPDATE
   SET reactions = EXCLUDED.reactions, comments = EXCLUDED.comments, shares = EXCLUDED.shares;

-- name: crawl_items_clear
DELETE FROM crawl_item
 WHERE source = %(source)s AND interval_start = %(start)s AND interval_end = %(end)s;

-- name: crawl_items_insert
-- A crawl's items in one statement (a JSON array, one object per item with its seq).
INSERT INTO crawl_item (source, interval_start, interval_end, seq, external_id, refreshed, payload)
SELECT %(source)s, %(start)s, %(end)s, r.seq, r.external_id, r.refreshed, r.payload
  FROM jsonb_to_recordset(%(rows)s::jsonb) AS r(
       seq integer, external_id text, refreshed boolean, payload jsonb)
 ORDER BY r.seq;

-- name: crawl_items
SELECT seq, external_id, refreshed, payload FROM crawl_item
 WHERE source = %(source)s AND interval_start = %(start)s AND interval_end = %(end)s
 ORDER BY seq;

-- name: crawl_run_items_new
UPDATE crawl_run SET items_new = %(items_new)s
 WHERE source = %(source)s AND interval_start = %(start)s AND interval_end = %(end)s;

-- name: sources_enabled
SELECT name, type, paused FROM source WHERE enabled ORDER BY name;

-- name: crawl_successes
SELECT interval_start FROM crawl_run
 WHERE source = %(source)s AND state = 'success'
   AND interval_start >= %(start)s AND interval_end <= %(end)s;

-- name: crawl_last_success
SELECT interval_end FROM crawl_run
 WHERE source = %(source)s AND state = 'success'
 ORDER BY interval_end DESC LIMIT 1;
