-- pg_statements_extension: whether pg_stat_statements is installed in this database, in which schema
-- and at which version (the version decides the columns of its view).
-- Reads: pg_extension, pg_namespace.
-- Versions: PostgreSQL 12 and later. Privilege: none beyond CONNECT.
-- Columns: extension_version (text, e.g. "1.10"), extension_schema (text), quoted_schema (the schema as
--          an identifier for search_path), quoted_user (the login as an identifier, for GRANT advice).
-- No row: the extension is not installed in this database.
SELECT e.extversion AS extension_version,
       n.nspname AS extension_schema,
       pg_catalog.quote_ident(n.nspname) AS quoted_schema,
       pg_catalog.quote_ident(CURRENT_USER) AS quoted_user
FROM pg_catalog.pg_extension AS e
JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
WHERE e.extname = 'pg_stat_statements';
