-- pgbouncer_stats: traffic per database since PgBouncer started, and per-second averages over the last
-- stats_period.
-- Runs on: PgBouncer's admin console (database `pgbouncer`), simple query protocol, header lines left out.
-- Versions: PgBouncer 1.18 and later. Privilege: a login listed in admin_users or stats_users.
-- Columns: (read by name; PgBouncer prints more)
--   database, total_xact_count, total_wait_time (microseconds), avg_xact_count (per second).
SHOW STATS;
