-- Policy views for staff (issue 17 items 9 and 10).
--
-- 1. Corrections of policy parameters proposed by province staff and approved by a second
--    province staff member. An approved correction is a new version of the parameter in
--    force from `effective_from`; the engine applies the approved ones after the
--    configuration file's overrides, ordered by effective day and then by approval time
--    (docs/policy-engine.md, "Corrections approved on the platform").
CREATE TABLE parameter_corrections (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    effective_from DATE NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed','approved','rejected')),
    proposed_by UUID NOT NULL,
    proposed_at TIMESTAMPTZ NOT NULL,
    decided_by UUID,
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT '',
    -- The recalculation preview as the approver saw it (JSON), kept with the decision.
    preview TEXT NOT NULL DEFAULT '',
    CHECK ((status = 'proposed') = (decided_by IS NULL))
);
CREATE INDEX parameter_corrections_status ON parameter_corrections (status, effective_from);

-- 2. 灵活就业登记 by form in the statistics: the registration cells carry the flexible form
--    (part_time, self_employed, platform, gig; '' when none is recorded) as their second key.
--    Figures that did not distinguish it sum over it, so they are unchanged.
CREATE OR REPLACE FUNCTION stat_registration_delta(s INTEGER, r registrations) RETURNS void AS $$
BEGIN
    PERFORM stat_bump(extract(year FROM r.started_on)::INTEGER, 'registrations', r.county_code,
        to_char(r.started_on, 'YYYY-MM'), r.kind, COALESCE(r.flexible_form, ''), s, 0);
    IF r.ended_on IS NULL THEN
        PERFORM stat_bump(0, 'registrations_open', r.county_code, '', r.kind,
            COALESCE(r.flexible_form, ''), s, 0);
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION stat_registrations_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'UPDATE' AND OLD.county_code IS NOT DISTINCT FROM NEW.county_code
           AND OLD.kind IS NOT DISTINCT FROM NEW.kind AND OLD.started_on IS NOT DISTINCT FROM NEW.started_on
           AND OLD.ended_on IS NOT DISTINCT FROM NEW.ended_on
           AND OLD.flexible_form IS NOT DISTINCT FROM NEW.flexible_form THEN
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

-- The existing registration cells, keyed again with the form.
SELECT stat_compact();
DELETE FROM stat_cells WHERE metric IN ('registrations', 'registrations_open');
DELETE FROM stat_pending WHERE metric IN ('registrations', 'registrations_open');
SELECT count(stat_registration_delta(1, t)) FROM registrations t;
