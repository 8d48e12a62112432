-- name: gate_result_insert
INSERT INTO gate_result (suite, stage, batch, run_id, interval_start, interval_end, passed,
                         row_count, failing_row_count, critical_failures, warnings,
                         result_json, report_path)
VALUES (%(suite)s, %(stage)s, %(batch)s, %(run_id)s, %(start)s, %(end)s, %(passed)s,
        %(row_count)s, %(failing_row_count)s, %(critical_failures)s, %(warnings)s,
        %(result_json)s, %(report_path)s)
RETURNING id;

-- name: quarantine_insert
INSERT INTO quarantine (stage, batch, interval_start, interval_end, row_key, mention_id,
                        payload, reasons, run_id)
VALUES (%(stage)s, %(batch)s, %(start)s, %(end)s, %(row_key)s, %(mention_id)s, %(payload)s,
        %(reasons)s, %(run_id)s)
ON CONFLICT (stage, batch, interval_start, row_key) WHERE released_at IS NULL DO UPDATE
   SET payload = EXCLUDED.payload, reasons = EXCLUDED.reasons, run_id = EXCLUDED.run_id;

-- name: quarantine_release
-- A passing re-run of the batch releases everything an earlier run quarantined.
UPDATE quarantine SET released_at = now()
 WHERE stage = %(stage)s AND batch = %(batch)s AND interval_start = %(start)s
   AND interval_end = %(end)s AND released_at IS NULL
RETURNING row_key, mention_id;

-- name: mention_quarantine
UPDATE mention SET state = 'quarantined' WHERE id = ANY(%(ids)s);

-- name: mention_release
UPDATE mention SET state = 'scored' WHERE id = ANY(%(ids)s) AND state = 'quarantined';

-- name: crawl_counts_history
-- Items found by a source's recent successful crawls, newest first (volume baseline).
SELECT items_found FROM crawl_run
 WHERE source = %(source)s AND state = 'success' AND interval_end <= %(start)s
 ORDER BY interval_end DESC
 LIMIT %(limit)s;

-- name: gate_latest
SELECT DISTINCT ON (stage, batch) stage, batch, suite, passed, row_count, failing_row_count,
       critical_failures, warnings, report_path, run_id, interval_start, interval_end, created_at
  FROM gate_result
 ORDER BY stage, batch, created_at DESC;
