#!/usr/bin/env bash
# Builds the catalog the scan benchmark measures, on the test PostgreSQL of scripts/test-servers.sh:
# a database `bench_catalog` with 10,000 tables (each with a primary key and an index, every second
# table a second index and a foreign key: 25,000 indexes, 5,000 foreign keys), then 5,000 distinct
# statements in pg_stat_statements. The tables are created once (a marker table says so); the
# statements are run again each time, after a reset. Then: `.build/release/dbadvisor-bench scan URL`.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
eval "$("$repository/scripts/test-servers.sh" env)"
psql=/usr/lib/postgresql/15/bin/psql
owner_url=${DBADVISOR_TEST_PG_URL%/*}
bench_url=$owner_url/bench_catalog

if [ -z "$("$psql" -X -Atq "$owner_url/postgres" -c "SELECT 1 FROM pg_database WHERE datname = 'bench_catalog'")" ]; then
    "$psql" -X -q "$owner_url/postgres" -c "CREATE DATABASE bench_catalog"
fi
if [ -z "$("$psql" -X -Atq "$bench_url" -c "SELECT to_regclass('public.bench_complete')")" ]; then
    echo "bench-catalog: creating 10,000 tables and 25,000 indexes (a few minutes, once)" >&2
    "$psql" -X -q -v ON_ERROR_STOP=1 "$bench_url" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE OR REPLACE PROCEDURE make_tables(first integer, last integer) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN first..last LOOP
        -- Resumable: blocks of 500 tables commit together, so an existing table is a complete one.
        CONTINUE WHEN to_regclass(format('t%s', i)) IS NOT NULL;
        EXECUTE format('CREATE TABLE IF NOT EXISTS t%s (id integer PRIMARY KEY, parent_id integer, a integer, b text)', i);
        EXECUTE format('CREATE INDEX IF NOT EXISTS t%s_a_idx ON t%s (a)', i, i);
        IF i % 2 = 0 THEN
            EXECUTE format('CREATE INDEX IF NOT EXISTS t%s_b_idx ON t%s (b)', i, i);
            EXECUTE format('ALTER TABLE t%s ADD CONSTRAINT t%s_parent_fkey FOREIGN KEY (parent_id) REFERENCES t%s (id)', i, i, i - 1);
        END IF;
        IF i % 500 = 0 THEN
            COMMIT;
        END IF;
    END LOOP;
END
$$;
CALL make_tables(1, 10000);
CREATE TABLE bench_complete ();
SQL
fi
echo "bench-catalog: running 5,000 distinct statements" >&2
# Only this database's entries: the tests' statements in other databases stay.
"$psql" -X -q "$bench_url" -c "SELECT pg_stat_statements_reset(0, oid, 0) FROM pg_database WHERE datname = current_database()" >/dev/null
for i in $(seq 1 5000); do
    echo "SELECT a, b FROM t$i WHERE id = $((i % 97));"
done | "$psql" -X -q "$bench_url" >/dev/null
echo "$bench_url"
