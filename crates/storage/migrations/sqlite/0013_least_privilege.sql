-- PostgreSQL only: the application role, its grants and row-level security
-- (migrations/postgres/0013_least_privilege.sql). An embedded SQLite database has one user;
-- the file exists so both backends keep the same list of migrations.
SELECT 1;
