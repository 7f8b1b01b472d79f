-- Annual monitoring reports of a district or of the nation (issue 13, src/report/area): one row
-- per version of the report of an area and year, compiled from the municipalities' approved data
-- of closed rounds under the tree in force that year. `area` is a district's ЕКАТТЕ code or
-- 'BG' for the nation. Workflow: draft -> approved (the inputs frozen in `frozen`) -> adopted
-- (the district council for ethnic and integration issues, the national council) -> published.
-- An adopted version never changes (the triggers refuse it); a correction is a new version that
-- `supersedes` it.
CREATE TABLE area_reports (
    id INTEGER PRIMARY KEY,
    area TEXT NOT NULL,
    year BIGINT NOT NULL,
    version BIGINT NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft',
    narrative TEXT NOT NULL DEFAULT '{}',
    frozen TEXT,
    supersedes BIGINT REFERENCES area_reports(id),
    correction_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    approved_at TEXT,
    approved_by TEXT,
    decision_number TEXT,
    protocol_number TEXT,
    decision_date TEXT,
    adopted_at TEXT,
    adopted_by TEXT,
    published_at TEXT,
    published_by TEXT,
    UNIQUE (area, year, version)
);
CREATE INDEX area_reports_area ON area_reports(area, year);

CREATE TRIGGER area_reports_adopted_frozen BEFORE UPDATE ON area_reports
WHEN OLD.state IN ('adopted', 'published') AND (
    NEW.state NOT IN ('adopted', 'published')
    OR NEW.narrative IS NOT OLD.narrative
    OR NEW.frozen IS NOT OLD.frozen
    OR NEW.area IS NOT OLD.area
    OR NEW.year IS NOT OLD.year
    OR NEW.version IS NOT OLD.version
    OR NEW.decision_number IS NOT OLD.decision_number
    OR NEW.protocol_number IS NOT OLD.protocol_number
    OR NEW.decision_date IS NOT OLD.decision_date
    OR NEW.adopted_at IS NOT OLD.adopted_at
) BEGIN
    SELECT RAISE(ABORT, 'an adopted area report cannot change');
END;
CREATE TRIGGER area_reports_adopted_kept BEFORE DELETE ON area_reports
WHEN OLD.state IN ('adopted', 'published') BEGIN
    SELECT RAISE(ABORT, 'an adopted area report cannot be deleted');
END;
