-- pg_statements_info: how complete pg_stat_statements is: entries evicted, and since when it counts.
-- Reads: pg_stat_statements_info (dealloc, stats_reset).
-- Versions: pg_stat_statements 1.9 and later (PostgreSQL 14+). Privilege: pg_read_all_stats.
-- Columns: evictions (bigint: entries dropped to make room since the reset), stats_reset_epoch
--          (seconds since 1970-01-01 UTC).
-- Runs with the extension's schema on search_path, like pg_statements_v*.sql.
SELECT i.dealloc AS evictions,
       extract(epoch FROM i.stats_reset) AS stats_reset_epoch
FROM pg_stat_statements_info AS i;
