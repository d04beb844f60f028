-- pg_search_path: puts a schema on search_path for the rest of the current transaction only, so a
-- query can name an extension's view wherever the extension was installed.
-- Reads: nothing. Versions: PostgreSQL 12 and later. Privilege: none.
-- Parameter $1: the search_path, identifiers quoted (quote_ident). Columns: search_path (text).
SELECT pg_catalog.set_config('search_path', $1, true) AS search_path;
