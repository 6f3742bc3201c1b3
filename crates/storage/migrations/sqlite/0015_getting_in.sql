-- Getting in and notifications (issue 16 items 6 and 7): the owner's consent to SMS
-- notices, one-time password-reset codes (stored hashed), and the outbox of SMS messages a
-- background sender delivers with retries (written in the transaction of the notice).

ALTER TABLE users ADD COLUMN sms_consent INTEGER NOT NULL DEFAULT 0;

CREATE TABLE reset_codes (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id),
    code_hash BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    used_at TEXT
);
CREATE INDEX reset_codes_user ON reset_codes(user_id, created_at);

CREATE TABLE sms_outbox (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id),
    notice_id BLOB NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','sent','dropped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX sms_outbox_due ON sms_outbox(status, next_attempt_at);
