#!/usr/bin/env bash
# Runs the demo workload (Fixtures/postgres/workload/*.pgbench) against the test PostgreSQL that
# scripts/test-servers.sh started, after resetting its statistics, so a scan sees real problems:
# a frequent query scanning orders for lack of an index, an N+1 loop of customer lookups, and
# healthy primary-key lookups as a control. pgbench runs the scripts with the extended protocol
# (-M extended), as ORMs do.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
eval "$("$repository/scripts/test-servers.sh" env)"
pgbench=/usr/lib/postgresql/15/bin/pgbench
workload=$repository/Fixtures/postgres/workload

# The owner resets the counters, so the scan's window holds this workload alone.
/usr/lib/postgresql/15/bin/psql -X -q "$DBADVISOR_TEST_PG_URL" \
    -c "SELECT pg_stat_statements_reset(), pg_stat_reset()" >/dev/null

run() {
    local script=$1 transactions=$2
    echo "workload: $script × $transactions" >&2
    "$pgbench" -n -M extended -c 2 -j 1 -t "$transactions" -f "$workload/$script.pgbench" \
        "$DBADVISOR_TEST_PG_URL" >/dev/null
}

run orders_by_status 60
run order_page_n_plus_one 400
run product_lookup 150
