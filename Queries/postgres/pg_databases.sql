-- pg_databases: the counters of every database on the server (template databases excepted).
-- Reads: pg_stat_database, pg_database, pg_database_size().
-- Versions: PostgreSQL 12 and 13 (14 and later: pg_databases_v14.sql, which adds sessions). Privilege: none beyond CONNECT; the size of a database the login
--          may not connect to needs pg_read_all_stats (pg_monitor) and is NULL without it.
-- Columns: database_name (text), size_bytes (bigint or NULL), blocks_hit, blocks_read, temp_files,
--          temp_bytes, deadlocks, commits, rollbacks (bigint), stats_reset_epoch (seconds since
--          1970-01-01 UTC, NULL when never reset).
-- pg_database_size() adds up the database's files on disk: one directory walk per database, no
-- catalog scan; it is skipped where it would fail for lack of privilege.
SELECT d.datname AS database_name,
       CASE
           WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT')
               OR pg_catalog.pg_has_role('pg_read_all_stats', 'MEMBER')
               THEN pg_catalog.pg_database_size(d.oid)
       END AS size_bytes,
       s.blks_hit AS blocks_hit,
       s.blks_read AS blocks_read,
       s.temp_files,
       s.temp_bytes,
       s.deadlocks,
       s.xact_commit AS commits,
       s.xact_rollback AS rollbacks,
       extract(epoch FROM s.stats_reset) AS stats_reset_epoch
FROM pg_catalog.pg_database AS d
JOIN pg_catalog.pg_stat_database AS s ON s.datid = d.oid
WHERE NOT d.datistemplate
ORDER BY d.datname;
