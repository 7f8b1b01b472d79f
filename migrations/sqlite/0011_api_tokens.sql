-- API tokens for machines (issue 14): each carries one role grant (role × scope, spelled as in
-- role_grants), made by an administrator or a coordinator and shown once; only the SHA-256 of
-- the token (hex) is kept. Revoked tokens stay for the audit log's sake.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_key TEXT NOT NULL,
    municipality_id INTEGER REFERENCES municipalities(id),
    institution_id INTEGER REFERENCES institutions(id),
    district TEXT,
    created_by BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_municipality ON api_tokens(municipality_id);
