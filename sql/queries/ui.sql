-- name: ui_open_tickets
-- Tickets someone still has to act on, most urgent first.
SELECT t.number, t.level, t.topic, t.owner, t.coordinating, t.state, t.late, t.opened_at,
       t.level_since, t.deadline, t.acknowledged_at, s.id AS story_id, s.title AS story_title,
       s.mention_count, s.interactions
  FROM ticket t JOIN story s ON s.id = t.story_id
 WHERE t.state IN ('open', 'acknowledged')
 ORDER BY t.level DESC, t.deadline, t.id
 LIMIT %(limit)s;

-- name: ui_recent_stories
SELECT s.id, s.brand, s.topic, s.title, s.level, s.reasons, s.mention_count, s.interactions,
       s.first_published_at, s.last_published_at, s.updated_at,
       t.number AS ticket_number, t.state AS ticket_state
  FROM story s LEFT JOIN ticket t ON t.story_id = s.id
 ORDER BY s.updated_at DESC, s.id DESC
 LIMIT %(limit)s;

-- name: ui_story_mentions
-- The most engaging mentions of each given story (at most per_story of them).
SELECT story_id, source, source_type, url, title, text, author, published_at, interactions,
       level, sentiment
  FROM (SELECT sc.story_id, m.source, m.source_type, m.url, m.title, m.text, m.author,
               m.published_at, m.reactions + m.comments + m.shares AS interactions, sc.level,
               sc.sentiment,
               row_number() OVER (PARTITION BY sc.story_id
                                  ORDER BY sc.level DESC, m.reactions + m.comments + m.shares DESC,
                                           m.id) AS rank
          FROM score sc JOIN mention m ON m.id = sc.mention_id
         WHERE sc.story_id = ANY(%(story_ids)s)) ranked
 WHERE rank <= %(per_story)s
 ORDER BY story_id, rank;

-- name: ui_sources
-- Every known source with its last crawl and the verdict of its latest gate of each stage.
SELECT s.name, s.type, s.enabled, s.paused, c.state AS crawl_state, c.interval_start,
       c.interval_end, c.items_found, c.items_new, c.pages_fetched, c.error, c.finished_at,
       g.gates_run, g.gates_failed
  FROM source s
  LEFT JOIN LATERAL (SELECT * FROM crawl_run cr WHERE cr.source = s.name
                      ORDER BY cr.interval_end DESC, cr.started_at DESC LIMIT 1) c ON true
  LEFT JOIN LATERAL (SELECT count(*) AS gates_run, count(*) FILTER (WHERE NOT latest.passed) AS gates_failed
                       FROM (SELECT DISTINCT ON (gr.stage) gr.passed FROM gate_result gr
                              WHERE gr.batch = s.name
                              ORDER BY gr.stage, gr.created_at DESC, gr.id DESC) latest) g ON true
 ORDER BY s.name;

-- name: ui_gate_results
SELECT id, suite, stage, batch, run_id, interval_start, interval_end, passed, row_count,
       failing_row_count, critical_failures, warnings, report_path, created_at
  FROM gate_result
 ORDER BY created_at DESC, id DESC
 LIMIT %(limit)s;

-- name: ui_gate_report_path
SELECT report_path FROM gate_result WHERE id = %(gate_id)s;
