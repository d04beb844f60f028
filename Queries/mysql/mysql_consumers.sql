-- mysql_consumers: which performance_schema consumers are enabled (what it records at all).
-- Reads: performance_schema.setup_consumers.
-- Versions: MySQL 8.0/8.4, MariaDB 10.6 and later (empty when performance_schema is off).
-- Privilege: SELECT on performance_schema.
-- Columns: consumer_name (e.g. 'statements_digest', 'events_statements_history_long'), enabled ('YES'/'NO').
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT 'dbadvisor' AS dbadvisor_query, c.NAME AS consumer_name, c.ENABLED AS enabled
FROM performance_schema.setup_consumers AS c
ORDER BY c.NAME;
