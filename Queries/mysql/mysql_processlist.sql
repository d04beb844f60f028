-- mysql_processlist: every client connection with what it runs and its open InnoDB transaction.
-- Reads: information_schema.PROCESSLIST, information_schema.INNODB_TRX.
-- Versions: MySQL 8.0/8.4 (information_schema.PROCESSLIST is deprecated there but still answers), MariaDB
--           10.6 and later.
-- Privilege: PROCESS (without it only the login's own connections are listed, and INNODB_TRX is refused).
-- Columns: thread_id (the processlist id, bigint), user_name, client_host, database_name, command ('Sleep',
--          'Query', …), state (PROCESSLIST STATE: what the thread waits for), seconds_in_state (TIME,
--          bigint), query_text (INFO cut to 300 characters), transaction_seconds (age of the open InnoDB
--          transaction, NULL outside one), transaction_state ('RUNNING', 'LOCK WAIT', …), transaction_id.
-- dbadvisor's own connection, replication and event-scheduler daemons are left out.
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT 'dbadvisor' AS dbadvisor_query, p.ID AS thread_id,
       p.USER AS user_name,
       p.HOST AS client_host,
       p.DB AS database_name,
       p.COMMAND AS command,
       p.STATE AS state,
       p.TIME AS seconds_in_state,
       LEFT(p.INFO, 300) AS query_text,
       UNIX_TIMESTAMP(NOW()) - UNIX_TIMESTAMP(x.trx_started) AS transaction_seconds,
       x.trx_state AS transaction_state,
       x.trx_id AS transaction_id
FROM information_schema.PROCESSLIST AS p
LEFT JOIN information_schema.INNODB_TRX AS x ON x.trx_mysql_thread_id = p.ID
WHERE p.ID <> CONNECTION_ID()
  AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Binlog Dump GTID')
  AND p.USER NOT IN ('system user', 'event_scheduler')
ORDER BY p.ID;
