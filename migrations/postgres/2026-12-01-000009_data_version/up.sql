-- The version of the tracked data. Caches of derived answers (code lists, roll-up facts, charts,
-- action lists) are keyed by it, so they must see every change of what they are built from,
-- whoever makes it: this service, another instance on the same database, the CLI, a restore,
-- plain SQL. Triggers on every table those answers read raise it in the writing transaction
-- itself, so a reader never sees a new row with an old version.
--
-- Tables covered: areas, municipalities, ministries, themes, target_groups, report_periods, period_signoffs, programmes, actions, action_target_groups, baselines, milestones, milestone_events, progress_updates, indicators, indicator_values.
-- Not covered (no cached answer reads them): users and tokens, the audit log, consultations and
-- submissions, local notes, ministers, aspects, reports.
--
-- PostgreSQL writers run concurrently: each transaction raises one of 16 counters (chosen by its
-- transaction id), so two writers wait for each other only when they pick the same one. The
-- version is the sum: every commit raises it, and a statement sees it and the data it counts in
-- one snapshot.
CREATE TABLE data_version (
    shard BIGINT PRIMARY KEY,
    n BIGINT NOT NULL DEFAULT 0
);
INSERT INTO data_version (shard, n) SELECT s, 0 FROM generate_series(0, 15) AS s;

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET n = n + 1 WHERE shard = txid_current() % 16;
    RETURN NULL;
END
$$;
CREATE TRIGGER areas_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER municipalities_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipalities FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER ministries_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ministries FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER themes_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON themes FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER target_groups_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_groups FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER report_periods_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON report_periods FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER period_signoffs_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON period_signoffs FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER programmes_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON programmes FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER actions_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON actions FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER action_target_groups_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON action_target_groups FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER baselines_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON baselines FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER milestones_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON milestones FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER milestone_events_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON milestone_events FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER progress_updates_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON progress_updates FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER indicators_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER indicator_values_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicator_values FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

-- The latest moment anything was recorded: roll-up facts "as of now" are cached only while
-- nothing is recorded after the moment they were computed for (service::progress). These
-- indexes make each maximum one index lookup.
CREATE INDEX baselines_recorded_at_idx ON baselines (recorded_at);
CREATE INDEX milestones_created_at_idx ON milestones (created_at);
CREATE INDEX milestone_events_recorded_at_idx ON milestone_events (recorded_at);
CREATE INDEX indicators_created_at_idx ON indicators (created_at);
CREATE INDEX indicator_values_recorded_at_idx ON indicator_values (recorded_at);
CREATE INDEX period_signoffs_recorded_at_idx ON period_signoffs (recorded_at);
