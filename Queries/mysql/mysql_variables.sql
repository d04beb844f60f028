-- mysql_variables: the global settings the rules read, as the server prints them (bytes as integers).
-- Reads: SHOW GLOBAL VARIABLES (works with performance_schema off, unlike performance_schema.global_variables).
-- Versions: MySQL 8.0/8.4, MariaDB 10.6 and later; a variable one flavour lacks is simply not returned
--           (max_execution_time is MySQL's, max_statement_time MariaDB's).
-- Privilege: none beyond a login.
-- Columns: Variable_name, Value (text).
SHOW GLOBAL VARIABLES WHERE Variable_name IN (
    'max_connections', 'max_user_connections', 'extra_max_connections', 'thread_handling',
    'tmp_table_size', 'max_heap_table_size', 'sort_buffer_size', 'join_buffer_size',
    'innodb_buffer_pool_size', 'innodb_page_size', 'innodb_log_file_size', 'innodb_redo_log_capacity',
    'innodb_flush_log_at_trx_commit', 'innodb_lock_wait_timeout', 'table_open_cache',
    'performance_schema', 'performance_schema_digests_size',
    'performance_schema_events_statements_history_long_size',
    'performance_schema_events_statements_history_size', 'performance_schema_max_digest_length',
    'long_query_time', 'slow_query_log', 'log_queries_not_using_indexes', 'wait_timeout',
    'interactive_timeout', 'max_execution_time', 'max_statement_time', 'transaction_isolation',
    'tx_isolation', 'version', 'sql_mode');
