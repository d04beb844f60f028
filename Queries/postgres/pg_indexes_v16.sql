-- pg_indexes_v16: every index on a user table with its definition, columns, constraint, size and usage.
-- Reads: pg_index, pg_class, pg_namespace, pg_am, pg_attribute, pg_constraint, pg_stat_user_indexes
--        (with last_idx_scan), pg_get_indexdef(), pg_get_expr().
-- Versions: PostgreSQL 16 and later (12 to 15: pg_indexes.sql).
-- Privilege: none beyond CONNECT.
-- Columns: schema_name, table_name, index_name, definition (CREATE INDEX built from the catalog: key
--          columns and expressions with non-default collations, operator classes and orderings, INCLUDE,
--          storage parameters, predicate; what pg_get_indexdef prints but the tablespace, without calling
--          it for every index, which costs 1 s per 25,000 indexes), method (pg_am.amname),
--          key_columns, included_columns (JSON arrays of text in index order: a column's name, or an
--          expression key's text such as "lower(email)"), predicate (text or NULL), is_unique,
--          is_primary, is_valid, is_ready (boolean), constraint_name (text or NULL: the primary key,
--          unique or exclusion constraint the index enforces), size_bytes (pg_class.relpages × block size:
--          as of the index's last VACUUM, ANALYZE or CREATE INDEX; measuring every index with
--          pg_relation_size opens each one, 1 s for 25,000), scans, tuples_read,
--          tuples_fetched (bigint; counters NULL for partitioned indexes), last_scan_epoch (seconds since
--          1970-01-01 UTC; always NULL before 16).
-- Partitioned indexes (on a partitioned table) are included beside their partitions' indexes. One pass
-- over pg_index; each key is looked up in pg_attribute by its key, and only expression keys are
-- deparsed with pg_get_indexdef(index, position, true).
SELECT n.nspname AS schema_name,
       t.relname AS table_name,
       ic.relname AS index_name,
       pg_catalog.format(
           'CREATE %sINDEX %I ON %s%I.%I USING %s (%s)%s%s%s',
           CASE WHEN i.indisunique THEN 'UNIQUE ' END, ic.relname,
           CASE WHEN t.relkind = 'p' THEN 'ONLY ' END, n.nspname, t.relname, am.amname, keys.key_definitions,
           ' INCLUDE (' || keys.included_definitions || ')',
           ' WITH (' || pg_catalog.array_to_string(ic.reloptions, ', ') || ')',
           ' WHERE ' || pg_catalog.pg_get_expr(i.indpred, i.indrelid)) AS definition,
       am.amname AS method,
       keys.key_columns,
       keys.included_columns,
       pg_catalog.pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
       i.indisunique AS is_unique,
       i.indisprimary AS is_primary,
       i.indisvalid AS is_valid,
       i.indisready AS is_ready,
       con.conname AS constraint_name,
       ic.relpages::bigint * pg_catalog.current_setting('block_size')::bigint AS size_bytes,
       s.idx_scan AS scans,
       s.idx_tup_read AS tuples_read,
       s.idx_tup_fetch AS tuples_fetched,
       extract(epoch FROM s.last_idx_scan) AS last_scan_epoch
FROM pg_catalog.pg_index AS i
JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class AS t ON t.oid = i.indrelid
JOIN pg_catalog.pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_catalog.pg_am AS am ON am.oid = ic.relam
CROSS JOIN LATERAL (
    SELECT pg_catalog.json_agg(k.name ORDER BY k.position) FILTER (WHERE k.position <= i.indnkeyatts)
               AS key_columns,
           pg_catalog.json_agg(k.name ORDER BY k.position) FILTER (WHERE k.position > i.indnkeyatts)
               AS included_columns,
           pg_catalog.string_agg(k.definition, ', ' ORDER BY k.position) FILTER (WHERE k.position <= i.indnkeyatts)
               AS key_definitions,
           pg_catalog.string_agg(k.definition, ', ' ORDER BY k.position) FILTER (WHERE k.position > i.indnkeyatts)
               AS included_definitions
    FROM (
        SELECT key.position, named.name,
               CASE WHEN key.attnum = 0 THEN '(' || named.name || ')' ELSE pg_catalog.quote_ident(named.name) END
               -- Only what differs from the defaults is printed, as pg_get_indexdef does; looked up by
               -- oid, so each key costs two index probes.
               || coalesce(
                      ' COLLATE ' || (
                          SELECT pg_catalog.quote_ident(coll.collname)
                          FROM pg_catalog.pg_collation AS coll
                          WHERE coll.oid = key.collation_oid AND key.collation_oid <> coalesce(a.attcollation, 0)
                            AND coll.collname <> 'default'),
                      '')
               || coalesce(
                      ' ' || (
                          SELECT pg_catalog.quote_ident(opc.opcname)
                          FROM pg_catalog.pg_opclass AS opc
                          WHERE opc.oid = key.opclass AND NOT opc.opcdefault),
                      '')
               || CASE
                      WHEN key.option & 1 = 1 AND key.option & 2 = 0 THEN ' DESC NULLS LAST'
                      WHEN key.option & 1 = 1 THEN ' DESC'
                      WHEN key.option & 2 = 2 THEN ' NULLS FIRST'
                      ELSE ''
                  END AS definition
        FROM ROWS FROM (
                 pg_catalog.unnest(i.indkey::pg_catalog.int2[]), pg_catalog.unnest(i.indclass::pg_catalog.oid[]),
                 pg_catalog.unnest(i.indcollation::pg_catalog.oid[]), pg_catalog.unnest(i.indoption::pg_catalog.int2[])
             ) WITH ORDINALITY AS key(attnum, opclass, collation_oid, option, position)
        LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = key.attnum
        CROSS JOIN LATERAL (
            SELECT CASE
                       WHEN key.attnum = 0
                           THEN pg_catalog.pg_get_indexdef(i.indexrelid, key.position::integer, true)
                       ELSE a.attname::text
                   END AS name
        ) AS named
    ) AS k
) AS keys
LEFT JOIN pg_catalog.pg_constraint AS con
    ON con.conrelid = i.indrelid AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_stat_user_indexes AS s ON s.indexrelid = i.indexrelid
WHERE t.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  -- LIKE, not a regular expression: the first regex a backend compiles costs ~0.5 s.
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
ORDER BY n.nspname, t.relname, ic.relname;
