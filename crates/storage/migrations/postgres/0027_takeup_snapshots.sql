-- Take-up at provincial scale (docs/statistics.md, "Take-up").
--
-- 1. A take-up snapshot is one screening run over the registered population as of a day:
--    every registered person decided with the parameters in force, counted per county and
--    benefit (no personal data: counts and amounts in fen). The staff page reads the latest
--    finished snapshot; a daily job and province staff (on demand, audited) make new ones.
--    At most one run at a time (the partial unique index); a run whose heartbeat stopped
--    (the server died) is marked failed by the next one.
CREATE TABLE takeup_snapshots (
    id UUID PRIMARY KEY,
    as_of DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running','done','failed')),
    origin TEXT NOT NULL CHECK (origin IN ('daily','staff','cli')),
    requested_by UUID,
    started_at TIMESTAMPTZ NOT NULL,
    heartbeat_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    persons BIGINT NOT NULL DEFAULT 0,
    parameters_sha256 TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX takeup_snapshots_one_running ON takeup_snapshots (status) WHERE status = 'running';
CREATE INDEX takeup_snapshots_finished ON takeup_snapshots (status, finished_at);

-- Registered people decided, per county.
CREATE TABLE takeup_snapshot_counties (
    snapshot_id UUID NOT NULL REFERENCES takeup_snapshots(id) ON DELETE CASCADE,
    county_code TEXT NOT NULL,
    persons BIGINT NOT NULL,
    PRIMARY KEY (snapshot_id, county_code)
);

-- Per county and benefit: eligible people and their amounts, of them those paid and what
-- was paid to them.
CREATE TABLE takeup_snapshot_rows (
    snapshot_id UUID NOT NULL REFERENCES takeup_snapshots(id) ON DELETE CASCADE,
    county_code TEXT NOT NULL,
    benefit TEXT NOT NULL,
    eligible BIGINT NOT NULL,
    eligible_fen BIGINT NOT NULL,
    paid BIGINT NOT NULL,
    paid_fen BIGINT NOT NULL,
    PRIMARY KEY (snapshot_id, county_code, benefit)
);

-- 2. The screening reads what was paid to a page of persons at a time.
CREATE INDEX payment_instructions_person ON payment_instructions (person_id, status);
