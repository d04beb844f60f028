-- pg_foreign_keys: every foreign key of a user table, with its columns in key order.
-- Reads: pg_constraint, pg_class, pg_namespace, pg_attribute.
-- Versions: PostgreSQL 12 and later. Privilege: none beyond CONNECT.
-- Columns: schema_name, table_name, constraint_name (text), columns (JSON array of the referencing
--          columns in key order), referenced_schema, referenced_table (text), referenced_columns (JSON
--          array, same order), on_delete, on_update (confdeltype / confupdtype: "a" NO ACTION,
--          "r" RESTRICT, "c" CASCADE, "n" SET NULL, "d" SET DEFAULT).
-- Foreign keys a partitioned table passes down to its partitions are listed once per partition, as
-- each partition needs its own index to check them. Whether an index covers a key is for the rules
-- to decide. A key referencing a partitioned table has a copy per referenced partition on the same
-- table (conparentid pointing to a constraint of the same table): only the original is listed. Each key
-- column is looked up in pg_attribute by its key.
SELECT n.nspname AS schema_name,
       t.relname AS table_name,
       con.conname AS constraint_name,
       (SELECT pg_catalog.json_agg(a.attname ORDER BY k.position)
        FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_catalog.pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
       referenced_namespace.nspname AS referenced_schema,
       referenced.relname AS referenced_table,
       (SELECT pg_catalog.json_agg(a.attname ORDER BY k.position)
        FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_catalog.pg_attribute AS a ON a.attrelid = con.confrelid AND a.attnum = k.attnum)
           AS referenced_columns,
       con.confdeltype::text AS on_delete,
       con.confupdtype::text AS on_update
FROM pg_catalog.pg_constraint AS con
JOIN pg_catalog.pg_class AS t ON t.oid = con.conrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_class AS referenced ON referenced.oid = con.confrelid
JOIN pg_catalog.pg_namespace AS referenced_namespace ON referenced_namespace.oid = referenced.relnamespace
LEFT JOIN pg_catalog.pg_constraint AS parent_constraint ON parent_constraint.oid = con.conparentid
WHERE con.contype = 'f'
  AND parent_constraint.conrelid IS DISTINCT FROM con.conrelid
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  -- LIKE, not a regular expression: the first regex a backend compiles costs ~0.5 s.
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
ORDER BY n.nspname, t.relname, con.conname;
