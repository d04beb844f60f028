-- pg_server_version: the server's version, for picking versioned queries and plan options.
-- Reads: current_setting('server_version_num'), version().
-- Versions: PostgreSQL 12 and later. Privilege: none beyond LOGIN.
-- Columns: server_version_num (integer, e.g. 150020), version (text).
SELECT current_setting('server_version_num')::integer AS server_version_num,
       pg_catalog.version() AS version;
