-- pg_session_settings: makes dbadvisor's session read-only and bounded in time, and names it.
-- Reads: nothing. Sets, for this session only: default_transaction_read_only = on, statement_timeout,
--        lock_timeout, application_name = 'dbadvisor' (set_config with is_local false, as SET does);
--        jit = off and max_parallel_workers_per_gather = 0: catalog queries over tens of thousands of
--        relations cost enough to trigger JIT compilation and parallel workers, which only add start-up
--        time here and take workers from the application.
-- Versions: PostgreSQL 12 and later. Privilege: none beyond LOGIN.
-- Parameters: $1 statement_timeout and $2 lock_timeout, in milliseconds (as text).
-- Columns: read_only, statement_timeout, lock_timeout, application_name, jit, parallel_workers (the
--          values now in effect).
-- One statement with this header, rather than four SETs, so it never shows up in the statement profile.
SELECT pg_catalog.set_config('default_transaction_read_only', 'on', false) AS read_only,
       pg_catalog.set_config('statement_timeout', $1, false) AS statement_timeout,
       pg_catalog.set_config('lock_timeout', $2, false) AS lock_timeout,
       pg_catalog.set_config('application_name', 'dbadvisor', false) AS application_name,
       pg_catalog.set_config('jit', 'off', false) AS jit,
       pg_catalog.set_config('max_parallel_workers_per_gather', '0', false) AS parallel_workers;
