-- Pre-aggregated statistics (四(七), 五(十二), 五(十三)), kept exact by triggers.
--
-- Every figure on the dashboards is a sum over `stat_cells`. Each cell is kept at the
-- county, its city and the province, so a dashboard reads only the cells of the region it
-- shows and of that region's children, never the raw rows.
--
-- Each source table contributes a function of its row's state (the stat_*_delta functions
-- below, the same definitions as the SQLite views' INSTEAD OF triggers): an INSERT adds the
-- new state (+1), a DELETE takes away the old one (-1), an UPDATE does both. A rebuild is
-- the same function applied to every row (`linghuo stats rebuild`).
--
-- Months and years are China Standard Time (UTC+8).

CREATE TABLE stat_cells (
    year INTEGER NOT NULL,
    metric TEXT NOT NULL,
    region_code TEXT NOT NULL,
    period TEXT NOT NULL,
    k1 TEXT NOT NULL,
    k2 TEXT NOT NULL,
    n BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    PRIMARY KEY (year, region_code, metric, period, k1, k2)
);

CREATE TABLE stat_people (
    year INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    grp TEXT NOT NULL,
    person_id UUID NOT NULL,
    hires BIGINT NOT NULL,
    PRIMARY KEY (year, region_code, grp, person_id)
);

-- PostgreSQL keeps every version of a row a transaction updates until it ends, so bumping
-- the same province cell many times in one transaction would cost more each time. The
-- triggers therefore append deltas here (never updated), readers add them to the cells, and
-- `stat_compact()` (every minute in the server, and before checks) folds them into the cells
-- in one statement. Readers see either the deltas or the folded cells, never both or neither.
CREATE TABLE stat_pending (
    year INTEGER NOT NULL,
    metric TEXT NOT NULL,
    region_code TEXT NOT NULL,
    period TEXT NOT NULL,
    k1 TEXT NOT NULL,
    k2 TEXT NOT NULL,
    n BIGINT NOT NULL,
    amount BIGINT NOT NULL
);
CREATE INDEX stat_pending_region ON stat_pending (year, region_code);

CREATE FUNCTION stat_compact() RETURNS BIGINT AS $$
DECLARE
    moved BIGINT;
BEGIN
    WITH gone AS (DELETE FROM stat_pending RETURNING *),
    folded AS (
        INSERT INTO stat_cells AS c (year, metric, region_code, period, k1, k2, n, amount)
        SELECT year, metric, region_code, period, k1, k2, SUM(n), SUM(amount) FROM gone
        GROUP BY year, metric, region_code, period, k1, k2
        ON CONFLICT (year, region_code, metric, period, k1, k2)
        DO UPDATE SET n = c.n + EXCLUDED.n, amount = c.amount + EXCLUDED.amount
        RETURNING 1
    )
    SELECT count(*) INTO moved FROM folded;
    RETURN moved;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_cst(t TIMESTAMPTZ) RETURNS TIMESTAMP AS $$
    SELECT (t AT TIME ZONE 'UTC') + INTERVAL '8 hours'
$$ LANGUAGE sql IMMUTABLE;
CREATE FUNCTION stat_year(t TIMESTAMPTZ) RETURNS INTEGER AS $$
    SELECT extract(year FROM stat_cst(t))::INTEGER
$$ LANGUAGE sql IMMUTABLE;
CREATE FUNCTION stat_month(t TIMESTAMPTZ) RETURNS TEXT AS $$
    SELECT to_char(stat_cst(t), 'YYYY-MM')
$$ LANGUAGE sql IMMUTABLE;
CREATE FUNCTION stat_levels(county TEXT) RETURNS TEXT[] AS $$
    SELECT ARRAY[county, substr(county, 1, 4) || '00', substr(county, 1, 2) || '0000']
$$ LANGUAGE sql IMMUTABLE;

-- Adds (n, amount) to a cell of a county, its city and the province.
CREATE FUNCTION stat_bump(y INTEGER, m TEXT, county TEXT, per TEXT, a TEXT, b TEXT, dn BIGINT, damount BIGINT)
RETURNS void AS $$
BEGIN
    IF dn = 0 AND damount = 0 THEN
        RETURN;
    END IF;
    INSERT INTO stat_pending (year, metric, region_code, period, k1, k2, n, amount)
    SELECT y, m, r, per, a, b, dn, damount FROM unnest(stat_levels(county)) AS r;
END
$$ LANGUAGE plpgsql;

-- The same for several cells of one county at once, in one statement (the trigger functions
-- below build the cells of a row and call this once: each statement a trigger runs costs).
CREATE TYPE stat_delta AS (year INTEGER, metric TEXT, period TEXT, k1 TEXT, k2 TEXT, n BIGINT, amount BIGINT);

CREATE FUNCTION stat_bump_all(county TEXT, cells stat_delta[]) RETURNS void AS $$
BEGIN
    INSERT INTO stat_pending (year, metric, region_code, period, k1, k2, n, amount)
    SELECT d.year, d.metric, r, d.period, d.k1, d.k2, d.n, d.amount
    FROM unnest(cells) AS d,
         unnest(ARRAY[county, substr(county, 1, 4) || '00', substr(county, 1, 2) || '0000']) AS r
    WHERE d.n <> 0 OR d.amount <> 0;
END
$$ LANGUAGE plpgsql;

-- Counts a hire of a person in a year and group at each level; the `people` cell moves only
-- when the person's first hire there arrives or the last one goes.
CREATE FUNCTION stat_person(sign INTEGER, y INTEGER, county TEXT, g TEXT, pid UUID) RETURNS void AS $$
BEGIN
    PERFORM stat_people_all(sign, y, county, ARRAY[g], pid);
END
$$ LANGUAGE plpgsql;

-- Counts a hire of a person in a year and groups at each level in two statements.
CREATE FUNCTION stat_people_all(sign INTEGER, y INTEGER, county TEXT, groups TEXT[], pid UUID) RETURNS void AS $$
BEGIN
    WITH up AS (
        INSERT INTO stat_people AS p (year, region_code, grp, person_id, hires)
        SELECT y, r, g, pid, sign
        FROM unnest(ARRAY[county, substr(county, 1, 4) || '00', substr(county, 1, 2) || '0000']) AS r,
             unnest(groups) AS g
        ON CONFLICT (year, region_code, grp, person_id) DO UPDATE SET hires = p.hires + EXCLUDED.hires
        RETURNING p.region_code, p.grp, p.hires
    )
    INSERT INTO stat_pending (year, metric, region_code, period, k1, k2, n, amount)
    SELECT y, 'people', up.region_code, '', up.grp, '', sign, 0 FROM up
    WHERE (sign = 1 AND up.hires = 1) OR (sign = -1 AND up.hires = 0);
    IF sign = -1 THEN
        DELETE FROM stat_people
        WHERE year = y AND person_id = pid AND hires = 0 AND grp = ANY(groups)
          AND region_code IN (county, substr(county, 1, 4) || '00', substr(county, 1, 2) || '0000');
    END IF;
END
$$ LANGUAGE plpgsql;

-- ------------------------------------------------------------------ job posts
CREATE FUNCTION stat_post_delta(s INTEGER, p job_posts) RETURNS void AS $$
DECLARE
    y INTEGER := extract(year FROM (p.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::INTEGER;
BEGIN
    PERFORM stat_bump_all(p.county_code, ARRAY[
        (y, 'posts', to_char((p.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM'), '', '', s, 0),
        (y, 'posts_form', '', p.form, '', s, 0),
        (y, 'posts_occupation', '', p.occupation, '', s, 0),
        (y, 'live_posts', '', '', '', CASE WHEN p.status = 'live' THEN s ELSE 0 END, 0),
        -- Pay per hour to the nearest yuan (day = 8 hours, month = 174 hours; piece rates left out).
        (y, 'pay_hourly', '', p.occupation,
            ((CASE p.pay_unit WHEN 'hour' THEN p.pay_fen
                              WHEN 'day' THEN p.pay_fen / 8
                              ELSE p.pay_fen * 100 / 17400 END + 50) / 100)::TEXT,
            CASE WHEN p.pay_unit IN ('hour', 'day', 'month') THEN s ELSE 0 END, 0)
    ]::stat_delta[]);
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_posts_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.county_code IS NOT DISTINCT FROM NEW.county_code
           AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.form IS NOT DISTINCT FROM NEW.form
           AND OLD.occupation IS NOT DISTINCT FROM NEW.occupation AND OLD.pay_fen IS NOT DISTINCT FROM NEW.pay_fen
           AND OLD.pay_unit IS NOT DISTINCT FROM NEW.pay_unit AND OLD.status IS NOT DISTINCT FROM NEW.status THEN
            RETURN NULL;
        END IF;
        PERFORM stat_post_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_post_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_posts AFTER INSERT OR UPDATE OR DELETE ON job_posts
FOR EACH ROW EXECUTE FUNCTION stat_posts_trigger();

-- ------------------------------------------------------------------ hires
-- Days from posting to hire in tenths; groups: everyone, older (50 or over in the year of
-- the hire) and 就业困难人员 (as recorded when the hire is counted).
CREATE FUNCTION stat_hire_delta(s INTEGER, h hires) RETURNS void AS $$
DECLARE
    y INTEGER := extract(year FROM (h.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::INTEGER;
    info RECORD;
    groups TEXT[];
    tenth TEXT;
BEGIN
    SELECT p.occupation, p.created_at AS posted_at,
           (SELECT birth_year FROM persons WHERE id = h.person_id) AS birth_year,
           EXISTS (SELECT 1 FROM person_groups WHERE person_id = h.person_id AND group_code = 'hard_to_employ') AS hard
    INTO info FROM job_posts p WHERE p.id = h.post_id;
    groups := ARRAY['all']
        || CASE WHEN y - info.birth_year >= 50 THEN ARRAY['older'] ELSE ARRAY[]::TEXT[] END
        || CASE WHEN info.hard THEN ARRAY['hard_to_employ'] ELSE ARRAY[]::TEXT[] END;
    tenth := ((round(extract(epoch FROM (h.created_at - info.posted_at)) * 1000)::BIGINT + 4320000) / 8640000)::TEXT;
    PERFORM stat_bump_all(h.county_code, ARRAY[
        (y, 'hires', to_char((h.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM'), '', '', s, 0),
        (y, 'hires_form', '', h.form, '', s, 0),
        (y, 'hires_occupation', '', info.occupation, '', s, 0)
    ]::stat_delta[] || ARRAY(SELECT (y, 'days_to_hire', '', g, tenth, s, 0)::stat_delta FROM unnest(groups) g));
    PERFORM stat_people_all(s, y, h.county_code, groups, h.person_id);
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_hires_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.county_code IS NOT DISTINCT FROM NEW.county_code
           AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.form IS NOT DISTINCT FROM NEW.form
           AND OLD.post_id IS NOT DISTINCT FROM NEW.post_id AND OLD.person_id IS NOT DISTINCT FROM NEW.person_id THEN
            RETURN NULL;
        END IF;
        PERFORM stat_hire_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_hire_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_hires AFTER INSERT OR UPDATE OR DELETE ON hires
FOR EACH ROW EXECUTE FUNCTION stat_hires_trigger();

-- A person recorded as 就业困难人员 after (or no longer after) their hires: their hires join (or
-- leave) the group's figures, so the cells stay what a rebuild from the rows would give.
CREATE FUNCTION stat_hard_delta(s INTEGER, pid UUID) RETURNS void AS $$
DECLARE
    h RECORD;
BEGIN
    FOR h IN SELECT hi.county_code, hi.created_at, hi.person_id, p.created_at AS posted_at
             FROM hires hi LEFT JOIN job_posts p ON p.id = hi.post_id WHERE hi.person_id = pid LOOP
        IF h.posted_at IS NOT NULL THEN
            PERFORM stat_bump(stat_year(h.created_at), 'days_to_hire', h.county_code, '', 'hard_to_employ',
                ((round(extract(epoch FROM (h.created_at - h.posted_at)) * 1000)::BIGINT + 4320000) / 8640000)::TEXT, s, 0);
        END IF;
        PERFORM stat_person(s, stat_year(h.created_at), h.county_code, 'hard_to_employ', h.person_id);
    END LOOP;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_hard_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.group_code = 'hard_to_employ' THEN
        IF TG_OP = 'UPDATE' AND OLD.person_id IS NOT DISTINCT FROM NEW.person_id
           AND OLD.group_code IS NOT DISTINCT FROM NEW.group_code THEN
            RETURN NULL;
        END IF;
        PERFORM stat_hard_delta(-1, OLD.person_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.group_code = 'hard_to_employ' THEN
        IF TG_OP = 'UPDATE' AND OLD.person_id IS NOT DISTINCT FROM NEW.person_id
           AND OLD.group_code IS NOT DISTINCT FROM NEW.group_code THEN
            RETURN NULL;
        END IF;
        PERFORM stat_hard_delta(1, NEW.person_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_hard AFTER INSERT OR UPDATE OR DELETE ON person_groups
FOR EACH ROW EXECUTE FUNCTION stat_hard_trigger();

-- ------------------------------------------------------------------ pay records
-- Unconfirmed pay by due date (year 0): the overdue count is the sum before today.
CREATE FUNCTION stat_pay_delta(s INTEGER, r pay_records) RETURNS void AS $$
BEGIN
    IF r.worker_confirmed_at IS NULL THEN
        PERFORM stat_bump(0, 'unconfirmed_pay', h.county_code, r.due_on::TEXT, '', '', s, 0)
        FROM hires h WHERE h.id = r.hire_id;
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_pay_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.hire_id IS NOT DISTINCT FROM NEW.hire_id
           AND OLD.due_on IS NOT DISTINCT FROM NEW.due_on
           AND OLD.worker_confirmed_at IS NOT DISTINCT FROM NEW.worker_confirmed_at THEN
            RETURN NULL;
        END IF;
        PERFORM stat_pay_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_pay_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_pay AFTER INSERT OR UPDATE OR DELETE ON pay_records
FOR EACH ROW EXECUTE FUNCTION stat_pay_trigger();

-- ------------------------------------------------------------------ registrations
-- New registrations by month of start and kind; open ones by kind (year 0).
CREATE FUNCTION stat_registration_delta(s INTEGER, r registrations) RETURNS void AS $$
BEGIN
    PERFORM stat_bump(extract(year FROM r.started_on)::INTEGER, 'registrations', r.county_code,
        to_char(r.started_on, 'YYYY-MM'), r.kind, '', s, 0);
    IF r.ended_on IS NULL THEN
        PERFORM stat_bump(0, 'registrations_open', r.county_code, '', r.kind, '', s, 0);
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_registrations_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.county_code IS NOT DISTINCT FROM NEW.county_code
           AND OLD.kind IS NOT DISTINCT FROM NEW.kind AND OLD.started_on IS NOT DISTINCT FROM NEW.started_on
           AND OLD.ended_on IS NOT DISTINCT FROM NEW.ended_on THEN
            RETURN NULL;
        END IF;
        PERFORM stat_registration_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_registration_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_registrations AFTER INSERT OR UPDATE OR DELETE ON registrations
FOR EACH ROW EXECUTE FUNCTION stat_registrations_trigger();

-- ------------------------------------------------------------------ the benefit funnel
-- eligible (found by screening) -> notified (the person was told) -> applied -> granted ->
-- paid, each counted in the month it happened, per benefit, with amounts; and days from
-- application to payment.
ALTER TABLE eligibility_seen ADD COLUMN notified_at TIMESTAMPTZ;

CREATE FUNCTION stat_seen_delta(s INTEGER, e eligibility_seen) RETURNS void AS $$
DECLARE
    county TEXT := (SELECT jurisdiction_code FROM persons WHERE id = e.person_id);
BEGIN
    PERFORM stat_bump(stat_year(e.seen_at), 'funnel', county, stat_month(e.seen_at), e.benefit,
        'eligible', s, s * e.amount_fen);
    IF e.notified_at IS NOT NULL THEN
        PERFORM stat_bump(stat_year(e.notified_at), 'funnel', county, stat_month(e.notified_at),
            e.benefit, 'notified', s, s * e.amount_fen);
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_seen_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.person_id IS NOT DISTINCT FROM NEW.person_id
           AND OLD.benefit IS NOT DISTINCT FROM NEW.benefit AND OLD.amount_fen IS NOT DISTINCT FROM NEW.amount_fen
           AND OLD.seen_at IS NOT DISTINCT FROM NEW.seen_at AND OLD.notified_at IS NOT DISTINCT FROM NEW.notified_at THEN
            RETURN NULL;
        END IF;
        PERFORM stat_seen_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_seen_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_seen AFTER INSERT OR UPDATE OR DELETE ON eligibility_seen
FOR EACH ROW EXECUTE FUNCTION stat_seen_trigger();

CREATE FUNCTION stat_application_delta(s INTEGER, a benefit_applications) RETURNS void AS $$
BEGIN
    PERFORM stat_bump(stat_year(a.created_at), 'funnel', a.county_code, stat_month(a.created_at),
        a.benefit, 'applied', s, s * a.amount_fen);
    IF a.status = 'approved' AND a.decided_at IS NOT NULL THEN
        PERFORM stat_bump(stat_year(a.decided_at), 'funnel', a.county_code, stat_month(a.decided_at),
            a.benefit, 'granted', s, s * a.amount_fen);
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_applications_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.county_code IS NOT DISTINCT FROM NEW.county_code
           AND OLD.benefit IS NOT DISTINCT FROM NEW.benefit AND OLD.status IS NOT DISTINCT FROM NEW.status
           AND OLD.amount_fen IS NOT DISTINCT FROM NEW.amount_fen AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
           AND OLD.decided_at IS NOT DISTINCT FROM NEW.decided_at THEN
            RETURN NULL;
        END IF;
        PERFORM stat_application_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_application_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_applications AFTER INSERT OR UPDATE OR DELETE ON benefit_applications
FOR EACH ROW EXECUTE FUNCTION stat_applications_trigger();

-- Paid instructions: counted in the month the bank result was recorded; days to pay run from
-- the application (or the instruction, when there is none) to that day, in whole CST days.
CREATE FUNCTION stat_instruction_delta(s INTEGER, i payment_instructions) RETURNS void AS $$
DECLARE
    since TIMESTAMPTZ;
BEGIN
    IF i.status <> 'paid' THEN
        RETURN;
    END IF;
    since := coalesce((SELECT created_at FROM benefit_applications WHERE id = i.application_id), i.created_at);
    PERFORM stat_bump(stat_year(i.updated_at), 'funnel', i.county_code, stat_month(i.updated_at),
        i.benefit, 'paid', s, s * i.amount_fen);
    PERFORM stat_bump(stat_year(i.updated_at), 'days_to_pay', i.county_code, '', i.benefit,
        (stat_cst(i.updated_at)::DATE - stat_cst(since)::DATE)::TEXT, s, 0);
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_instructions_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND NOT (OLD.status = 'paid' OR NEW.status = 'paid') THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.county_code IS NOT DISTINCT FROM NEW.county_code
           AND OLD.benefit IS NOT DISTINCT FROM NEW.benefit AND OLD.status IS NOT DISTINCT FROM NEW.status
           AND OLD.amount_fen IS NOT DISTINCT FROM NEW.amount_fen
           AND OLD.application_id IS NOT DISTINCT FROM NEW.application_id
           AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
           AND OLD.updated_at IS NOT DISTINCT FROM NEW.updated_at THEN
            RETURN NULL;
        END IF;
        PERFORM stat_instruction_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_instruction_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_instructions AFTER INSERT OR UPDATE OR DELETE ON payment_instructions
FOR EACH ROW EXECUTE FUNCTION stat_instructions_trigger();

-- ------------------------------------------------------------------ complaints
-- Received by month and category; resolved by month with the time it took (tenths of a day).
CREATE FUNCTION stat_complaint_delta(s INTEGER, c complaints) RETURNS void AS $$
BEGIN
    PERFORM stat_bump(stat_year(c.created_at), 'complaints', c.county_code, stat_month(c.created_at),
        c.category, 'received', s, 0);
    IF c.resolved_at IS NOT NULL THEN
        PERFORM stat_bump(stat_year(c.resolved_at), 'complaints', c.county_code, stat_month(c.resolved_at),
            c.category, 'resolved', s, 0);
        PERFORM stat_bump(stat_year(c.resolved_at), 'days_to_resolve', c.county_code, '', c.category,
            ((round(extract(epoch FROM (c.resolved_at - c.created_at)) * 1000)::BIGINT + 4320000) / 8640000)::TEXT, s, 0);
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_complaints_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.county_code IS NOT DISTINCT FROM NEW.county_code
           AND OLD.category IS NOT DISTINCT FROM NEW.category AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
           AND OLD.resolved_at IS NOT DISTINCT FROM NEW.resolved_at THEN
            RETURN NULL;
        END IF;
        PERFORM stat_complaint_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_complaint_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_complaints AFTER INSERT OR UPDATE OR DELETE ON complaints
FOR EACH ROW EXECUTE FUNCTION stat_complaints_trigger();

-- ------------------------------------------------------------------ training
-- Enrolments by month of enrolment and completions by month of completion, per course kind.
CREATE FUNCTION stat_enrolment_delta(s INTEGER, e training_enrolments) RETURNS void AS $$
DECLARE
    c training_courses;
BEGIN
    SELECT * INTO c FROM training_courses WHERE id = e.course_id;
    IF c.id IS NULL THEN
        RETURN;
    END IF;
    PERFORM stat_bump(stat_year(e.created_at), 'training', c.county_code, stat_month(e.created_at),
        c.kind, 'enrolled', s, 0);
    IF e.status = 'completed' AND e.completed_on IS NOT NULL THEN
        PERFORM stat_bump(extract(year FROM e.completed_on)::INTEGER, 'training', c.county_code,
            to_char(e.completed_on, 'YYYY-MM'), c.kind, 'completed', s, 0);
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_enrolments_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.course_id IS NOT DISTINCT FROM NEW.course_id
           AND OLD.status IS NOT DISTINCT FROM NEW.status AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
           AND OLD.completed_on IS NOT DISTINCT FROM NEW.completed_on THEN
            RETURN NULL;
        END IF;
        PERFORM stat_enrolment_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_enrolment_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_enrolments AFTER INSERT OR UPDATE OR DELETE ON training_enrolments
FOR EACH ROW EXECUTE FUNCTION stat_enrolments_trigger();

-- ------------------------------------------------------------------ recruitment events
-- Registrations by month of registering, check-ins by month of check-in, hires recorded as
-- outcomes by month of the outcome.
CREATE FUNCTION stat_event_delta(s INTEGER, r event_registrations) RETURNS void AS $$
DECLARE
    county TEXT := (SELECT county_code FROM recruitment_events WHERE id = r.event_id);
BEGIN
    IF county IS NULL THEN
        RETURN;
    END IF;
    PERFORM stat_bump(stat_year(r.created_at), 'events', county, stat_month(r.created_at), '', 'registered', s, 0);
    IF r.checked_in_at IS NOT NULL THEN
        PERFORM stat_bump(stat_year(r.checked_in_at), 'events', county, stat_month(r.checked_in_at),
            '', 'checked_in', s, 0);
    END IF;
    IF r.outcome_at IS NOT NULL AND r.hires > 0 THEN
        PERFORM stat_bump(stat_year(r.outcome_at), 'events', county, stat_month(r.outcome_at),
            '', 'hired', s * r.hires, 0);
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION stat_event_registrations_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.event_id IS NOT DISTINCT FROM NEW.event_id
           AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at
           AND OLD.checked_in_at IS NOT DISTINCT FROM NEW.checked_in_at
           AND OLD.hires IS NOT DISTINCT FROM NEW.hires AND OLD.outcome_at IS NOT DISTINCT FROM NEW.outcome_at THEN
            RETURN NULL;
        END IF;
        PERFORM stat_event_delta(-1, OLD);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM stat_event_delta(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER stat_event_registrations AFTER INSERT OR UPDATE OR DELETE ON event_registrations
FOR EACH ROW EXECUTE FUNCTION stat_event_registrations_trigger();

-- ------------------------------------------------------------------ backfill
SELECT count(stat_post_delta(1, t)) FROM job_posts t;
SELECT count(stat_hire_delta(1, t)) FROM hires t;
SELECT count(stat_pay_delta(1, t)) FROM pay_records t;
SELECT count(stat_registration_delta(1, t)) FROM registrations t;
SELECT count(stat_seen_delta(1, t)) FROM eligibility_seen t;
SELECT count(stat_application_delta(1, t)) FROM benefit_applications t;
SELECT count(stat_instruction_delta(1, t)) FROM payment_instructions t;
SELECT count(stat_complaint_delta(1, t)) FROM complaints t;
SELECT count(stat_enrolment_delta(1, t)) FROM training_enrolments t;
SELECT count(stat_event_delta(1, t)) FROM event_registrations t;
SELECT stat_compact();
