-- pg_hypopg_reset: removes every hypothetical index of this backend (see pg_hypopg_create_index).
-- Reads: nothing. Needs: the hypopg extension. Versions: PostgreSQL 12 and later. Privilege: none beyond LOGIN.
-- Columns: hypopg_reset (void).
SELECT hypopg_reset();
