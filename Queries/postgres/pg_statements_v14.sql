-- pg_statements_v14: statement statistics of the current database, pg_stat_statements 1.9 and 1.10.
-- Reads: pg_stat_statements (total_exec_time, total_plan_time, wal_bytes, blk_read_time, toplevel, …),
--        pg_roles.
-- Versions: extension versions 1.9 and 1.10 (PostgreSQL 14 to 16). Privilege: pg_read_all_stats.
-- Columns: query_id (text, NULL when hidden), query_text (text, "<insufficient privilege>" when
--          hidden), user_name (text), toplevel (boolean), calls (bigint), total_time_ms, min_time_ms,
--          max_time_ms, stddev_time_ms (double precision), rows (bigint), planning_time_ms (NULL unless
--          pg_stat_statements.track_planning is on), shared_blocks_hit, shared_blocks_read,
--          shared_blocks_dirtied, shared_blocks_written, local_blocks_hit, local_blocks_read,
--          temp_blocks_read, temp_blocks_written (bigint), block_read_time_ms, block_write_time_ms
--          (NULL unless track_io_timing is on), wal_bytes (numeric or NULL), statement_count (bigint:
--          entries of this database in all, before the limit, dbadvisor's own left out).
-- Parameter $1: the most statements to return, the most expensive by total time first.
-- Runs with the extension's schema on search_path (set by dbadvisor for the transaction; by hand:
-- SET search_path = <schema>). Other users' statements show "<insufficient privilege>" and a NULL
-- queryid unless the login has pg_read_all_stats (pg_monitor).
SELECT s.queryid::text AS query_id,
       s.query AS query_text,
       r.rolname AS user_name,
       s.toplevel AS toplevel,
       s.calls,
       s.total_exec_time AS total_time_ms,
       s.min_exec_time AS min_time_ms,
       s.max_exec_time AS max_time_ms,
       s.stddev_exec_time AS stddev_time_ms,
       s.rows,
       CASE WHEN pg_catalog.current_setting('pg_stat_statements.track_planning', true) = 'on'
           THEN s.total_plan_time END AS planning_time_ms,
       s.shared_blks_hit AS shared_blocks_hit,
       s.shared_blks_read AS shared_blocks_read,
       s.shared_blks_dirtied AS shared_blocks_dirtied,
       s.shared_blks_written AS shared_blocks_written,
       s.local_blks_hit AS local_blocks_hit,
       s.local_blks_read AS local_blocks_read,
       s.temp_blks_read AS temp_blocks_read,
       s.temp_blks_written AS temp_blocks_written,
       CASE WHEN pg_catalog.current_setting('track_io_timing') = 'on' THEN s.blk_read_time END
           AS block_read_time_ms,
       CASE WHEN pg_catalog.current_setting('track_io_timing') = 'on' THEN s.blk_write_time END
           AS block_write_time_ms,
       s.wal_bytes,
       pg_catalog.count(*) OVER () AS statement_count
FROM pg_stat_statements AS s
LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = s.userid
WHERE s.dbid = (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = pg_catalog.current_database())
  -- dbadvisor's own statements are not the database's load: each carries its mark after the first keyword
  -- (SELECT /* dbadvisor:pg_tables */ …; PostgreSQL 18 drops the leading Queries/ header from the text), and
  -- those of earlier dbadvisor versions start with the header.
  AND s.query NOT LIKE '%/* dbadvisor:%'
  AND s.query NOT LIKE '-- pg\_%'
  -- HypoPG's lookup of a free oid, which its hypothetical indexes (the --explain-top check) run nested.
  AND s.query <> 'SELECT max(oid) FROM pg_catalog.pg_class WHERE oid < $1'
ORDER BY s.total_exec_time DESC
LIMIT $1;
