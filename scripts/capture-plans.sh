#!/usr/bin/env bash
# Captures the plan fixtures in Fixtures/postgres/plans and Fixtures/mysql/plans from the running
# test servers (scripts/test-servers.sh start). For developers, not CI: plans carry timings, so
# every capture changes the files; re-run it when the seeds or the scenarios below change.
#
# Each scenario is checked for the line that makes it worth having (its symptom); a scenario whose
# symptom did not show is reported and the script exits non-zero, the files written all the same.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
pg_plans=$repository/Fixtures/postgres/plans
mysql_plans=$repository/Fixtures/mysql/plans
eval "$("$repository/scripts/test-servers.sh" env)"

missing_symptoms=()

log() { echo "capture-plans: $*" >&2; }

# Records a scenario whose file lacks the line (an extended regular expression) it is captured for.
expect_symptom() {
    local file=$1 pattern=$2
    if ! grep -Eq -- "$pattern" "$file"; then
        missing_symptoms+=("$(basename "$file"): no line matching /$pattern/")
    fi
}

expect_planning_above_execution() {
    local file=$1
    if ! awk '/Planning Time:/ { planning = $3 } /Execution Time:/ { execution = $3 }
              END { exit !(planning > execution && planning >= 5) }' "$file"; then
        missing_symptoms+=("$(basename "$file"): planning time not above execution time and 5 ms")
    fi
}

# MARK: - PostgreSQL

psql_run() { psql -X -q -v ON_ERROR_STOP=1 "$DBADVISOR_TEST_PG_URL" "$@"; }

# pg_capture NAME SYMPTOM SETUP QUERY [OPTIONS]
# Writes NAME.txt (psql's aligned output with its `QUERY PLAN` header and `(N rows)` footer) and
# NAME.json (the bare JSON document), each from its own fresh session so planning starts cold alike.
# SETUP runs first in the session (SET …; psql -q keeps its command tags out of the output).
# OPTIONS are the EXPLAIN options, "ANALYZE, BUFFERS" unless given; "" means plain EXPLAIN.
pg_capture() {
    local name=$1 symptom=$2 setup=$3 query=$4 options=${5-ANALYZE, BUFFERS}
    local text_options="" json_options="(FORMAT JSON)"
    if [ -n "$options" ]; then
        text_options="($options)"
        json_options="($options, FORMAT JSON)"
    fi
    log "postgres $name"
    printf '%s\nEXPLAIN %s %s;\n' "$setup" "$text_options" "$query" | psql_run >"$pg_plans/$name.txt"
    printf '%s\nEXPLAIN %s %s;\n' "$setup" "$json_options" "$query" | psql_run -A -t >"$pg_plans/$name.json"
    expect_symptom "$pg_plans/$name.txt" "$symptom"
}

capture_postgres() {
    mkdir -p "$pg_plans"
    local serial="SET max_parallel_workers_per_gather = 0;"

    pg_capture seq_scan_filter 'Rows Removed by Filter: [0-9]{6}' "$serial" \
        "SELECT id, customer_id, total FROM orders WHERE status = 'refunded' AND created_at >= '2024-06-01'"

    # city fixes country, but the planner multiplies both selectivities (1/500 × 1/50).
    pg_capture row_misestimate 'Bitmap Heap Scan on customers c .*rows=2 width=.*actual .*rows=[0-9]{2,} ' "" \
        "SELECT c.id, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id
         WHERE c.country = 'AC' AND c.city = 'City 25' GROUP BY c.id"

    pg_capture sort_spill 'Sort Method: external merge +Disk:' "SET work_mem = '1MB';" \
        "SELECT customer_id, total FROM orders ORDER BY total DESC, id"

    pg_capture hash_spill 'Batches: [0-9]*[02-9]' "SET work_mem = '256kB'; $serial" \
        "SELECT c.country, sum(o.total) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.country"

    pg_capture nested_loop_seq_inner 'Materialize .*loops=2000' \
        "SET enable_hashjoin = off; SET enable_mergejoin = off;" \
        "SELECT c.id, p.code FROM customers c JOIN promotions p ON p.country = c.country WHERE c.id <= 2000"

    pg_capture heap_fetches 'Heap Fetches: [1-9][0-9]{2,}' "" \
        "SELECT product_id, quantity FROM warehouse_stock WHERE warehouse_id = 3 ORDER BY quantity LIMIT 1000"

    pg_capture lossy_bitmap 'Heap Blocks: exact=[0-9]+ lossy=[1-9]' "SET work_mem = '64kB';" \
        "SELECT sum(quantity) FROM order_items WHERE product_id BETWEEN 100 AND 250"

    pg_capture workers_not_launched 'Workers Launched: 0' "SET max_parallel_workers = 0;" \
        "SELECT count(*), sum(quantity) FROM order_items WHERE unit_price > 100"

    pg_capture parallel 'Workers Launched: [1-9]' "" \
        "SELECT count(*), sum(quantity) FROM order_items WHERE unit_price > 100"

    # A lookup by a non-partition key: the planner considers all 120 partitions, execution is cheap.
    pg_capture planning_heavy 'Planning Time' "" \
        "SELECT * FROM events WHERE customer_id = 4242"
    expect_planning_above_execution "$pg_plans/planning_heavy.txt"

    pg_capture jit_heavy 'Timing: Generation' \
        "SET jit_above_cost = 0; SET jit_inline_above_cost = 0; SET jit_optimize_above_cost = 0;" \
        "SELECT status, count(*), sum(total) FROM orders WHERE id <= 2000 GROUP BY status"

    pg_capture partitioned_append 'events_2024_12' "$serial" \
        "SELECT id, customer_id FROM events WHERE payload ->> 'path' = '/products/42'"

    pg_capture cte 'CTE Scan on big_spenders' "" \
        "WITH big_spenders AS MATERIALIZED (
             SELECT customer_id, sum(total) AS spent FROM orders GROUP BY customer_id)
         SELECT c.email, b.spent FROM big_spenders b JOIN customers c ON c.id = b.customer_id
         WHERE b.spent > 5000 ORDER BY b.spent DESC LIMIT 20"

    pg_capture initplan_subplan 'SubPlan [0-9]' "" \
        "SELECT o.id, o.total, (SELECT count(*) FROM order_items i WHERE i.order_id = o.id) AS items
         FROM orders o WHERE o.customer_id = 4242 AND o.total > (SELECT avg(price) FROM products)"

    pg_capture healthy_lookup 'Index Scan using orders_pkey' "" \
        "SELECT * FROM orders WHERE id = 12345"

    # Variants of the formats rather than of the symptoms.
    pg_capture plain_explain 'Seq Scan on orders' "$serial" \
        "SELECT id, customer_id, total FROM orders WHERE status = 'refunded' AND created_at >= '2024-06-01'" ""

    pg_capture timing_off 'actual rows=' "" \
        "SELECT c.id, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id
         WHERE c.country = 'AC' AND c.city = 'City 25' GROUP BY c.id" "ANALYZE, BUFFERS, TIMING OFF"

    # EXPLAIN ANALYZE executes the INSERT: in a transaction that is rolled back, so the seed stays.
    pg_capture insert_verbose_settings_wal 'WAL: records=' \
        "BEGIN; SET LOCAL work_mem = '8MB'; SET LOCAL random_page_cost = 1.1;" \
        "INSERT INTO orders (id, customer_id, status, created_at, total)
         SELECT 1000000 + i, 1 + i % 50000, 'pending', timestamptz '2025-01-01 00:00+00', 10
         FROM generate_series(1, 1000) AS i;
         ROLLBACK" "ANALYZE, BUFFERS, VERBOSE, SETTINGS, WAL"

    log "postgres two_plans"
    local first="SELECT * FROM orders WHERE id = 12345"
    local second="SELECT id, email FROM customers WHERE country = 'AC' AND city = 'City 25'"
    printf 'EXPLAIN (ANALYZE, BUFFERS) %s;\nEXPLAIN (ANALYZE, BUFFERS) %s;\n' "$first" "$second" \
        | psql_run >"$pg_plans/two_plans.txt"
    printf 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s;\nEXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s;\n' \
        "$first" "$second" | psql_run -A -t >"$pg_plans/two_plans.json"
    if [ "$(grep -c 'QUERY PLAN' "$pg_plans/two_plans.txt")" -ne 2 ]; then
        missing_symptoms+=("two_plans.txt: not two plans")
    fi
}

# MARK: - MariaDB

mysql_options_file=""

# The owner login from DBADVISOR_TEST_MYSQL_URL as a client option file, so no password is on a
# command line.
mysql_prepare() {
    local pattern='^mysql://([^:]+):([^@]+)@([^:/]+):([0-9]+)/(.+)$'
    [[ $DBADVISOR_TEST_MYSQL_URL =~ $pattern ]] || { log "cannot read $DBADVISOR_TEST_MYSQL_URL"; exit 1; }
    mysql_options_file=$(mktemp)
    trap 'rm -f "$mysql_options_file"' EXIT
    printf '[client]\nuser=%s\npassword=%s\nhost=%s\nport=%s\ndatabase=%s\n' \
        "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}" \
        "${BASH_REMATCH[5]}" >"$mysql_options_file"
}

mariadb_run() { mariadb --defaults-file="$mysql_options_file" "$@"; }

# mysql_capture NAME SYMPTOM QUERY
# NAME.json: EXPLAIN FORMAT=JSON; NAME.analyze.json: ANALYZE FORMAT=JSON (executes the query);
# NAME.table.txt: the client's bordered table (--table); NAME.vertical.txt: the \G form.
# SYMPTOM is looked for in the bordered table.
mysql_capture() {
    local name=$1 symptom=$2 query=$3
    log "mariadb $name"
    mariadb_run -N -B -r -e "EXPLAIN FORMAT=JSON $query" >"$mysql_plans/$name.json"
    mariadb_run -N -B -r -e "ANALYZE FORMAT=JSON $query" >"$mysql_plans/$name.analyze.json"
    mariadb_run --table -e "EXPLAIN $query" >"$mysql_plans/$name.table.txt"
    mariadb_run -e "EXPLAIN $query\\G" >"$mysql_plans/$name.vertical.txt"
    expect_symptom "$mysql_plans/$name.table.txt" "$symptom"
}

capture_mysql() {
    mkdir -p "$mysql_plans"
    mysql_prepare

    mysql_capture full_scan_filter '\| ALL +\|.*Using where' \
        "SELECT id, customer_id, total FROM orders WHERE status = 'refunded' AND created_at >= '2024-06-01'"

    mysql_capture filesort_temporary 'Using temporary; Using filesort' \
        "SELECT status, DATE(created_at) AS day, count(*) AS orders FROM orders
         GROUP BY status, DATE(created_at) ORDER BY orders DESC"

    mysql_capture no_usable_key '\| p +\| ALL +\| NULL' \
        "SELECT c.id, p.code FROM customers c JOIN promotions p ON p.country = c.country WHERE c.city = 'City 25'"

    # The range on customer_id reads every order of 1,000 customers to keep the few above 990.
    mysql_capture rows_examined_ratio '\| range +\|' \
        "SELECT id, total FROM orders WHERE customer_id BETWEEN 1000 AND 2000 AND total > 990"

    mysql_capture healthy_lookup '\| const +\|' \
        "SELECT * FROM orders WHERE id = 12345"
}

capture_postgres
capture_mysql

if [ "${#missing_symptoms[@]}" -gt 0 ]; then
    log "captured, but these symptoms did not show:"
    printf '  %s\n' "${missing_symptoms[@]}" >&2
    exit 1
fi
log "all scenarios captured with their symptoms"
