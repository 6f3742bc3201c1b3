-- PostgreSQL only: row-level security by a row's own county
-- (migrations/postgres/0014_region_row_security.sql). An embedded SQLite database has one
-- user; the file exists so both backends keep the same list of migrations.
SELECT 1;
