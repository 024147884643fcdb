-- What is tracked: national programmes, the actions per area, their baselines, milestones,
-- append-only progress history and indicators. History tables are only ever appended to, and
-- each row carries recorded_at, so the state on any past date can be rebuilt ("as of").

CREATE TABLE programmes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 80),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL DEFAULT '',
    theme_id BIGINT NOT NULL REFERENCES themes (id),
    lead_ministry_id BIGINT NOT NULL REFERENCES ministries (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX programmes_theme_id_idx ON programmes (theme_id);
CREATE INDEX programmes_lead_ministry_id_idx ON programmes (lead_ministry_id);

CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    area_id BIGINT NOT NULL REFERENCES areas (id),
    programme_id BIGINT REFERENCES programmes (id),
    theme_id BIGINT NOT NULL REFERENCES themes (id),
    ministry_id BIGINT NOT NULL REFERENCES ministries (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL DEFAULT '',
    responsible TEXT NOT NULL DEFAULT '',
    budget_cents BIGINT CHECK (budget_cents IS NULL OR budget_cents >= 0),
    planned_start DATE NOT NULL,
    planned_end DATE NOT NULL,
    -- the latest progress update, kept here in the same transaction for fast lists
    status TEXT NOT NULL DEFAULT 'not_started'
        CHECK (status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'completed', 'discontinued')),
    percent_complete INTEGER NOT NULL DEFAULT 0 CHECK (percent_complete BETWEEN 0 AND 100),
    last_update_at TIMESTAMP,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (planned_end >= planned_start)
);
CREATE INDEX actions_area_id_idx ON actions (area_id);
CREATE INDEX actions_ministry_id_idx ON actions (ministry_id);
CREATE INDEX actions_theme_id_idx ON actions (theme_id);
CREATE INDEX actions_programme_id_idx ON actions (programme_id);
CREATE INDEX actions_status_idx ON actions (status);
CREATE INDEX actions_created_at_idx ON actions (created_at);

CREATE TABLE action_target_groups (
    action_id BIGINT NOT NULL REFERENCES actions (id) ON DELETE CASCADE,
    target_group_id BIGINT NOT NULL REFERENCES target_groups (id),
    PRIMARY KEY (action_id, target_group_id)
);
CREATE INDEX action_target_groups_target_group_id_idx ON action_target_groups (target_group_id);

-- The plan of an action at a moment. seq 1 is the original plan and is never rewritten;
-- re-planning appends the next seq.
CREATE TABLE baselines (
    id INTEGER PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES actions (id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    planned_start DATE NOT NULL,
    planned_end DATE NOT NULL,
    budget_cents BIGINT CHECK (budget_cents IS NULL OR budget_cents >= 0),
    target_note TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMP NOT NULL,
    recorded_by BIGINT REFERENCES users (id),
    UNIQUE (action_id, seq),
    CHECK (planned_end >= planned_start)
);
CREATE INDEX baselines_action_recorded_idx ON baselines (action_id, recorded_at);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES actions (id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL DEFAULT '',
    report_period_id BIGINT REFERENCES report_periods (id),
    original_due_date DATE NOT NULL,
    due_date DATE NOT NULL,
    done_on DATE,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX milestones_action_id_idx ON milestones (action_id);
CREATE INDEX milestones_report_period_id_idx ON milestones (report_period_id);
CREATE INDEX milestones_due_date_idx ON milestones (due_date);

-- Every change of a milestone (created, rescheduled, completed, reopened) with the state after it.
CREATE TABLE milestone_events (
    id INTEGER PRIMARY KEY,
    milestone_id BIGINT NOT NULL REFERENCES milestones (id),
    kind TEXT NOT NULL CHECK (kind IN ('created', 'rescheduled', 'completed', 'reopened')),
    due_date DATE NOT NULL,
    done_on DATE,
    note TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMP NOT NULL,
    recorded_by BIGINT REFERENCES users (id)
);
CREATE INDEX milestone_events_milestone_recorded_idx ON milestone_events (milestone_id, recorded_at);

-- Append-only progress history; the action's status is that of its latest update.
CREATE TABLE progress_updates (
    id INTEGER PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES actions (id),
    status TEXT NOT NULL
        CHECK (status IN ('not_started', 'on_track', 'at_risk', 'off_track', 'completed', 'discontinued')),
    percent_complete INTEGER NOT NULL CHECK (percent_complete BETWEEN 0 AND 100),
    note TEXT NOT NULL DEFAULT '',
    author_id BIGINT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX progress_updates_action_recorded_idx ON progress_updates (action_id, recorded_at);
CREATE INDEX progress_updates_recorded_at_idx ON progress_updates (recorded_at);

-- Local notes from a municipality on its area (optionally on one action), next to the ministry's updates.
CREATE TABLE local_notes (
    id INTEGER PRIMARY KEY,
    area_id BIGINT NOT NULL REFERENCES areas (id),
    action_id BIGINT REFERENCES actions (id),
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    author_id BIGINT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX local_notes_area_recorded_idx ON local_notes (area_id, recorded_at);
CREATE INDEX local_notes_action_id_idx ON local_notes (action_id);

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    action_id BIGINT NOT NULL REFERENCES actions (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    unit TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT 'increase' CHECK (direction IN ('increase', 'decrease')),
    baseline_value DOUBLE NOT NULL,
    target_value DOUBLE NOT NULL,
    target_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX indicators_action_id_idx ON indicators (action_id);

CREATE TABLE indicator_values (
    id INTEGER PRIMARY KEY,
    indicator_id BIGINT NOT NULL REFERENCES indicators (id),
    measured_on DATE NOT NULL,
    value DOUBLE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMP NOT NULL,
    recorded_by BIGINT REFERENCES users (id)
);
CREATE INDEX indicator_values_indicator_recorded_idx ON indicator_values (indicator_id, recorded_at);
