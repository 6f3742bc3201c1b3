-- Getting in and notifications (issue 16 items 6 and 7): the owner's consent to SMS
-- notices, one-time password-reset codes (stored hashed), and the outbox of SMS messages a
-- background sender delivers with retries (written in the transaction of the notice).

ALTER TABLE users ADD COLUMN sms_consent BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE reset_codes (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    code_hash BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    tries BIGINT NOT NULL DEFAULT 0,
    used_at TIMESTAMPTZ
);
CREATE INDEX reset_codes_user ON reset_codes(user_id, created_at);

CREATE TABLE sms_outbox (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    notice_id UUID NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','sent','dropped')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX sms_outbox_due ON sms_outbox(status, next_attempt_at);
