-- A score's level is judged by the scored-stage quality gate, which quarantines the mention
-- with its reason; a CHECK here would instead fail the whole batch with no quarantine.
ALTER TABLE score DROP CONSTRAINT IF EXISTS score_level_check;
