-- Issue 13, levels (src/levels, src/report/area).
--
-- An indicator of a municipal or district plan mapped by its coordinator to an indicator of the
-- national plan: the roll-up adds the mapped values up by the national indicator, by kind.
-- Keys are the stable measure and indicator keys (they survive new versions).
CREATE TABLE indicator_mappings (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    measure_key TEXT NOT NULL,
    indicator_key TEXT NOT NULL,
    national_plan_id BIGINT NOT NULL,
    national_measure_key TEXT NOT NULL,
    national_indicator_key TEXT NOT NULL,
    mapped_by BIGINT,
    mapped_at TEXT NOT NULL,
    UNIQUE (plan_id, measure_key, indicator_key)
);
CREATE INDEX indicator_mappings_national ON indicator_mappings(national_plan_id);

-- A district that will not have an adopted report for a year, and why (the national report can
-- be approved once every district has an adopted report or a reason here).
CREATE TABLE district_exemptions (
    id INTEGER PRIMARY KEY,
    district_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    reason TEXT NOT NULL,
    recorded_by BIGINT,
    recorded_at TEXT NOT NULL,
    UNIQUE (district_code, year)
);

-- The adoption of a district's or the nation's report, as the municipal report's: the decision
-- as a file (kept under data_dir/decisions by SHA-256) or a link, and the three documents
-- rendered once at adoption (kept under data_dir/reports by SHA-256).
ALTER TABLE area_reports ADD COLUMN decision_url TEXT;
ALTER TABLE area_reports ADD COLUMN decision_file_name TEXT;
ALTER TABLE area_reports ADD COLUMN decision_media_type TEXT;
ALTER TABLE area_reports ADD COLUMN decision_size BIGINT;
ALTER TABLE area_reports ADD COLUMN decision_sha256 TEXT;
ALTER TABLE area_reports ADD COLUMN decision_path TEXT;

CREATE TABLE area_report_files (
    report_id BIGINT NOT NULL REFERENCES area_reports(id),
    format TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (report_id, format)
);
CREATE TRIGGER area_report_files_no_update BEFORE UPDATE ON area_report_files BEGIN
    SELECT RAISE(ABORT, 'area report files cannot change');
END;
CREATE TRIGGER area_report_files_no_delete BEFORE DELETE ON area_report_files BEGIN
    SELECT RAISE(ABORT, 'area report files cannot change');
END;

DROP TRIGGER area_reports_adopted_frozen;
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
    OR NEW.decision_sha256 IS NOT OLD.decision_sha256
    OR NEW.decision_url IS NOT OLD.decision_url
    OR NEW.adopted_at IS NOT OLD.adopted_at
) BEGIN
    SELECT RAISE(ABORT, 'an adopted area report cannot change');
END;
