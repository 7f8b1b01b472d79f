-- Yearly reporting: rounds, one update per (measure, institution) with its review history,
-- evidence, and personal submission links (only a hash of each token is stored).

CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    -- the plan version the round was opened on
    plan_version INTEGER NOT NULL,
    -- ISO date (YYYY-MM-DD)
    deadline TEXT,
    -- 'open' or 'closed'
    state TEXT NOT NULL DEFAULT 'open',
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    UNIQUE (plan_id, year)
);

-- An assignment of a measure to a responsible institution, and that institution's update.
CREATE TABLE round_updates (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    measure_key TEXT NOT NULL,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    -- not_received, draft, submitted, returned, resubmitted, approved
    state TEXT NOT NULL DEFAULT 'not_received',
    status TEXT,
    -- JSON: [{indicator_key, value}] and [{source, value, currency}] (snapshot types)
    indicator_values TEXT NOT NULL DEFAULT '[]',
    spent TEXT NOT NULL DEFAULT '[]',
    -- an aggregate count only, never person-level data
    people_reached INTEGER,
    narrative TEXT NOT NULL DEFAULT '',
    return_reason TEXT,
    submitted_at TEXT,
    approved_at TEXT,
    updated_at TEXT NOT NULL,
    UNIQUE (round_id, measure_key, institution_id)
);
CREATE INDEX round_updates_institution ON round_updates(round_id, institution_id);

-- Every step of the workflow: who, when, from which state to which, and why.
CREATE TABLE update_history (
    id INTEGER PRIMARY KEY,
    update_id INTEGER NOT NULL REFERENCES round_updates(id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL
);
CREATE INDEX update_history_update ON update_history(update_id, id);

CREATE TABLE update_evidence (
    id INTEGER PRIMARY KEY,
    update_id INTEGER NOT NULL REFERENCES round_updates(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    url TEXT,
    file_name TEXT,
    media_type TEXT,
    size INTEGER,
    sha256 TEXT,
    -- path of the stored file relative to data_dir
    stored_path TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX update_evidence_update ON update_evidence(update_id);

CREATE TABLE submission_links (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    institution_id INTEGER NOT NULL REFERENCES institutions(id),
    -- hex SHA-256 of the token; the token itself is shown once and never stored
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX submission_links_round ON submission_links(round_id, institution_id);
