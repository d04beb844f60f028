-- mysql_statement_history_info: whether the statement history is recorded, and how full its ring is.
-- Reads: @@performance_schema, @@performance_schema_events_statements_history_long_size,
-- performance_schema.setup_consumers, the row count of events_statements_history_long.
-- Versions: MySQL 8.0+, MariaDB 10.6+. Privilege: SELECT on performance_schema.
-- The history needs global_instrumentation, thread_instrumentation, events_statements_current and
-- events_statements_history_long: a consumer is only checked when the one above it is enabled.
-- Columns: performance_schema ('1' or '0'), history_size, history_rows (bigint), global_instrumentation,
--   thread_instrumentation, statements_current, statements_history_long ('YES', 'NO', NULL when the
--   consumer is unknown or performance_schema is off).
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT 'dbadvisor' AS dbadvisor_query, @@performance_schema AS performance_schema,
       @@performance_schema_events_statements_history_long_size AS history_size,
       (SELECT COUNT(*) FROM performance_schema.events_statements_history_long) AS history_rows,
       (SELECT ENABLED FROM performance_schema.setup_consumers
         WHERE NAME = 'global_instrumentation') AS global_instrumentation,
       (SELECT ENABLED FROM performance_schema.setup_consumers
         WHERE NAME = 'thread_instrumentation') AS thread_instrumentation,
       (SELECT ENABLED FROM performance_schema.setup_consumers
         WHERE NAME = 'events_statements_current') AS statements_current,
       (SELECT ENABLED FROM performance_schema.setup_consumers
         WHERE NAME = 'events_statements_history_long') AS statements_history_long;
