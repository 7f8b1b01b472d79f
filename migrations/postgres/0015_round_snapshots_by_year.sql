-- The roll-up's cache check (rollup::store::FINGERPRINT) counts and takes the newest snapshot of
-- the years up to one year on every request: from this index alone, never reading the snapshot
-- bodies (on SQLite `created_at` lies after the body in the row, behind its overflow pages).
CREATE INDEX IF NOT EXISTS round_snapshots_by_year ON round_snapshots (year, created_at, id);
