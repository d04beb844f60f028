#!/usr/bin/env bash
# The test command (CI runs it through .ci/run): installs what the build and the live tests need,
# starts the private PostgreSQL and MariaDB test servers, builds, runs every test with the servers'
# URLs in the environment, and stops the servers again. Exits with `swift test`'s status.
# CI=true (set by CI, passed through to the tests) turns "server unreachable" from a skip into a failure.
set -euo pipefail

cd "$(dirname "$0")/.."

scripts/install-deps.sh
trap 'scripts/test-servers.sh stop' EXIT
scripts/test-servers.sh start
eval "$(scripts/test-servers.sh env)"

swift build
status=0
# One test at a time: the live suites share one server and reset its statistics, so tests running
# side by side would see each other's workloads (and timing-based plans would feel each other's load).
swift test --no-parallel || status=$?
# Style is part of the contract (STYLE.md §2.13): 4 spaces, 120 columns, the .swift-format rules.
swift format lint --strict --recursive Sources Tests || status=$?
exit "$status"
