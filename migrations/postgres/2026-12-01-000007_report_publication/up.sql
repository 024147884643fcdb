-- Publication of reports: a version for If-Match (a draft is 1, publishing makes it 2), and at
-- most one published report per period (republishing is refused: corrections go in the next
-- period's report).
ALTER TABLE reports ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX reports_one_published_per_period ON reports (report_period_id) WHERE state = 'published';
