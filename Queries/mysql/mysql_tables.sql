-- mysql_tables: every base table of the user schemas with its size, row estimate and row counters.
-- Reads: information_schema.TABLES, performance_schema.table_io_waits_summary_by_table and
--        performance_schema.table_io_waits_summary_by_index_usage.
-- Versions: MySQL 8.0/8.4, MariaDB 10.6 and later.
-- Privilege: SHOW VIEW (or any privilege on the tables) to see them in information_schema; SELECT on
--            performance_schema for the counters (NULL without it, or with performance_schema off).
-- Columns: schema_name, table_name, engine, table_rows (InnoDB's estimate), data_bytes, index_bytes,
--          free_bytes (bigint), rows_read_without_index (rows read by full table scans: COUNT_READ of
--          the index-usage row with INDEX_NAME NULL), rows_read_with_index (COUNT_READ over the
--          table's indexes), rows_inserted, rows_updated, rows_deleted (row operations, bigint; all five
--          NULL when performance_schema has no row for the table; a table it counts but never scanned
--          in full has 0 rows read without an index).
-- Counters are cumulative since the server started (or TRUNCATE of the summary tables). System schemas
-- (mysql, sys, performance_schema, information_schema) are left out.
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT 'dbadvisor' AS dbadvisor_query, t.TABLE_SCHEMA AS schema_name,
       t.TABLE_NAME AS table_name,
       t.ENGINE AS engine,
       t.TABLE_ROWS AS table_rows,
       t.DATA_LENGTH AS data_bytes,
       t.INDEX_LENGTH AS index_bytes,
       t.DATA_FREE AS free_bytes,
       CASE WHEN totals.OBJECT_NAME IS NOT NULL THEN COALESCE(io.COUNT_READ, 0) END AS rows_read_without_index,
       CASE WHEN totals.OBJECT_NAME IS NOT NULL THEN COALESCE(by_index.rows_read, 0) END AS rows_read_with_index,
       totals.COUNT_INSERT AS rows_inserted,
       totals.COUNT_UPDATE AS rows_updated,
       totals.COUNT_DELETE AS rows_deleted
FROM information_schema.TABLES AS t
-- Each performance_schema table is read once in a grouped derived table the server materializes and
-- joins on a key it builds: joined directly, a table without an index to look rows up by is scanned
-- once per table of the catalog.
LEFT JOIN (
    SELECT OBJECT_SCHEMA, OBJECT_NAME, SUM(COUNT_INSERT) AS COUNT_INSERT, SUM(COUNT_UPDATE) AS COUNT_UPDATE,
           SUM(COUNT_DELETE) AS COUNT_DELETE
    FROM performance_schema.table_io_waits_summary_by_table
    WHERE OBJECT_TYPE = 'TABLE'
    GROUP BY OBJECT_SCHEMA, OBJECT_NAME
) AS totals ON totals.OBJECT_SCHEMA = t.TABLE_SCHEMA AND totals.OBJECT_NAME = t.TABLE_NAME
LEFT JOIN (
    SELECT OBJECT_SCHEMA, OBJECT_NAME, SUM(COUNT_READ) AS COUNT_READ
    FROM performance_schema.table_io_waits_summary_by_index_usage
    WHERE OBJECT_TYPE = 'TABLE' AND INDEX_NAME IS NULL
    GROUP BY OBJECT_SCHEMA, OBJECT_NAME
) AS io ON io.OBJECT_SCHEMA = t.TABLE_SCHEMA AND io.OBJECT_NAME = t.TABLE_NAME
LEFT JOIN (
    SELECT u.OBJECT_SCHEMA, u.OBJECT_NAME, SUM(u.COUNT_READ) AS rows_read
    FROM performance_schema.table_io_waits_summary_by_index_usage AS u
    WHERE u.OBJECT_TYPE = 'TABLE' AND u.INDEX_NAME IS NOT NULL
    GROUP BY u.OBJECT_SCHEMA, u.OBJECT_NAME
) AS by_index ON by_index.OBJECT_SCHEMA = t.TABLE_SCHEMA AND by_index.OBJECT_NAME = t.TABLE_NAME
WHERE t.TABLE_TYPE = 'BASE TABLE'
  AND t.TABLE_SCHEMA NOT IN ('mysql', 'sys', 'performance_schema', 'information_schema')
ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME;
