-- 违规收费 reports escalate like complaints (三(五)): a report overdue at the county goes to the
-- city's responsible department, and overdue at the city to the province's. 0 county, 1 city,
-- 2 province; the department and the time limits are those of the level now handling it.
ALTER TABLE fee_reports ADD COLUMN escalation_level BIGINT NOT NULL DEFAULT 0
    CHECK (escalation_level BETWEEN 0 AND 2);
ALTER TABLE fee_reports ADD COLUMN escalated_at TIMESTAMPTZ;

-- 四(十一) 主动申报: a person declares their own difficulty; county staff confirm it (it then
-- becomes a difficulty_findings row, `finding_id`) or decline it with a reason.
CREATE TABLE difficulty_declarations (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    in_difficulty BOOLEAN NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending','confirmed','declined')),
    decided_by UUID,
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT '',
    finding_id UUID,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX difficulty_declarations_county ON difficulty_declarations (county_code, status);
CREATE INDEX difficulty_declarations_person ON difficulty_declarations (person_id, created_at);
-- One declaration waiting to be checked per person.
CREATE UNIQUE INDEX difficulty_declarations_one_pending ON difficulty_declarations (person_id)
    WHERE status = 'pending';

-- Row-level security as 0013, 0014 and 0020: a table with person_id and county_code.
ALTER TABLE difficulty_declarations ENABLE ROW LEVEL SECURITY;
CREATE POLICY difficulty_declarations_app ON difficulty_declarations TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY difficulty_declarations_scoped ON difficulty_declarations FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY difficulty_declarations_scoped_county ON difficulty_declarations FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
