-- Public services of 三(五)(六) and 四(九): recruitment events (专场招聘) with their employers,
-- posts, registrations and outcomes; free business venues (免费经营场地) and their allocation;
-- rent relief and road-fee exemptions (fee relief); personnel archives (档案管理).

CREATE TABLE recruitment_events (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('online','onsite')),
    county_code TEXT NOT NULL,
    venue TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    target_groups TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN ('draft','published','closed')),
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX recruitment_events_county ON recruitment_events(county_code, starts_at);
CREATE INDEX recruitment_events_status ON recruitment_events(status, starts_at);

CREATE TABLE event_employers (
    event_id UUID NOT NULL REFERENCES recruitment_events(id),
    employer_id UUID NOT NULL REFERENCES employers(id),
    added_by TEXT NOT NULL CHECK (added_by IN ('staff','employer')),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (event_id, employer_id)
);

CREATE TABLE event_posts (
    event_id UUID NOT NULL REFERENCES recruitment_events(id),
    post_id UUID NOT NULL REFERENCES job_posts(id),
    employer_id UUID NOT NULL REFERENCES employers(id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (event_id, post_id)
);

CREATE TABLE event_registrations (
    id UUID PRIMARY KEY,
    event_id UUID NOT NULL REFERENCES recruitment_events(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    created_at TIMESTAMPTZ NOT NULL,
    checked_in_at TIMESTAMPTZ,
    checked_in_by UUID,
    interviews BIGINT NOT NULL DEFAULT 0 CHECK (interviews >= 0),
    offers BIGINT NOT NULL DEFAULT 0 CHECK (offers >= 0),
    hires BIGINT NOT NULL DEFAULT 0 CHECK (hires >= 0),
    hire_id UUID REFERENCES hires(id),
    outcome_note TEXT NOT NULL DEFAULT '',
    outcome_by UUID,
    outcome_at TIMESTAMPTZ,
    UNIQUE (event_id, person_id)
);
CREATE INDEX event_registrations_person ON event_registrations(person_id);

CREATE TABLE venues (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    county_code TEXT NOT NULL,
    places BIGINT NOT NULL CHECK (places > 0),
    allocated BIGINT NOT NULL DEFAULT 0,
    is_open BOOLEAN NOT NULL DEFAULT TRUE,
    description TEXT NOT NULL DEFAULT '',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (allocated >= 0 AND allocated <= places)
);
CREATE INDEX venues_county ON venues(county_code);

CREATE TABLE venue_applications (
    id UUID PRIMARY KEY,
    venue_id UUID NOT NULL REFERENCES venues(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    business TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending','allocated','waitlisted','withdrawn')),
    priority_group TEXT,
    rank BIGINT,
    reason TEXT NOT NULL DEFAULT '',
    decided_by UUID,
    decided_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (venue_id, person_id)
);
CREATE INDEX venue_applications_person ON venue_applications(person_id);

CREATE TABLE fee_reliefs (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    employer_id UUID REFERENCES employers(id),
    county_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('rent_relief','road_fee_exemption')),
    individual_household BOOLEAN NOT NULL DEFAULT FALSE,
    declared BOOLEAN NOT NULL DEFAULT FALSE,
    location TEXT NOT NULL,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    monthly_fen BIGINT NOT NULL CHECK (monthly_fen >= 0),
    evidence TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending','approved','refused')),
    clause TEXT NOT NULL,
    determination TEXT NOT NULL DEFAULT '{}',
    decision_reason TEXT NOT NULL DEFAULT '',
    decided_by UUID,
    decided_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (period_to >= period_from)
);
CREATE INDEX fee_reliefs_county ON fee_reliefs(county_code, status);
CREATE INDEX fee_reliefs_person ON fee_reliefs(person_id);

CREATE TABLE archive_sequences (
    county_code TEXT NOT NULL,
    year BIGINT NOT NULL,
    last BIGINT NOT NULL,
    PRIMARY KEY (county_code, year)
);

CREATE TABLE archives (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    archive_no TEXT NOT NULL UNIQUE,
    county_code TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received','in_store','lent_out','transferred_out')),
    location TEXT NOT NULL DEFAULT '',
    received_on DATE NOT NULL,
    received_from TEXT NOT NULL DEFAULT '',
    borrower TEXT,
    due_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX archives_county ON archives(county_code, status);
CREATE UNIQUE INDEX archives_person_active ON archives(person_id) WHERE status <> 'transferred_out';

CREATE TABLE archive_movements (
    id UUID PRIMARY KEY,
    archive_id UUID NOT NULL REFERENCES archives(id),
    kind TEXT NOT NULL CHECK (kind IN ('receipt','transfer_in','store','lend','return','transfer_out')),
    detail TEXT NOT NULL DEFAULT '',
    due_on DATE,
    by_user UUID,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX archive_movements_archive ON archive_movements(archive_id, at);
