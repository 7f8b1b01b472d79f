-- Accounts, role grants, sessions, login attempts (throttling) and the append-only audit log.
-- Timestamps are ISO-8601 text in UTC without fractions (YYYY-MM-DDTHH:MM:SSZ) so they compare
-- as text.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    -- lower case; the login name
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    -- argon2id PHC string
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    -- created by `serve --demo`
    demo INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL
);

-- role: administrator | coordinator | reviewer | reporter.
-- scope_kind: global | national | district | municipality | institution;
-- scope_key spells the whole scope ("global", "m:3", "m:3:i:7", "d:Пловдив") so one grant is
-- unique on both databases.
CREATE TABLE role_grants (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_key TEXT NOT NULL,
    municipality_id INTEGER REFERENCES municipalities(id),
    institution_id INTEGER REFERENCES institutions(id),
    district TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, role, scope_key)
);
CREATE INDEX role_grants_municipality ON role_grants(municipality_id);

-- token_hash: SHA-256 (hex) of the random cookie token; the token itself is never stored.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT,
    success INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_attempts_email ON login_attempts(email, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

-- actor_kind: user | link | system | cli; actor_label is what people read ("ana@example.bg",
-- "линк за подаване 5", "system", "cli").
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    actor_label TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT,
    municipality_id INTEGER REFERENCES municipalities(id),
    before_json TEXT,
    after_json TEXT,
    ip TEXT
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE INDEX audit_events_municipality ON audit_events(municipality_id, at);

-- The audit log is append-only: the database itself refuses edits and deletions.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
