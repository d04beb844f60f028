-- mysql_prepared_executions: how many server-side prepared statements ran (COM_STMT_EXECUTE) and how long
--   they took, server-wide. MariaDB's statement digests leave these executions out, so the scan says what it
--   cannot see.
-- Reads: performance_schema.events_statements_summary_global_by_event_name (the statement/com/Execute class).
--   The counts run since the server started or the summary was last truncated (TRUNCATE TABLE, or
--   sys.ps_truncate_all_tables), like the digests'. The table does not say which database ran them.
-- Versions: MariaDB 10.6 and later (MySQL counts prepared statements in its digests: not run there).
-- Privilege: SELECT on performance_schema (any login has it).
-- Columns: executions (integer), total_ms (milliseconds, from picoseconds).
-- The constant first column marks dbadvisor's own statements in the digest table.
SELECT 'dbadvisor' AS dbadvisor_query,
    COUNT_STAR AS executions,
    SUM_TIMER_WAIT / 1000000000 AS total_ms
FROM performance_schema.events_statements_summary_global_by_event_name
WHERE EVENT_NAME = 'statement/com/Execute';
