-- mysql_digests_v8: statement statistics per normalized statement (digest) and default schema, with
-- a sample of each with its literals.
-- Reads: performance_schema.events_statements_summary_by_digest.
-- Versions: MySQL 8.0/8.4 (QUERY_SAMPLE_TEXT came with 8.0.3; MariaDB has none: mysql_digests.sql).
-- Privilege: SELECT on performance_schema.
-- Columns: schema_name (NULL for statements run without a default database), digest (hex text; NULL
--          for the row that counts what did not fit: performance_schema_digests_size),
--          digest_text (normalized, '?' for literals), calls, total_time_ms, min_time_ms, max_time_ms
--          (timers are picoseconds: divided by 10^9), lock_time_ms, errors, rows_affected, rows_sent,
--          rows_examined, tmp_tables, tmp_disk_tables, sort_merge_passes, full_joins, full_scans
--          (SUM_SELECT_SCAN), no_index_used, no_good_index_used (bigint), first_seen_epoch,
--          last_seen_epoch (seconds since 1970-01-01 UTC), sample_text (QUERY_SAMPLE_TEXT: the
--          execution with the longest wait, literals included),
--          oldest_first_seen_epoch (the oldest FIRST_SEEN of the whole table, system schemas included:
--          the best estimate of when the summary was last truncated).
-- Statements of the system schemas, and monitoring statements that read performance_schema or
-- information_schema or are SHOW commands (dbadvisor's own, other monitors'), are left out. The table
-- is named first (in a WITH) so that this query's own digest text, cut at
-- performance_schema_max_digest_length (1024 by default), still names it and is left out too.
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT * FROM (
    SELECT 'dbadvisor' AS dbadvisor_query, d.SCHEMA_NAME AS schema_name,
           d.DIGEST AS digest,
           d.DIGEST_TEXT AS digest_text,
           d.COUNT_STAR AS calls,
           d.SUM_TIMER_WAIT / 1000000000 AS total_time_ms,
           d.MIN_TIMER_WAIT / 1000000000 AS min_time_ms,
           d.MAX_TIMER_WAIT / 1000000000 AS max_time_ms,
           d.SUM_LOCK_TIME / 1000000000 AS lock_time_ms,
           d.SUM_ERRORS AS errors,
           d.SUM_ROWS_AFFECTED AS rows_affected,
           d.SUM_ROWS_SENT AS rows_sent,
           d.SUM_ROWS_EXAMINED AS rows_examined,
           d.SUM_CREATED_TMP_TABLES AS tmp_tables,
           d.SUM_CREATED_TMP_DISK_TABLES AS tmp_disk_tables,
           d.SUM_SORT_MERGE_PASSES AS sort_merge_passes,
           d.SUM_SELECT_FULL_JOIN AS full_joins,
           d.SUM_SELECT_SCAN AS full_scans,
           d.SUM_NO_INDEX_USED AS no_index_used,
           d.SUM_NO_GOOD_INDEX_USED AS no_good_index_used,
           UNIX_TIMESTAMP(d.FIRST_SEEN) AS first_seen_epoch,
           UNIX_TIMESTAMP(d.LAST_SEEN) AS last_seen_epoch,
           d.QUERY_SAMPLE_TEXT AS sample_text,
           UNIX_TIMESTAMP(oldest.first_seen) AS oldest_first_seen_epoch
    FROM performance_schema.events_statements_summary_by_digest AS d
    -- One aggregate joined to every row: a window function over this table makes MariaDB rescan it
    -- for each row (6 s for a full table of 5,000 digests instead of 30 ms).
    CROSS JOIN (SELECT MIN(FIRST_SEEN) AS first_seen
                FROM performance_schema.events_statements_summary_by_digest) AS oldest
) AS digests
WHERE (schema_name IS NULL
       OR schema_name NOT IN ('mysql', 'sys', 'performance_schema', 'information_schema'))
  AND (digest_text IS NULL
       OR (digest_text NOT LIKE '%performance\_schema%' AND digest_text NOT LIKE '%information\_schema%'
           AND digest_text NOT LIKE 'SHOW %' AND digest_text NOT LIKE '%dbadvisor\_query%'))
ORDER BY total_time_ms DESC;
