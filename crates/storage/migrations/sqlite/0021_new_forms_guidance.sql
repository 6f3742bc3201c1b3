-- New forms of work (二(三)) and 职业指导 (四(八), 四(九)): issue 17 items 7 and 8.

-- 居家/远程 posts: no place to travel to. The county stays (the post's county for review,
-- 用工登记 and statistics); lat/lon keep the county seat and are not read for such a post.
ALTER TABLE job_posts ADD COLUMN remote INTEGER NOT NULL DEFAULT 0;

-- Online courses (线上培训): no venue; the platform's name and, where there is one, a link.
ALTER TABLE training_courses ADD COLUMN mode TEXT NOT NULL DEFAULT 'offline'
    CHECK (mode IN ('offline','online'));
ALTER TABLE training_courses ADD COLUMN venue TEXT NOT NULL DEFAULT '';
ALTER TABLE training_courses ADD COLUMN platform TEXT NOT NULL DEFAULT '';
ALTER TABLE training_courses ADD COLUMN link TEXT NOT NULL DEFAULT '';

-- 共享用工: an employer (the lender) lends workers it employs to another employer (the
-- borrower) for a period; proposed by the lender, confirmed by the borrower, ended early
-- with a reason. Who pays the wages and the social insurance is recorded.
CREATE TABLE shared_employment (
    id BLOB PRIMARY KEY,
    lender_id BLOB NOT NULL REFERENCES employers(id),
    borrower_id BLOB NOT NULL REFERENCES employers(id),
    lender_county TEXT NOT NULL,
    borrower_county TEXT NOT NULL,
    work TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    wages_paid_by TEXT NOT NULL CHECK (wages_paid_by IN ('lender','borrower')),
    insurance_paid_by TEXT NOT NULL CHECK (insurance_paid_by IN ('lender','borrower')),
    status TEXT NOT NULL CHECK (status IN ('proposed','confirmed','declined','withdrawn','ended')),
    proposed_by BLOB,
    answered_by BLOB,
    answered_at TEXT,
    decline_reason TEXT NOT NULL DEFAULT '',
    ended_on TEXT,
    end_reason TEXT NOT NULL DEFAULT '',
    ended_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (lender_id <> borrower_id),
    CHECK (ends_on >= starts_on)
);
CREATE INDEX shared_employment_lender ON shared_employment (lender_id);
CREATE INDEX shared_employment_borrower ON shared_employment (borrower_id);
CREATE INDEX shared_employment_counties ON shared_employment (lender_county, borrower_county);

-- The workers lent: each one of the lender's hires (用工登记). county_code is the lender's.
CREATE TABLE shared_employment_workers (
    arrangement_id BLOB NOT NULL REFERENCES shared_employment(id),
    hire_id BLOB NOT NULL REFERENCES hires(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    PRIMARY KEY (arrangement_id, hire_id)
);
CREATE INDEX shared_employment_workers_person ON shared_employment_workers (person_id);

-- 职业指导: an appointment (booked online by the person or at the window by staff) and,
-- once held, its record: topics, advice and notes the person sees.
CREATE TABLE guidance_sessions (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('window','phone')),
    booked_via TEXT NOT NULL CHECK (booked_via IN ('online','window')),
    slot_on TEXT NOT NULL,
    slot TEXT NOT NULL CHECK (slot IN ('am','pm')),
    question TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('booked','held','cancelled')),
    counsellor_id BLOB,
    topics TEXT NOT NULL DEFAULT '[]',
    advice TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    held_at TEXT,
    cancel_reason TEXT NOT NULL DEFAULT '',
    suggested_course_id BLOB REFERENCES training_courses(id),
    booked_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX guidance_sessions_person ON guidance_sessions (person_id, created_at);
CREATE INDEX guidance_sessions_county ON guidance_sessions (county_code, slot_on);

-- Follow-ups agreed in a session; a reminder notice goes to the person before each.
CREATE TABLE guidance_followups (
    id BLOB PRIMARY KEY,
    session_id BLOB NOT NULL REFERENCES guidance_sessions(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    due_on TEXT NOT NULL,
    what TEXT NOT NULL,
    reminded_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX guidance_followups_due ON guidance_followups (due_on);
CREATE INDEX guidance_followups_session ON guidance_followups (session_id);
