-- Complaints and mediation (三(五) 公开投诉举报渠道, 四(十) 调解解决纠纷) and policy
-- consultation (四(九) 政策咨询): complaints with their time limits and escalation, the
-- history the complainant sees, evidence gathered from the market, mediation cases and
-- their sessions; questions to the county and FAQ entries staff publish.

CREATE TABLE complaints (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('illegal_fee','unpaid_wages','safety','discrimination','other')),
    description TEXT NOT NULL,
    against_employer_id UUID REFERENCES employers(id),
    hire_id UUID REFERENCES hires(id),
    status TEXT NOT NULL CHECK (status IN ('received','acknowledged','investigating','resolved','referred_to_mediation','closed')),
    acknowledge_due_at TIMESTAMPTZ NOT NULL,
    resolve_due_at TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    escalated_at TIMESTAMPTZ,
    escalation_level BIGINT NOT NULL DEFAULT 0,
    assigned_to UUID,
    resolution TEXT NOT NULL DEFAULT '',
    resolved_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX complaints_county ON complaints (county_code, created_at);
CREATE INDEX complaints_person ON complaints (person_id, created_at);
CREATE INDEX complaints_employer ON complaints (against_employer_id);
CREATE INDEX complaints_open ON complaints (status, escalated_at);

CREATE TABLE complaint_events (
    id UUID PRIMARY KEY,
    complaint_id UUID NOT NULL REFERENCES complaints(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    -- parties: complainant, employer and staff; complainant: complainant and staff; staff: staff only.
    audience TEXT NOT NULL CHECK (audience IN ('parties','complainant','staff')),
    actor_role TEXT NOT NULL,
    actor_user_id UUID,
    office TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX complaint_events_position ON complaint_events (complaint_id, position);

CREATE TABLE complaint_evidence (
    id UUID PRIMARY KEY,
    complaint_id UUID NOT NULL REFERENCES complaints(id),
    kind TEXT NOT NULL CHECK (kind IN ('hire','agreement','pay_record')),
    source TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    gathered_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX complaint_evidence_complaint ON complaint_evidence (complaint_id);

CREATE TABLE mediation_cases (
    id UUID PRIMARY KEY,
    complaint_id UUID NOT NULL UNIQUE REFERENCES complaints(id),
    organisation_kind TEXT NOT NULL CHECK (organisation_kind IN ('people_mediation','enterprise_committee','industry_association')),
    organisation_name TEXT NOT NULL,
    parties TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open','agreed','failed')),
    agreement TEXT NOT NULL DEFAULT '',
    amount_fen BIGINT CHECK (amount_fen >= 0),
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    closed_at TIMESTAMPTZ
);

CREATE TABLE mediation_sessions (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES mediation_cases(id),
    held_at TIMESTAMPTZ NOT NULL,
    place TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    attendance TEXT NOT NULL DEFAULT '',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mediation_sessions_case ON mediation_sessions (case_id, held_at);

CREATE TABLE faq_entries (
    id UUID PRIMARY KEY,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    clause_id TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT TRUE,
    question_id UUID,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE consult_questions (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    person_id UUID,
    employer_id UUID,
    region_code TEXT NOT NULL,
    question TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open','answered')),
    answer TEXT NOT NULL DEFAULT '',
    clause_id TEXT NOT NULL DEFAULT '',
    answered_by UUID,
    answered_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX consult_questions_region ON consult_questions (region_code, status, created_at);
CREATE INDEX consult_questions_user ON consult_questions (user_id, created_at);
