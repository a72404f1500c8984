-- One line per run with what it read and loaded: the first thing to look at after a scheduled run.
-- data_version: a short fingerprint of the domain data files the run used (equal for runs with identical files);
-- data_files_json has each file's SHA-256 and whether it came from SPACEETL_DATA_DIR.
CREATE OR REPLACE VIEW v_runs AS
SELECT r.run_id, r.status, r.started_at, r.finished_at, date_diff('second', r.started_at, r.finished_at) AS seconds,
       r.files_seen, r.files_unchanged, r.files_deleted, r.records_read, r.articles_loaded, r.duplicates, r.near_duplicates,
       r.quarantined, r.model_name, r.model_version, r.package_version, r.flow_run_id, r.report_path, r.message,
       left(sha256(r.data_files_json), 12) AS data_version, r.data_files_json
FROM runs r
ORDER BY r.started_at DESC;
