-- Two-person account administration (SECURITY.md B6): every change to an account's
-- existence, role, scope, permissions or credentials is proposed by one administrator and
-- applied only when an administrator of the complementary role approves it. New and reset
-- accounts are enrolled by their owner with a code delivered to the owner, never shown to an
-- administrator.

CREATE TABLE account_changes (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('create','disable','enable','set_access','reset_credentials')),
    target_username TEXT NOT NULL,
    target_user_id UUID,
    display_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    scope_code TEXT,
    permissions TEXT NOT NULL DEFAULT '',
    contact_phone BYTEA,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending','applied','rejected','withdrawn','expired')),
    proposed_by UUID NOT NULL REFERENCES users(id),
    proposed_by_role TEXT NOT NULL,
    proposed_at TIMESTAMPTZ NOT NULL,
    decided_by UUID REFERENCES users(id),
    decided_at TIMESTAMPTZ,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX account_changes_one_pending ON account_changes(target_username) WHERE status = 'pending';
CREATE INDEX account_changes_proposed ON account_changes(proposed_at);

CREATE TABLE enrolments (
    user_id UUID PRIMARY KEY REFERENCES users(id),
    code_hash BYTEA NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    pending_totp BYTEA,
    created_at TIMESTAMPTZ NOT NULL
);
