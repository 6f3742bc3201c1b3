-- Designated places and stalls (二(三), 三(四), 三(六)); gig-market sites and human-resource
-- service agencies (四(九)) — issue 17, items 1 and 4.
--
-- designated_places: each county's register of the places and times it designates for
-- selling (夜市, 摊点/便民市场, 景区销售区), with the number of pitches and the fee (0 fen =
-- 免费, otherwise the reduced amount per day or month). stall_applications: a person's
-- application for a pitch, decided by county staff as the 占道经营 approval (who, when, the
-- reason), with the policy engine's licence-exemption determination stored with it.
-- gig_sites: the physical 零工市场/劳务市场/零工驿站 with hours, services and coordinates.
--
-- 人力资源服务机构 becomes an employer kind with its 人力资源服务许可证 number.

ALTER TABLE employers DROP CONSTRAINT employers_kind_check;
ALTER TABLE employers ADD CONSTRAINT employers_kind_check
    CHECK (kind IN ('enterprise','individual_household','household','platform','hr_agency'));
ALTER TABLE employers ADD COLUMN licence_no TEXT;
ALTER TABLE employers ADD CONSTRAINT employers_agency_licence
    CHECK ((kind = 'hr_agency') = (licence_no IS NOT NULL));

CREATE TABLE designated_places (
    id UUID PRIMARY KEY,
    county_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('night_market','stall_point','scenic_zone')),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    hours TEXT NOT NULL,
    pitches BIGINT NOT NULL CHECK (pitches > 0),
    allocated BIGINT NOT NULL DEFAULT 0,
    fee_fen BIGINT NOT NULL DEFAULT 0 CHECK (fee_fen >= 0),
    fee_period TEXT NOT NULL DEFAULT 'month' CHECK (fee_period IN ('day','month')),
    fee_note TEXT NOT NULL DEFAULT '',
    clause TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_open BOOLEAN NOT NULL DEFAULT TRUE,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK (allocated >= 0 AND allocated <= pitches)
);
CREATE INDEX designated_places_county ON designated_places(county_code);

CREATE TABLE stall_applications (
    id UUID PRIMARY KEY,
    place_id UUID NOT NULL REFERENCES designated_places(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    goods TEXT NOT NULL CHECK (goods IN ('farm_produce','daily_goods','convenience_labour','other')),
    business TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','approved','refused')),
    priority_group TEXT,
    rank BIGINT,
    reason TEXT NOT NULL DEFAULT '',
    exempt BOOLEAN NOT NULL DEFAULT FALSE,
    determination TEXT NOT NULL DEFAULT '{}',
    decided_by UUID,
    decided_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX stall_applications_place ON stall_applications(place_id, created_at);
CREATE INDEX stall_applications_person ON stall_applications(person_id);
-- One open application per person and place.
CREATE UNIQUE INDEX stall_applications_one_pending ON stall_applications(place_id, person_id)
    WHERE status = 'pending';

CREATE TABLE gig_sites (
    id UUID PRIMARY KEY,
    county_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('gig_market','labour_market','gig_station')),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    hours TEXT NOT NULL,
    services TEXT NOT NULL DEFAULT '[]',
    lat DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN 34.5 AND 40.8),
    lon DOUBLE PRECISION NOT NULL CHECK (lon BETWEEN 110.2 AND 114.6),
    description TEXT NOT NULL DEFAULT '',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX gig_sites_county ON gig_sites(county_code);

-- Row-level security as 0013, 0014 and 0017: a table with person_id and county_code.
ALTER TABLE stall_applications ENABLE ROW LEVEL SECURITY;
CREATE POLICY stall_applications_app ON stall_applications TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY stall_applications_scoped ON stall_applications FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY stall_applications_scoped_county ON stall_applications FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
