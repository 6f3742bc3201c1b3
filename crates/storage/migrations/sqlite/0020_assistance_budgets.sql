-- Assistance referral to 民政 (四(十一)) and county fund budgets (五(十二)) (issue 17, items 3 and 5).

-- 困难摸排: what staff found about a person's basic living. The latest row (by seq) is the fact the
-- engine reads (`person.in_difficulty`); earlier rows are the history.
CREATE TABLE difficulty_findings (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    in_difficulty INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by BLOB,
    created_at TEXT NOT NULL
);
CREATE INDEX difficulty_findings_person ON difficulty_findings (person_id, seq);

-- People the engine refers (assistance_referral eligible), kept by the screening: one row
-- per person, `active` while the engine still refers them.
CREATE TABLE assistance_cases (
    person_id BLOB PRIMARY KEY REFERENCES persons(id),
    county_code TEXT NOT NULL,
    active INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    first_found_at TEXT NOT NULL,
    screened_at TEXT NOT NULL
);
CREATE INDEX assistance_cases_county ON assistance_cases (county_code, active);

-- A referral to the 民政 office, and the outcome it sends back.
CREATE TABLE assistance_referrals (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('dibao','temporary','tekun')),
    office TEXT NOT NULL,
    sent_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by BLOB,
    created_at TEXT NOT NULL,
    outcome TEXT CHECK (outcome IN ('accepted','refused')),
    outcome_amount_fen INTEGER CHECK (outcome_amount_fen >= 0),
    outcome_note TEXT NOT NULL DEFAULT '',
    outcome_on TEXT,
    outcome_by BLOB,
    outcome_at TEXT
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
    amount_fen INTEGER CHECK (amount_fen >= 0),
    committed_fen INTEGER NOT NULL DEFAULT 0,
    updated_by BLOB,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (county_code, fund, year),
    CHECK (amount_fen IS NULL OR committed_fen <= amount_fen)
);

-- Every budget set or raised (append-only history).
CREATE TABLE fund_budget_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    county_code TEXT NOT NULL,
    fund TEXT NOT NULL,
    year INTEGER NOT NULL,
    old_amount_fen INTEGER,
    new_amount_fen INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    changed_by BLOB,
    changed_at TEXT NOT NULL
);
CREATE INDEX fund_budget_changes_key ON fund_budget_changes (county_code, fund, year);
CREATE TRIGGER fund_budget_changes_no_update BEFORE UPDATE ON fund_budget_changes
BEGIN SELECT RAISE(ABORT, 'fund_budget_changes is append-only'); END;
CREATE TRIGGER fund_budget_changes_no_delete BEFORE DELETE ON fund_budget_changes
BEGIN SELECT RAISE(ABORT, 'fund_budget_changes is append-only'); END;

-- An approved grant that would have overdrawn its county's budget: not paid, held for the
-- province (released after the budget is raised, or refused).
CREATE TABLE budget_holds (
    id BLOB PRIMARY KEY,
    application_id BLOB NOT NULL UNIQUE REFERENCES benefit_applications(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    fund TEXT NOT NULL,
    year INTEGER NOT NULL,
    benefit TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('held','released','refused')),
    created_at TEXT NOT NULL,
    decided_by BLOB,
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX budget_holds_county ON budget_holds (county_code, status);

-- What the ledger already took from budgets before this migration, so the counters start true.
INSERT INTO fund_budgets (county_code, fund, year, amount_fen, committed_fen, updated_at)
SELECT county_code, 'employment_subsidy', CAST(strftime('%Y', created_at, '+8 hours') AS INTEGER), NULL,
       SUM(CASE WHEN kind = 'recovery' THEN -amount_fen ELSE amount_fen END), MAX(created_at)
FROM ledger_transfers
WHERE kind IN ('grant','adjustment','recovery')
  AND benefit IN ('startup_subsidy','social_insurance_subsidy','training_subsidy')
GROUP BY county_code, CAST(strftime('%Y', created_at, '+8 hours') AS INTEGER);
