-- Login throttling as one counter row per key ("account:EMAIL", "address:IP", "token:IP"),
-- counted up by a single upsert so that parallel attempts each see a different number.
-- Replaces counting rows of login_attempts, which let parallel attempts all see the same count.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    attempts BIGINT NOT NULL,
    since TEXT NOT NULL
);
DROP TABLE login_attempts;
