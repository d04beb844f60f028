#!/usr/bin/env bash
# The setup command: installs what dbadvisor needs, builds the release binary, starts a private
# PostgreSQL 15 (with PgBouncer) on 127.0.0.1 holding a small seeded shop database with real problems,
# runs a demo workload on it, and scans it with dbadvisor as a role with pg_monitor and pg_read_all_data.
# Run it as root on Debian 12 with Swift installed. `scripts/test-servers.sh stop` stops the servers.
set -euo pipefail

cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release
scripts/test-servers.sh start
scripts/workload.sh
eval "$(scripts/test-servers.sh env)"
.build/release/dbadvisor scan "$DBADVISOR_TEST_PG_READER_URL" --explain-top 5 --config Fixtures/postgres/demo.yml
