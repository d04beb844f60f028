-- pg_planner_defaults: gives back, for the current transaction only, the planner settings dbadvisor's
-- session turned off for its catalog queries (jit, max_parallel_workers_per_gather), so an EXPLAIN of
-- an application's statement plans it as the application's sessions would.
-- Reads: pg_settings (reset_val: the value from the configuration, the role and the database).
-- Versions: PostgreSQL 12 and later. Privilege: none beyond LOGIN.
-- Columns: name, setting (the value now in effect for the transaction).
SELECT s.name, pg_catalog.set_config(s.name, s.reset_val, true) AS setting
FROM pg_catalog.pg_settings AS s
WHERE s.name IN ('jit', 'max_parallel_workers_per_gather');
