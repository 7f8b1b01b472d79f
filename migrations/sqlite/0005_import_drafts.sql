-- Imports waiting for review: a file read and recognised, not yet saved as a plan. Saving the
-- plan deletes the draft in the same transaction. `body` is the draft as JSON (the recognised
-- plan, the warnings, the source as read); no person-level data is ever in a plan document.
CREATE TABLE import_drafts (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
