-- Escalation reads a story's scored mentions, and the check_stories SQL check joins stories to
-- scores, on every run: without an index both scan every score ever stored.
CREATE INDEX score_story_id_idx ON score (story_id);
