-- The totals a report listing shows (the summary's roll-up), stored beside the snapshot, so
-- that listing reports does not read every snapshot: a generated programme's is hundreds of
-- megabytes. Reports made before this migration get theirs from their snapshot (one that is
-- not valid JSON keeps NULL, shown as no totals, instead of stopping the migration).
ALTER TABLE reports ADD COLUMN totals_json TEXT;
UPDATE reports SET totals_json = json_extract(snapshot_json, '$.summary.total')
WHERE json_valid(snapshot_json);
