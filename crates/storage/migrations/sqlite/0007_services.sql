-- Public services of 三(五)(六) and 四(九): recruitment events (专场招聘) with their employers,
-- posts, registrations and outcomes; free business venues (免费经营场地) and their allocation;
-- rent relief and road-fee exemptions (fee relief); personnel archives (档案管理).

CREATE TABLE recruitment_events (
    id BLOB PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('online','onsite')),
    county_code TEXT NOT NULL,
    venue TEXT NOT NULL DEFAULT '',
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    target_groups TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN ('draft','published','closed')),
    created_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX recruitment_events_county ON recruitment_events(county_code, starts_at);
CREATE INDEX recruitment_events_status ON recruitment_events(status, starts_at);

CREATE TABLE event_employers (
    event_id BLOB NOT NULL REFERENCES recruitment_events(id),
    employer_id BLOB NOT NULL REFERENCES employers(id),
    added_by TEXT NOT NULL CHECK (added_by IN ('staff','employer')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (event_id, employer_id)
);

CREATE TABLE event_posts (
    event_id BLOB NOT NULL REFERENCES recruitment_events(id),
    post_id BLOB NOT NULL REFERENCES job_posts(id),
    employer_id BLOB NOT NULL REFERENCES employers(id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (event_id, post_id)
);

CREATE TABLE event_registrations (
    id BLOB PRIMARY KEY,
    event_id BLOB NOT NULL REFERENCES recruitment_events(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    created_at TEXT NOT NULL,
    checked_in_at TEXT,
    checked_in_by BLOB,
    interviews INTEGER NOT NULL DEFAULT 0 CHECK (interviews >= 0),
    offers INTEGER NOT NULL DEFAULT 0 CHECK (offers >= 0),
    hires INTEGER NOT NULL DEFAULT 0 CHECK (hires >= 0),
    hire_id BLOB REFERENCES hires(id),
    outcome_note TEXT NOT NULL DEFAULT '',
    outcome_by BLOB,
    outcome_at TEXT,
    UNIQUE (event_id, person_id)
);
CREATE INDEX event_registrations_person ON event_registrations(person_id);

CREATE TABLE venues (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    county_code TEXT NOT NULL,
    places INTEGER NOT NULL CHECK (places > 0),
    allocated INTEGER NOT NULL DEFAULT 0,
    is_open INTEGER NOT NULL DEFAULT 1,
    description TEXT NOT NULL DEFAULT '',
    created_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (allocated >= 0 AND allocated <= places)
);
CREATE INDEX venues_county ON venues(county_code);

CREATE TABLE venue_applications (
    id BLOB PRIMARY KEY,
    venue_id BLOB NOT NULL REFERENCES venues(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    business TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending','allocated','waitlisted','withdrawn')),
    priority_group TEXT,
    rank INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    decided_by BLOB,
    decided_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (venue_id, person_id)
);
CREATE INDEX venue_applications_person ON venue_applications(person_id);

CREATE TABLE fee_reliefs (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    employer_id BLOB REFERENCES employers(id),
    county_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('rent_relief','road_fee_exemption')),
    individual_household INTEGER NOT NULL DEFAULT 0,
    declared INTEGER NOT NULL DEFAULT 0,
    location TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    monthly_fen INTEGER NOT NULL CHECK (monthly_fen >= 0),
    evidence TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending','approved','refused')),
    clause TEXT NOT NULL,
    determination TEXT NOT NULL DEFAULT '{}',
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by BLOB,
    decided_at TEXT,
    created_at TEXT NOT NULL,
    CHECK (period_to >= period_from)
);
CREATE INDEX fee_reliefs_county ON fee_reliefs(county_code, status);
CREATE INDEX fee_reliefs_person ON fee_reliefs(person_id);

CREATE TABLE archive_sequences (
    county_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (county_code, year)
);

CREATE TABLE archives (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    archive_no TEXT NOT NULL UNIQUE,
    county_code TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received','in_store','lent_out','transferred_out')),
    location TEXT NOT NULL DEFAULT '',
    received_on TEXT NOT NULL,
    received_from TEXT NOT NULL DEFAULT '',
    borrower TEXT,
    due_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX archives_county ON archives(county_code, status);
CREATE UNIQUE INDEX archives_person_active ON archives(person_id) WHERE status <> 'transferred_out';

CREATE TABLE archive_movements (
    id BLOB PRIMARY KEY,
    archive_id BLOB NOT NULL REFERENCES archives(id),
    kind TEXT NOT NULL CHECK (kind IN ('receipt','transfer_in','store','lend','return','transfer_out')),
    detail TEXT NOT NULL DEFAULT '',
    due_on TEXT,
    by_user BLOB,
    at TEXT NOT NULL
);
CREATE INDEX archive_movements_archive ON archive_movements(archive_id, at);
