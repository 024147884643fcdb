DROP INDEX reports_one_published_per_period;
ALTER TABLE reports DROP COLUMN version;
