-- The totals a report listing shows (the summary's roll-up), stored beside the snapshot, so
-- that listing reports does not read every snapshot: a generated programme's is hundreds of
-- megabytes. Reports made before this migration get theirs from their snapshot.
ALTER TABLE reports ADD COLUMN totals_json TEXT;
UPDATE reports SET totals_json = json_extract(snapshot_json, '$.summary.total');
