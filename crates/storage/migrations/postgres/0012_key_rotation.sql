-- Progress of a field-key rotation (`linghuo keys rotate`): per sealed column, the last row
-- re-encrypted under the target key version, so an interrupted rotation resumes where it
-- stopped. Written in the same transaction as the rows it covers.
CREATE TABLE key_rotation_progress (
    target_version BIGINT NOT NULL,
    column_name TEXT NOT NULL,
    last_id UUID NOT NULL,
    rows_resealed BIGINT NOT NULL DEFAULT 0,
    finished_at TIMESTAMPTZ,
    PRIMARY KEY (target_version, column_name)
);
