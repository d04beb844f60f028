-- mysql_statement_samples: real executions (literals kept) of the statements in the history, newest
-- first, for EXPLAINing digests on servers whose digest table keeps no sample (MariaDB has no
-- QUERY_SAMPLE_TEXT).
-- Reads: performance_schema.events_statements_history_long, @@performance_schema_max_sql_text_length
-- (texts of that length may have been cut).
-- Versions: MySQL 8.0+, MariaDB 10.6+. Privilege: SELECT on performance_schema.
-- Columns: digest, sql_text, current_schema (text), text_limit (bigint).
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT 'dbadvisor' AS dbadvisor_query, h.DIGEST AS digest,
       h.SQL_TEXT AS sql_text,
       h.CURRENT_SCHEMA AS current_schema,
       @@performance_schema_max_sql_text_length AS text_limit
  FROM performance_schema.events_statements_history_long AS h
 WHERE h.DIGEST IS NOT NULL AND h.SQL_TEXT IS NOT NULL
 ORDER BY h.TIMER_START DESC;
