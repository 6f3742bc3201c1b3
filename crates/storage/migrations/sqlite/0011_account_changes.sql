-- Two-person account administration (SECURITY.md B6): every change to an account's
-- existence, role, scope, permissions or credentials is proposed by one administrator and
-- applied only when an administrator of the complementary role approves it. New and reset
-- accounts are enrolled by their owner with a code delivered to the owner, never shown to an
-- administrator.

CREATE TABLE account_changes (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('create','disable','enable','set_access','reset_credentials')),
    target_username TEXT NOT NULL,
    target_user_id BLOB,
    display_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT '',
    scope_code TEXT,
    permissions TEXT NOT NULL DEFAULT '',
    contact_phone BLOB,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending','applied','rejected','withdrawn','expired')),
    proposed_by BLOB NOT NULL REFERENCES users(id),
    proposed_by_role TEXT NOT NULL,
    proposed_at TEXT NOT NULL,
    decided_by BLOB REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX account_changes_one_pending ON account_changes(target_username) WHERE status = 'pending';
CREATE INDEX account_changes_proposed ON account_changes(proposed_at);

CREATE TABLE enrolments (
    user_id BLOB PRIMARY KEY REFERENCES users(id),
    code_hash BLOB NOT NULL,
    expires_at TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    pending_totp BLOB,
    created_at TEXT NOT NULL
);
