-- Workers reported by internet platforms (五(十二), 二(三)): issue 17.
--
-- A platform employer (kind platform or hr_agency) reports the people who work through it in
-- a form of flexible employment (新就业形态 by default): one row per employer, person and
-- start date, so the same report sent again changes nothing; an end date closes the row.
-- county_code is the county the person serves in (服务区县), which staff of that county
-- see; the person is found, or registered, by the ID number's blind index. The name and the
-- phone are kept as the platform reported them (the phone sealed like every other phone),
-- so the platform's own list never shows it what the person register holds.
CREATE TABLE platform_workers (
    id UUID PRIMARY KEY,
    employer_id UUID NOT NULL REFERENCES employers(id),
    person_id UUID NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    form TEXT NOT NULL CHECK (form IN ('platform','part_time','self_employed','gig')),
    started_on DATE NOT NULL,
    ended_on DATE,
    occupation TEXT NOT NULL DEFAULT '',
    -- 职业伤害保障: true, false, or NULL when not stated.
    injury_cover BOOLEAN,
    name TEXT NOT NULL,
    phone_cipher BYTEA,
    reported_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (employer_id, person_id, started_on),
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX platform_workers_employer ON platform_workers (employer_id, created_at);
CREATE INDEX platform_workers_county ON platform_workers (county_code, created_at);
CREATE INDEX platform_workers_person ON platform_workers (person_id);

-- In the statistics (0008, 0024): reports starting in a month by form, and open ones by
-- form (year 0), at the county, its city and the province.
CREATE FUNCTION stat_platform_worker_delta(s INTEGER, r platform_workers) RETURNS void AS $$
BEGIN
    PERFORM stat_bump(extract(year FROM r.started_on)::INTEGER, 'platform_workers', r.county_code,
        to_char(r.started_on, 'YYYY-MM'), r.form, '', s, 0);
    IF r.ended_on IS NULL THEN
        PERFORM stat_bump(0, 'platform_workers_open', r.county_code, '', r.form, '', s, 0);
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_platform_workers_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.county_code IS NOT DISTINCT FROM NEW.county_code
           AND OLD.form IS NOT DISTINCT FROM NEW.form
           AND OLD.started_on IS NOT DISTINCT FROM NEW.started_on
           AND OLD.ended_on IS NOT DISTINCT FROM NEW.ended_on THEN
            RETURN NULL;
        END IF;
        PERFORM stat_platform_worker_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_platform_worker_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_platform_workers AFTER INSERT OR UPDATE OR DELETE ON platform_workers
FOR EACH ROW EXECUTE FUNCTION stat_platform_workers_trigger();

-- Row-level security as 0013 and 0014: a table with person_id and county_code.
ALTER TABLE platform_workers ENABLE ROW LEVEL SECURITY;
CREATE POLICY platform_workers_app ON platform_workers TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY platform_workers_scoped ON platform_workers FOR SELECT TO linghuo_scoped
    USING (person_id IN (SELECT id FROM persons));
CREATE POLICY platform_workers_scoped_county ON platform_workers FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(county_code, linghuo_scope_prefix()));
