-- Pre-aggregated statistics (四(七), 五(十二), 五(十三)), kept exact by triggers.
--
-- Every figure on the dashboards is a sum over `stat_cells`. Each cell is kept at the
-- county, its city and the province, so a dashboard reads only the cells of the region it
-- shows and of that region's children, never the raw rows.
--
-- Each source table contributes a function of its row's state: an INSERT adds the new
-- state (+1), a DELETE takes away the old one (-1), an UPDATE does both. That keeps the
-- cells equal to what the raw rows say at every commit, whatever code path wrote the rows,
-- and a rebuild is the same function applied to every row (`linghuo stats rebuild`).
-- The "delta" views below carry that function; their INSTEAD OF triggers are the only
-- place where a metric is defined. PostgreSQL has the same definitions as functions.
--
-- Months and years are China Standard Time (UTC+8).

CREATE TABLE stat_cells (
    year INTEGER NOT NULL,          -- 0 for cells that are not tied to a year
    metric TEXT NOT NULL,
    region_code TEXT NOT NULL,      -- county, city or province code
    period TEXT NOT NULL,           -- 'YYYY-MM', a date, or '' for yearly cells
    k1 TEXT NOT NULL,
    k2 TEXT NOT NULL,
    n INTEGER NOT NULL,
    amount INTEGER NOT NULL,        -- fen, where the metric has an amount
    PRIMARY KEY (year, region_code, metric, period, k1, k2)
) WITHOUT ROWID;

-- Distinct people per year, region and group, with how many hires each has there.
CREATE TABLE stat_people (
    year INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    grp TEXT NOT NULL,
    person_id BLOB NOT NULL,
    hires INTEGER NOT NULL,
    PRIMARY KEY (year, region_code, grp, person_id)
) WITHOUT ROWID;

-- PostgreSQL appends deltas here and folds them into the cells every minute (see its
-- migration); SQLite updates cells in place and leaves this empty. Readers add both.
CREATE TABLE stat_pending (
    year INTEGER NOT NULL,
    metric TEXT NOT NULL,
    region_code TEXT NOT NULL,
    period TEXT NOT NULL,
    k1 TEXT NOT NULL,
    k2 TEXT NOT NULL,
    n INTEGER NOT NULL,
    amount INTEGER NOT NULL
);
CREATE INDEX stat_pending_region ON stat_pending (year, region_code);

-- ------------------------------------------------------------------ the bump
-- One row inserted here adds (n, amount) to a cell of a county, its city and the province.
CREATE VIEW stat_bump AS
SELECT 0 AS year, '' AS metric, '' AS county_code, '' AS period, '' AS k1, '' AS k2,
       0 AS n, 0 AS amount WHERE 0;

CREATE TRIGGER stat_bump_apply INSTEAD OF INSERT ON stat_bump
WHEN NEW.n <> 0 OR NEW.amount <> 0
BEGIN
    INSERT INTO stat_cells (year, metric, region_code, period, k1, k2, n, amount)
    SELECT NEW.year, NEW.metric, r.code, NEW.period, NEW.k1, NEW.k2, NEW.n, NEW.amount
    FROM (SELECT NEW.county_code AS code
          UNION ALL SELECT substr(NEW.county_code, 1, 4) || '00'
          UNION ALL SELECT substr(NEW.county_code, 1, 2) || '0000') r
    WHERE true
    ON CONFLICT (year, region_code, metric, period, k1, k2)
    DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount;
END;

-- One row here counts a hire of a person in a year and group at each level; the `people`
-- cell moves only when the person's first hire there arrives or the last one goes.
CREATE VIEW stat_person_delta AS
SELECT 0 AS sign, 0 AS year, '' AS county_code, '' AS grp, NULL AS person_id WHERE 0;

CREATE TRIGGER stat_person_delta_apply INSTEAD OF INSERT ON stat_person_delta
BEGIN
    INSERT INTO stat_people (year, region_code, grp, person_id, hires)
    SELECT NEW.year, r.code, NEW.grp, NEW.person_id, NEW.sign
    FROM (SELECT NEW.county_code AS code
          UNION ALL SELECT substr(NEW.county_code, 1, 4) || '00'
          UNION ALL SELECT substr(NEW.county_code, 1, 2) || '0000') r
    WHERE true
    ON CONFLICT (year, region_code, grp, person_id) DO UPDATE SET hires = hires + excluded.hires;
    -- After the change: +1 where the person now has exactly NEW.sign hires (0 -> 1),
    -- -1 where they now have none (1 -> 0).
    INSERT INTO stat_cells (year, metric, region_code, period, k1, k2, n, amount)
    SELECT NEW.year, 'people', p.region_code, '', NEW.grp, '', CASE WHEN p.hires = 0 THEN -1 ELSE 1 END, 0
    FROM stat_people p
    WHERE p.year = NEW.year AND p.grp = NEW.grp AND p.person_id = NEW.person_id
      AND p.region_code IN (NEW.county_code, substr(NEW.county_code, 1, 4) || '00',
                            substr(NEW.county_code, 1, 2) || '0000')
      AND ((NEW.sign = 1 AND p.hires = 1) OR (NEW.sign = -1 AND p.hires = 0))
    ON CONFLICT (year, region_code, metric, period, k1, k2) DO UPDATE SET n = n + excluded.n;
    DELETE FROM stat_people
    WHERE year = NEW.year AND grp = NEW.grp AND person_id = NEW.person_id AND hires = 0
      AND region_code IN (NEW.county_code, substr(NEW.county_code, 1, 4) || '00',
                          substr(NEW.county_code, 1, 2) || '0000');
END;

-- ------------------------------------------------------------------ job posts
CREATE VIEW stat_post_delta AS
SELECT 0 AS sign, '' AS county_code, '' AS created_at, '' AS form, '' AS occupation,
       0 AS pay_fen, '' AS pay_unit, '' AS status WHERE 0;

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
    -- Pay per hour to the nearest yuan (day = 8 hours, month = 174 hours; piece rates left out).
    SELECT y, 'pay_hourly', NEW.county_code, '', NEW.occupation, CAST(h AS TEXT), NEW.sign, 0 FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y,
                (CASE NEW.pay_unit WHEN 'hour' THEN NEW.pay_fen
                                   WHEN 'day' THEN NEW.pay_fen / 8
                                   ELSE NEW.pay_fen * 100 / 17400 END + 50) / 100 AS h)
    WHERE NEW.pay_unit IN ('hour', 'day', 'month');
END;

CREATE TRIGGER stat_posts_insert AFTER INSERT ON job_posts BEGIN
    INSERT INTO stat_post_delta VALUES (1, NEW.county_code, NEW.created_at, NEW.form,
        NEW.occupation, NEW.pay_fen, NEW.pay_unit, NEW.status);
END;
CREATE TRIGGER stat_posts_update AFTER UPDATE OF county_code, created_at, form, occupation, pay_fen, pay_unit, status ON job_posts
WHEN OLD.county_code IS NOT NEW.county_code OR OLD.created_at IS NOT NEW.created_at
  OR OLD.form IS NOT NEW.form OR OLD.occupation IS NOT NEW.occupation
  OR OLD.pay_fen IS NOT NEW.pay_fen OR OLD.pay_unit IS NOT NEW.pay_unit
  OR OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO stat_post_delta VALUES (-1, OLD.county_code, OLD.created_at, OLD.form,
        OLD.occupation, OLD.pay_fen, OLD.pay_unit, OLD.status);
    INSERT INTO stat_post_delta VALUES (1, NEW.county_code, NEW.created_at, NEW.form,
        NEW.occupation, NEW.pay_fen, NEW.pay_unit, NEW.status);
END;
CREATE TRIGGER stat_posts_delete AFTER DELETE ON job_posts BEGIN
    INSERT INTO stat_post_delta VALUES (-1, OLD.county_code, OLD.created_at, OLD.form,
        OLD.occupation, OLD.pay_fen, OLD.pay_unit, OLD.status);
END;

-- ------------------------------------------------------------------ hires
-- Days from posting to hire in tenths; groups: everyone, older (50 or over in the year of
-- the hire) and 就业困难人员 (as recorded when the hire is counted).
CREATE VIEW stat_hire_delta AS
SELECT 0 AS sign, '' AS county_code, '' AS created_at, '' AS form, NULL AS post_id,
       NULL AS person_id WHERE 0;

CREATE TRIGGER stat_hire_delta_apply INSTEAD OF INSERT ON stat_hire_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT y, 'hires', NEW.county_code, m, '', '', NEW.sign, 0 FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y,
                strftime('%Y-%m', NEW.created_at, '+8 hours') AS m)
    UNION ALL
    SELECT y, 'hires_form', NEW.county_code, '', NEW.form, '', NEW.sign, 0 FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
    UNION ALL
    SELECT y, 'hires_occupation', NEW.county_code, '', p.occupation, '', NEW.sign, 0 FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
        JOIN job_posts p ON p.id = NEW.post_id;

    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT g.y, 'days_to_hire', NEW.county_code, '', g.grp,
           CAST((CAST(round((julianday(NEW.created_at) - julianday(p.created_at)) * 86400000) AS INTEGER) + 4320000) / 8640000 AS TEXT),
           NEW.sign, 0
    FROM job_posts p,
         (SELECT y, 'all' AS grp FROM (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
          UNION ALL
          SELECT y, 'older' FROM (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
          WHERE y - (SELECT birth_year FROM persons WHERE id = NEW.person_id) >= 50
          UNION ALL
          SELECT y, 'hard_to_employ' FROM (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
          WHERE EXISTS (SELECT 1 FROM person_groups WHERE person_id = NEW.person_id AND group_code = 'hard_to_employ')) g
    WHERE p.id = NEW.post_id;

    INSERT INTO stat_person_delta (sign, year, county_code, grp, person_id)
    SELECT NEW.sign, y, NEW.county_code, 'all', NEW.person_id FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
    UNION ALL
    SELECT NEW.sign, y, NEW.county_code, 'older', NEW.person_id FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
    WHERE y - (SELECT birth_year FROM persons WHERE id = NEW.person_id) >= 50
    UNION ALL
    SELECT NEW.sign, y, NEW.county_code, 'hard_to_employ', NEW.person_id FROM
        (SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER) AS y)
    WHERE EXISTS (SELECT 1 FROM person_groups WHERE person_id = NEW.person_id AND group_code = 'hard_to_employ');
END;

CREATE TRIGGER stat_hires_insert AFTER INSERT ON hires BEGIN
    INSERT INTO stat_hire_delta VALUES (1, NEW.county_code, NEW.created_at, NEW.form, NEW.post_id, NEW.person_id);
END;
CREATE TRIGGER stat_hires_update AFTER UPDATE OF county_code, created_at, form, post_id, person_id ON hires
WHEN OLD.county_code IS NOT NEW.county_code OR OLD.created_at IS NOT NEW.created_at
  OR OLD.form IS NOT NEW.form OR OLD.post_id IS NOT NEW.post_id OR OLD.person_id IS NOT NEW.person_id
BEGIN
    INSERT INTO stat_hire_delta VALUES (-1, OLD.county_code, OLD.created_at, OLD.form, OLD.post_id, OLD.person_id);
    INSERT INTO stat_hire_delta VALUES (1, NEW.county_code, NEW.created_at, NEW.form, NEW.post_id, NEW.person_id);
END;
CREATE TRIGGER stat_hires_delete AFTER DELETE ON hires BEGIN
    INSERT INTO stat_hire_delta VALUES (-1, OLD.county_code, OLD.created_at, OLD.form, OLD.post_id, OLD.person_id);
END;

-- A person recorded as 就业困难人员 after (or no longer after) their hires: their hires join (or
-- leave) the group's figures, so the cells stay what a rebuild from the rows would give.
CREATE VIEW stat_hard_delta AS SELECT 0 AS sign, NULL AS person_id WHERE 0;

CREATE TRIGGER stat_hard_delta_apply INSTEAD OF INSERT ON stat_hard_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(strftime('%Y', h.created_at, '+8 hours') AS INTEGER), 'days_to_hire', h.county_code, '',
           'hard_to_employ',
           CAST((CAST(round((julianday(h.created_at) - julianday(p.created_at)) * 86400000) AS INTEGER) + 4320000) / 8640000 AS TEXT),
           NEW.sign, 0
    FROM hires h JOIN job_posts p ON p.id = h.post_id
    WHERE h.person_id = NEW.person_id;
    INSERT INTO stat_person_delta (sign, year, county_code, grp, person_id)
    SELECT NEW.sign, CAST(strftime('%Y', h.created_at, '+8 hours') AS INTEGER), h.county_code,
           'hard_to_employ', h.person_id
    FROM hires h WHERE h.person_id = NEW.person_id;
END;

CREATE TRIGGER stat_hard_insert AFTER INSERT ON person_groups WHEN NEW.group_code = 'hard_to_employ' BEGIN
    INSERT INTO stat_hard_delta VALUES (1, NEW.person_id);
END;
CREATE TRIGGER stat_hard_update AFTER UPDATE OF person_id, group_code ON person_groups
WHEN (OLD.person_id IS NOT NEW.person_id OR OLD.group_code IS NOT NEW.group_code)
  AND (OLD.group_code = 'hard_to_employ' OR NEW.group_code = 'hard_to_employ')
BEGIN
    INSERT INTO stat_hard_delta SELECT -1, OLD.person_id WHERE OLD.group_code = 'hard_to_employ';
    INSERT INTO stat_hard_delta SELECT 1, NEW.person_id WHERE NEW.group_code = 'hard_to_employ';
END;
CREATE TRIGGER stat_hard_delete AFTER DELETE ON person_groups WHEN OLD.group_code = 'hard_to_employ' BEGIN
    INSERT INTO stat_hard_delta VALUES (-1, OLD.person_id);
END;

-- ------------------------------------------------------------------ pay records
-- Unconfirmed pay by due date (year 0): the overdue count is the sum before today.
CREATE VIEW stat_pay_delta AS
SELECT 0 AS sign, NULL AS hire_id, '' AS due_on, NULL AS worker_confirmed_at WHERE 0;

CREATE TRIGGER stat_pay_delta_apply INSTEAD OF INSERT ON stat_pay_delta
WHEN NEW.worker_confirmed_at IS NULL
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT 0, 'unconfirmed_pay', h.county_code, NEW.due_on, '', '', NEW.sign, 0
    FROM hires h WHERE h.id = NEW.hire_id;
END;

CREATE TRIGGER stat_pay_insert AFTER INSERT ON pay_records BEGIN
    INSERT INTO stat_pay_delta VALUES (1, NEW.hire_id, NEW.due_on, NEW.worker_confirmed_at);
END;
CREATE TRIGGER stat_pay_update AFTER UPDATE OF hire_id, due_on, worker_confirmed_at ON pay_records
WHEN OLD.hire_id IS NOT NEW.hire_id OR OLD.due_on IS NOT NEW.due_on
  OR OLD.worker_confirmed_at IS NOT NEW.worker_confirmed_at
BEGIN
    INSERT INTO stat_pay_delta VALUES (-1, OLD.hire_id, OLD.due_on, OLD.worker_confirmed_at);
    INSERT INTO stat_pay_delta VALUES (1, NEW.hire_id, NEW.due_on, NEW.worker_confirmed_at);
END;
CREATE TRIGGER stat_pay_delete AFTER DELETE ON pay_records BEGIN
    INSERT INTO stat_pay_delta VALUES (-1, OLD.hire_id, OLD.due_on, OLD.worker_confirmed_at);
END;

-- ------------------------------------------------------------------ registrations
-- New registrations by month of start and kind; open ones by kind (year 0).
CREATE VIEW stat_registration_delta AS
SELECT 0 AS sign, '' AS county_code, '' AS kind, '' AS started_on, NULL AS ended_on WHERE 0;

CREATE TRIGGER stat_registration_delta_apply INSTEAD OF INSERT ON stat_registration_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(substr(NEW.started_on, 1, 4) AS INTEGER), 'registrations', NEW.county_code,
           substr(NEW.started_on, 1, 7), NEW.kind, '', NEW.sign, 0
    UNION ALL
    SELECT 0, 'registrations_open', NEW.county_code, '', NEW.kind, '', NEW.sign, 0
    WHERE NEW.ended_on IS NULL;
END;

CREATE TRIGGER stat_registrations_insert AFTER INSERT ON registrations BEGIN
    INSERT INTO stat_registration_delta VALUES (1, NEW.county_code, NEW.kind, NEW.started_on, NEW.ended_on);
END;
CREATE TRIGGER stat_registrations_update AFTER UPDATE OF county_code, kind, started_on, ended_on ON registrations
WHEN OLD.county_code IS NOT NEW.county_code OR OLD.kind IS NOT NEW.kind
  OR OLD.started_on IS NOT NEW.started_on OR OLD.ended_on IS NOT NEW.ended_on
BEGIN
    INSERT INTO stat_registration_delta VALUES (-1, OLD.county_code, OLD.kind, OLD.started_on, OLD.ended_on);
    INSERT INTO stat_registration_delta VALUES (1, NEW.county_code, NEW.kind, NEW.started_on, NEW.ended_on);
END;
CREATE TRIGGER stat_registrations_delete AFTER DELETE ON registrations BEGIN
    INSERT INTO stat_registration_delta VALUES (-1, OLD.county_code, OLD.kind, OLD.started_on, OLD.ended_on);
END;

-- ------------------------------------------------------------------ the benefit funnel
-- eligible (found by screening) -> notified (the person was told) -> applied -> granted ->
-- paid, each counted in the month it happened, per benefit, with amounts; and days from
-- application to payment.
ALTER TABLE eligibility_seen ADD COLUMN notified_at TEXT;

CREATE VIEW stat_seen_delta AS
SELECT 0 AS sign, NULL AS person_id, '' AS benefit, 0 AS amount_fen, '' AS seen_at,
       NULL AS notified_at WHERE 0;

CREATE TRIGGER stat_seen_delta_apply INSTEAD OF INSERT ON stat_seen_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(strftime('%Y', NEW.seen_at, '+8 hours') AS INTEGER), 'funnel', p.jurisdiction_code,
           strftime('%Y-%m', NEW.seen_at, '+8 hours'), NEW.benefit, 'eligible', NEW.sign, NEW.sign * NEW.amount_fen
    FROM persons p WHERE p.id = NEW.person_id
    UNION ALL
    SELECT CAST(strftime('%Y', NEW.notified_at, '+8 hours') AS INTEGER), 'funnel', p.jurisdiction_code,
           strftime('%Y-%m', NEW.notified_at, '+8 hours'), NEW.benefit, 'notified', NEW.sign, NEW.sign * NEW.amount_fen
    FROM persons p WHERE p.id = NEW.person_id AND NEW.notified_at IS NOT NULL;
END;

CREATE TRIGGER stat_seen_insert AFTER INSERT ON eligibility_seen BEGIN
    INSERT INTO stat_seen_delta VALUES (1, NEW.person_id, NEW.benefit, NEW.amount_fen, NEW.seen_at, NEW.notified_at);
END;
CREATE TRIGGER stat_seen_update AFTER UPDATE OF person_id, benefit, amount_fen, seen_at, notified_at ON eligibility_seen
WHEN OLD.person_id IS NOT NEW.person_id OR OLD.benefit IS NOT NEW.benefit
  OR OLD.amount_fen IS NOT NEW.amount_fen OR OLD.seen_at IS NOT NEW.seen_at
  OR OLD.notified_at IS NOT NEW.notified_at
BEGIN
    INSERT INTO stat_seen_delta VALUES (-1, OLD.person_id, OLD.benefit, OLD.amount_fen, OLD.seen_at, OLD.notified_at);
    INSERT INTO stat_seen_delta VALUES (1, NEW.person_id, NEW.benefit, NEW.amount_fen, NEW.seen_at, NEW.notified_at);
END;
CREATE TRIGGER stat_seen_delete AFTER DELETE ON eligibility_seen BEGIN
    INSERT INTO stat_seen_delta VALUES (-1, OLD.person_id, OLD.benefit, OLD.amount_fen, OLD.seen_at, OLD.notified_at);
END;

CREATE VIEW stat_application_delta AS
SELECT 0 AS sign, '' AS county_code, '' AS benefit, '' AS status, 0 AS amount_fen,
       '' AS created_at, NULL AS decided_at WHERE 0;

CREATE TRIGGER stat_application_delta_apply INSTEAD OF INSERT ON stat_application_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER), 'funnel', NEW.county_code,
           strftime('%Y-%m', NEW.created_at, '+8 hours'), NEW.benefit, 'applied', NEW.sign, NEW.sign * NEW.amount_fen
    UNION ALL
    SELECT CAST(strftime('%Y', NEW.decided_at, '+8 hours') AS INTEGER), 'funnel', NEW.county_code,
           strftime('%Y-%m', NEW.decided_at, '+8 hours'), NEW.benefit, 'granted', NEW.sign, NEW.sign * NEW.amount_fen
    WHERE NEW.status = 'approved' AND NEW.decided_at IS NOT NULL;
END;

CREATE TRIGGER stat_applications_insert AFTER INSERT ON benefit_applications BEGIN
    INSERT INTO stat_application_delta VALUES (1, NEW.county_code, NEW.benefit, NEW.status, NEW.amount_fen, NEW.created_at, NEW.decided_at);
END;
CREATE TRIGGER stat_applications_update AFTER UPDATE OF county_code, benefit, status, amount_fen, created_at, decided_at ON benefit_applications
WHEN OLD.county_code IS NOT NEW.county_code OR OLD.benefit IS NOT NEW.benefit
  OR OLD.status IS NOT NEW.status OR OLD.amount_fen IS NOT NEW.amount_fen
  OR OLD.created_at IS NOT NEW.created_at OR OLD.decided_at IS NOT NEW.decided_at
BEGIN
    INSERT INTO stat_application_delta VALUES (-1, OLD.county_code, OLD.benefit, OLD.status, OLD.amount_fen, OLD.created_at, OLD.decided_at);
    INSERT INTO stat_application_delta VALUES (1, NEW.county_code, NEW.benefit, NEW.status, NEW.amount_fen, NEW.created_at, NEW.decided_at);
END;
CREATE TRIGGER stat_applications_delete AFTER DELETE ON benefit_applications BEGIN
    INSERT INTO stat_application_delta VALUES (-1, OLD.county_code, OLD.benefit, OLD.status, OLD.amount_fen, OLD.created_at, OLD.decided_at);
END;

-- Paid instructions: counted in the month the bank result was recorded; days to pay run from
-- the application (or the instruction, when there is none) to that day, in whole CST days.
CREATE VIEW stat_instruction_delta AS
SELECT 0 AS sign, '' AS county_code, '' AS benefit, '' AS status, 0 AS amount_fen,
       NULL AS application_id, '' AS created_at, '' AS updated_at WHERE 0;

CREATE TRIGGER stat_instruction_delta_apply INSTEAD OF INSERT ON stat_instruction_delta
WHEN NEW.status = 'paid'
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(strftime('%Y', NEW.updated_at, '+8 hours') AS INTEGER), 'funnel', NEW.county_code,
           strftime('%Y-%m', NEW.updated_at, '+8 hours'), NEW.benefit, 'paid', NEW.sign, NEW.sign * NEW.amount_fen
    UNION ALL
    SELECT CAST(strftime('%Y', NEW.updated_at, '+8 hours') AS INTEGER), 'days_to_pay', NEW.county_code, '',
           NEW.benefit,
           CAST(CAST(julianday(date(NEW.updated_at, '+8 hours')) - julianday(date(
               coalesce((SELECT a.created_at FROM benefit_applications a WHERE a.id = NEW.application_id),
                        NEW.created_at), '+8 hours')) AS INTEGER) AS TEXT),
           NEW.sign, 0;
END;

CREATE TRIGGER stat_instructions_insert AFTER INSERT ON payment_instructions BEGIN
    INSERT INTO stat_instruction_delta VALUES (1, NEW.county_code, NEW.benefit, NEW.status, NEW.amount_fen, NEW.application_id, NEW.created_at, NEW.updated_at);
END;
CREATE TRIGGER stat_instructions_update AFTER UPDATE ON payment_instructions
WHEN (OLD.status = 'paid' OR NEW.status = 'paid') AND (
     OLD.county_code IS NOT NEW.county_code OR OLD.benefit IS NOT NEW.benefit
  OR OLD.status IS NOT NEW.status OR OLD.amount_fen IS NOT NEW.amount_fen
  OR OLD.application_id IS NOT NEW.application_id OR OLD.created_at IS NOT NEW.created_at
  OR OLD.updated_at IS NOT NEW.updated_at)
BEGIN
    INSERT INTO stat_instruction_delta VALUES (-1, OLD.county_code, OLD.benefit, OLD.status, OLD.amount_fen, OLD.application_id, OLD.created_at, OLD.updated_at);
    INSERT INTO stat_instruction_delta VALUES (1, NEW.county_code, NEW.benefit, NEW.status, NEW.amount_fen, NEW.application_id, NEW.created_at, NEW.updated_at);
END;
CREATE TRIGGER stat_instructions_delete AFTER DELETE ON payment_instructions BEGIN
    INSERT INTO stat_instruction_delta VALUES (-1, OLD.county_code, OLD.benefit, OLD.status, OLD.amount_fen, OLD.application_id, OLD.created_at, OLD.updated_at);
END;

-- ------------------------------------------------------------------ complaints
-- Received by month and category; resolved by month with the time it took (tenths of a day).
CREATE VIEW stat_complaint_delta AS
SELECT 0 AS sign, '' AS county_code, '' AS category, '' AS created_at, NULL AS resolved_at WHERE 0;

CREATE TRIGGER stat_complaint_delta_apply INSTEAD OF INSERT ON stat_complaint_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER), 'complaints', NEW.county_code,
           strftime('%Y-%m', NEW.created_at, '+8 hours'), NEW.category, 'received', NEW.sign, 0
    UNION ALL
    SELECT CAST(strftime('%Y', NEW.resolved_at, '+8 hours') AS INTEGER), 'complaints', NEW.county_code,
           strftime('%Y-%m', NEW.resolved_at, '+8 hours'), NEW.category, 'resolved', NEW.sign, 0
    WHERE NEW.resolved_at IS NOT NULL
    UNION ALL
    SELECT CAST(strftime('%Y', NEW.resolved_at, '+8 hours') AS INTEGER), 'days_to_resolve', NEW.county_code, '',
           NEW.category,
           CAST((CAST(round((julianday(NEW.resolved_at) - julianday(NEW.created_at)) * 86400000) AS INTEGER) + 4320000) / 8640000 AS TEXT),
           NEW.sign, 0
    WHERE NEW.resolved_at IS NOT NULL;
END;

CREATE TRIGGER stat_complaints_insert AFTER INSERT ON complaints BEGIN
    INSERT INTO stat_complaint_delta VALUES (1, NEW.county_code, NEW.category, NEW.created_at, NEW.resolved_at);
END;
CREATE TRIGGER stat_complaints_update AFTER UPDATE OF county_code, category, created_at, resolved_at ON complaints
WHEN OLD.county_code IS NOT NEW.county_code OR OLD.category IS NOT NEW.category
  OR OLD.created_at IS NOT NEW.created_at OR OLD.resolved_at IS NOT NEW.resolved_at
BEGIN
    INSERT INTO stat_complaint_delta VALUES (-1, OLD.county_code, OLD.category, OLD.created_at, OLD.resolved_at);
    INSERT INTO stat_complaint_delta VALUES (1, NEW.county_code, NEW.category, NEW.created_at, NEW.resolved_at);
END;
CREATE TRIGGER stat_complaints_delete AFTER DELETE ON complaints BEGIN
    INSERT INTO stat_complaint_delta VALUES (-1, OLD.county_code, OLD.category, OLD.created_at, OLD.resolved_at);
END;

-- ------------------------------------------------------------------ training
-- Enrolments by month of enrolment and completions by month of completion, per course kind.
CREATE VIEW stat_enrolment_delta AS
SELECT 0 AS sign, NULL AS course_id, '' AS status, '' AS created_at, NULL AS completed_on WHERE 0;

CREATE TRIGGER stat_enrolment_delta_apply INSTEAD OF INSERT ON stat_enrolment_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER), 'training', c.county_code,
           strftime('%Y-%m', NEW.created_at, '+8 hours'), c.kind, 'enrolled', NEW.sign, 0
    FROM training_courses c WHERE c.id = NEW.course_id
    UNION ALL
    SELECT CAST(substr(NEW.completed_on, 1, 4) AS INTEGER), 'training', c.county_code,
           substr(NEW.completed_on, 1, 7), c.kind, 'completed', NEW.sign, 0
    FROM training_courses c
    WHERE c.id = NEW.course_id AND NEW.status = 'completed' AND NEW.completed_on IS NOT NULL;
END;

CREATE TRIGGER stat_enrolments_insert AFTER INSERT ON training_enrolments BEGIN
    INSERT INTO stat_enrolment_delta VALUES (1, NEW.course_id, NEW.status, NEW.created_at, NEW.completed_on);
END;
CREATE TRIGGER stat_enrolments_update AFTER UPDATE OF course_id, status, created_at, completed_on ON training_enrolments
WHEN OLD.course_id IS NOT NEW.course_id OR OLD.status IS NOT NEW.status
  OR OLD.created_at IS NOT NEW.created_at OR OLD.completed_on IS NOT NEW.completed_on
BEGIN
    INSERT INTO stat_enrolment_delta VALUES (-1, OLD.course_id, OLD.status, OLD.created_at, OLD.completed_on);
    INSERT INTO stat_enrolment_delta VALUES (1, NEW.course_id, NEW.status, NEW.created_at, NEW.completed_on);
END;
CREATE TRIGGER stat_enrolments_delete AFTER DELETE ON training_enrolments BEGIN
    INSERT INTO stat_enrolment_delta VALUES (-1, OLD.course_id, OLD.status, OLD.created_at, OLD.completed_on);
END;

-- ------------------------------------------------------------------ recruitment events
-- Registrations by month of registering, check-ins by month of check-in, hires recorded as
-- outcomes by month of the outcome.
CREATE VIEW stat_event_delta AS
SELECT 0 AS sign, NULL AS event_id, '' AS created_at, NULL AS checked_in_at, 0 AS hires,
       NULL AS outcome_at WHERE 0;

CREATE TRIGGER stat_event_delta_apply INSTEAD OF INSERT ON stat_event_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(strftime('%Y', NEW.created_at, '+8 hours') AS INTEGER), 'events', e.county_code,
           strftime('%Y-%m', NEW.created_at, '+8 hours'), '', 'registered', NEW.sign, 0
    FROM recruitment_events e WHERE e.id = NEW.event_id
    UNION ALL
    SELECT CAST(strftime('%Y', NEW.checked_in_at, '+8 hours') AS INTEGER), 'events', e.county_code,
           strftime('%Y-%m', NEW.checked_in_at, '+8 hours'), '', 'checked_in', NEW.sign, 0
    FROM recruitment_events e WHERE e.id = NEW.event_id AND NEW.checked_in_at IS NOT NULL
    UNION ALL
    SELECT CAST(strftime('%Y', NEW.outcome_at, '+8 hours') AS INTEGER), 'events', e.county_code,
           strftime('%Y-%m', NEW.outcome_at, '+8 hours'), '', 'hired', NEW.sign * NEW.hires, 0
    FROM recruitment_events e WHERE e.id = NEW.event_id AND NEW.outcome_at IS NOT NULL AND NEW.hires > 0;
END;

CREATE TRIGGER stat_event_registrations_insert AFTER INSERT ON event_registrations BEGIN
    INSERT INTO stat_event_delta VALUES (1, NEW.event_id, NEW.created_at, NEW.checked_in_at, NEW.hires, NEW.outcome_at);
END;
CREATE TRIGGER stat_event_registrations_update AFTER UPDATE OF event_id, created_at, checked_in_at, hires, outcome_at ON event_registrations
WHEN OLD.event_id IS NOT NEW.event_id OR OLD.created_at IS NOT NEW.created_at
  OR OLD.checked_in_at IS NOT NEW.checked_in_at OR OLD.hires IS NOT NEW.hires
  OR OLD.outcome_at IS NOT NEW.outcome_at
BEGIN
    INSERT INTO stat_event_delta VALUES (-1, OLD.event_id, OLD.created_at, OLD.checked_in_at, OLD.hires, OLD.outcome_at);
    INSERT INTO stat_event_delta VALUES (1, NEW.event_id, NEW.created_at, NEW.checked_in_at, NEW.hires, NEW.outcome_at);
END;
CREATE TRIGGER stat_event_registrations_delete AFTER DELETE ON event_registrations BEGIN
    INSERT INTO stat_event_delta VALUES (-1, OLD.event_id, OLD.created_at, OLD.checked_in_at, OLD.hires, OLD.outcome_at);
END;

-- ------------------------------------------------------------------ backfill
INSERT INTO stat_post_delta SELECT 1, county_code, created_at, form, occupation, pay_fen, pay_unit, status FROM job_posts;
INSERT INTO stat_hire_delta SELECT 1, county_code, created_at, form, post_id, person_id FROM hires;
INSERT INTO stat_pay_delta SELECT 1, hire_id, due_on, worker_confirmed_at FROM pay_records;
INSERT INTO stat_registration_delta SELECT 1, county_code, kind, started_on, ended_on FROM registrations;
INSERT INTO stat_seen_delta SELECT 1, person_id, benefit, amount_fen, seen_at, notified_at FROM eligibility_seen;
INSERT INTO stat_application_delta SELECT 1, county_code, benefit, status, amount_fen, created_at, decided_at FROM benefit_applications;
INSERT INTO stat_instruction_delta SELECT 1, county_code, benefit, status, amount_fen, application_id, created_at, updated_at FROM payment_instructions;
INSERT INTO stat_complaint_delta SELECT 1, county_code, category, created_at, resolved_at FROM complaints;
INSERT INTO stat_enrolment_delta SELECT 1, course_id, status, created_at, completed_on FROM training_enrolments;
INSERT INTO stat_event_delta SELECT 1, event_id, created_at, checked_in_at, hires, outcome_at FROM event_registrations;
