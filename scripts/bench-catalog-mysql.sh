#!/usr/bin/env bash
# Builds the catalog the MySQL scan benchmark measures, on the test MariaDB of scripts/test-servers.sh:
# a database `bench_catalog` with 2,000 tables (each with a primary key and an index, every second table
# a second index and a foreign key), then distinct statements until the digest table is full
# (performance_schema_digests_size: every later new statement is counted as lost). The tables are
# created once (a marker table says so). Then: `.build/release/dbadvisor-bench scan-mysql URL`.
#
# Filling the digest table is global: tests that expect their own statements in it fail until it is
# emptied (`TRUNCATE performance_schema.events_statements_summary_by_digest` as root), so run this when
# no tests are running; BENCH_FILL_DIGESTS=0 builds the tables only.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
eval "$("$repository/scripts/test-servers.sh" env)"
# mysql://user:password@host:port/database
credentials=${DBADVISOR_TEST_MYSQL_URL#mysql://}
user=${credentials%%:*}
rest=${credentials#*:}
password=${rest%%@*}
address=${rest#*@}
address=${address%%/*}
host=${address%%:*}
port=${address##*:}
client() { MYSQL_PWD=$password mariadb --no-defaults -h "$host" -P "$port" -u "$user" --batch --skip-column-names "$@"; }

client -e "CREATE DATABASE IF NOT EXISTS bench_catalog"
if [ -z "$(client bench_catalog -e "SHOW TABLES LIKE 'bench_complete'")" ]; then
    echo "bench-catalog-mysql: creating 2,000 tables (a minute or two, once)" >&2
    for i in $(seq 1 2000); do
        echo "CREATE TABLE IF NOT EXISTS t$i (id INT PRIMARY KEY, parent_id INT, a INT, b VARCHAR(40), KEY t${i}_a_idx (a)$(
            if [ $((i % 2)) -eq 0 ]; then
                echo ", KEY t${i}_b_idx (b), CONSTRAINT t${i}_parent_fkey FOREIGN KEY (parent_id) REFERENCES t$((i - 1)) (id)"
            fi)) ENGINE=InnoDB;"
    done | client bench_catalog
    client bench_catalog -e "CREATE TABLE bench_complete (done INT)"
fi
if [ "${BENCH_FILL_DIGESTS:-1}" != 0 ]; then
    size=$(client -e "SELECT @@performance_schema_digests_size")
    echo "bench-catalog-mysql: running distinct statements until the digest table ($size) is full" >&2
    # Each table gives three statement shapes; 2,000 tables give 6,000, more than the default 5,000.
    for i in $(seq 1 2000); do
        echo "SELECT a, b FROM t$i WHERE id = $((i % 97));"
        echo "SELECT COUNT(*) FROM t$i WHERE a > $((i % 13));"
        echo "SELECT id FROM t$i WHERE b = 'x' ORDER BY id LIMIT 3;"
    done | client bench_catalog >/dev/null
fi
echo "${DBADVISOR_TEST_MYSQL_URL%/*}/bench_catalog"
