#!/usr/bin/env bash
# Captures the before/after plan pairs in Fixtures/postgres/compare and Fixtures/mysql/compare from the
# running test servers (scripts/test-servers.sh start), for `dbadvisor explain --compare`. For developers,
# not CI: plans carry timings, so every capture changes the files.
#
# Each pair is one statement planned twice, the second time after one change: an index created in a
# transaction that is rolled back (PostgreSQL), or on a session's temporary copy of the table (MariaDB:
# DDL is not transactional there, and the seed must stay as it was); a setting changed for the session.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
pg_pairs=$repository/Fixtures/postgres/compare
mysql_pairs=$repository/Fixtures/mysql/compare
eval "$("$repository/scripts/test-servers.sh" env)"

log() { echo "capture-compare-plans: $*" >&2; }

psql_run() { psql -X -q -v ON_ERROR_STOP=1 "$DBADVISOR_TEST_PG_URL" "$@"; }

# pg_pair NAME SIDE SETUP QUERY: NAME.SIDE.txt (psql's aligned output) and NAME.SIDE.json, each from a fresh
# session, with SETUP (statements ending in `;`) run first in the transaction that is rolled back.
pg_pair() {
    local name=$1 side=$2 setup=$3 query=$4
    log "postgres $name.$side"
    printf 'BEGIN;\n%s\nEXPLAIN (ANALYZE, BUFFERS) %s;\nROLLBACK;\n' "$setup" "$query" \
        | psql_run >"$pg_pairs/$name.$side.txt"
    printf 'BEGIN;\n%s\nEXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s;\nROLLBACK;\n' "$setup" "$query" \
        | psql_run -A -t >"$pg_pairs/$name.$side.json"
}

# pg_plain NAME SIDE SETUP QUERY: NAME.SIDE.plain.txt, plain EXPLAIN (estimates only) of the same statement.
pg_plain() {
    local name=$1 side=$2 setup=$3 query=$4
    log "postgres $name.$side.plain"
    printf 'BEGIN;\n%s\nEXPLAIN %s;\nROLLBACK;\n' "$setup" "$query" | psql_run >"$pg_pairs/$name.$side.plain.txt"
}

capture_postgres() {
    mkdir -p "$pg_pairs"
    local serial="SET LOCAL max_parallel_workers_per_gather = 0;"
    local filter="SELECT id, customer_id, total FROM orders WHERE status = 'refunded' AND created_at >= '2024-06-01'"
    pg_pair orders_index before "$serial" "$filter"
    local index="CREATE INDEX orders_status_created_at_idx ON orders (status, created_at);"
    pg_pair orders_index after "$serial $index" "$filter"
    pg_plain orders_index before "$serial" "$filter"
    pg_plain orders_index after "$serial $index" "$filter"
    local join="SELECT c.country, sum(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.country"
    pg_pair hash_work_mem before "$serial SET LOCAL work_mem = '256kB';" "$join"
    pg_pair hash_work_mem after "$serial SET LOCAL work_mem = '16MB';" "$join"
    local loop="SELECT c.id, p.code FROM customers c JOIN promotions p ON p.country = c.country WHERE c.id <= 2000"
    pg_pair join_method before "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;" "$loop"
    pg_pair join_method after "" "$loop"
}

# mysql_prepare and mariadb_run.
# shellcheck source=lib/mariadb-client.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/mariadb-client.sh"

# A temporary table named `orders` hides the real one from this session alone, so the index is added to a
# copy nobody else sees; both plans read the copy, so they differ by the index only.
capture_mysql() {
    mkdir -p "$mysql_pairs"
    mysql_prepare
    local copy="CREATE TEMPORARY TABLE orders AS SELECT * FROM shop.orders; ANALYZE TABLE orders PERSISTENT FOR ALL;"
    local filter="SELECT id, customer_id, total FROM orders WHERE status = 'refunded' AND created_at >= '2024-06-01'"
    log "mariadb orders_index"
    mariadb_run -N -B -r -e "$copy ANALYZE FORMAT=JSON $filter;" | grep -v '^shop\.' >"$mysql_pairs/orders_index.before.json"
    mariadb_run -N -B -r -e "$copy ALTER TABLE orders ADD INDEX orders_status_created_at_idx (status, created_at);
        ANALYZE FORMAT=JSON $filter;" | grep -v '^shop\.' >"$mysql_pairs/orders_index.after.json"
}

capture_postgres
capture_mysql
log "captured"
