-- Reference data: municipalities, the urban renewal areas, ministries and their bewindspersonen,
-- themes, target groups and aspects. Codes are stable identifiers used in URLs and files.

CREATE TABLE municipalities (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 80),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    province TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE areas (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 80),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    latitude DOUBLE NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude DOUBLE NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    focus_since DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX areas_municipality_id_idx ON areas (municipality_id);

CREATE TABLE ministries (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 20),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Bewindspersonen: a ministry can have several ministers and state secretaries at once.
CREATE TABLE ministers (
    id INTEGER PRIMARY KEY,
    ministry_id BIGINT NOT NULL REFERENCES ministries (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    title TEXT NOT NULL CHECK (title IN ('minister', 'staatssecretaris')),
    portfolio TEXT NOT NULL DEFAULT '',
    active_from DATE NOT NULL,
    active_until DATE,
    created_at TIMESTAMP NOT NULL,
    CHECK (active_until IS NULL OR active_until >= active_from)
);
CREATE INDEX ministers_ministry_id_idx ON ministers (ministry_id);

CREATE TABLE themes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    name_nl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE target_groups (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    name_nl TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE aspects (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    name_nl TEXT NOT NULL,
    name_en TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);
