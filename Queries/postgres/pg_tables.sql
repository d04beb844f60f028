-- pg_tables: every user table and partitioned table with its size and access counters.
-- Reads: pg_class, pg_namespace, pg_inherits, pg_stat_user_tables, pg_statio_user_tables,
--        pg_relation_size().
-- Versions: PostgreSQL 12 to 15 (16+: pg_tables_v16.sql, which adds last_seq_scan).
-- Privilege: none beyond CONNECT (the heap size takes a brief ACCESS SHARE lock per table, as \d+ does).
-- Columns: schema_name, table_name (text), relkind ("r" table, "p" partitioned), parent_schema,
--          parent_name (text, NULL unless a partition), estimated_rows (reltuples; -1 or NULL when
--          never analyzed), seq_scans, seq_rows_read, index_scans, index_rows_fetched, live_rows,
--          dead_rows, rows_inserted, rows_updated, rows_deleted, rows_hot_updated (bigint),
--          data_bytes (the main fork, measured), table_bytes (main fork + TOAST), index_bytes (bigint;
--          TOAST and indexes from pg_class.relpages, as of their last VACUUM, ANALYZE or CREATE INDEX),
--          blocks_hit, blocks_read (bigint),
--          last_vacuum_epoch, last_autovacuum_epoch, last_analyze_epoch, last_autoanalyze_epoch,
--          last_seq_scan_epoch (seconds since 1970-01-01 UTC; last_seq_scan_epoch always NULL before 16).
-- System schemas (pg_catalog, information_schema, pg_toast*, pg_temp_*) are left out. One pass over
-- pg_class joined to the statistics views. Only the heap is measured with pg_relation_size: measuring
-- every index and TOAST table opens each one (about 30 µs apiece cold, 1 s for 25,000 indexes), so their
-- sizes are the catalog's page counts. The collector adds table_bytes and index_bytes for the total.
SELECT n.nspname AS schema_name,
       c.relname AS table_name,
       c.relkind::text AS relkind,
       parent_namespace.nspname AS parent_schema,
       parent.relname AS parent_name,
       c.reltuples AS estimated_rows,
       t.seq_scan AS seq_scans,
       t.seq_tup_read AS seq_rows_read,
       t.idx_scan AS index_scans,
       t.idx_tup_fetch AS index_rows_fetched,
       t.n_live_tup AS live_rows,
       t.n_dead_tup AS dead_rows,
       t.n_tup_ins AS rows_inserted,
       t.n_tup_upd AS rows_updated,
       t.n_tup_del AS rows_deleted,
       t.n_tup_hot_upd AS rows_hot_updated,
       heap.bytes AS data_bytes,
       heap.bytes + coalesce(toast.relpages, 0)::bigint * block.size AS table_bytes,
       coalesce(idx.pages, 0) * block.size AS index_bytes,
       io.heap_blks_hit AS blocks_hit,
       io.heap_blks_read AS blocks_read,
       extract(epoch FROM t.last_vacuum) AS last_vacuum_epoch,
       extract(epoch FROM t.last_autovacuum) AS last_autovacuum_epoch,
       extract(epoch FROM t.last_analyze) AS last_analyze_epoch,
       extract(epoch FROM t.last_autoanalyze) AS last_autoanalyze_epoch,
       NULL::numeric AS last_seq_scan_epoch
FROM pg_catalog.pg_class AS c
JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
CROSS JOIN (SELECT pg_catalog.current_setting('block_size')::bigint AS size) AS block
CROSS JOIN LATERAL (SELECT pg_catalog.pg_relation_size(c.oid) AS bytes) AS heap
LEFT JOIN pg_catalog.pg_class AS toast ON toast.oid = c.reltoastrelid
LEFT JOIN (
    SELECT x.indrelid, sum(xc.relpages)::bigint AS pages
    FROM pg_catalog.pg_index AS x
    JOIN pg_catalog.pg_class AS xc ON xc.oid = x.indexrelid
    GROUP BY x.indrelid
) AS idx ON idx.indrelid = c.oid
LEFT JOIN pg_catalog.pg_inherits AS i ON c.relispartition AND i.inhrelid = c.oid
LEFT JOIN pg_catalog.pg_class AS parent ON parent.oid = i.inhparent
LEFT JOIN pg_catalog.pg_namespace AS parent_namespace ON parent_namespace.oid = parent.relnamespace
LEFT JOIN pg_catalog.pg_stat_user_tables AS t ON t.relid = c.oid
LEFT JOIN pg_catalog.pg_statio_user_tables AS io ON io.relid = c.oid
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  -- LIKE, not a regular expression: the first regex a backend compiles costs ~0.5 s.
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
ORDER BY n.nspname, c.relname;
