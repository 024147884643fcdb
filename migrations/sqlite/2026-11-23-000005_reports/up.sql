-- Sign-off per period and ministry (an append-only trail) and generated reports.
CREATE TABLE period_signoffs (
    id INTEGER PRIMARY KEY,
    report_period_id BIGINT NOT NULL REFERENCES report_periods (id),
    ministry_id BIGINT NOT NULL REFERENCES ministries (id),
    state TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'reopened')),
    note TEXT NOT NULL DEFAULT '',
    user_id BIGINT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX period_signoffs_period_ministry_idx ON period_signoffs (report_period_id, ministry_id, recorded_at);

-- A report is a snapshot of the data as of its period's cut-off; a published one is immutable.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    report_period_id BIGINT NOT NULL REFERENCES report_periods (id),
    state TEXT NOT NULL CHECK (state IN ('draft', 'published')),
    as_of TIMESTAMP NOT NULL,
    content_hash TEXT NOT NULL,
    snapshot_json TEXT NOT NULL,
    generated_at TIMESTAMP NOT NULL,
    generated_by BIGINT REFERENCES users (id),
    published_at TIMESTAMP,
    published_by BIGINT REFERENCES users (id),
    CHECK ((state = 'published') = (published_at IS NOT NULL))
);
CREATE INDEX reports_report_period_id_idx ON reports (report_period_id);

CREATE TABLE report_files (
    report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    format TEXT NOT NULL CHECK (format IN ('html', 'pdf', 'xlsx', 'csv', 'md')),
    content BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (report_id, format)
);
