-- The data version as one value (the shards' sum, cast to BIGINT: PostgreSQL sums BIGINT as
-- NUMERIC), and the same value next to each user, for the route guard: it reads the caller and
-- the version in the one statement it runs for every request. Views, so the queries naming them
-- are fixed SQL the driver prepares once per connection, and without a LIMIT (SQLite plans a
-- statement with a bound LIMIT again on every run).
CREATE VIEW data_version_total AS
    SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM data_version;
CREATE VIEW users_with_data_version AS
    SELECT u.id, u.username, u.role, u.ministry_id, u.municipality_id, u.disabled, u.auth_epoch,
           (SELECT t.n FROM data_version_total t) AS data_version
    FROM users u;
