#!/usr/bin/env bash
# pgbench TPC-B as a DBA would run it first on a new server: `pgbench -i --foreign-keys` (which creates the
# foreign keys without indexes on pgbench_accounts.bid, pgbench_tellers.bid and pgbench_history's columns),
# then a short run of the built-in TPC-B script. Nothing here is tuned for dbadvisor.
#
# usage: scripts/workloads/pgbench.sh POSTGRES_URL [TRANSACTIONS]
#   POSTGRES_URL  an owner of the database, e.g. postgres://owner:pw@127.0.0.1:54329/pgbench
#   TRANSACTIONS  TPC-B transactions per client (default 2000). A count, not `-T SECONDS`: pgbench ends a timed
#                 run on SIGALRM, which a parent that blocks signals (a test runner's threads) never lets through.
# Environment: PGBENCH_BIN (a PostgreSQL bin directory; default DBADVISOR_TEST_PG15_BIN or
# /usr/lib/postgresql/15/bin), PGBENCH_CLIENTS (default 4), PGBENCH_SCALE (default 1).
# PGOPTIONS passes through, e.g. PGOPTIONS='-c log_min_duration_statement=0' to log every statement.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    sed -n 's/^# usage: /usage: /p' "$0" >&2
    exit 2
fi
url=$1
transactions=${2:-2000}
bin=${PGBENCH_BIN:-${DBADVISOR_TEST_PG15_BIN:-/usr/lib/postgresql/15/bin}}
clients=${PGBENCH_CLIENTS:-4}

"$bin/pgbench" -i -q -s "${PGBENCH_SCALE:-1}" --foreign-keys "$url" 2>&1 | grep -v '^[0-9.]* of' >&2 || true
"$bin/pgbench" -n -c "$clients" -j 2 -t "$transactions" "$url"
