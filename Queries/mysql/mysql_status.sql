-- mysql_status: the server-wide status counters the rules read (cumulative since the server started).
-- Reads: SHOW GLOBAL STATUS (works with performance_schema off, unlike performance_schema.global_status).
-- Versions: MySQL 8.0/8.4, MariaDB 10.6 and later; a counter one flavour lacks is simply not returned
--           (Innodb_deadlocks is MariaDB's).
-- Privilege: none beyond a login.
-- Columns: Variable_name, Value (text; counters are integers).
SHOW GLOBAL STATUS WHERE Variable_name IN (
    'Uptime', 'Max_used_connections', 'Max_used_connections_time', 'Threads_connected', 'Threads_running',
    'Threads_created', 'Connections', 'Connection_errors_max_connections', 'Connection_errors_internal',
    'Aborted_connects', 'Aborted_clients', 'Created_tmp_disk_tables', 'Created_tmp_tables',
    'Created_tmp_files', 'Sort_merge_passes', 'Select_full_join', 'Select_scan',
    'Innodb_buffer_pool_read_requests', 'Innodb_buffer_pool_reads', 'Innodb_buffer_pool_pages_total',
    'Innodb_buffer_pool_pages_free', 'Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Innodb_deadlocks',
    'Table_locks_waited',
    'Com_commit', 'Com_rollback', 'Performance_schema_digest_lost',
    'Performance_schema_statement_classes_lost', 'Slow_queries', 'Questions');
