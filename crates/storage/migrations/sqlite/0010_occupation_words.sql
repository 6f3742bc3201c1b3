-- New-occupation suggestions (晋政办发〔2020〕89号 四(七)): the words people use for a
-- trade that the catalogue does not hold, collected from posts, imports and worker
-- profiles, one row per (normalised words, county) with a count. Only the words are kept,
-- never who wrote them. County staff decide each row: merge the words into a trade as a
-- synonym (the vocabulary then learns them), propose a new trade for the upward report, or
-- ignore them. Posts also keep the employer's own trade words (`trade_text`).

ALTER TABLE job_posts ADD COLUMN trade_text TEXT;

CREATE TABLE occupation_words (
    id BLOB PRIMARY KEY,
    words TEXT NOT NULL,
    county_code TEXT NOT NULL,
    -- The trade or category the words were read as when first collected.
    guess_code TEXT NOT NULL,
    -- closest | category | unknown
    guess_how TEXT NOT NULL,
    -- post | import | profile: where the words were first seen.
    first_source TEXT NOT NULL,
    seen_count INTEGER NOT NULL DEFAULT 1 CHECK (seen_count > 0),
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','merged','proposed','ignored')),
    -- merged: the trade the words name; proposed: the category of the new trade.
    decided_code TEXT,
    proposed_name TEXT,
    note TEXT NOT NULL DEFAULT '',
    decided_by BLOB,
    decided_by_name TEXT,
    decided_at TEXT,
    UNIQUE (words, county_code)
);
CREATE INDEX occupation_words_county ON occupation_words(county_code, status);
CREATE INDEX occupation_words_merged ON occupation_words(status, words);
