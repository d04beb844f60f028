-- pg_settings: the server settings dbadvisor's rules read, as a new session of this login gets them.
-- Reads: pg_settings (name, reset_val, unit) for a fixed list of names plus every
--        pg_stat_statements.* and auto_explain.* setting. Names a server does not know (such as
--        reserved_connections before 16) are simply absent.
-- Versions: PostgreSQL 12 and later. Privilege: none beyond CONNECT (pg_read_all_settings or
--          pg_monitor to see superuser-only values such as shared_preload_libraries' full text).
-- Columns: name (text), value (text: reset_val in the setting's base unit), unit (text or NULL:
--          "8kB", "kB", "MB", "ms", "s", "min", …).
-- reset_val, not setting: dbadvisor's own session sets statement_timeout and others, and the value a
-- fresh session starts with is the one that matters. The collector writes value and unit as SHOW does
-- ("128MB", "4MB", "30s", "-1").
SELECT s.name, s.reset_val AS value, s.unit
FROM pg_catalog.pg_settings AS s
WHERE s.name IN (
          'autovacuum', 'autovacuum_analyze_scale_factor', 'autovacuum_analyze_threshold',
          'autovacuum_max_workers', 'autovacuum_naptime', 'autovacuum_vacuum_cost_limit',
          'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_threshold', 'autovacuum_work_mem',
          'checkpoint_completion_target', 'checkpoint_timeout', 'compute_query_id', 'default_statistics_target',
          'effective_cache_size', 'effective_io_concurrency', 'hash_mem_multiplier', 'huge_pages', 'idle_in_transaction_session_timeout',
          'idle_session_timeout', 'jit', 'jit_above_cost', 'jit_inline_above_cost', 'jit_optimize_above_cost',
          'lock_timeout', 'log_autovacuum_min_duration', 'log_lock_waits', 'log_min_duration_statement',
          'log_temp_files', 'maintenance_work_mem', 'max_connections', 'max_locks_per_transaction',
          'max_parallel_maintenance_workers', 'max_parallel_workers', 'max_parallel_workers_per_gather',
          'max_wal_size', 'max_worker_processes', 'plan_cache_mode', 'random_page_cost', 'reserved_connections',
          'seq_page_cost', 'session_preload_libraries', 'shared_buffers', 'shared_preload_libraries',
          'statement_timeout', 'superuser_reserved_connections', 'temp_buffers', 'temp_file_limit',
          'track_activities', 'track_activity_query_size', 'track_counts', 'track_functions',
          'track_io_timing', 'track_wal_io_timing', 'wal_buffers', 'work_mem')
   OR s.name LIKE 'pg\_stat\_statements.%'
   OR s.name LIKE 'auto\_explain.%'
ORDER BY s.name;
