-- Whether the crawl that first stored the mention ran late (a backfill, or a run far behind
-- its interval): drives the late-ticket policy.
ALTER TABLE mention ADD COLUMN late boolean NOT NULL DEFAULT false;
