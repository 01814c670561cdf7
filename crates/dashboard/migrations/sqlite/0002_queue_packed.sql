-- Queued uploads are kept LZ4-compressed in `packed` (and `body` is then ''): writing, flushing and
-- deleting a 180 kB report cost more than compressing it to a tenth.
ALTER TABLE report_queue ADD COLUMN packed BLOB;
