-- Annual flexible-employment targets per city and county (五(十二)), set by staff above them.
CREATE TABLE employment_targets (
    year INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    target BIGINT NOT NULL CHECK (target >= 0),
    set_by BLOB,
    set_at TEXT NOT NULL,
    PRIMARY KEY (year, region_code)
);
