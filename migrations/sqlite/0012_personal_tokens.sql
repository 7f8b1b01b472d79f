-- Personal API tokens (issue 14): a token of a user acts with that user's rights as they are
-- at each request (no grant of its own), so a personal token has user_id and no role; a
-- machine's token has a role grant and no user_id. SQLite cannot drop NOT NULL: the table is
-- rebuilt.
CREATE TABLE api_tokens_new (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT,
    scope_kind TEXT,
    scope_key TEXT,
    municipality_id INTEGER REFERENCES municipalities(id),
    institution_id INTEGER REFERENCES institutions(id),
    district TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT,
    user_id BIGINT REFERENCES users(id),
    CHECK ((user_id IS NULL) = (role IS NOT NULL))
);
INSERT INTO api_tokens_new (id, name, token_hash, role, scope_kind, scope_key, municipality_id,
    institution_id, district, created_by, created_at, expires_at, last_used_at, revoked_at)
SELECT id, name, token_hash, role, scope_kind, scope_key, municipality_id, institution_id,
    district, created_by, created_at, expires_at, last_used_at, revoked_at FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE INDEX api_tokens_municipality ON api_tokens(municipality_id);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
