-- mysql_lock_waits: which connection waits for a row lock which other connection holds.
-- Reads: information_schema.INNODB_LOCK_WAITS, information_schema.INNODB_TRX.
-- Versions: MariaDB 10.6 and later (MySQL 8 dropped INNODB_LOCK_WAITS: mysql_lock_waits_v8.sql).
-- Privilege: PROCESS.
-- Columns: waiting_thread_id, blocking_thread_id (processlist ids, bigint).
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT DISTINCT 'dbadvisor' AS dbadvisor_query, waiting.trx_mysql_thread_id AS waiting_thread_id,
       blocking.trx_mysql_thread_id AS blocking_thread_id
FROM information_schema.INNODB_LOCK_WAITS AS w
JOIN information_schema.INNODB_TRX AS waiting ON waiting.trx_id = w.requesting_trx_id
JOIN information_schema.INNODB_TRX AS blocking ON blocking.trx_id = w.blocking_trx_id
ORDER BY waiting_thread_id, blocking_thread_id;
