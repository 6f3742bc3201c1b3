-- The gig market: employers, job posts, worker profiles, applications, hires with their
-- automatic 用工登记, agreements (四(十)), pay confirmations, ratings, and the outbox that
-- feeds each server's search index.

ALTER TABLE users ADD COLUMN employer_id BLOB;

CREATE TABLE employers (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('enterprise','individual_household','household','platform')),
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
    CHECK ((kind = 'household') = (holder_person_id IS NOT NULL))
);
CREATE INDEX employers_county ON employers(county_code);

CREATE TABLE job_posts (
    id BLOB PRIMARY KEY,
    employer_id BLOB NOT NULL REFERENCES employers(id),
    external_id TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    occupation TEXT NOT NULL,
    form TEXT NOT NULL CHECK (form IN ('gig','hourly','part_time','short_term','platform','long_term')),
    county_code TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    schedule TEXT NOT NULL DEFAULT '{}',
    hours_per_week INTEGER,
    pay_fen INTEGER NOT NULL CHECK (pay_fen > 0),
    pay_unit TEXT NOT NULL CHECK (pay_unit IN ('hour','day','piece','month')),
    headcount INTEGER NOT NULL CHECK (headcount > 0),
    hired_count INTEGER NOT NULL DEFAULT 0,
    required_certificates TEXT NOT NULL DEFAULT '[]',
    accident_cover INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('live','held','rejected','filled','expired','closed')),
    screening TEXT NOT NULL DEFAULT '[]',
    expires_on TEXT NOT NULL,
    posted_by BLOB,
    reviewed_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (employer_id, external_id),
    CHECK (hired_count <= headcount)
);
CREATE INDEX job_posts_status_county ON job_posts(status, county_code);
CREATE INDEX job_posts_employer ON job_posts(employer_id);

CREATE TABLE worker_profiles (
    person_id BLOB PRIMARY KEY REFERENCES persons(id),
    occupations TEXT NOT NULL DEFAULT '[]',
    skills TEXT NOT NULL DEFAULT '[]',
    certificates TEXT NOT NULL DEFAULT '[]',
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    radius_km REAL NOT NULL,
    availability TEXT NOT NULL DEFAULT '{}',
    expected_pay_fen INTEGER,
    expected_pay_unit TEXT,
    wanted_forms TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL
);

CREATE TABLE applications (
    id BLOB PRIMARY KEY,
    post_id BLOB NOT NULL REFERENCES job_posts(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    direction TEXT NOT NULL CHECK (direction IN ('apply','invite')),
    status TEXT NOT NULL CHECK (status IN ('pending','accepted','declined','withdrawn','hired')),
    message TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (post_id, person_id)
);
CREATE INDEX applications_person ON applications(person_id);

CREATE TABLE hires (
    id BLOB PRIMARY KEY,
    application_id BLOB NOT NULL UNIQUE REFERENCES applications(id),
    post_id BLOB NOT NULL REFERENCES job_posts(id),
    employer_id BLOB NOT NULL REFERENCES employers(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    form TEXT NOT NULL,
    start_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active','completed','cancelled')),
    created_at TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX hires_county ON hires(county_code);
CREATE INDEX hires_person ON hires(person_id);

CREATE TABLE hiring_registrations (
    id BLOB PRIMARY KEY,
    hire_id BLOB NOT NULL UNIQUE REFERENCES hires(id),
    employer_id BLOB NOT NULL REFERENCES employers(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    post_id BLOB NOT NULL REFERENCES job_posts(id),
    county_code TEXT NOT NULL,
    form TEXT NOT NULL,
    start_date TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('market_hire','window')),
    registered_at TEXT NOT NULL
);
CREATE INDEX hiring_registrations_county ON hiring_registrations(county_code);

CREATE TABLE agreements (
    id BLOB PRIMARY KEY,
    hire_id BLOB NOT NULL UNIQUE REFERENCES hires(id),
    service_time TEXT NOT NULL,
    pay_fen INTEGER NOT NULL CHECK (pay_fen > 0),
    pay_unit TEXT NOT NULL,
    pay_cycle_days INTEGER NOT NULL CHECK (pay_cycle_days > 0),
    first_pay_on TEXT NOT NULL,
    rest TEXT NOT NULL,
    safety TEXT NOT NULL,
    accident_cover INTEGER NOT NULL DEFAULT 0,
    employer_confirmed_at TEXT,
    worker_confirmed_at TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE pay_records (
    id BLOB PRIMARY KEY,
    hire_id BLOB NOT NULL REFERENCES hires(id),
    period TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    due_on TEXT NOT NULL,
    employer_confirmed_at TEXT,
    worker_confirmed_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (hire_id, period)
);

CREATE TABLE ratings (
    id BLOB PRIMARY KEY,
    hire_id BLOB NOT NULL REFERENCES hires(id),
    rater TEXT NOT NULL CHECK (rater IN ('employer','worker')),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (hire_id, rater)
);

CREATE TABLE market_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id BLOB NOT NULL,
    created_at TEXT NOT NULL
);
