-- Plans at every level (issue 13): a plan's owner is a row of `municipalities` of its level
-- (a municipality; a district, code = the district code; the nation, code = 'BG'), so district
-- and national plans are imported, reported on and amended the way municipal plans are.
ALTER TABLE municipalities ADD COLUMN level TEXT NOT NULL DEFAULT 'municipal';

-- 'municipal', 'district' or 'national'; a municipal plan names the district plan and the
-- national plan it implements, a district plan the national one (no foreign keys: a backup
-- restores rows in creation order, and a parent may be stored after its child).
ALTER TABLE plans ADD COLUMN level TEXT NOT NULL DEFAULT 'municipal';
ALTER TABLE plans ADD COLUMN district_plan_id BIGINT;
ALTER TABLE plans ADD COLUMN national_plan_id BIGINT;
-- 1 for generated demo data (planmon generate country), shown as such wherever it appears.
ALTER TABLE plans ADD COLUMN demo BIGINT NOT NULL DEFAULT 0;
CREATE INDEX plans_level ON plans(level);

-- A measure linked to a measure or an objective of its parent plan: suggested by matching,
-- confirmed (or rejected) by a coordinator. Keys are the stable measure keys; an objective is
-- named by its position in the parent plan.
CREATE TABLE measure_links (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    measure_key TEXT NOT NULL,
    parent_plan_id BIGINT NOT NULL,
    -- 'measure' or 'objective'
    parent_kind TEXT NOT NULL,
    parent_ref TEXT NOT NULL,
    -- 'suggested', 'confirmed' or 'rejected'
    state TEXT NOT NULL DEFAULT 'suggested',
    score DOUBLE PRECISION,
    decided_by BIGINT,
    decided_at TEXT,
    UNIQUE (plan_id, measure_key, parent_plan_id, parent_kind, parent_ref)
);
CREATE INDEX measure_links_plan ON measure_links(plan_id);

-- A municipality with a plan in force that will not report for a year, and why (a district
-- report can be approved once every such municipality has a closed round or a reason here).
CREATE TABLE reporting_exemptions (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    reason TEXT NOT NULL,
    recorded_by BIGINT,
    recorded_at TEXT NOT NULL,
    UNIQUE (municipality_code, year)
);
