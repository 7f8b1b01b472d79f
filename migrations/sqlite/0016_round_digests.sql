-- What each frozen round adds to a roll-up (rollup::digest): made from its snapshot once and
-- kept, so a roll-up adds small digests instead of reading every snapshot body again. Valid
-- while the snapshot's `created_at` and the digest `format` match; otherwise made anew.
CREATE TABLE IF NOT EXISTS round_digests (
    snapshot_id BIGINT PRIMARY KEY REFERENCES round_snapshots(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    format BIGINT NOT NULL,
    digest TEXT NOT NULL,
    approved TEXT NOT NULL
);
