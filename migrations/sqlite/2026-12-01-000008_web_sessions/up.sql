-- Browser sessions of the dashboard, kept on the server. The cookie holds a random id; only its
-- hash is stored. A session dies when it expires, is logged out, or its user's auth_epoch moves
-- on (disable, role, scope or password change).

CREATE TABLE web_sessions (
    id INTEGER PRIMARY KEY,
    session_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- the synchroniser token every form of this session carries
    csrf_token TEXT NOT NULL,
    auth_epoch BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX web_sessions_user_id_idx ON web_sessions (user_id);
