-- name: status_counts
SELECT (SELECT count(*) FROM mention) AS mentions,
       (SELECT count(*) FROM mention WHERE state = 'quarantined') AS mentions_quarantined,
       (SELECT count(*) FROM story) AS stories,
       (SELECT count(*) FROM ticket) AS tickets;

-- name: status_tickets
SELECT level, state, count(*) AS n FROM ticket GROUP BY level, state ORDER BY level, state;

-- name: status_outbox
SELECT state, count(*) AS n FROM outbox GROUP BY state ORDER BY state;

-- name: status_last_crawls
SELECT DISTINCT ON (c.source) c.source, s.type, s.enabled, s.paused, c.state,
       c.interval_start, c.interval_end, c.items_found, c.items_new, c.pages_fetched,
       c.error, c.finished_at
  FROM crawl_run c JOIN source s ON s.name = c.source
 ORDER BY c.source, c.interval_end DESC, c.started_at DESC;
