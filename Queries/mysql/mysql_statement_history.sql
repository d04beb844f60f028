-- mysql_statement_history: the statements each thread ran, in order, for N+1 bursts (the same statement
-- repeated in a row after a parent statement).
-- Reads: performance_schema.events_statements_history_long (a ring of the last
-- performance_schema_events_statements_history_long_size statements of all threads), threads (user,
-- default database) and session_connect_attrs (the client's program_name) of threads still connected.
-- Only top-level statements (nesting level 0: not those run by stored programs), with a digest (not
-- protocol commands such as COM_QUIT), and not dbadvisor's own thread.
-- Versions: MySQL 8.0+, MariaDB 10.6+; needs the consumers events_statements_current and
-- events_statements_history_long enabled. Privilege: SELECT on performance_schema.
-- Times are picoseconds: timer_start since the server started, timer_wait the statement's duration.
-- Columns: thread_id, event_id (bigint), digest, digest_text, sql_text (text), timer_start, timer_wait,
--   rows_sent, rows_examined (bigint), current_schema, user_name, thread_database, program_name (text,
--   NULL when the thread has disconnected or does not say).
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT 'dbadvisor' AS dbadvisor_query, h.THREAD_ID AS thread_id,
       h.EVENT_ID AS event_id,
       h.DIGEST AS digest,
       h.DIGEST_TEXT AS digest_text,
       h.SQL_TEXT AS sql_text,
       h.TIMER_START AS timer_start,
       h.TIMER_WAIT AS timer_wait,
       h.ROWS_SENT AS rows_sent,
       h.ROWS_EXAMINED AS rows_examined,
       h.CURRENT_SCHEMA AS current_schema,
       t.PROCESSLIST_USER AS user_name,
       t.PROCESSLIST_DB AS thread_database,
       a.ATTR_VALUE AS program_name
  FROM performance_schema.events_statements_history_long AS h
  LEFT JOIN performance_schema.threads AS t ON t.THREAD_ID = h.THREAD_ID
  LEFT JOIN performance_schema.session_connect_attrs AS a
         ON a.PROCESSLIST_ID = t.PROCESSLIST_ID AND a.ATTR_NAME = 'program_name'
 WHERE COALESCE(h.NESTING_EVENT_LEVEL, 0) = 0
   AND h.DIGEST IS NOT NULL
   AND NOT (t.PROCESSLIST_ID <=> CONNECTION_ID())
 ORDER BY h.THREAD_ID, h.EVENT_ID;
