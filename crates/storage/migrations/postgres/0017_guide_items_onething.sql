-- 办事指南, 我的办件 and 灵活就业一件事 (issue 16, items 3 and 4).

-- Each county's service window (办事窗口): reference data the system administrator edits
-- or imports; the guide pages show it.
CREATE TABLE service_windows (
    county_code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    hours TEXT NOT NULL,
    phone TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- 参保登记: a flexible worker's enrolment in 企业职工基本养老保险 (pension) or
-- 职工基本医疗保险 (medical), from a month, on a monthly contribution base in fen.
CREATE TABLE si_enrolments (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    scheme TEXT NOT NULL CHECK (scheme IN ('pension','medical')),
    start_month TEXT NOT NULL,
    base_fen BIGINT NOT NULL CHECK (base_fen > 0),
    source TEXT NOT NULL CHECK (source IN ('self','staff')),
    item_id UUID,
    consent_note TEXT NOT NULL DEFAULT '',
    recorded_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, scheme)
);

-- 灵活就业一件事: one item in 我的办件 holding its parts (registration, enrolments,
-- applications) as JSON ids.
CREATE TABLE onething_items (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    registration_id UUID,
    parts TEXT NOT NULL,
    on_behalf BOOLEAN NOT NULL,
    consent_note TEXT NOT NULL DEFAULT '',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX onething_items_person ON onething_items (person_id);

-- 好差评: one rating per completed item.
CREATE TABLE item_ratings (
    item_kind TEXT NOT NULL,
    item_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    score BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    word TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_kind, item_id)
);
CREATE INDEX item_ratings_county ON item_ratings (county_code);

-- Row-level security as 0013 and 0014: each table with person_id and county_code.
ALTER TABLE si_enrolments ENABLE ROW LEVEL SECURITY;
CREATE POLICY si_enrolments_app ON si_enrolments TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY si_enrolments_scoped ON si_enrolments FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY si_enrolments_scoped_county ON si_enrolments FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
ALTER TABLE onething_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY onething_items_app ON onething_items TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY onething_items_scoped ON onething_items FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY onething_items_scoped_county ON onething_items FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
ALTER TABLE item_ratings ENABLE ROW LEVEL SECURITY;
CREATE POLICY item_ratings_app ON item_ratings TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY item_ratings_scoped ON item_ratings FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY item_ratings_scoped_county ON item_ratings FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
