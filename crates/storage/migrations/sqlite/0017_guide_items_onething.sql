-- 办事指南, 我的办件 and 灵活就业一件事 (issue 16, items 3 and 4).

-- Each county's service window (办事窗口): reference data the system administrator edits
-- or imports; the guide pages show it.
CREATE TABLE service_windows (
    county_code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    hours TEXT NOT NULL,
    phone TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- 参保登记: a flexible worker's enrolment in 企业职工基本养老保险 (pension) or
-- 职工基本医疗保险 (medical), from a month, on a monthly contribution base in fen.
CREATE TABLE si_enrolments (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    scheme TEXT NOT NULL CHECK (scheme IN ('pension','medical')),
    start_month TEXT NOT NULL,
    base_fen INTEGER NOT NULL CHECK (base_fen > 0),
    source TEXT NOT NULL CHECK (source IN ('self','staff')),
    item_id BLOB,
    consent_note TEXT NOT NULL DEFAULT '',
    recorded_by BLOB,
    created_at TEXT NOT NULL,
    UNIQUE (person_id, scheme)
);

-- 灵活就业一件事: one item in 我的办件 holding its parts (registration, enrolments,
-- applications) as JSON ids.
CREATE TABLE onething_items (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    registration_id BLOB,
    parts TEXT NOT NULL,
    on_behalf INTEGER NOT NULL,
    consent_note TEXT NOT NULL DEFAULT '',
    created_by BLOB,
    created_at TEXT NOT NULL
);
CREATE INDEX onething_items_person ON onething_items (person_id);

-- 好差评: one rating per completed item.
CREATE TABLE item_ratings (
    item_kind TEXT NOT NULL,
    item_id BLOB NOT NULL,
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    word TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (item_kind, item_id)
);
CREATE INDEX item_ratings_county ON item_ratings (county_code);
