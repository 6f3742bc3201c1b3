-- PostgreSQL as production runs it (SECURITY.md B4, E3): the server connects as an
-- application role that owns nothing, and staff reads of the person registry run under a
-- second role bound by row-level security to the staff member's region.
--
-- Roles (cluster-wide; created here when missing, which needs CREATEROLE, or made
-- beforehand by the database administrator):
--   linghuo_app     NOLOGIN. Rows only: SELECT, INSERT, UPDATE, DELETE on the tables; no
--                   DDL, no TRUNCATE; the audit log INSERT and SELECT only, its head SELECT
--                   and UPDATE only. The server's login role is made a member of it.
--   linghuo_scoped  NOLOGIN. SELECT only. A staff read transaction switches to it with
--                   SET LOCAL ROLE and sets `linghuo.scope` to the staff member's region
--                   prefix (storage::Db::begin_scoped); row-level security then shows it only
--                   person rows whose 管辖地 lies in that region, even when a query forgets
--                   its region filter. linghuo_app is a member, so the server may switch.
--
-- The owner (the role that runs the migrations) bypasses row-level security as every
-- table owner does; linghuo_app is not an owner, so its policy is an explicit `true`, which
-- the planner folds away (its queries keep their index plans). Tables created by later
-- migrations get the same grants through the default privileges below; a later table that
-- holds audit records must revoke UPDATE and DELETE itself, and a later table with a
-- `person_id` column must get the two policies (a test checks every such table).

DO $$
BEGIN
    BEGIN
        CREATE ROLE linghuo_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE linghuo_scoped NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    IF NOT EXISTS (
        SELECT 1 FROM pg_auth_members m
        JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
        WHERE r.rolname = 'linghuo_scoped' AND u.rolname = 'linghuo_app'
    ) THEN
        BEGIN
            GRANT linghuo_scoped TO linghuo_app;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    -- A server that connects as the owner itself (a single-role installation) may switch
    -- to the scoped role too; a superuser needs no membership.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'linghuo_scoped', 'MEMBER') THEN
        BEGIN
            EXECUTE format('GRANT linghuo_scoped TO %I', current_user);
        EXCEPTION WHEN insufficient_privilege OR duplicate_object OR unique_violation THEN
            RAISE NOTICE 'could not make % a member of linghuo_scoped', current_user;
        END;
    END IF;
END
$$;

-- Nobody but the owner creates objects in the schema (PostgreSQL 15 made this the default
-- for new databases; older ones and upgraded clusters still allow it to PUBLIC).
DO $$
BEGIN
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'the owner of schema public must revoke CREATE from PUBLIC';
END
$$;

GRANT USAGE ON SCHEMA public TO linghuo_app, linghuo_scoped;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO linghuo_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO linghuo_app;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO linghuo_scoped;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO linghuo_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO linghuo_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO linghuo_scoped;

-- The audit chain: rows are appended, never changed (the triggers of 0001 refuse it too);
-- the head row is only moved forward by the appender.
REVOKE UPDATE, DELETE ON audit_log FROM linghuo_app;
REVOKE INSERT, DELETE ON audit_head FROM linghuo_app;
-- The server checks that the schema is current; only `linghuo migrate` as the owner writes.
REVOKE INSERT, UPDATE, DELETE ON _sqlx_migrations FROM linghuo_app;

-- Row-level security on the person registry and every table keyed by a person.
CREATE FUNCTION linghuo_scope_prefix() RETURNS TEXT LANGUAGE sql STABLE AS $$
    -- No missing_ok: a scoped transaction that forgot to set the scope fails instead of
    -- seeing everything; an empty value (a setting reset at commit) shows nothing.
    SELECT current_setting('linghuo.scope')
$$;

ALTER TABLE persons ENABLE ROW LEVEL SECURITY;
CREATE POLICY persons_app ON persons TO linghuo_app USING (true) WITH CHECK (true);
CREATE POLICY persons_scoped ON persons FOR SELECT TO linghuo_scoped
    USING (linghuo_scope_prefix() <> '' AND starts_with(jurisdiction_code, linghuo_scope_prefix()));

DO $$
DECLARE
    t TEXT;
BEGIN
    FOR t IN
        SELECT c.table_name FROM information_schema.columns c
        JOIN information_schema.tables x
          ON x.table_schema = c.table_schema AND x.table_name = c.table_name
        WHERE c.table_schema = 'public' AND c.column_name = 'person_id'
          AND x.table_type = 'BASE TABLE' AND c.table_name <> 'users'
        ORDER BY c.table_name
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I TO linghuo_app USING (true) WITH CHECK (true)',
                       t || '_app', t);
        -- Visible iff its person is (the subquery is itself under persons' policy).
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO linghuo_scoped '
                       'USING (person_id IN (SELECT id FROM persons))', t || '_scoped', t);
    END LOOP;
END
$$;
