-- Frozen reporting rounds: one per plan and year, the RoundSnapshot JSON as written when the
-- round closed (src/snapshot). `origin` is 'round' for a closed round, 'sample' for the
-- generated demo round that a real round replaces.
CREATE TABLE round_snapshots (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    plan_version INTEGER NOT NULL,
    closed_at TEXT,
    origin TEXT NOT NULL DEFAULT 'round',
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (plan_id, year)
);
