-- Mock import (issue 10): which row each legacy mock record became. Ids are deterministic
-- (UUID v5 of owner, mock file and legacy id), so this map is what lets a later run check
-- references to records imported earlier and lets people trace a row back to its mock.
-- No foreign key: the target may be in any table, and deleting an imported row in the app
-- must not be blocked by its history.
CREATE TABLE legacy_id_map (
    source_file  text        NOT NULL CHECK (length(source_file) BETWEEN 1 AND 200),
    legacy_id    text        NOT NULL CHECK (length(legacy_id) BETWEEN 1 AND 200),
    target_table text        NOT NULL CHECK (target_table ~ '^[a-z_][a-z0-9_]*$'),
    target_id    uuid        NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_file, legacy_id, target_table)
);
CREATE INDEX legacy_id_map_target_idx ON legacy_id_map (target_id);
