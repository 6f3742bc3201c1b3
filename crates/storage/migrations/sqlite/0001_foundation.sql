-- Foundation: accounts, sessions, login throttling, the person registry and the audit chain.
-- SQLite flavour; migrations/postgres/0001_foundation.sql is the same schema for PostgreSQL.

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('worker','employer','staff','sysadmin','secadmin','auditadmin')),
    scope_code TEXT,
    permissions TEXT NOT NULL DEFAULT '',
    person_id BLOB,
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    password_changed_at TEXT NOT NULL,
    totp_secret BLOB,
    totp_enabled INTEGER NOT NULL DEFAULT 0,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    last_login_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((role = 'staff') = (scope_code IS NOT NULL))
);

CREATE TABLE password_history (
    user_id BLOB NOT NULL REFERENCES users(id),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id BLOB REFERENCES users(id),
    stage TEXT NOT NULL CHECK (stage IN ('anonymous','second_factor','password_change','active')),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    authenticated_at TEXT,
    last_seen_at TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_throttle (
    subject BLOB PRIMARY KEY,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    window_start TEXT NOT NULL,
    window_attempts INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE persons (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    id_cipher BLOB NOT NULL,
    id_index BLOB NOT NULL UNIQUE,
    phone_cipher BLOB,
    phone_index BLOB,
    key_version INTEGER NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('male','female')),
    birth_year INTEGER NOT NULL,
    jurisdiction_code TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    sensitivity TEXT NOT NULL DEFAULT 'personal',
    created_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX persons_jurisdiction ON persons(jurisdiction_code);
CREATE INDEX persons_phone_index ON persons(phone_index);
CREATE INDEX persons_name ON persons(name);

CREATE TABLE person_groups (
    id BLOB PRIMARY KEY,
    person_id BLOB NOT NULL REFERENCES persons(id),
    group_code TEXT NOT NULL,
    since TEXT,
    until TEXT,
    evidence TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('registry','staff_checked','self_declared')),
    verified INTEGER NOT NULL DEFAULT 0,
    recorded_by BLOB,
    recorded_at TEXT NOT NULL,
    UNIQUE (person_id, group_code)
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BLOB,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    event_type TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success','failure','denied')),
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    region_code TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}',
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
);
CREATE INDEX audit_log_event ON audit_log(event_type);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

-- The head of the hash chain: one row, updated in the same transaction as each append,
-- which serialises appenders and makes the chain order the commit order.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, X'0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
