#!/usr/bin/env bash
# sysbench oltp_read_write against MySQL or MariaDB, with sysbench's defaults (server-side prepared
# statements): drops and re-creates its tables, then runs for a few seconds.
#
# usage: scripts/workloads/sysbench.sh MYSQL_URL [SECONDS]
#   MYSQL_URL  a user with ALL PRIVILEGES on the database, e.g. mysql://owner:pw@127.0.0.1:33069/sbtest
#   SECONDS    length of the run (default 10)
# Environment: SYSBENCH_TABLES (default 2), SYSBENCH_ROWS (default 10000), SYSBENCH_THREADS (default 4).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    sed -n 's/^# usage: /usage: /p' "$0" >&2
    exit 2
fi
pattern='^mysql://([^:@/]+)(:([^@/]*))?@([^:/]+)(:([0-9]+))?/([^/?]+)'
if [[ ! $1 =~ $pattern ]]; then
    echo "sysbench.sh: expected mysql://user[:password]@host[:port]/database, got another URL" >&2
    exit 2
fi
options=(
    --db-driver=mysql --mysql-user="${BASH_REMATCH[1]}" --mysql-password="${BASH_REMATCH[3]}"
    --mysql-host="${BASH_REMATCH[4]}" --mysql-port="${BASH_REMATCH[6]:-3306}" --mysql-db="${BASH_REMATCH[7]}"
    --tables="${SYSBENCH_TABLES:-2}" --table-size="${SYSBENCH_ROWS:-10000}"
)
sysbench oltp_read_write "${options[@]}" cleanup >/dev/null
sysbench oltp_read_write "${options[@]}" prepare >/dev/null
sysbench oltp_read_write "${options[@]}" --threads="${SYSBENCH_THREADS:-4}" --time="${2:-10}" run
