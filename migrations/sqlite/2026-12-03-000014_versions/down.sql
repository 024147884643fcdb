-- The plans made from budget edits go; the action rows kept their own budget all along.
DELETE FROM baselines WHERE from_budget_edit;
ALTER TABLE baselines DROP COLUMN from_budget_edit;
ALTER TABLE reports DROP COLUMN renderer_version;
DROP TABLE data_migrations;
DROP TABLE versions;
