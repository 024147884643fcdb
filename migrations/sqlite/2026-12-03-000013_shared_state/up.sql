-- State that every instance on this database shares, so that instances started with nothing
-- in common but the database URL behave as one service.

-- Keys that sign access tokens (HS256). Every token names its key (`kid` in its header). The
-- current key is the one not retired; `versnelling keys rotate` retires it and starts a new
-- one. A retired key still verifies the tokens signed with it until they expire, then it is
-- deleted. A configured `auth.jwt_secret` wins over these keys.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    -- 64 random bytes, hex
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);
-- At most one current key.
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys ((retired_at IS NULL)) WHERE retired_at IS NULL;

-- Work the service does on a schedule (automatic drafts, cleanup; reminders and the outbox
-- later): one row per job, claimed by one instance at a time.
CREATE TABLE scheduled_jobs (
    name TEXT PRIMARY KEY NOT NULL,
    -- how many times the job has started, over all instances
    runs BIGINT NOT NULL DEFAULT 0,
    last_started_at TIMESTAMP,
    last_finished_at TIMESTAMP,
    -- why the last run failed; NULL when it succeeded
    last_error TEXT,
    -- the instance that ran it last (host and process)
    last_instance TEXT,
    -- while a run is under way: until when it holds the job (SQLite; PostgreSQL holds an
    -- advisory lock instead, which ends with the connection of an instance that dies)
    lease_until TIMESTAMP
);

-- At most one draft per period at any moment. Drafts made before this rule: the newest stays.
DELETE FROM report_files WHERE report_id IN (
    SELECT r.id FROM reports r
    WHERE r.state = 'draft'
      AND EXISTS (SELECT 1 FROM reports n
                  WHERE n.report_period_id = r.report_period_id AND n.state = 'draft'
                    AND (n.generated_at > r.generated_at OR (n.generated_at = r.generated_at AND n.id > r.id)))
);
DELETE FROM reports WHERE state = 'draft'
  AND EXISTS (SELECT 1 FROM reports n
              WHERE n.report_period_id = reports.report_period_id AND n.state = 'draft'
                AND (n.generated_at > reports.generated_at OR (n.generated_at = reports.generated_at AND n.id > reports.id)));
-- And no draft beside a published report: publishing makes the period's report final.
DELETE FROM report_files WHERE report_id IN (
    SELECT r.id FROM reports r
    WHERE r.state = 'draft'
      AND EXISTS (SELECT 1 FROM reports p WHERE p.report_period_id = r.report_period_id AND p.state = 'published')
);
DELETE FROM reports WHERE state = 'draft'
  AND EXISTS (SELECT 1 FROM reports p WHERE p.report_period_id = reports.report_period_id AND p.state = 'published');
CREATE UNIQUE INDEX reports_one_draft_per_period ON reports (report_period_id) WHERE state = 'draft';
