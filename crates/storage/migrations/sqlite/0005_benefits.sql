-- SQLite flavour of postgres/0005_benefits.sql.
-- Public services, part one: 就业/失业/灵活就业登记 with 就业创业证, the facts the policy
-- engine reads (business registrations, tax and social-insurance records), benefit
-- applications with review and approval, the payment ledger (append-only transfers,
-- payment instructions, bank batches), caps and exclusive claims enforced by constraints,
-- idempotency keys, the re-screening queue for 免申即享, and training courses.

-- ---------------------------------------------------------------- registration (四(九))
CREATE TABLE registrations (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL CHECK (kind IN ('employment','unemployment','flexible')),
    county_code TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    end_reason TEXT NOT NULL DEFAULT '',
    employer_name TEXT NOT NULL DEFAULT '',
    flexible_form TEXT CHECK (flexible_form IN ('part_time','self_employed','platform','gig')),
    source TEXT NOT NULL CHECK (source IN ('self','staff','market_hire','import')),
    hire_id BLOB,
    consent_note TEXT NOT NULL DEFAULT '',
    recorded_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((kind = 'flexible') = (flexible_form IS NOT NULL)),
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
-- One open registration per person: the state machine's guard.
CREATE UNIQUE INDEX registrations_one_open ON registrations (person_id) WHERE ended_on IS NULL;
CREATE INDEX registrations_county ON registrations (county_code, started_on);
CREATE INDEX registrations_person ON registrations (person_id, started_on);

CREATE TABLE employment_cards (
    person_id BLOB PRIMARY KEY REFERENCES persons(id),
    number TEXT NOT NULL UNIQUE,
    county_code TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Sequences that must be gap-free per county and year (card numbers).
CREATE TABLE number_counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

CREATE TABLE registration_suggestions (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL CHECK (kind IN ('employment','unemployment','flexible')),
    county_code TEXT NOT NULL,
    reason TEXT NOT NULL,
    employer_name TEXT NOT NULL DEFAULT '',
    flexible_form TEXT,
    hire_id BLOB,
    status TEXT NOT NULL CHECK (status IN ('open','accepted','dismissed')),
    dedupe_key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by BLOB
);
CREATE INDEX registration_suggestions_person ON registration_suggestions (person_id, status);
CREATE INDEX registration_suggestions_county ON registration_suggestions (county_code, status);

-- ---------------------------------------------------------------- facts from other registers
CREATE TABLE businesses (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL CHECK (kind IN ('individual_household','small_micro_enterprise')),
    name TEXT NOT NULL,
    uscc TEXT UNIQUE,
    county_code TEXT NOT NULL,
    registered_on TEXT NOT NULL,
    first_time INTEGER NOT NULL,
    operating_normally INTEGER NOT NULL,
    employees_driven INTEGER NOT NULL CHECK (employees_driven >= 0),
    rents_state_owned_property INTEGER NOT NULL DEFAULT 0,
    road_occupation_approved INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL CHECK (source IN ('registry','staff_checked','self_declared')),
    verified INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX businesses_person ON businesses (person_id);

CREATE TABLE tax_records (
    person_id BLOB NOT NULL REFERENCES persons(id),
    year INTEGER NOT NULL,
    vat_fen INTEGER NOT NULL CHECK (vat_fen >= 0),
    urban_maintenance_fen INTEGER NOT NULL CHECK (urban_maintenance_fen >= 0),
    education_fen INTEGER NOT NULL CHECK (education_fen >= 0),
    local_education_fen INTEGER NOT NULL CHECK (local_education_fen >= 0),
    income_tax_fen INTEGER NOT NULL CHECK (income_tax_fen >= 0),
    source TEXT NOT NULL CHECK (source IN ('registry','staff_checked','self_declared')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (person_id, year)
);

CREATE TABLE si_payments (
    person_id BLOB NOT NULL REFERENCES persons(id),
    month TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    source TEXT NOT NULL CHECK (source IN ('registry','staff_checked','self_declared')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (person_id, month)
);

-- Where a person wants money paid (encrypted; masked on screen).
CREATE TABLE payee_accounts (
    person_id BLOB PRIMARY KEY REFERENCES persons(id),
    bank_name TEXT NOT NULL,
    account_cipher BLOB NOT NULL,
    account_last4 TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- ---------------------------------------------------------------- applications (三(四))
CREATE TABLE benefit_applications (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    benefit TEXT NOT NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_review','reviewed','approved','rejected','withdrawn')),
    route TEXT NOT NULL CHECK (route IN ('automatic','manual')),
    as_of TEXT NOT NULL,
    facts_json TEXT NOT NULL,
    facts_sha256 TEXT NOT NULL,
    determination_json TEXT NOT NULL,
    receipt_json TEXT NOT NULL,
    eligible INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    units INTEGER NOT NULL DEFAULT 0,
    unverified TEXT NOT NULL DEFAULT '[]',
    applied_by BLOB,
    on_behalf INTEGER NOT NULL DEFAULT 0,
    consent_note TEXT NOT NULL DEFAULT '',
    review_outcome TEXT CHECK (review_outcome IN ('approve','reject')),
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_by BLOB,
    reviewed_at TEXT,
    decided_by BLOB,
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- The guard against double applications (SECURITY.md §3.2.3).
    UNIQUE (person_id, benefit, period),
    -- Review and approval are two people.
    CHECK (decided_by IS NULL OR reviewed_by IS NULL OR decided_by <> reviewed_by)
);
CREATE INDEX benefit_applications_queue ON benefit_applications (county_code, status, created_at);
CREATE INDEX benefit_applications_decided ON benefit_applications (decided_at);

-- Caps per subject (startup subsidy per business in fen, subsidised months per person):
-- the CHECK refuses any grant that would pass the cap, whatever the application code does.
CREATE TABLE benefit_caps (
    key TEXT PRIMARY KEY,
    cap INTEGER NOT NULL CHECK (cap >= 0),
    used INTEGER NOT NULL DEFAULT 0,
    CHECK (used >= 0 AND used <= cap)
);

-- Exclusive claims: one row per thing that may be granted once (a subsidised month, an
-- instalment of a one-time grant). The primary key is the mutual exclusion.
CREATE TABLE benefit_claims (
    key TEXT PRIMARY KEY,
    application_id BLOB NOT NULL REFERENCES benefit_applications(id),
    created_at TEXT NOT NULL
);

-- ---------------------------------------------------------------- ledger (§3.2.1)
-- Accounts are named: budget:<county>:<benefit>, payable:<person>, bank:clearing,
-- receivable:<person>. Every transfer moves a positive amount from one to the other, so
-- debits equal credits by construction; transfers are never changed or removed.
CREATE TABLE ledger_transfers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('grant','payment','recovery','adjustment')),
    debit_account TEXT NOT NULL,
    credit_account TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    application_id BLOB REFERENCES benefit_applications(id),
    person_id BLOB,
    county_code TEXT NOT NULL,
    benefit TEXT NOT NULL,
    memo TEXT NOT NULL DEFAULT '',
    created_by BLOB,
    created_at TEXT NOT NULL,
    CHECK (debit_account <> credit_account)
);
CREATE INDEX ledger_transfers_application ON ledger_transfers (application_id);
CREATE INDEX ledger_transfers_person ON ledger_transfers (person_id);

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_transfers
BEGIN SELECT RAISE(ABORT, 'ledger_transfers is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger_transfers
BEGIN SELECT RAISE(ABORT, 'ledger_transfers is append-only'); END;

CREATE TABLE payment_batches (
    id BLOB PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    county_code TEXT NOT NULL,
    line_count INTEGER NOT NULL,
    total_fen INTEGER NOT NULL,
    content_sha256 TEXT NOT NULL,
    mac TEXT NOT NULL,
    -- The file exactly as first exported, encrypted: every later export is the same bytes.
    content_cipher BLOB NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('exported','reconciled')),
    created_by BLOB,
    created_at TEXT NOT NULL,
    result_imported_at TEXT
);

CREATE TABLE payment_instructions (
    id BLOB PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    application_id BLOB REFERENCES benefit_applications(id),
    instalment INTEGER NOT NULL,
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    benefit TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    status TEXT NOT NULL CHECK (status IN ('pending','in_batch','paid','failed')),
    batch_id BLOB REFERENCES payment_batches(id),
    bank_reference TEXT NOT NULL DEFAULT '',
    failure_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX payment_instructions_status ON payment_instructions (county_code, status);
CREATE INDEX payment_instructions_batch ON payment_instructions (batch_id);

-- Idempotency keys of state-changing requests (§3.2.2): the first response is replayed.
CREATE TABLE idempotency_keys (
    principal BLOB NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (principal, key)
);

-- ---------------------------------------------------------------- 免申即享
CREATE TABLE rescreen_queue (
    person_id BLOB PRIMARY KEY,
    queued_at TEXT NOT NULL
);

CREATE TABLE eligibility_seen (
    person_id BLOB NOT NULL REFERENCES persons(id),
    benefit TEXT NOT NULL,
    period TEXT NOT NULL,
    amount_fen INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (person_id, benefit, period)
);

-- ---------------------------------------------------------------- training (四(八))
CREATE TABLE training_courses (
    id BLOB PRIMARY KEY,
    county_code TEXT NOT NULL,
    title TEXT NOT NULL,
    provider TEXT NOT NULL,
    occupation TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('skills','entrepreneurship')),
    hours INTEGER NOT NULL CHECK (hours > 0),
    days INTEGER NOT NULL CHECK (days > 0),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    enrolled INTEGER NOT NULL DEFAULT 0,
    subsidy_fen INTEGER NOT NULL CHECK (subsidy_fen >= 0),
    daily_allowance_fen INTEGER NOT NULL CHECK (daily_allowance_fen >= 0),
    status TEXT NOT NULL CHECK (status IN ('open','closed','finished')),
    created_by BLOB,
    created_at TEXT NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (enrolled >= 0 AND enrolled <= capacity)
);
CREATE INDEX training_courses_county ON training_courses (county_code, starts_on);

CREATE TABLE training_enrolments (
    id BLOB PRIMARY KEY,
    course_id BLOB NOT NULL REFERENCES training_courses(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    status TEXT NOT NULL CHECK (status IN ('enrolled','completed','failed','withdrawn')),
    days_attended INTEGER NOT NULL DEFAULT 0 CHECK (days_attended >= 0),
    certificate_number TEXT UNIQUE,
    completed_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (course_id, person_id)
);
CREATE INDEX training_enrolments_person ON training_enrolments (person_id);

CREATE TABLE training_attendance (
    enrolment_id BLOB NOT NULL REFERENCES training_enrolments(id),
    day TEXT NOT NULL,
    recorded_by BLOB,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (enrolment_id, day)
);
