-- Take-up at provincial scale (docs/statistics.md, "Take-up").
--
-- 1. A take-up snapshot is one screening run over the registered population as of a day:
--    every registered person decided with the parameters in force, counted per county and
--    benefit (no personal data: counts and amounts in fen). The staff page reads the latest
--    finished snapshot; a daily job and province staff (on demand, audited) make new ones.
--    At most one run at a time (the partial unique index); a run whose heartbeat stopped
--    (the server died) is marked failed by the next one.
CREATE TABLE takeup_snapshots (
    id BLOB PRIMARY KEY,
    as_of TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running','done','failed')),
    origin TEXT NOT NULL CHECK (origin IN ('daily','staff','cli')),
    requested_by BLOB,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    finished_at TEXT,
    persons INTEGER NOT NULL DEFAULT 0,
    parameters_sha256 TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX takeup_snapshots_one_running ON takeup_snapshots (status) WHERE status = 'running';
CREATE INDEX takeup_snapshots_finished ON takeup_snapshots (status, finished_at);

-- Registered people decided, per county.
CREATE TABLE takeup_snapshot_counties (
    snapshot_id BLOB NOT NULL REFERENCES takeup_snapshots(id) ON DELETE CASCADE,
    county_code TEXT NOT NULL,
    persons INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, county_code)
);

-- Per county and benefit: eligible people and their amounts, of them those paid and what
-- was paid to them.
CREATE TABLE takeup_snapshot_rows (
    snapshot_id BLOB NOT NULL REFERENCES takeup_snapshots(id) ON DELETE CASCADE,
    county_code TEXT NOT NULL,
    benefit TEXT NOT NULL,
    eligible INTEGER NOT NULL,
    eligible_fen INTEGER NOT NULL,
    paid INTEGER NOT NULL,
    paid_fen INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, county_code, benefit)
);

-- 2. The screening reads what was paid to a page of persons at a time.
CREATE INDEX payment_instructions_person ON payment_instructions (person_id, status);
