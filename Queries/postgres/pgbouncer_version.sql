-- pgbouncer_version: PgBouncer's version, e.g. "PgBouncer 1.18.0".
-- Runs on: PgBouncer's admin console (database `pgbouncer`), simple query protocol, header lines left out.
-- Versions: PgBouncer 1.18 and later. Privilege: a login listed in admin_users or stats_users.
-- Columns: (read by name; PgBouncer prints more) version.
SHOW VERSION;
