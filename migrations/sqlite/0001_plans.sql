-- Municipalities, plans and their structure, the institution/source registry, search.
-- Timestamps and dates are ISO-8601 text (UTC); money is integer minor units.

-- Small facts about the database itself (e.g. the version of the alias key normalisation).
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE national_areas (
    code TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    title_bg TEXT NOT NULL,
    title_en TEXT NOT NULL
);
INSERT INTO national_areas (code, number, title_bg, title_en) VALUES
    ('education', 1, 'Образование', 'Education'),
    ('health', 2, 'Здравеопазване', 'Health'),
    ('employment', 3, 'Заетост', 'Employment'),
    ('housing', 4, 'Жилищни условия', 'Housing'),
    ('rule_of_law', 5, 'Върховенство на закона и недискриминация', 'Rule of law and non-discrimination'),
    ('culture', 6, 'Култура', 'Culture');

CREATE TABLE municipalities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    district TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities(id),
    title TEXT NOT NULL,
    period_from INTEGER NOT NULL,
    period_to INTEGER NOT NULL,
    adoption_decision TEXT,
    adoption_protocol TEXT,
    adoption_date TEXT,
    adoption_body TEXT,
    source_file TEXT,
    source_format TEXT,
    source_sha256 TEXT,
    notes TEXT NOT NULL DEFAULT '[]',
    unplaced TEXT NOT NULL DEFAULT '[]',
    -- counts and planned money, computed when the plan is saved (JSON)
    summary TEXT NOT NULL DEFAULT '{}',
    version INTEGER NOT NULL DEFAULT 1,
    revision INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX plans_municipality ON plans(municipality_id);

CREATE TABLE plan_versions (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    note TEXT,
    document TEXT NOT NULL,
    UNIQUE (plan_id, version)
);

CREATE TABLE priorities (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    number INTEGER,
    title TEXT NOT NULL,
    national_area TEXT REFERENCES national_areas(code),
    operational_objective TEXT
);
CREATE INDEX priorities_plan ON priorities(plan_id, position);

CREATE TABLE objectives (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    priority_id INTEGER NOT NULL REFERENCES priorities(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    code TEXT,
    title TEXT NOT NULL
);
CREATE INDEX objectives_plan ON objectives(plan_id, position);

CREATE TABLE measures (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    objective_id INTEGER NOT NULL REFERENCES objectives(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    code TEXT,
    tasks TEXT NOT NULL DEFAULT '[]',
    activities TEXT NOT NULL DEFAULT '[]',
    period_text TEXT,
    period_from INTEGER,
    period_to INTEGER,
    status TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, key)
);
CREATE INDEX measures_plan ON measures(plan_id, position);
CREATE INDEX measures_status ON measures(status);

CREATE TABLE institutions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT,
    builtin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE institution_aliases (
    key TEXT PRIMARY KEY,
    alias TEXT NOT NULL,
    institution_id INTEGER NOT NULL REFERENCES institutions(id) ON DELETE CASCADE
);

CREATE TABLE funding_sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    kind TEXT,
    builtin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE funding_source_aliases (
    key TEXT PRIMARY KEY,
    alias TEXT NOT NULL,
    source_id INTEGER NOT NULL REFERENCES funding_sources(id) ON DELETE CASCADE
);

CREATE TABLE measure_institutions (
    measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    PRIMARY KEY (measure_id, position)
);
CREATE INDEX measure_institutions_institution ON measure_institutions(institution_id);

CREATE TABLE measure_sources (
    measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    source_id INTEGER NOT NULL REFERENCES funding_sources(id),
    PRIMARY KEY (measure_id, position)
);
CREATE INDEX measure_sources_source ON measure_sources(source_id);

CREATE TABLE measure_amounts (
    measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    qualifier TEXT,
    unit_missing INTEGER NOT NULL DEFAULT 0,
    text TEXT,
    PRIMARY KEY (measure_id, position)
);

CREATE TABLE indicators (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    measure_id INTEGER NOT NULL REFERENCES measures(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT,
    unit TEXT,
    cumulative INTEGER NOT NULL DEFAULT 0,
    baseline TEXT,
    baseline_year INTEGER,
    target TEXT,
    target_year INTEGER,
    UNIQUE (measure_id, key)
);
CREATE INDEX indicators_plan ON indicators(plan_id);

-- Full-text search over measures: rowid = measures.id, body = measures.search_text.
CREATE VIRTUAL TABLE measure_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER measures_search_insert AFTER INSERT ON measures BEGIN
    INSERT INTO measure_search (rowid, body) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER measures_search_delete AFTER DELETE ON measures BEGIN
    DELETE FROM measure_search WHERE rowid = old.id;
END;
CREATE TRIGGER measures_search_update AFTER UPDATE OF search_text ON measures BEGIN
    DELETE FROM measure_search WHERE rowid = old.id;
    INSERT INTO measure_search (rowid, body) VALUES (new.id, new.search_text);
END;
