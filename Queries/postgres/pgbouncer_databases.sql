-- pgbouncer_databases: the databases PgBouncer serves, with each one's effective pool size and mode.
-- Runs on: PgBouncer's admin console (database `pgbouncer`), simple query protocol, header lines left out.
-- Versions: PgBouncer 1.18 and later. Privilege: a login listed in admin_users or stats_users.
-- Columns: (read by name; PgBouncer prints more)
--   name, pool_size, pool_mode (empty when the database uses the global pool_mode).
SHOW DATABASES;
