-- Publicity (五(十四) 宣传典型事例) and fee reports (三(五) 建立公开投诉举报渠道，依法查处违规收费).

-- Typical cases (典型案例) and policy news (政策动态) written by staff. An article goes public
-- only when a second staff member (never its author) approves it; it can be withdrawn later.
CREATE TABLE articles (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('case','news')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- The county, city or province (140000) the article is about and whose staff handle it.
    region_code TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','returned','published','withdrawn')),
    author_id BLOB NOT NULL,
    author_name TEXT NOT NULL,
    -- The office shown as the source, e.g. 太原市小店区人社部门.
    author_office TEXT NOT NULL,
    reviewer_id BLOB,
    reviewer_name TEXT NOT NULL DEFAULT '',
    return_reason TEXT NOT NULL DEFAULT '',
    withdraw_reason TEXT NOT NULL DEFAULT '',
    -- Made by `linghuo demo` (shown as 演示内容).
    demo INTEGER NOT NULL DEFAULT 0,
    submitted_at TEXT NOT NULL,
    published_at TEXT,
    withdrawn_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX articles_public ON articles (status, published_at);
CREATE INDEX articles_region ON articles (region_code, updated_at);

-- The clauses of 晋政办发〔2020〕89号 an article illustrates (ids as in the policy crate).
CREATE TABLE article_clauses (
    article_id BLOB NOT NULL REFERENCES articles(id),
    clause_id TEXT NOT NULL,
    PRIMARY KEY (article_id, clause_id)
);
CREATE INDEX article_clauses_clause ON article_clauses (clause_id);

-- Where a fee report is routed by the kind of department that charged the fee: reference data
-- per kind for the province (140000), a city or a county; the most specific entry wins.
-- Editable by administrators and province staff.
CREATE TABLE fee_departments (
    kind TEXT NOT NULL,
    region_code TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (kind, region_code)
);

INSERT INTO fee_departments (kind, region_code, name, phone, updated_at) VALUES
    ('market_regulation', '140000', '县（市、区）市场监督管理局（价格监督检查）', '12315', '2026-01-01T00:00:00.000000Z'),
    ('urban_management', '140000', '县（市、区）住房和城乡建设（城市管理）部门', '12345', '2026-01-01T00:00:00.000000Z'),
    ('tax', '140000', '国家税务总局县（市、区）税务局', '12366', '2026-01-01T00:00:00.000000Z'),
    ('hrss', '140000', '县（市、区）人力资源和社会保障局', '12333', '2026-01-01T00:00:00.000000Z'),
    ('transport', '140000', '县（市、区）交通运输局', '12328', '2026-01-01T00:00:00.000000Z'),
    ('platform', '140000', '县（市、区）市场监督管理局（价格监督检查）', '12315', '2026-01-01T00:00:00.000000Z'),
    ('other', '140000', '县（市、区）财政局（行政事业性收费管理）', '12345', '2026-01-01T00:00:00.000000Z');

-- 违规收费 reports from anyone, signed in or not. The tracking code is kept only as a keyed
-- hash; the contact phone, when given, sealed with the field key.
CREATE TABLE fee_reports (
    id BLOB PRIMARY KEY,
    code_hash BLOB NOT NULL UNIQUE,
    county_code TEXT NOT NULL,
    charged_by_kind TEXT NOT NULL CHECK (charged_by_kind IN ('market_regulation','urban_management','tax','hrss','transport','platform','other')),
    charged_by_name TEXT NOT NULL DEFAULT '',
    payer_kind TEXT NOT NULL CHECK (payer_kind IN ('individual_business','flexible_worker','other')),
    fee_name TEXT NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
    charged_on TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    contact_phone_cipher BLOB,
    department_kind TEXT NOT NULL,
    department_name TEXT NOT NULL,
    department_phone TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('received','accepted','forwarded','resolved')),
    outcome TEXT CHECK (outcome IN ('corrected','penalised','compliant','unverifiable')),
    outcome_note TEXT NOT NULL DEFAULT '',
    acknowledge_due_at TEXT NOT NULL,
    resolve_due_at TEXT NOT NULL,
    accepted_at TEXT,
    forwarded_at TEXT,
    resolved_at TEXT,
    handled_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX fee_reports_county ON fee_reports (county_code, created_at);

-- The history of a fee report; `public` entries are shown to the reporter by tracking code.
CREATE TABLE fee_report_events (
    id BLOB PRIMARY KEY,
    report_id BLOB NOT NULL REFERENCES fee_reports(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    public INTEGER NOT NULL,
    office TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL,
    actor_user_id BLOB,
    created_at TEXT NOT NULL,
    UNIQUE (report_id, seq)
);
