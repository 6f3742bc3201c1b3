-- no-transaction
-- Designated places and stalls (二(三), 三(四), 三(六)); gig-market sites and human-resource
-- service agencies (四(九)) — issue 17, items 1 and 4.
--
-- designated_places: each county's register of the places and times it designates for
-- selling (夜市, 摊点/便民市场, 景区销售区), with the number of pitches and the fee (0 fen =
-- 免费, otherwise the reduced amount per day or month). stall_applications: a person's
-- application for a pitch, decided by county staff as the 占道经营 approval (who, when, the
-- reason), with the policy engine's licence-exemption determination stored with it.
-- gig_sites: the physical 零工市场/劳务市场/零工驿站 with hours, services and coordinates.
--
-- 人力资源服务机构 becomes an employer kind with its 人力资源服务许可证 number. SQLite cannot
-- change a CHECK in place, so employers is rebuilt the documented way, as 0009 rebuilt
-- job_posts: outside a transaction (first line), foreign keys off, a new table, copy, drop,
-- rename, the index again, and the foreign keys checked before commit.

PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE employers_new (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('enterprise','individual_household','household','platform','hr_agency')),
    name TEXT NOT NULL,
    uscc TEXT UNIQUE,
    holder_person_id BLOB REFERENCES persons(id),
    contact_name TEXT NOT NULL,
    contact_phone_cipher BLOB,
    county_code TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    verified INTEGER NOT NULL DEFAULT 0,
    verified_by BLOB,
    verified_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    licence_no TEXT,
    CHECK ((kind = 'household') = (holder_person_id IS NOT NULL)),
    CHECK ((kind = 'hr_agency') = (licence_no IS NOT NULL))
);

INSERT INTO employers_new (id, kind, name, uscc, holder_person_id, contact_name,
    contact_phone_cipher, county_code, address, verified, verified_by, verified_at, created_at,
    updated_at, licence_no)
SELECT id, kind, name, uscc, holder_person_id, contact_name, contact_phone_cipher, county_code,
    address, verified, verified_by, verified_at, created_at, updated_at, NULL
FROM employers;

DROP TABLE employers;
PRAGMA legacy_alter_table = ON;
ALTER TABLE employers_new RENAME TO employers;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX employers_county ON employers(county_code);

CREATE TABLE designated_places (
    id BLOB PRIMARY KEY,
    county_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('night_market','stall_point','scenic_zone')),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    hours TEXT NOT NULL,
    pitches INTEGER NOT NULL CHECK (pitches > 0),
    allocated INTEGER NOT NULL DEFAULT 0,
    fee_fen INTEGER NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
    fee_period TEXT NOT NULL DEFAULT 'month' CHECK (fee_period IN ('day','month')),
    fee_note TEXT NOT NULL DEFAULT '',
    clause TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_open INTEGER NOT NULL DEFAULT 1,
    created_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (allocated >= 0 AND allocated <= pitches)
);
CREATE INDEX designated_places_county ON designated_places(county_code);

CREATE TABLE stall_applications (
    id BLOB PRIMARY KEY,
    place_id BLOB NOT NULL REFERENCES designated_places(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    goods TEXT NOT NULL CHECK (goods IN ('farm_produce','daily_goods','convenience_labour','other')),
    business TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','approved','refused')),
    priority_group TEXT,
    rank INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    exempt INTEGER NOT NULL DEFAULT 0,
    determination TEXT NOT NULL DEFAULT '{}',
    decided_by BLOB,
    decided_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX stall_applications_place ON stall_applications(place_id, created_at);
CREATE INDEX stall_applications_person ON stall_applications(person_id);
-- One open application per person and place.
CREATE UNIQUE INDEX stall_applications_one_pending ON stall_applications(place_id, person_id)
    WHERE status = 'pending';

CREATE TABLE gig_sites (
    id BLOB PRIMARY KEY,
    county_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('gig_market','labour_market','gig_station')),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    hours TEXT NOT NULL,
    services TEXT NOT NULL DEFAULT '[]',
    lat REAL NOT NULL CHECK (lat BETWEEN 34.5 AND 40.8),
    lon REAL NOT NULL CHECK (lon BETWEEN 110.2 AND 114.6),
    description TEXT NOT NULL DEFAULT '',
    is_active INTEGER NOT NULL DEFAULT 1,
    created_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX gig_sites_county ON gig_sites(county_code);

-- Stop here, rolling back, if any reference no longer holds.
CREATE TEMP TABLE places_fk_guard (violations INTEGER NOT NULL CHECK (violations = 0));
INSERT INTO places_fk_guard SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE places_fk_guard;

COMMIT;
PRAGMA foreign_keys = ON;
