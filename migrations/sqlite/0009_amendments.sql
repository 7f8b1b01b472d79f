-- Plan amendments as council acts (issue 15). Every saved version of a plan already is a row of
-- plan_versions with its whole document; a version now also says from when it is in force and,
-- when a council act made it, which act. Version 1's act is the adoption; a version without an
-- act is a correction of the one before it and takes over its date of effect.

-- The date from which the version is in force (ISO date). Version 1: the first day of the
-- plan's period (adoption can be retroactive); an amendment: its act's effective date.
ALTER TABLE plan_versions ADD COLUMN effective_from TEXT;
UPDATE plan_versions SET effective_from = (
    SELECT printf('%04d-01-01', p.period_from) FROM plans p WHERE p.id = plan_versions.plan_id
);

-- A municipal council's act on a plan: the adoption (version 1) or an amendment. The decision
-- is kept as a stored file (files::stage/keep under decisions/, by SHA-256) or its address.
CREATE TABLE council_acts (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('adoption', 'amendment')),
    decision_number TEXT,
    protocol_number TEXT,
    body TEXT,
    decision_date TEXT,
    effective_date TEXT,
    reason TEXT NOT NULL DEFAULT '',
    file_name TEXT,
    file_media_type TEXT,
    file_path TEXT,
    file_sha256 TEXT,
    url TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (plan_id, version)
);

-- The adoption of every stored plan, when its document states it.
INSERT INTO council_acts (plan_id, version, kind, decision_number, protocol_number, body,
                          decision_date, effective_date, created_at)
SELECT p.id, 1, 'adoption', p.adoption_decision, p.adoption_protocol, p.adoption_body,
       p.adoption_date, printf('%04d-01-01', p.period_from), p.created_at
FROM plans p
WHERE p.adoption_decision IS NOT NULL OR p.adoption_date IS NOT NULL;

-- Every measure key a plan has used, with the versions it appears in: a key stays with its
-- measure through renumbering and re-wording and is never given to another measure.
CREATE TABLE plan_measure_keys (
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    first_version INTEGER NOT NULL,
    last_version INTEGER NOT NULL,
    PRIMARY KEY (plan_id, key)
);
INSERT INTO plan_measure_keys (plan_id, key, first_version, last_version)
SELECT m.plan_id, m.key, 1, p.version FROM measures m JOIN plans p ON p.id = m.plan_id;

-- A saved version is what the council adopted: it never changes.
CREATE TRIGGER plan_versions_fixed BEFORE UPDATE ON plan_versions
WHEN NEW.document IS NOT OLD.document OR NEW.version IS NOT OLD.version
  OR NEW.plan_id IS NOT OLD.plan_id OR NEW.effective_from IS NOT OLD.effective_from BEGIN
    SELECT RAISE(ABORT, 'a saved plan version cannot change');
END;

-- An amendment being prepared (edited in the browser, read from a whole document or from an
-- amending decision): the proposed plan, the act and what was recognised, until it is saved
-- as a version (then removed) or abandoned. Made against version `base_version`: a draft
-- whose plan moved on meanwhile is refused on saving.
CREATE TABLE amendment_drafts (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    base_version INTEGER NOT NULL,
    created_by INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX amendment_drafts_plan ON amendment_drafts(plan_id);
