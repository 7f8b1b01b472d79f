-- Bulgaria's administrative tree (ЕКАТТЕ): districts, every official municipality, and which
-- district a municipality belongs to in which years, so that a year is always counted under the
-- tree in force that year. Seeded at start-up from assets/ekatte (territory::store::seed).
CREATE TABLE districts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    nuts2 TEXT NOT NULL
);

CREATE TABLE official_municipalities (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- One row per period of membership; valid_from / valid_to are years, NULL = open-ended.
CREATE TABLE municipality_districts (
    id INTEGER PRIMARY KEY,
    municipality_code TEXT NOT NULL REFERENCES official_municipalities(code),
    district_code TEXT NOT NULL REFERENCES districts(code),
    valid_from BIGINT,
    valid_to BIGINT
);
CREATE INDEX municipality_districts_code ON municipality_districts(municipality_code);
CREATE INDEX municipality_districts_district ON municipality_districts(district_code);

-- A municipality planmon keeps plans for, linked to its official entry (no foreign key: the
-- table is older than official_municipalities, and a backup restores tables in creation order).
ALTER TABLE municipalities ADD COLUMN code TEXT;
CREATE UNIQUE INDEX municipalities_code ON municipalities(code);
