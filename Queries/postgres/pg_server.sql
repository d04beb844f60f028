-- pg_server: the server and database a scan reads, and the window its counters cover.
-- Reads: server_version_num, version(), current_database(), now(), pg_postmaster_start_time(),
--        pg_stat_database.stats_reset of the current database.
-- Versions: PostgreSQL 12 and later. Privilege: none beyond CONNECT.
-- Columns: server_version_num (integer, e.g. 150020), version (text), database_name (text),
--          collected_at_epoch, started_at_epoch, stats_reset_epoch (seconds since 1970-01-01 UTC,
--          fractional; stats_reset_epoch NULL when the database's counters were never reset).
-- Times are epoch seconds, not timestamp text, so no DateStyle or TimeZone setting can change them.
SELECT pg_catalog.current_setting('server_version_num')::integer AS server_version_num,
       pg_catalog.version() AS version,
       pg_catalog.current_database() AS database_name,
       extract(epoch FROM pg_catalog.now()) AS collected_at_epoch,
       extract(epoch FROM pg_catalog.pg_postmaster_start_time()) AS started_at_epoch,
       extract(epoch FROM d.stats_reset) AS stats_reset_epoch
FROM pg_catalog.pg_stat_database AS d
WHERE d.datname = pg_catalog.current_database();
