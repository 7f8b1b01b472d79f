-- Annual monitoring reports (src/report/store.rs): one row per version of the report of a plan
-- and year. Workflow: draft -> submitted -> approved (monitoring body) -> adopted (municipal
-- council) -> published. The inputs are frozen at approval (`frozen`: the round snapshot, the
-- plan's other rounds and the funding-source names); at adoption the three documents are
-- rendered once and kept as files (annual_report_files). An adopted report never changes: the
-- triggers below refuse it; a correction is a new version that `supersedes` the old one.
CREATE TABLE annual_reports (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'draft',
    narrative TEXT NOT NULL DEFAULT '{}',
    frozen TEXT,
    supersedes INTEGER REFERENCES annual_reports(id),
    correction_reason TEXT NOT NULL DEFAULT '',
    review_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    submitted_by TEXT,
    approved_at TEXT,
    approved_by TEXT,
    decision_number TEXT,
    protocol_number TEXT,
    decision_date TEXT,
    decision_url TEXT,
    decision_file_name TEXT,
    decision_media_type TEXT,
    decision_size INTEGER,
    decision_sha256 TEXT,
    decision_path TEXT,
    adopted_at TEXT,
    adopted_by TEXT,
    published_at TEXT,
    published_by TEXT,
    UNIQUE (plan_id, year, version)
);
CREATE INDEX annual_reports_plan ON annual_reports(plan_id, year);

CREATE TABLE annual_report_files (
    report_id INTEGER NOT NULL REFERENCES annual_reports(id),
    format TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (report_id, format)
);

-- What the council adopted stays as it was adopted: only publishing may follow.
CREATE TRIGGER annual_reports_adopted_frozen BEFORE UPDATE ON annual_reports
WHEN OLD.state IN ('adopted', 'published') AND (
    NEW.state NOT IN ('adopted', 'published')
    OR NEW.narrative IS NOT OLD.narrative
    OR NEW.frozen IS NOT OLD.frozen
    OR NEW.plan_id IS NOT OLD.plan_id
    OR NEW.year IS NOT OLD.year
    OR NEW.version IS NOT OLD.version
    OR NEW.decision_number IS NOT OLD.decision_number
    OR NEW.protocol_number IS NOT OLD.protocol_number
    OR NEW.decision_date IS NOT OLD.decision_date
    OR NEW.decision_sha256 IS NOT OLD.decision_sha256
    OR NEW.adopted_at IS NOT OLD.adopted_at
) BEGIN
    SELECT RAISE(ABORT, 'an adopted annual report cannot change');
END;
CREATE TRIGGER annual_reports_adopted_kept BEFORE DELETE ON annual_reports
WHEN OLD.state IN ('adopted', 'published') BEGIN
    SELECT RAISE(ABORT, 'an adopted annual report cannot be deleted');
END;
CREATE TRIGGER annual_report_files_no_update BEFORE UPDATE ON annual_report_files BEGIN
    SELECT RAISE(ABORT, 'annual report files cannot change');
END;
CREATE TRIGGER annual_report_files_no_delete BEFORE DELETE ON annual_report_files BEGIN
    SELECT RAISE(ABORT, 'annual report files cannot change');
END;
