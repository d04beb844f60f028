-- mysql_lock_waits_v8: which connection waits for a row lock which other connection holds.
-- Reads: performance_schema.data_lock_waits, information_schema.INNODB_TRX.
-- Versions: MySQL 8.0/8.4 (MariaDB: mysql_lock_waits.sql).
-- Privilege: PROCESS, and SELECT on performance_schema.
-- Columns: waiting_thread_id, blocking_thread_id (processlist ids, bigint).
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT DISTINCT 'dbadvisor' AS dbadvisor_query, waiting.trx_mysql_thread_id AS waiting_thread_id,
       blocking.trx_mysql_thread_id AS blocking_thread_id
FROM performance_schema.data_lock_waits AS w
JOIN information_schema.INNODB_TRX AS waiting ON waiting.trx_id = w.REQUESTING_ENGINE_TRANSACTION_ID
JOIN information_schema.INNODB_TRX AS blocking ON blocking.trx_id = w.BLOCKING_ENGINE_TRANSACTION_ID
ORDER BY waiting_thread_id, blocking_thread_id;
