-- Skills a post asks for (matching and search), the ratings lookup per hire,
-- and the watermark the in-memory worker pool of each server refreshes from.
ALTER TABLE job_posts ADD COLUMN skills TEXT NOT NULL DEFAULT '[]';
CREATE INDEX worker_profiles_updated ON worker_profiles (updated_at, person_id);
CREATE INDEX job_posts_status ON job_posts (status, expires_on);

-- Notices to a worker, an employer or the staff of a county (pay overdue, invitations,
-- and later 免申即享). dedupe_key makes a scheduled job safe to run again.
CREATE TABLE notices (
    id UUID PRIMARY KEY,
    audience TEXT NOT NULL CHECK (audience IN ('worker','employer','staff')),
    person_id UUID,
    employer_id UUID,
    region_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    dedupe_key TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ
);
CREATE INDEX notices_person ON notices (person_id, created_at);
CREATE INDEX notices_employer ON notices (employer_id, created_at);
CREATE INDEX notices_region ON notices (audience, region_code, created_at);
