-- Row-level security for the staff queues (SECURITY.md B4), after 0013.
--
-- 0013 shows the scoped role a row keyed by a person only when its person lies in the
-- transaction's region. A row that also carries its own `county_code` — an application, a
-- complaint, a 用工登记 — belongs to the county that handles it, which need not be the
-- person's own (a worker from one county complains about an employer in another; a hire
-- is registered where the work is). The staff queues select by that column, so under
-- the scoped role such a row is visible when either its county or its person lies in the
-- region (permissive policies are OR'ed): a query that forgot its region filter still sees
-- nothing outside the region, and no queue row the service shows today disappears. A later
-- table with both columns gets this policy too (a test checks every such table).
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
          AND EXISTS (
              SELECT 1 FROM information_schema.columns d
              WHERE d.table_schema = 'public' AND d.table_name = c.table_name
                AND d.column_name = 'county_code')
        ORDER BY c.table_name
    LOOP
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO linghuo_scoped '
                       'USING (linghuo_scope_prefix() <> '''' '
                       'AND starts_with(county_code, linghuo_scope_prefix()))',
                       t || '_scoped_county', t);
    END LOOP;
END
$$;
