-- Report periods ("Voorjaar 2021"): progress is reported as of the cut-off date.
CREATE TABLE report_periods (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    starts_on DATE,
    cut_off DATE NOT NULL,
    due_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (starts_on IS NULL OR starts_on <= cut_off),
    CHECK (due_date IS NULL OR due_date >= cut_off)
);
