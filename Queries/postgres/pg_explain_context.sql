-- pg_explain_context: what `--explain-top` needs before it EXPLAINs the top statements.
-- Reads: current_database(), pg_settings (track_activity_query_size).
-- Versions: PostgreSQL 12 and later. Privilege: none beyond LOGIN.
-- Columns: database (name: only statements of this database can be EXPLAINed here),
--   track_activity_query_size (integer, bytes: the server cuts statement texts it reports in
--   pg_stat_activity to this length minus one byte, and a cut text must not be EXPLAINed),
--   hypopg (the HypoPG extension's version when it is installed in this database, else NULL: suggested
--   indexes are then checked as hypothetical ones).
SELECT pg_catalog.current_database() AS database,
       (SELECT setting::integer
          FROM pg_catalog.pg_settings
         WHERE name = 'track_activity_query_size') AS track_activity_query_size,
       (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'hypopg') AS hypopg;
