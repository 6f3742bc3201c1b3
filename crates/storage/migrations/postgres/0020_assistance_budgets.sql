-- Assistance referral to 民政 (四(十一)) and county fund budgets (五(十二)) (issue 17, items 3 and 5).

-- 困难摸排: what staff found about a person's basic living. The latest row (by seq) is the fact the
-- engine reads (`person.in_difficulty`); earlier rows are the history.
CREATE TABLE difficulty_findings (
    id UUID PRIMARY KEY,
    seq BIGSERIAL UNIQUE,
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    in_difficulty BOOLEAN NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by UUID,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX difficulty_findings_person ON difficulty_findings (person_id, seq);

-- People the engine refers (assistance_referral eligible), kept by the screening: one row
-- per person, `active` while the engine still refers them.
CREATE TABLE assistance_cases (
    person_id UUID PRIMARY KEY REFERENCES persons(id),
    county_code TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    reasons TEXT NOT NULL,
    first_found_at TIMESTAMPTZ NOT NULL,
    screened_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX assistance_cases_county ON assistance_cases (county_code, active);

-- A referral to the 民政 office, and the outcome it sends back.
CREATE TABLE assistance_referrals (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('dibao','temporary','tekun')),
    office TEXT NOT NULL,
    sent_on DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    outcome TEXT CHECK (outcome IN ('accepted','refused')),
    outcome_amount_fen BIGINT CHECK (outcome_amount_fen >= 0),
    outcome_note TEXT NOT NULL DEFAULT '',
    outcome_on DATE,
    outcome_by UUID,
    outcome_at TIMESTAMPTZ
);
CREATE INDEX assistance_referrals_county ON assistance_referrals (county_code, sent_on);
CREATE INDEX assistance_referrals_person ON assistance_referrals (person_id);
-- One referral of a kind waiting for its outcome per person.
CREATE UNIQUE INDEX assistance_referrals_one_open ON assistance_referrals (person_id, kind)
    WHERE outcome IS NULL;

-- Annual budgets per county, fund and year. `amount_fen` NULL: no budget set yet (grants
-- are not limited, but counted). `committed_fen` is what the ledger took from the budget
-- accounts of the fund's benefits in the year (grants and adjustments less recoveries),
-- moved in the transaction that writes each transfer; the CHECK is the overdraft guard.
CREATE TABLE fund_budgets (
    county_code TEXT NOT NULL,
    fund TEXT NOT NULL,
    year INTEGER NOT NULL,
    amount_fen BIGINT CHECK (amount_fen >= 0),
    committed_fen BIGINT NOT NULL DEFAULT 0,
    updated_by UUID,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (county_code, fund, year),
    CHECK (amount_fen IS NULL OR committed_fen <= amount_fen)
);

-- Every budget set or raised (append-only history).
CREATE TABLE fund_budget_changes (
    id UUID PRIMARY KEY,
    seq BIGSERIAL UNIQUE,
    county_code TEXT NOT NULL,
    fund TEXT NOT NULL,
    year INTEGER NOT NULL,
    old_amount_fen BIGINT,
    new_amount_fen BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    changed_by UUID,
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX fund_budget_changes_key ON fund_budget_changes (county_code, fund, year);
CREATE FUNCTION fund_budget_changes_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'fund_budget_changes is append-only'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER fund_budget_changes_no_update BEFORE UPDATE OR DELETE ON fund_budget_changes
FOR EACH ROW EXECUTE FUNCTION fund_budget_changes_append_only();

-- An approved grant that would have overdrawn its county's budget: not paid, held for the
-- province (released after the budget is raised, or refused).
CREATE TABLE budget_holds (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL UNIQUE REFERENCES benefit_applications(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    fund TEXT NOT NULL,
    year INTEGER NOT NULL,
    benefit TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('held','released','refused')),
    created_at TIMESTAMPTZ NOT NULL,
    decided_by UUID,
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX budget_holds_county ON budget_holds (county_code, status);

-- What the ledger already took from budgets before this migration, so the counters start true.
INSERT INTO fund_budgets (county_code, fund, year, amount_fen, committed_fen, updated_at)
SELECT county_code, 'employment_subsidy',
       CAST(EXTRACT(YEAR FROM (created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours') AS INTEGER), NULL,
       SUM(CASE WHEN kind = 'recovery' THEN -amount_fen ELSE amount_fen END), MAX(created_at)
FROM ledger_transfers
WHERE kind IN ('grant','adjustment','recovery')
  AND benefit IN ('startup_subsidy','social_insurance_subsidy','training_subsidy')
GROUP BY county_code, CAST(EXTRACT(YEAR FROM (created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours') AS INTEGER);

-- Row-level security as 0013 and 0014: each table with person_id and county_code.
ALTER TABLE difficulty_findings ENABLE ROW LEVEL SECURITY;
CREATE POLICY difficulty_findings_app ON difficulty_findings TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY difficulty_findings_scoped ON difficulty_findings FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY difficulty_findings_scoped_county ON difficulty_findings FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
ALTER TABLE assistance_cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY assistance_cases_app ON assistance_cases TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY assistance_cases_scoped ON assistance_cases FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY assistance_cases_scoped_county ON assistance_cases FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
ALTER TABLE assistance_referrals ENABLE ROW LEVEL SECURITY;
CREATE POLICY assistance_referrals_app ON assistance_referrals TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY assistance_referrals_scoped ON assistance_referrals FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY assistance_referrals_scoped_county ON assistance_referrals FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
ALTER TABLE budget_holds ENABLE ROW LEVEL SECURITY;
CREATE POLICY budget_holds_app ON budget_holds TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY budget_holds_scoped ON budget_holds FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY budget_holds_scoped_county ON budget_holds FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
-- The budget history is appended, never changed, by the application role too.
REVOKE UPDATE, DELETE ON fund_budget_changes FROM linghuo_app;
