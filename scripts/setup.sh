#!/usr/bin/env bash
# The setup command: installs the build dependencies, builds the release binary and shows it
# explaining one of the plans in Fixtures/ (run it as root on Debian 12 with Swift installed).
set -euo pipefail

cd "$(dirname "$0")/.."

scripts/install-deps.sh
swift build -c release
.build/release/dbadvisor explain Fixtures/postgres/plans/seq_scan_filter.txt
