-- 违规收费 reports escalate like complaints (三(五)): a report overdue at the county goes to the
-- city's responsible department, and overdue at the city to the province's. 0 county, 1 city,
-- 2 province; the department and the time limits are those of the level now handling it.
ALTER TABLE fee_reports ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0
    CHECK (escalation_level BETWEEN 0 AND 2);
ALTER TABLE fee_reports ADD COLUMN escalated_at TEXT;

-- 四(十一) 主动申报: a person declares their own difficulty; county staff confirm it (it then
-- becomes a difficulty_findings row, `finding_id`) or decline it with a reason.
CREATE TABLE difficulty_declarations (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    in_difficulty INTEGER NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending','confirmed','declined')),
    decided_by BLOB,
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    finding_id BLOB,
    created_at TEXT NOT NULL
);
CREATE INDEX difficulty_declarations_county ON difficulty_declarations (county_code, status);
CREATE INDEX difficulty_declarations_person ON difficulty_declarations (person_id, created_at);
-- One declaration waiting to be checked per person.
CREATE UNIQUE INDEX difficulty_declarations_one_pending ON difficulty_declarations (person_id)
    WHERE status = 'pending';
