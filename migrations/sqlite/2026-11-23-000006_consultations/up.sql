-- Consultations such as the VNG call for best practices, and the municipalities' submissions.
CREATE TABLE consultations (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 80),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    question TEXT NOT NULL DEFAULT '',
    -- the deadline as a UTC instant; time_zone is the zone it was set and is shown in
    deadline_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'Europe/Amsterdam',
    max_submissions INTEGER NOT NULL DEFAULT 5 CHECK (max_submissions BETWEEN 1 AND 50),
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    -- an admin can reopen a closed call until this instant
    reopened_until TIMESTAMP,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE consultation_target_groups (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    target_group_id BIGINT NOT NULL REFERENCES target_groups (id),
    PRIMARY KEY (consultation_id, target_group_id)
);

CREATE TABLE consultation_aspects (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    aspect_id BIGINT NOT NULL REFERENCES aspects (id),
    PRIMARY KEY (consultation_id, aspect_id)
);

CREATE TABLE consultation_municipalities (
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    PRIMARY KEY (consultation_id, municipality_id)
);

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    rank INTEGER NOT NULL CHECK (rank >= 1),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('existing_practice', 'new_course')),
    stage TEXT NOT NULL CHECK (stage IN ('under_way', 'short_term', 'medium_term')),
    lobby_needed BOOLEAN NOT NULL DEFAULT FALSE,
    lobby_note TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    late BOOLEAN NOT NULL DEFAULT FALSE,
    accepted_by BIGINT REFERENCES users (id),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (consultation_id, municipality_id, rank)
);
CREATE INDEX submissions_municipality_id_idx ON submissions (municipality_id);

CREATE TABLE submission_target_groups (
    submission_id BIGINT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    target_group_id BIGINT NOT NULL REFERENCES target_groups (id),
    PRIMARY KEY (submission_id, target_group_id)
);

CREATE TABLE submission_aspects (
    submission_id BIGINT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    aspect_id BIGINT NOT NULL REFERENCES aspects (id),
    PRIMARY KEY (submission_id, aspect_id)
);

-- A practice can lead to actions in the tracker.
CREATE TABLE submission_actions (
    submission_id BIGINT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    action_id BIGINT NOT NULL REFERENCES actions (id),
    PRIMARY KEY (submission_id, action_id)
);
