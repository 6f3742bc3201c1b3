-- Foundation: accounts, sessions, login throttling, the person registry and the audit chain.
-- PostgreSQL flavour; migrations/sqlite/0001_foundation.sql is the same schema for SQLite.

CREATE TABLE users (
    id UUID PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('worker','employer','staff','sysadmin','secadmin','auditadmin')),
    scope_code TEXT,
    permissions TEXT NOT NULL DEFAULT '',
    person_id UUID,
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    password_changed_at TIMESTAMPTZ NOT NULL,
    totp_secret BYTEA,
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    last_login_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    CHECK ((role = 'staff') = (scope_code IS NOT NULL))
);

CREATE TABLE password_history (
    user_id UUID NOT NULL REFERENCES users(id),
    password_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    user_id UUID REFERENCES users(id),
    stage TEXT NOT NULL CHECK (stage IN ('anonymous','second_factor','password_change','active')),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    authenticated_at TIMESTAMPTZ,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_throttle (
    subject BYTEA PRIMARY KEY,
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    window_start TIMESTAMPTZ NOT NULL,
    window_attempts BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE persons (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    id_cipher BYTEA NOT NULL,
    id_index BYTEA NOT NULL UNIQUE,
    phone_cipher BYTEA,
    phone_index BYTEA,
    key_version BIGINT NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('male','female')),
    birth_year BIGINT NOT NULL,
    jurisdiction_code TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    sensitivity TEXT NOT NULL DEFAULT 'personal',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX persons_jurisdiction ON persons(jurisdiction_code text_pattern_ops);
CREATE INDEX persons_phone_index ON persons(phone_index);
CREATE INDEX persons_name ON persons(name);

CREATE TABLE person_groups (
    id UUID PRIMARY KEY,
    person_id UUID NOT NULL REFERENCES persons(id),
    group_code TEXT NOT NULL,
    since DATE,
    until DATE,
    evidence TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('registry','staff_checked','self_declared')),
    verified BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by UUID,
    recorded_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, group_code)
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
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
    prev_hash BYTEA NOT NULL,
    hash BYTEA NOT NULL
);
CREATE INDEX audit_log_event ON audit_log(event_type);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

-- The head of the hash chain: one row, updated in the same transaction as each append,
-- which serialises appenders and makes the chain order the commit order.
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
