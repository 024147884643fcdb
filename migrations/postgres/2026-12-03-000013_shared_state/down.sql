-- The drafts up.sql removed (all but the newest draft of a period, and drafts beside a
-- published report) do not come back.
DROP INDEX reports_one_draft_per_period;
DROP TABLE scheduled_jobs;
DROP TABLE signing_keys;
