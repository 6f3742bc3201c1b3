-- Employers edit a post instead of closing and re-posting. Each edit keeps what it changed
-- (field, value before, value after), the status before and after re-screening and the
-- screening findings: the post's history.
CREATE TABLE post_revisions (
    id BLOB PRIMARY KEY,
    post_id BLOB NOT NULL REFERENCES job_posts(id),
    -- 1 for the first edit, then 2, … (the order of the history, whatever the clock says).
    revision INTEGER NOT NULL,
    revised_by BLOB,
    revised_at TEXT NOT NULL,
    status_before TEXT NOT NULL,
    status_after TEXT NOT NULL,
    changes TEXT NOT NULL,
    findings TEXT NOT NULL DEFAULT '[]'
);
CREATE UNIQUE INDEX post_revisions_post ON post_revisions(post_id, revision);

-- An employer declines an applicant with a reason the worker sees.
ALTER TABLE applications ADD COLUMN decline_reason TEXT NOT NULL DEFAULT '';
