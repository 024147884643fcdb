-- Versioned history of every descriptive fact a report or an as-of read shows: an action's
-- title, description, responsible, theme, programme and target groups; an indicator's name,
-- unit, direction, baseline, target and target date; a milestone's title, description and
-- period; the names of areas, municipalities, ministries, themes and programmes; a period's
-- name and dates. One row per state an entity had, from the moment it was recorded (the
-- recorded-time axis). The write path adds a row whenever an audited write changes one of
-- these fields (`db::versions::capture`); rows are never changed or removed.
CREATE TABLE versions (
    id INTEGER PRIMARY KEY,
    -- `action`, `indicator`, `milestone`, `area`, `municipality`, `ministry`, `theme`,
    -- `programme` or `period`: the audit log's entity type
    entity_type TEXT NOT NULL,
    -- the id or code the audit log names the entity by
    entity_key TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    -- the tracked fields as JSON; NULL when the entity was removed (a tombstone)
    state_json TEXT,
    -- why (required for a change of a target or a target date)
    reason TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES users (id),
    -- the audit row of the write, when there is one
    audit_id BIGINT
);
CREATE INDEX versions_entity ON versions (entity_type, entity_key, recorded_at, id);

-- Work on the data that SQL alone does not do, done once by `db::run_migrations` right after
-- the migration that names it: `versions` rebuilds the versions above from the audit log's
-- before and after images and merges the two budgets of an action into its plans.
CREATE TABLE data_migrations (
    name TEXT PRIMARY KEY NOT NULL,
    done_at TIMESTAMP
);
INSERT INTO data_migrations (name, done_at) VALUES ('versions', NULL);

-- A plan the data migration made from an edit of an action's own budget (before this
-- migration an action had a budget of its own beside its plans'). Reports made before it leave
-- such plans out of their lists of plans; their budgets count.
ALTER TABLE baselines ADD COLUMN from_budget_edit BOOLEAN NOT NULL DEFAULT FALSE;

-- The renderer that drew a report's files: `report --verify` draws them again only with the
-- same one. Reports made before this column were drawn by renderer 1.
ALTER TABLE reports ADD COLUMN renderer_version INTEGER NOT NULL DEFAULT 1;
