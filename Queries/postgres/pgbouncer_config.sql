-- pgbouncer_config: PgBouncer's settings (max_client_conn, default_pool_size, pool_mode, timeouts, …).
-- Runs on: PgBouncer's admin console (database `pgbouncer`), simple query protocol, header lines left out.
-- Versions: PgBouncer 1.18 and later. Privilege: a login listed in admin_users or stats_users.
-- Columns: (read by name; PgBouncer prints more) key, value.
SHOW CONFIG;
