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
    id BLOB PRIMARY KEY,
    employer_id BLOB NOT NULL REFERENCES employers(id),
    person_id BLOB NOT NULL REFERENCES persons(id),
    county_code TEXT NOT NULL,
    form TEXT NOT NULL CHECK (form IN ('platform','part_time','self_employed','gig')),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    occupation TEXT NOT NULL DEFAULT '',
    -- 职业伤害保障: 1 yes, 0 no, NULL not stated.
    injury_cover INTEGER,
    name TEXT NOT NULL,
    phone_cipher BLOB,
    reported_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (employer_id, person_id, started_on),
    CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE INDEX platform_workers_employer ON platform_workers (employer_id, created_at);
CREATE INDEX platform_workers_county ON platform_workers (county_code, created_at);
CREATE INDEX platform_workers_person ON platform_workers (person_id);

-- In the statistics (0008, 0024): reports starting in a month by form, and open ones by
-- form (year 0), at the county, its city and the province.
CREATE VIEW stat_platform_worker_delta AS
SELECT 0 AS sign, '' AS county_code, '' AS form, '' AS started_on, NULL AS ended_on WHERE 0;

CREATE TRIGGER stat_platform_worker_delta_apply INSTEAD OF INSERT ON stat_platform_worker_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(substr(NEW.started_on, 1, 4) AS INTEGER), 'platform_workers', NEW.county_code,
           substr(NEW.started_on, 1, 7), NEW.form, '', NEW.sign, 0
    UNION ALL
    SELECT 0, 'platform_workers_open', NEW.county_code, '', NEW.form, '', NEW.sign, 0
    WHERE NEW.ended_on IS NULL;
END;

CREATE TRIGGER stat_platform_workers_insert AFTER INSERT ON platform_workers BEGIN
    INSERT INTO stat_platform_worker_delta VALUES (1, NEW.county_code, NEW.form, NEW.started_on, NEW.ended_on);
END;
CREATE TRIGGER stat_platform_workers_update AFTER UPDATE OF county_code, form, started_on, ended_on ON platform_workers
WHEN OLD.county_code IS NOT NEW.county_code OR OLD.form IS NOT NEW.form
  OR OLD.started_on IS NOT NEW.started_on OR OLD.ended_on IS NOT NEW.ended_on
BEGIN
    INSERT INTO stat_platform_worker_delta VALUES (-1, OLD.county_code, OLD.form, OLD.started_on, OLD.ended_on);
    INSERT INTO stat_platform_worker_delta VALUES (1, NEW.county_code, NEW.form, NEW.started_on, NEW.ended_on);
END;
CREATE TRIGGER stat_platform_workers_delete AFTER DELETE ON platform_workers BEGIN
    INSERT INTO stat_platform_worker_delta VALUES (-1, OLD.county_code, OLD.form, OLD.started_on, OLD.ended_on);
END;
