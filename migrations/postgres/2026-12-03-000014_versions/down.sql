-- The baselines the data migration made from budget edits stay (they are plans like any other).
ALTER TABLE reports DROP COLUMN renderer_version;
DROP TABLE data_migrations;
DROP TABLE versions;
