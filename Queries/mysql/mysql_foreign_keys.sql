-- mysql_foreign_keys: every foreign key of the user schemas, one row per column.
-- Reads: information_schema.KEY_COLUMN_USAGE, information_schema.REFERENTIAL_CONSTRAINTS.
-- Versions: MySQL 8.0/8.4, MariaDB 10.6 and later.
-- Privilege: SHOW VIEW (or any privilege on the tables) to see them in information_schema.
-- Columns: schema_name, table_name, constraint_name, column_name, ordinal_position (1-based),
--          referenced_schema, referenced_table, referenced_column, delete_rule, update_rule
--          ('CASCADE', 'SET NULL', 'RESTRICT', 'NO ACTION', 'SET DEFAULT').
-- Rows come ordered by schema, table, constraint and column position. System schemas are left out.
-- The constant first column marks dbadvisor's own statements in the digest table, which keeps
-- literals out but this alias in, so scans leave themselves out of the statement profile.
SELECT 'dbadvisor' AS dbadvisor_query, k.TABLE_SCHEMA AS schema_name,
       k.TABLE_NAME AS table_name,
       k.CONSTRAINT_NAME AS constraint_name,
       k.COLUMN_NAME AS column_name,
       k.ORDINAL_POSITION AS ordinal_position,
       k.REFERENCED_TABLE_SCHEMA AS referenced_schema,
       k.REFERENCED_TABLE_NAME AS referenced_table,
       k.REFERENCED_COLUMN_NAME AS referenced_column,
       r.DELETE_RULE AS delete_rule,
       r.UPDATE_RULE AS update_rule
FROM information_schema.KEY_COLUMN_USAGE AS k
JOIN information_schema.REFERENTIAL_CONSTRAINTS AS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
 AND r.TABLE_NAME = k.TABLE_NAME
WHERE k.REFERENCED_TABLE_NAME IS NOT NULL
  AND k.TABLE_SCHEMA NOT IN ('mysql', 'sys', 'performance_schema', 'information_schema')
ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION;
