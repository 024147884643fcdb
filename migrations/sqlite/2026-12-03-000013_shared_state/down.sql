DROP INDEX reports_one_draft_per_period;
DROP TABLE scheduled_jobs;
DROP TABLE signing_keys;
