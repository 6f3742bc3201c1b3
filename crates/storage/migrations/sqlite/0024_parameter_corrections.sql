-- Policy views for staff (issue 17 items 9 and 10).
--
-- 1. Corrections of policy parameters proposed by province staff and approved by a second
--    province staff member. An approved correction is a new version of the parameter in
--    force from `effective_from`; the engine applies the approved ones after the
--    configuration file's overrides, ordered by effective day and then by approval time
--    (docs/policy-engine.md, "Corrections approved on the platform").
CREATE TABLE parameter_corrections (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed','approved','rejected')),
    proposed_by BLOB NOT NULL,
    proposed_at TEXT NOT NULL,
    decided_by BLOB,
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT '',
    -- The recalculation preview as the approver saw it (JSON), kept with the decision.
    preview TEXT NOT NULL DEFAULT '',
    CHECK ((status = 'proposed') = (decided_by IS NULL))
);
CREATE INDEX parameter_corrections_status ON parameter_corrections (status, effective_from);

-- 2. 灵活就业登记 by form in the statistics: the registration cells carry the flexible form
--    (part_time, self_employed, platform, gig; '' when none is recorded) as their second key.
--    Figures that did not distinguish it sum over it, so they are unchanged.
DROP TRIGGER stat_registrations_insert;
DROP TRIGGER stat_registrations_update;
DROP TRIGGER stat_registrations_delete;
DROP TRIGGER stat_registration_delta_apply;
DROP VIEW stat_registration_delta;

CREATE VIEW stat_registration_delta AS
SELECT 0 AS sign, '' AS county_code, '' AS kind, '' AS started_on, NULL AS ended_on,
       NULL AS flexible_form WHERE 0;

CREATE TRIGGER stat_registration_delta_apply INSTEAD OF INSERT ON stat_registration_delta
BEGIN
    INSERT INTO stat_bump (year, metric, county_code, period, k1, k2, n, amount)
    SELECT CAST(substr(NEW.started_on, 1, 4) AS INTEGER), 'registrations', NEW.county_code,
           substr(NEW.started_on, 1, 7), NEW.kind, COALESCE(NEW.flexible_form, ''), NEW.sign, 0
    UNION ALL
    SELECT 0, 'registrations_open', NEW.county_code, '', NEW.kind, COALESCE(NEW.flexible_form, ''), NEW.sign, 0
    WHERE NEW.ended_on IS NULL;
END;

CREATE TRIGGER stat_registrations_insert AFTER INSERT ON registrations BEGIN
    INSERT INTO stat_registration_delta VALUES (1, NEW.county_code, NEW.kind, NEW.started_on, NEW.ended_on, NEW.flexible_form);
END;
CREATE TRIGGER stat_registrations_update AFTER UPDATE OF county_code, kind, started_on, ended_on, flexible_form ON registrations
WHEN OLD.county_code IS NOT NEW.county_code OR OLD.kind IS NOT NEW.kind
  OR OLD.started_on IS NOT NEW.started_on OR OLD.ended_on IS NOT NEW.ended_on
  OR OLD.flexible_form IS NOT NEW.flexible_form
BEGIN
    INSERT INTO stat_registration_delta VALUES (-1, OLD.county_code, OLD.kind, OLD.started_on, OLD.ended_on, OLD.flexible_form);
    INSERT INTO stat_registration_delta VALUES (1, NEW.county_code, NEW.kind, NEW.started_on, NEW.ended_on, NEW.flexible_form);
END;
CREATE TRIGGER stat_registrations_delete AFTER DELETE ON registrations BEGIN
    INSERT INTO stat_registration_delta VALUES (-1, OLD.county_code, OLD.kind, OLD.started_on, OLD.ended_on, OLD.flexible_form);
END;

-- The existing registration cells, keyed again with the form.
DELETE FROM stat_cells WHERE metric IN ('registrations', 'registrations_open');
DELETE FROM stat_pending WHERE metric IN ('registrations', 'registrations_open');
INSERT INTO stat_registration_delta
SELECT 1, county_code, kind, started_on, ended_on, flexible_form FROM registrations;
