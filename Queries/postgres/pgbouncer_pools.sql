-- pgbouncer_pools: PgBouncer's pools (one per database and user): clients served and queued, server
-- connections in use, how long the oldest queued client has waited.
-- Runs on: PgBouncer's admin console (database `pgbouncer`), which speaks only the simple query
-- protocol and takes no comments: dbadvisor sends the command below without these header lines.
-- Versions: PgBouncer 1.18 and later (later releases add columns; they are read by name).
-- Privilege: a login listed in admin_users or stats_users.
-- Columns: (read by name; PgBouncer prints more)
--   database, user, cl_active, cl_waiting, sv_active, sv_idle, sv_used, maxwait (seconds),
--   maxwait_us (the microseconds part), pool_mode.
SHOW POOLS;
