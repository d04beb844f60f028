-- pg_indexes: every index on a user table with its definition, columns, constraint, size and usage.
-- Reads: pg_index, pg_class, pg_namespace, pg_am, pg_attribute, pg_constraint, pg_stat_user_indexes,
--        pg_get_indexdef(), pg_get_expr(), pg_relation_size().
-- Versions: PostgreSQL 12 to 15 (16+: pg_indexes_v16.sql, which adds last_idx_scan).
-- Privilege: none beyond CONNECT (sizes take a brief ACCESS SHARE lock per index, as \di+ does).
-- Columns: schema_name, table_name, index_name, definition (pg_get_indexdef), method (pg_am.amname),
--          key_columns, included_columns (JSON arrays of text in index order: a column's name, or an
--          expression key's text such as "lower(email)"), predicate (text or NULL), is_unique,
--          is_primary, is_valid, is_ready (boolean), constraint_name (text or NULL: the primary key,
--          unique or exclusion constraint the index enforces), size_bytes, scans, tuples_read,
--          tuples_fetched (bigint; counters NULL for partitioned indexes), last_scan_epoch (seconds since
--          1970-01-01 UTC; always NULL before 16).
-- Partitioned indexes (on a partitioned table) are included beside their partitions' indexes. One pass
-- over pg_index; each key is looked up in pg_attribute by its key, and only expression keys are
-- deparsed with pg_get_indexdef(index, position, true).
SELECT n.nspname AS schema_name,
       t.relname AS table_name,
       ic.relname AS index_name,
       pg_catalog.pg_get_indexdef(i.indexrelid) AS definition,
       am.amname AS method,
       keys.key_columns,
       keys.included_columns,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       i.indisunique AS is_unique,
       i.indisprimary AS is_primary,
       i.indisvalid AS is_valid,
       i.indisready AS is_ready,
       con.conname AS constraint_name,
       pg_catalog.pg_relation_size(i.indexrelid) AS size_bytes,
       s.idx_scan AS scans,
       s.idx_tup_read AS tuples_read,
       s.idx_tup_fetch AS tuples_fetched,
       NULL::numeric AS last_scan_epoch
FROM pg_catalog.pg_index AS i
JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class AS t ON t.oid = i.indrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_am AS am ON am.oid = ic.relam
CROSS JOIN LATERAL (
    SELECT pg_catalog.json_agg(k.name ORDER BY k.position) FILTER (WHERE k.position <= i.indnkeyatts)
               AS key_columns,
           pg_catalog.json_agg(k.name ORDER BY k.position) FILTER (WHERE k.position > i.indnkeyatts)
               AS included_columns
    FROM (
        SELECT key.position,
               CASE
                   WHEN key.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, key.position::integer, true)
                   ELSE a.attname::text
               END AS name
        FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS key(attnum, position)
        LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = key.attnum
    ) AS k
) AS keys
LEFT JOIN pg_catalog.pg_constraint AS con
    ON con.conrelid = i.indrelid AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_stat_user_indexes AS s ON s.indexrelid = i.indexrelid
WHERE t.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
ORDER BY n.nspname, t.relname, ic.relname;
