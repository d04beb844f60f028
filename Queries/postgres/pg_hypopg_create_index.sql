-- pg_hypopg_create_index: adds a hypothetical index (HypoPG) to this backend, so that EXPLAIN plans with it;
-- nothing is written: the index lives in the backend's memory until pg_hypopg_reset, and works in a
-- read-only transaction and on a standby.
-- Reads: nothing. Needs: the hypopg extension in the database, its functions on the search path.
-- Versions: PostgreSQL 12 and later with HypoPG 1.1 or later. Privilege: none beyond LOGIN.
-- Parameters: $1 the CREATE INDEX statement.
-- Columns: indexrelid (oid), indexname (as plans print it, e.g. <13556>btree_orders_status).
SELECT indexrelid, indexname FROM hypopg_create_index($1);
