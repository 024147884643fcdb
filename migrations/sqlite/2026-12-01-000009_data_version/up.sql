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
-- SQLite has one writer at a time, so one row is enough.
CREATE TABLE data_version (
    shard INTEGER PRIMARY KEY,
    n BIGINT NOT NULL DEFAULT 0
);
INSERT INTO data_version (shard, n) VALUES (0, 0);
CREATE TRIGGER areas_insert_data_version AFTER INSERT ON areas BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER areas_update_data_version AFTER UPDATE ON areas BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER areas_delete_data_version AFTER DELETE ON areas BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER municipalities_insert_data_version AFTER INSERT ON municipalities BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER municipalities_update_data_version AFTER UPDATE ON municipalities BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER municipalities_delete_data_version AFTER DELETE ON municipalities BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER ministries_insert_data_version AFTER INSERT ON ministries BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER ministries_update_data_version AFTER UPDATE ON ministries BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER ministries_delete_data_version AFTER DELETE ON ministries BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER themes_insert_data_version AFTER INSERT ON themes BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER themes_update_data_version AFTER UPDATE ON themes BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER themes_delete_data_version AFTER DELETE ON themes BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER target_groups_insert_data_version AFTER INSERT ON target_groups BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER target_groups_update_data_version AFTER UPDATE ON target_groups BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER target_groups_delete_data_version AFTER DELETE ON target_groups BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER report_periods_insert_data_version AFTER INSERT ON report_periods BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER report_periods_update_data_version AFTER UPDATE ON report_periods BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER report_periods_delete_data_version AFTER DELETE ON report_periods BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER period_signoffs_insert_data_version AFTER INSERT ON period_signoffs BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER period_signoffs_update_data_version AFTER UPDATE ON period_signoffs BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER period_signoffs_delete_data_version AFTER DELETE ON period_signoffs BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER programmes_insert_data_version AFTER INSERT ON programmes BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER programmes_update_data_version AFTER UPDATE ON programmes BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER programmes_delete_data_version AFTER DELETE ON programmes BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER actions_insert_data_version AFTER INSERT ON actions BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER actions_update_data_version AFTER UPDATE ON actions BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER actions_delete_data_version AFTER DELETE ON actions BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER action_target_groups_insert_data_version AFTER INSERT ON action_target_groups BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER action_target_groups_update_data_version AFTER UPDATE ON action_target_groups BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER action_target_groups_delete_data_version AFTER DELETE ON action_target_groups BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER baselines_insert_data_version AFTER INSERT ON baselines BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER baselines_update_data_version AFTER UPDATE ON baselines BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER baselines_delete_data_version AFTER DELETE ON baselines BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER milestones_insert_data_version AFTER INSERT ON milestones BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER milestones_update_data_version AFTER UPDATE ON milestones BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER milestones_delete_data_version AFTER DELETE ON milestones BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER milestone_events_insert_data_version AFTER INSERT ON milestone_events BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER milestone_events_update_data_version AFTER UPDATE ON milestone_events BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER milestone_events_delete_data_version AFTER DELETE ON milestone_events BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER progress_updates_insert_data_version AFTER INSERT ON progress_updates BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER progress_updates_update_data_version AFTER UPDATE ON progress_updates BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER progress_updates_delete_data_version AFTER DELETE ON progress_updates BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER indicators_insert_data_version AFTER INSERT ON indicators BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER indicators_update_data_version AFTER UPDATE ON indicators BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER indicators_delete_data_version AFTER DELETE ON indicators BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER indicator_values_insert_data_version AFTER INSERT ON indicator_values BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER indicator_values_update_data_version AFTER UPDATE ON indicator_values BEGIN UPDATE data_version SET n = n + 1; END;
CREATE TRIGGER indicator_values_delete_data_version AFTER DELETE ON indicator_values BEGIN UPDATE data_version SET n = n + 1; END;

-- The latest moment anything was recorded: roll-up facts "as of now" are cached only while
-- nothing is recorded after the moment they were computed for (service::progress). These
-- indexes make each maximum one index lookup.
CREATE INDEX baselines_recorded_at_idx ON baselines (recorded_at);
CREATE INDEX milestones_created_at_idx ON milestones (created_at);
CREATE INDEX milestone_events_recorded_at_idx ON milestone_events (recorded_at);
CREATE INDEX indicators_created_at_idx ON indicators (created_at);
CREATE INDEX indicator_values_recorded_at_idx ON indicator_values (recorded_at);
CREATE INDEX period_signoffs_recorded_at_idx ON period_signoffs (recorded_at);
