-- Login throttling, shared by every instance on this database. One row per counted key: a
-- username at one client address, a username from anywhere, or one client address. Only a
-- SHA-256 of the key is kept: no usernames (people type passwords into that field) or client
-- addresses in clear. An attempt is counted before its password is checked, in the same
-- transaction that decides whether it may go ahead; a success takes its attempt back.

CREATE TABLE login_throttle (
    key_hash TEXT PRIMARY KEY NOT NULL,
    -- attempts counted since window_started_at
    attempts INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    -- the earliest moment the next attempt on this key is let through
    next_allowed_at TIMESTAMP NOT NULL,
    -- a username at an address it logged in from: the per-username ceiling does not slow it
    trusted_until TIMESTAMP
);
CREATE INDEX login_throttle_window_idx ON login_throttle (window_started_at);
