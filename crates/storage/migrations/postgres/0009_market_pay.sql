-- Pay as gig work is really paid (issue 13): a post's pay is the typed model of
-- linghuo-market as JSON (`pay`), the text the employer wrote (`pay_text`), and the
-- estimates per hour and per day the statistics and SQL read (`pay_hour_fen`,
-- `pay_day_fen`, NULL when the pay states nothing to estimate from). `pay_fen` and
-- `pay_unit` stay as the plain amount (the lower end) and unit code, and now accept posts
-- without an amount (面议, 按单结算) and the new units. Same columns as the SQLite
-- migration, which has to rebuild the table; here ALTER TABLE does it in place.
--
-- Existing rows read as before: `pay` holds the same amount and unit, `pay_text` what the
-- pages showed ("200.00元/天"), and the estimates are the day = 8 h, month = 174 h
-- normalisation they were counted with. The statistics move from the old definition
-- (pay_fen/pay_unit) to the hourly estimate exactly: every post is taken out under the old
-- definition and put back under the new one.

SELECT count(stat_post_delta(-1, t)) FROM job_posts t;

ALTER TABLE job_posts ALTER COLUMN pay_fen DROP NOT NULL;
ALTER TABLE job_posts ALTER COLUMN pay_unit DROP NOT NULL;
-- 长期/全职 is a form too (gig markets carry it, and people look for it).
ALTER TABLE job_posts DROP CONSTRAINT job_posts_form_check;
ALTER TABLE job_posts ADD CONSTRAINT job_posts_form_check
    CHECK (form IN ('gig','hourly','part_time','short_term','platform','long_term'));
ALTER TABLE job_posts DROP CONSTRAINT job_posts_pay_unit_check;
ALTER TABLE job_posts ADD CONSTRAINT job_posts_pay_unit_check
    CHECK (pay_unit IN ('hour','half_day','day','shift','week','month','days','piece'));
ALTER TABLE job_posts
    ADD COLUMN pay TEXT,
    ADD COLUMN pay_text TEXT NOT NULL DEFAULT '',
    ADD COLUMN pay_hour_fen BIGINT,
    ADD COLUMN pay_day_fen BIGINT;

-- The trigger of 0008 ignores this update: none of the columns it reads changes.
UPDATE job_posts SET
    pay = (CASE pay_unit
        WHEN 'piece' THEN jsonb_build_object('basis', 'piece', 'unit', '件', 'min_fen', pay_fen)
        ELSE jsonb_build_object('basis', 'time', 'unit', pay_unit, 'min_fen', pay_fen)
    END)::TEXT,
    pay_text = (pay_fen / 100)::TEXT || '.' || lpad((pay_fen % 100)::TEXT, 2, '0') || '元/' ||
        CASE pay_unit WHEN 'hour' THEN '小时' WHEN 'day' THEN '天' WHEN 'month' THEN '月' ELSE '件' END,
    -- Rounded to the nearest fen, as linghuo-market's estimate without hours.
    pay_hour_fen = CASE pay_unit
        WHEN 'hour' THEN pay_fen
        WHEN 'day' THEN (pay_fen + 4) / 8
        WHEN 'month' THEN (pay_fen + 87) / 174
    END,
    pay_day_fen = CASE pay_unit
        WHEN 'hour' THEN pay_fen * 8
        WHEN 'day' THEN pay_fen
        WHEN 'month' THEN (pay_fen * 8 + 87) / 174
    END;
ALTER TABLE job_posts ALTER COLUMN pay SET NOT NULL;

-- The statistics of posts, now with the hourly estimate (same metrics as 0008_stats).
CREATE OR REPLACE FUNCTION stat_post_delta(s INTEGER, p job_posts) RETURNS void AS $$
DECLARE
    y INTEGER := extract(year FROM (p.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours')::INTEGER;
BEGIN
    PERFORM stat_bump_all(p.county_code, ARRAY[
        (y, 'posts', to_char((p.created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM'), '', '', s, 0),
        (y, 'posts_form', '', p.form, '', s, 0),
        (y, 'posts_occupation', '', p.occupation, '', s, 0),
        (y, 'live_posts', '', '', '', CASE WHEN p.status = 'live' THEN s ELSE 0 END, 0),
        -- The estimated pay per hour to the nearest yuan (posts without an estimate left out).
        (y, 'pay_hourly', '', p.occupation,
            coalesce(((p.pay_hour_fen + 50) / 100)::TEXT, ''),
            CASE WHEN p.pay_hour_fen IS NOT NULL THEN s ELSE 0 END, 0)
    ]::stat_delta[]);
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION stat_posts_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.county_code IS NOT DISTINCT FROM NEW.county_code
           AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at AND OLD.form IS NOT DISTINCT FROM NEW.form
           AND OLD.occupation IS NOT DISTINCT FROM NEW.occupation
           AND OLD.pay_hour_fen IS NOT DISTINCT FROM NEW.pay_hour_fen
           AND OLD.status IS NOT DISTINCT FROM NEW.status THEN
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

SELECT count(stat_post_delta(1, t)) FROM job_posts t;
SELECT stat_compact();
