-- Users, their credentials and the audit log of every write.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL CHECK (length(username) BETWEEN 3 AND 64),
    -- lower-cased username: uniqueness is case-insensitive on both backends
    username_key TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'ministry', 'municipality', 'viewer')),
    ministry_id BIGINT REFERENCES ministries (id),
    municipality_id BIGINT REFERENCES municipalities (id),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    -- bumped on disable, role, scope or password change: every token issued before is void
    auth_epoch BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK ((role = 'ministry') = (ministry_id IS NOT NULL)),
    CHECK ((role = 'municipality') = (municipality_id IS NOT NULL))
);
CREATE INDEX users_ministry_id_idx ON users (ministry_id);
CREATE INDEX users_municipality_id_idx ON users (municipality_id);

-- Opaque refresh tokens, stored as hashes, rotated on every use; a family shares one login.
CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    auth_epoch BIGINT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family);

-- Personal API tokens for machine clients, shown once and stored as hashes.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    access TEXT NOT NULL CHECK (access IN ('read', 'read_write')),
    expires_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    UNIQUE (user_id, name)
);

-- Access tokens revoked before they expire (logout); rows can be dropped once expired.
CREATE TABLE revoked_access_tokens (
    jti TEXT PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    recorded_at TIMESTAMP NOT NULL,
    user_id BIGINT REFERENCES users (id),
    actor TEXT NOT NULL,
    operation TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_user_id_idx ON audit_log (user_id);
CREATE INDEX audit_log_recorded_at_idx ON audit_log (recorded_at);
