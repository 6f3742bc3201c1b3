-- Public services, part one: 就业/失业/灵活就业登记 with 就业创业证, the facts the policy
-- engine reads (business registrations, tax and social-insurance records), benefit
-- applications with review and approval, the payment ledger (append-only transfers,
-- payment instructions, bank batches), caps and exclusive claims enforced by constraints,
-- idempotency keys, the re-screening queue for 免申即享, and training courses.

-- ---------------------------------------------------------------- registration (四(九))
CREATE TABLE registrations (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL CHECK (kind IN ('employment','unemployment','flexible')),
    county_code TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE,
    end_reason TEXT NOT NULL DEFAULT '',
    employer_name TEXT NOT NULL DEFAULT '',
    flexible_form TEXT CHECK (flexible_form IN ('part_time','self_employed','platform','gig')),
    source TEXT NOT NULL CHECK (source IN ('self','staff','market_hire','import')),
    hire_id UUID,
    consent_note TEXT NOT NULL DEFAULT '',
    recorded_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK ((kind = 'flexible') = (flexible_form IS NOT NULL)),
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
-- One open registration per person: the state machine's guard.
CREATE UNIQUE INDEX registrations_one_open ON registrations (person_id) WHERE ended_on IS NULL;
CREATE INDEX registrations_county ON registrations (county_code, started_on);
CREATE INDEX registrations_person ON registrations (person_id, started_on);

CREATE TABLE employment_cards (
    person_id UUID PRIMARY KEY REFERENCES persons(id),
    number TEXT NOT NULL UNIQUE,
    county_code TEXT NOT NULL,
    issued_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Sequences that must be gap-free per county and year (card numbers).
CREATE TABLE number_counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE registration_suggestions (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL CHECK (kind IN ('employment','unemployment','flexible')),
    county_code TEXT NOT NULL,
    reason TEXT NOT NULL,
    employer_name TEXT NOT NULL DEFAULT '',
    flexible_form TEXT,
    hire_id UUID,
    status TEXT NOT NULL CHECK (status IN ('open','accepted','dismissed')),
    dedupe_key TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    decided_at TIMESTAMPTZ,
    decided_by UUID
);
CREATE INDEX registration_suggestions_person ON registration_suggestions (person_id, status);
CREATE INDEX registration_suggestions_county ON registration_suggestions (county_code, status);

-- ---------------------------------------------------------------- facts from other registers
CREATE TABLE businesses (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL CHECK (kind IN ('individual_household','small_micro_enterprise')),
    name TEXT NOT NULL,
    uscc TEXT UNIQUE,
    county_code TEXT NOT NULL,
    registered_on DATE NOT NULL,
    first_time BOOLEAN NOT NULL,
    operating_normally BOOLEAN NOT NULL,
    employees_driven INTEGER NOT NULL CHECK (employees_driven >= 0),
    rents_state_owned_property BOOLEAN NOT NULL DEFAULT FALSE,
    road_occupation_approved BOOLEAN NOT NULL DEFAULT FALSE,
    source TEXT NOT NULL CHECK (source IN ('registry','staff_checked','self_declared')),
    verified BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX businesses_person ON businesses (person_id);

CREATE TABLE tax_records (
    person_id UUID NOT NULL REFERENCES persons(id),
    year INTEGER NOT NULL,
    vat_fen BIGINT NOT NULL CHECK (vat_fen >= 0),
    urban_maintenance_fen BIGINT NOT NULL CHECK (urban_maintenance_fen >= 0),
    education_fen BIGINT NOT NULL CHECK (education_fen >= 0),
    local_education_fen BIGINT NOT NULL CHECK (local_education_fen >= 0),
    income_tax_fen BIGINT NOT NULL CHECK (income_tax_fen >= 0),
    source TEXT NOT NULL CHECK (source IN ('registry','staff_checked','self_declared')),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, year)
);

CREATE TABLE si_payments (
    person_id UUID NOT NULL REFERENCES persons(id),
    month TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    source TEXT NOT NULL CHECK (source IN ('registry','staff_checked','self_declared')),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, month)
);

-- Where a person wants money paid (encrypted; masked on screen).
CREATE TABLE payee_accounts (
    person_id UUID PRIMARY KEY REFERENCES persons(id),
    bank_name TEXT NOT NULL,
    account_cipher BYTEA NOT NULL,
    account_last4 TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- ---------------------------------------------------------------- applications (三(四))
CREATE TABLE benefit_applications (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    benefit TEXT NOT NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_review','reviewed','approved','rejected','withdrawn')),
    route TEXT NOT NULL CHECK (route IN ('automatic','manual')),
    as_of DATE NOT NULL,
    facts_json TEXT NOT NULL,
    facts_sha256 TEXT NOT NULL,
    determination_json TEXT NOT NULL,
    receipt_json TEXT NOT NULL,
    eligible BOOLEAN NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    units INTEGER NOT NULL DEFAULT 0,
    unverified TEXT NOT NULL DEFAULT '[]',
    applied_by UUID,
    on_behalf BOOLEAN NOT NULL DEFAULT FALSE,
    consent_note TEXT NOT NULL DEFAULT '',
    review_outcome TEXT CHECK (review_outcome IN ('approve','reject')),
    review_note TEXT NOT NULL DEFAULT '',
    reviewed_by UUID,
    reviewed_at TIMESTAMPTZ,
    decided_by UUID,
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
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
    cap BIGINT NOT NULL CHECK (cap >= 0),
    used BIGINT NOT NULL DEFAULT 0,
    CHECK (used >= 0 AND used <= cap)
);

-- Exclusive claims: one row per thing that may be granted once (a subsidised month, an
-- instalment of a one-time grant). The primary key is the mutual exclusion.
CREATE TABLE benefit_claims (
    key TEXT PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES benefit_applications(id),
    created_at TIMESTAMPTZ NOT NULL
);

-- ---------------------------------------------------------------- ledger (§3.2.1)
-- Accounts are named: budget:<county>:<benefit>, payable:<person>, bank:clearing,
-- receivable:<person>. Every transfer moves a positive amount from one to the other, so
-- debits equal credits by construction; transfers are never changed or removed.
CREATE TABLE ledger_transfers (
    id UUID PRIMARY KEY,
    seq BIGSERIAL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('grant','payment','recovery','adjustment')),
    debit_account TEXT NOT NULL,
    credit_account TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    application_id UUID REFERENCES benefit_applications(id),
    person_id UUID,
    county_code TEXT NOT NULL,
    benefit TEXT NOT NULL,
    memo TEXT NOT NULL DEFAULT '',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (debit_account <> credit_account)
);
CREATE INDEX ledger_transfers_application ON ledger_transfers (application_id);
CREATE INDEX ledger_transfers_person ON ledger_transfers (person_id);

CREATE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'ledger_transfers is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_no_update BEFORE UPDATE OR DELETE ON ledger_transfers
FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE TABLE payment_batches (
    id UUID PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    county_code TEXT NOT NULL,
    line_count INTEGER NOT NULL,
    total_fen BIGINT NOT NULL,
    content_sha256 TEXT NOT NULL,
    mac TEXT NOT NULL,
    -- The file exactly as first exported, encrypted: every later export is the same bytes.
    content_cipher BYTEA NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('exported','reconciled')),
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    result_imported_at TIMESTAMPTZ
);

CREATE TABLE payment_instructions (
    id UUID PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    idempotency_key TEXT NOT NULL UNIQUE,
    application_id UUID REFERENCES benefit_applications(id),
    instalment INTEGER NOT NULL,
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    benefit TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    status TEXT NOT NULL CHECK (status IN ('pending','in_batch','paid','failed')),
    batch_id UUID REFERENCES payment_batches(id),
    bank_reference TEXT NOT NULL DEFAULT '',
    failure_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX payment_instructions_status ON payment_instructions (county_code, status);
CREATE INDEX payment_instructions_batch ON payment_instructions (batch_id);

-- Idempotency keys of state-changing requests (§3.2.2): the first response is replayed.
CREATE TABLE idempotency_keys (
    principal UUID NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER,
    response_body TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (principal, key)
);

-- ---------------------------------------------------------------- 免申即享
CREATE TABLE rescreen_queue (
    person_id UUID PRIMARY KEY,
    queued_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE eligibility_seen (
    person_id UUID NOT NULL REFERENCES persons(id),
    benefit TEXT NOT NULL,
    period TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, benefit, period)
);

-- ---------------------------------------------------------------- training (四(八))
CREATE TABLE training_courses (
    id UUID PRIMARY KEY,
    county_code TEXT NOT NULL,
    title TEXT NOT NULL,
    provider TEXT NOT NULL,
    occupation TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('skills','entrepreneurship')),
    hours INTEGER NOT NULL CHECK (hours > 0),
    days INTEGER NOT NULL CHECK (days > 0),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    enrolled INTEGER NOT NULL DEFAULT 0,
    subsidy_fen BIGINT NOT NULL CHECK (subsidy_fen >= 0),
    daily_allowance_fen BIGINT NOT NULL CHECK (daily_allowance_fen >= 0),
    status TEXT NOT NULL CHECK (status IN ('open','closed','finished')),
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (enrolled >= 0 AND enrolled <= capacity)
);
CREATE INDEX training_courses_county ON training_courses (county_code, starts_on);

CREATE TABLE training_enrolments (
    id UUID PRIMARY KEY,
    course_id UUID NOT NULL REFERENCES training_courses(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    status TEXT NOT NULL CHECK (status IN ('enrolled','completed','failed','withdrawn')),
    days_attended INTEGER NOT NULL DEFAULT 0 CHECK (days_attended >= 0),
    certificate_number TEXT UNIQUE,
    completed_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (course_id, person_id)
);
CREATE INDEX training_enrolments_person ON training_enrolments (person_id);

CREATE TABLE training_attendance (
    enrolment_id UUID NOT NULL REFERENCES training_enrolments(id),
    day DATE NOT NULL,
    recorded_by UUID,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (enrolment_id, day)
);
