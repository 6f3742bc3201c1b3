-- no-transaction
-- Pay as gig work is really paid (issue 13): a post's pay is the typed model of
-- linghuo-market as JSON (`pay`), the text the employer wrote (`pay_text`), and the
-- estimates per hour and per day the statistics and SQL read (`pay_hour_fen`,
-- `pay_day_fen`, NULL when the pay states nothing to estimate from). `pay_fen` and
-- `pay_unit` stay as the plain amount (the lower end) and unit code, and now accept posts
-- without an amount (面议, 按单结算) and the new units.
--
-- SQLite cannot drop NOT NULL or change a CHECK in place, so job_posts is rebuilt the
-- documented way (https://www.sqlite.org/lang_altertable.html#otheralter): outside a
-- transaction (first line), foreign keys off, a new table, copy, drop, rename, then every
-- index and trigger of job_posts again. Triggers on other tables name job_posts in their
-- bodies; legacy_alter_table keeps the rename from checking them while the old table is
-- gone. The foreign keys are checked before commit.
--
-- Existing rows read as before: `pay` holds the same amount and unit, `pay_text` what the
-- pages showed ("200.00元/天"), and the estimates are the day = 8 h, month = 174 h
-- normalisation they were counted with. The statistics cells are moved from the old
-- definition (pay_fen/pay_unit) to the hourly estimate exactly: every post is taken out
-- under the old definition and put back under the new one.

PRAGMA foreign_keys = OFF;
BEGIN;

INSERT INTO stat_post_delta
SELECT -1, county_code, created_at, form, occupation, pay_fen, pay_unit, status FROM job_posts;

CREATE TABLE job_posts_new (
    id BLOB PRIMARY KEY,
    employer_id BLOB NOT NULL REFERENCES employers(id),
    external_id TEXT,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    occupation TEXT NOT NULL,
    form TEXT NOT NULL CHECK (form IN ('gig','hourly','part_time','short_term','platform','long_term')),
    county_code TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    schedule TEXT NOT NULL DEFAULT '{}',
    hours_per_week INTEGER,
    pay_fen INTEGER CHECK (pay_fen IS NULL OR pay_fen > 0),
    pay_unit TEXT CHECK (pay_unit IS NULL OR pay_unit IN
        ('hour','half_day','day','shift','week','month','days','piece')),
    headcount INTEGER NOT NULL CHECK (headcount > 0),
    hired_count INTEGER NOT NULL DEFAULT 0,
    required_certificates TEXT NOT NULL DEFAULT '[]',
    accident_cover INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('live','held','rejected','filled','expired','closed')),
    screening TEXT NOT NULL DEFAULT '[]',
    expires_on TEXT NOT NULL,
    posted_by BLOB,
    reviewed_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    skills TEXT NOT NULL DEFAULT '[]',
    pay TEXT NOT NULL,
    pay_text TEXT NOT NULL DEFAULT '',
    pay_hour_fen INTEGER,
    pay_day_fen INTEGER,
    UNIQUE (employer_id, external_id),
    CHECK (hired_count <= headcount)
);

INSERT INTO job_posts_new (
    id, employer_id, external_id, title, description, occupation, form, county_code, address,
    lat, lon, starts_on, ends_on, schedule, hours_per_week, pay_fen, pay_unit, headcount,
    hired_count, required_certificates, accident_cover, status, screening, expires_on,
    posted_by, reviewed_by, created_at, updated_at, skills,
    pay, pay_text, pay_hour_fen, pay_day_fen)
SELECT
    id, employer_id, external_id, title, description, occupation, form, county_code, address,
    lat, lon, starts_on, ends_on, schedule, hours_per_week, pay_fen, pay_unit, headcount,
    hired_count, required_certificates, accident_cover, status, screening, expires_on,
    posted_by, reviewed_by, created_at, updated_at, skills,
    CASE pay_unit
        WHEN 'piece' THEN json_object('basis', 'piece', 'unit', '件', 'min_fen', pay_fen)
        ELSE json_object('basis', 'time', 'unit', pay_unit, 'min_fen', pay_fen)
    END,
    printf('%d.%02d元/%s', pay_fen / 100, pay_fen % 100,
        CASE pay_unit WHEN 'hour' THEN '小时' WHEN 'day' THEN '天' WHEN 'month' THEN '月' ELSE '件' END),
    -- Rounded to the nearest fen, as linghuo-market's estimate without hours.
    CASE pay_unit
        WHEN 'hour' THEN pay_fen
        WHEN 'day' THEN (pay_fen + 4) / 8
        WHEN 'month' THEN (pay_fen + 87) / 174
    END,
    CASE pay_unit
        WHEN 'hour' THEN pay_fen * 8
        WHEN 'day' THEN pay_fen
        WHEN 'month' THEN (pay_fen * 8 + 87) / 174
    END
FROM job_posts;

DROP TABLE job_posts;
PRAGMA legacy_alter_table = ON;
ALTER TABLE job_posts_new RENAME TO job_posts;
PRAGMA legacy_alter_table = OFF;

CREATE INDEX job_posts_status_county ON job_posts(status, county_code);
CREATE INDEX job_posts_employer ON job_posts(employer_id);
CREATE INDEX job_posts_status ON job_posts (status, expires_on);

-- The statistics of posts, now with the hourly estimate (same metrics as 0008_stats).
DROP VIEW stat_post_delta;
CREATE VIEW stat_post_delta AS
SELECT 0 AS sign, '' AS county_code, '' AS created_at, '' AS form, '' AS occupation,
       0 AS pay_hour_fen, '' AS status WHERE 0;

CREATE TRIGGER stat_post_delta_apply INSTEAD OF INSERT ON stat_post_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT y, 'posts', NEW.county_code, m, '', '', NEW.sign, 0 FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y,
                strftime('%Y-%m', NEW.created_at, '+8 hours') AS m)
    UNION ALL
    SELECT y, 'posts_form', NEW.county_code, '', NEW.form, '', NEW.sign, 0 FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
    UNION ALL
    SELECT y, 'posts_occupation', NEW.county_code, '', NEW.occupation, '', NEW.sign, 0 FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
    UNION ALL
    SELECT y, 'live_posts', NEW.county_code, '', '', '', NEW.sign, 0 FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
    WHERE NEW.status = 'live'
    UNION ALL
    -- The estimated pay per hour to the nearest yuan (posts without an estimate left out).
    SELECT y, 'pay_hourly', NEW.county_code, '', NEW.occupation,
           CAST((NEW.pay_hour_fen + 50) / 100 AS TEXT), NEW.sign, 0 FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
    WHERE NEW.pay_hour_fen IS NOT NULL;
END;

CREATE TRIGGER stat_posts_insert AFTER INSERT ON job_posts BEGIN
    INSERT INTO stat_post_delta VALUES (1, NEW.county_code, NEW.created_at, NEW.form,
        NEW.occupation, NEW.pay_hour_fen, NEW.status);
END;
CREATE TRIGGER stat_posts_update AFTER UPDATE OF county_code, created_at, form, occupation, pay_hour_fen, status ON job_posts
WHEN OLD.county_code IS NOT NEW.county_code OR OLD.created_at IS NOT NEW.created_at
  OR OLD.form IS NOT NEW.form OR OLD.occupation IS NOT NEW.occupation
  OR OLD.pay_hour_fen IS NOT NEW.pay_hour_fen OR OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO stat_post_delta VALUES (-1, OLD.county_code, OLD.created_at, OLD.form,
        OLD.occupation, OLD.pay_hour_fen, OLD.status);
    INSERT INTO stat_post_delta VALUES (1, NEW.county_code, NEW.created_at, NEW.form,
        NEW.occupation, NEW.pay_hour_fen, NEW.status);
END;
CREATE TRIGGER stat_posts_delete AFTER DELETE ON job_posts BEGIN
    INSERT INTO stat_post_delta VALUES (-1, OLD.county_code, OLD.created_at, OLD.form,
        OLD.occupation, OLD.pay_hour_fen, OLD.status);
END;

INSERT INTO stat_post_delta
SELECT 1, county_code, created_at, form, occupation, pay_hour_fen, status FROM job_posts;

-- Stop here, rolling back, if any reference no longer holds.
CREATE TEMP TABLE market_pay_fk_guard (violations INTEGER NOT NULL CHECK (violations = 0));
INSERT INTO market_pay_fk_guard SELECT count(*) FROM pragma_foreign_key_check;
DROP TABLE market_pay_fk_guard;

COMMIT;
PRAGMA foreign_keys = ON;
