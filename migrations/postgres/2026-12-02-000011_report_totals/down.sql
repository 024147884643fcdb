ALTER TABLE reports DROP COLUMN totals_json;
