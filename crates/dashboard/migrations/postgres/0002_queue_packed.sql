-- Queued uploads are kept LZ4-compressed in `packed` (and `body` is then ''): writing, flushing and
-- deleting a 180 kB report (90 TOAST chunks) cost more than compressing it to a tenth.
ALTER TABLE report_queue ADD COLUMN IF NOT EXISTS packed BYTEA;
-- Already compressed: not worth PostgreSQL's own attempt.
ALTER TABLE report_queue ALTER COLUMN packed SET STORAGE EXTERNAL;
